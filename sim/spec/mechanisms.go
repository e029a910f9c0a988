package spec

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"neurite/compartments/channel"
	"neurite/compartments/nmodl"
	"neurite/sim"
)

// checkMechanisms reads the model's NMODL files (Mechanisms) into Mods
// and checks every use of them: the mechanisms a biophysics entry
// inserts and the parameters it sets, the globals, the ions. A problem
// in a .mod file is reported at its own file and line (add).
func (m *Model) checkMechanisms(fail func(key []any, format string, args ...any), add func(*sim.FileError)) {
	m.Mods = nil
	byName := map[string]*nmodl.Mod{}
	for k, pattern := range m.Mechanisms {
		key := []any{"mechanisms", k}
		var names []string
		var err error
		if m.glob != nil {
			names, err = m.glob(pattern)
		}
		switch {
		case err != nil:
			fail(key, "mechanisms: %q: %v", pattern, err)
			continue
		case len(names) == 0:
			fail(key, "mechanisms: %q matches no file beside the model (%s)", pattern, m.PathOf(pattern))
			continue
		}
		slices.Sort(names)
		for _, name := range names {
			mod, err := m.readMod(name)
			if err != nil {
				var ne *nmodl.Error
				if errors.As(err, &ne) {
					add(&sim.FileError{File: ne.File, Line: ne.Line, Msg: ne.Msg})
				} else {
					fail(key, "mechanisms: %v", err)
				}
				continue
			}
			if prev := byName[mod.Name]; prev != nil {
				fail(key, "mechanisms: %s and %s both define %s", prev.File, mod.File, mod.Name)
				continue
			}
			byName[mod.Name] = mod
			m.Mods = append(m.Mods, mod)
		}
	}
	for i, ch := range m.Channels {
		mod, err := ch.Mod(m.file)
		if err != nil {
			key := []any{"channel", i}
			msg := err.Error()
			var ce *channel.Error
			if errors.As(err, &ce) {
				for _, k := range ce.Key {
					key = append(key, k)
				}
				msg = strings.Join(append([]string{"channel", ch.Name}, ce.Key...), " ") + ": " + ce.Msg
			}
			fail(key, "%s", msg)
			continue
		}
		for p, x := range ch.Params {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				fail([]any{"channel", i, "params", p}, "channel %s: %s = %v must be finite", ch.Name, p, x)
			}
		}
		if prev := byName[mod.Name]; prev != nil {
			fail([]any{"channel", i, "name"}, "channel %s: %s already defines %s", ch.Name, prev.File, mod.Name)
			continue
		}
		byName[mod.Name] = mod
		m.Mods = append(m.Mods, mod)
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range byName {
			if !yield(n) {
				return
			}
		}
	})
	mechanism := func(key []any, name string) *nmodl.Mod {
		mod := byName[name]
		if mod == nil {
			msg := fmt.Sprintf("no mechanism %s", name)
			if near := Closest(name, slices.Concat(names, []string{"hh", "pas"})); near != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", near)
			} else if len(names) == 0 {
				msg += ": the model lists no mechanism files (mechanisms = [\"mod/*.mod\"])"
			} else {
				msg += fmt.Sprintf(": the model's mechanisms are %s", strings.Join(names, ", "))
			}
			fail(key, "%s", msg)
		}
		return mod
	}
	params := func(key []any, mod *nmodl.Mod, set map[string]float64, global bool) {
		for _, p := range slices.Sorted(func(yield func(string) bool) {
			for n := range set {
				if !yield(n) {
					return
				}
			}
		}) {
			k := append(slices.Clip(key), p)
			if x := set[p]; math.IsNaN(x) || math.IsInf(x, 0) {
				fail(k, "%s.%s = %v must be finite", mod.Name, p, x)
			}
			ok := slices.Contains(Settable(mod, global), p)
			if !ok {
				what := "RANGE"
				if global {
					what = "GLOBAL"
				}
				msg := fmt.Sprintf("%s has no %s parameter %s", mod.Name, what, p)
				if near := Closest(p, Settable(mod, global)); near != "" {
					msg += fmt.Sprintf(" (did you mean %s?)", near)
				} else if other := Settable(mod, !global); slices.Contains(other, p) {
					if global {
						msg += ": it is a RANGE parameter, set per region in [[biophysics]]"
					} else {
						msg += ": it is a GLOBAL parameter, set once in globals"
					}
				} else if s := Settable(mod, global); len(s) > 0 {
					msg += fmt.Sprintf(" (its %s parameters: %s)", what, strings.Join(s, ", "))
				}
				fail(k, "%s", msg)
			}
		}
	}
	for i, b := range m.Biophysics {
		for _, name := range slices.Sorted(func(yield func(string) bool) {
			for n := range b.Mechanisms {
				if !yield(n) {
					return
				}
			}
		}) {
			key := []any{"biophysics", i, name}
			mod := mechanism(key, name)
			if mod == nil {
				continue
			}
			if mod.Kind != nmodl.Density {
				fail(key, "%s is a POINT_PROCESS: place it at a site, not over a region", name)
				continue
			}
			params(key, mod, b.Mechanisms[name], false)
		}
		for j, r := range b.Remove {
			if r != "hh" && r != "pas" && byName[r] == nil {
				mechanism([]any{"biophysics", i, "remove", j}, r)
			}
		}
		for ion, set := range b.Ions {
			key := []any{"biophysics", i, "ions", ion}
			for _, c := range []struct {
				name string
				x    *float64
			}{{"ci", set.Ci}, {"co", set.Co}} {
				if c.x != nil && !(*c.x > 0 && !math.IsInf(*c.x, 0)) {
					fail(append(key, c.name), "ions.%s.%s = %v: a concentration must be positive", ion, c.name, *c.x)
				}
			}
			if set.E != nil && (math.IsNaN(*set.E) || math.IsInf(*set.E, 0)) {
				fail(append(key, "e"), "ions.%s.e = %v must be finite", ion, *set.E)
			}
			if !slices.ContainsFunc(m.Mods, func(mod *nmodl.Mod) bool {
				return slices.ContainsFunc(mod.Ions, func(u *nmodl.Ion) bool { return u.Name == ion })
			}) {
				fail(key, "ions.%s: no mechanism of the model uses the ion %s", ion, ion)
			}
		}
	}
	for i := range m.Synapses {
		s := &m.Synapses[i]
		if s.CableSynapse() {
			continue
		}
		key := []any{"synapse", i, "type"}
		mod := byName[s.Type]
		var points []string
		for _, mod := range m.Mods {
			if mod.Kind == nmodl.PointProcess {
				points = append(points, mod.Name)
			}
		}
		switch {
		case mod == nil:
			msg := fmt.Sprintf("synapse %s: unknown type %q (ExpSyn, Exp2Syn", s.Name, s.Type)
			if len(points) > 0 {
				msg += ", or a POINT_PROCESS of the model's mechanisms: " + strings.Join(points, ", ")
			}
			msg += ")"
			if near := Closest(s.Type, slices.Concat(points, []string{"ExpSyn", "Exp2Syn"})); near != "" {
				msg += fmt.Sprintf("; did you mean %s?", near)
			}
			fail(key, "%s", msg)
			continue
		case mod.Kind != nmodl.PointProcess:
			fail(key, "synapse %s: %s is a density mechanism (SUFFIX): insert it over a region in [[biophysics]], not at a site", s.Name, s.Type)
			continue
		case mod.NetReceive == nil && (len(s.Events) > 0 || len(s.NetCons) > 0):
			fail(key, "synapse %s: %s has no NET_RECEIVE block, so it takes no events", s.Name, s.Type)
		}
		params([]any{"synapse", i, "params"}, mod, s.Params, false)
	}
	for name, set := range m.Globals {
		key := []any{"globals", name}
		if mod := mechanism(key, name); mod != nil {
			params(key, mod, set, true)
		}
	}
}

// readMod reads and checks one NMODL file of the model.
func (m *Model) readMod(name string) (*nmodl.Mod, error) {
	f, err := m.open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	return nmodl.Parse(m.PathOf(name), data)
}

// Settable lists a mechanism's parameters a model sets: its RANGE
// PARAMETERs per region (global false), or its GLOBAL ones once
// (global true; NEURON makes a PARAMETER that is not RANGE GLOBAL). The
// voltage, the temperature and ion variables declared in PARAMETER are
// NEURON's, not the mechanism's.
func Settable(mod *nmodl.Mod, global bool) []string {
	var out []string
	for _, s := range mod.Symbols {
		if s.Kind != nmodl.Parameter || s.Builtin || s.Ion != nil {
			continue
		}
		if (s.Visibility == nmodl.Range) != global {
			out = append(out, s.Name)
		}
	}
	return out
}

// Mod writes the channel as NMODL and reads that into the checked tree
// the .mod files of file's model join (compartments/channel).
func (ch Channel) Mod(file string) (*nmodl.Mod, error) { return channel.Mod(file, ch.Spec()) }

// Spec is the channel as compartments/channel writes it.
func (ch Channel) Spec() channel.Spec {
	return channel.Spec{Name: ch.Name, Ion: ch.Ion, Params: ch.Params, Gates: toGates(ch.Gates), Current: ch.Current}
}

// toGates converts a channel's gates for package channel.
func toGates(gs map[string]Gate) map[string]channel.Gate {
	out := map[string]channel.Gate{}
	for n, g := range gs {
		out[n] = channel.Gate{Alpha: g.Alpha, Beta: g.Beta, Inf: g.Inf, Tau: g.Tau}
	}
	return out
}
