// Package spec reads Neurite model files: TOML documents that describe a
// cell (morphology, biophysics per region or section, stimuli, synapses,
// recordings) and how to run it.
//
// Load checks the document against the schema: unknown keys, values of the
// wrong type, missing and out-of-range values are all reported with the
// file and line, every problem at once. Quantities use the units of the
// README's table (ms, mV, µm, nA, µS, S/cm², µF/cm², Ω·cm, °C).
package spec

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"neurite/compartments/nmodl"
	"neurite/sim"
)

// Model is a parsed model file.
type Model struct {
	Name string `toml:"name,omitempty"`
	// Mechanisms lists the model's NMODL (.mod) files, paths or patterns
	// relative to the model file: ["mod/*.mod"].
	Mechanisms []string `toml:"mechanisms,omitempty"`
	// Globals sets the mechanisms' GLOBAL parameters, once for the
	// model: { SK_E2 = { zTau = 1 } }.
	Globals map[string]map[string]float64 `toml:"globals,omitempty"`
	// Channels are channels typed as equations, inserted like the
	// mechanisms of .mod files.
	Channels []Channel `toml:"channel,omitempty"`
	// Mods are the mechanisms the files define and the channels typed as
	// equations, read and checked, in the order of the files and then of
	// the channels.
	Mods           []*nmodl.Mod   `toml:"-"`
	Morphology     Morphology     `toml:"morphology,omitempty"`
	Discretization Discretization `toml:"discretization,omitempty"`
	Biophysics     []Biophysics   `toml:"biophysics,omitempty"`
	IClamps        []IClamp       `toml:"iclamp,omitempty"`
	Synapses       []Synapse      `toml:"synapse,omitempty"`
	Spikes         *Spikes        `toml:"spikes,omitempty"`
	Records        []Record       `toml:"record,omitempty"`
	Snapshots      Snapshots      `toml:"snapshots,omitempty"`
	Run            Run            `toml:"run,omitempty"`
	View           View           `toml:"view,omitempty"`

	source
}

// source is where a model document came from, and what locates its
// problems: cell and network models share it.
type source struct {
	file     string
	keys     *keyIndex
	open     func(name string) (io.ReadCloser, error)
	glob     func(pattern string) ([]string, error)
	dir      string
	embedded bool // read from a file system other than the OS's
	sets     []override
	blame    bool // the sets are being checked: every problem is theirs
	// Notes say what a file the model was made from holds that the model
	// does not run (a NeuroML cell's active channels), for check and run
	// to print; clones and overridden models keep them.
	Notes []string `toml:"-"`
}

// Morphology gives the cell's geometry: an SWC file, a NeuroML 2 cell
// file (its morphology only: the model file gives the biophysics), or
// sections.
type Morphology struct {
	SWC      string    `toml:"swc,omitempty"`     // path relative to the model file
	NeuroML  string    `toml:"neuroml,omitempty"` // path relative to the model file
	Sections []Section `toml:"section,omitempty"`
}

// File is the morphology's file, SWC or NeuroML ("" for sections).
func (mo *Morphology) File() string { return cmp.Or(mo.SWC, mo.NeuroML) }

// Section is one cylinder of a built-in geometry.
type Section struct {
	Name    string   `toml:"name,omitempty"`
	Region  string   `toml:"region,omitempty"` // defaults to the name
	Parent  string   `toml:"parent,omitempty"` // empty for the root (the first section)
	ParentX *float64 `toml:"parent_x,omitempty"`
	Length  float64  `toml:"length,omitempty" unit:"µm"`
	Diam    float64  `toml:"diam,omitempty" unit:"µm"`
}

// Discretization chooses nseg: NEURON's d_lambda rule, or a fixed nseg.
type Discretization struct {
	DLambda   *float64 `toml:"d_lambda,omitempty"`
	Frequency *float64 `toml:"frequency,omitempty" unit:"Hz"`
	Nseg      *int     `toml:"nseg,omitempty"`
}

// Biophysics sets cable properties and mechanisms on the sections Where
// selects. Entries apply in order; later ones override earlier ones.
type Biophysics struct {
	// Where is "all", a region ("soma", "dend", "apic", "axon", ...), a
	// section name ("dend[3]"), or a list of these.
	Where  any      `toml:"where,omitempty"`
	Ra     *float64 `toml:"Ra,omitempty" unit:"Ω·cm"`
	Cm     *float64 `toml:"cm,omitempty" unit:"µF/cm²"`
	Nseg   *int     `toml:"nseg,omitempty"`
	HH     *HH      `toml:"hh,omitempty"`
	Pas    *Pas     `toml:"pas,omitempty"`
	Remove []string `toml:"remove,omitempty"` // mechanisms to take out: "hh", "pas", or a .mod mechanism's name
	// Mechanisms inserts the model's NMODL density mechanisms, each with
	// the RANGE parameters it sets: written as tables under the
	// mechanisms' names, NaTa_t = { gNaTa_tbar = 2.04 }.
	Mechanisms map[string]map[string]float64 `toml:"mechanisms,rest,omitempty"`
	// Ions sets ions in the selected sections, by name: na = { e = 50 }.
	Ions map[string]IonSetting `toml:"ions,omitempty"`
}

// Channel is a channel typed as equations in the lab's expression
// language: gates by alpha and beta (1/ms) or by inf and tau (ms), of v,
// celsius and the parameters; a current (mA/cm², outward positive) of
// those, the gates and the ion's variables (e.g. ek, ki, ko).
type Channel struct {
	Name    string             `toml:"name,omitempty"`
	Ion     string             `toml:"ion,omitempty"` // the ion carried; none: a nonspecific current
	Params  map[string]float64 `toml:"params,omitempty"`
	Gates   map[string]Gate    `toml:"gates,omitempty"`
	Current string             `toml:"current,omitempty"`
}

// Gate is a gate of a channel typed as equations.
type Gate struct {
	Alpha string `toml:"alpha,omitempty"`
	Beta  string `toml:"beta,omitempty"`
	Inf   string `toml:"inf,omitempty"`
	Tau   string `toml:"tau,omitempty"`
}

// IonSetting sets an ion in some sections, as NEURON's ion variables and
// ion_style do: a fixed reversal potential, or initial concentrations
// from which, where a mechanism writes the inner concentration, the
// reversal potential follows by Nernst every step.
type IonSetting struct {
	E  *float64 `toml:"e,omitempty" unit:"mV"`  // the reversal potential (fixed)
	Ci *float64 `toml:"ci,omitempty" unit:"mM"` // the initial inner concentration
	Co *float64 `toml:"co,omitempty" unit:"mM"` // the (initial) outer concentration
	// Nernst computes the reversal potential from the concentrations
	// every step (true), or keeps e fixed (false); by default, Nernst
	// where a mechanism writes the inner concentration, as NEURON.
	Nernst *bool `toml:"nernst,omitempty"`
}

// HH sets hh parameters; absent ones keep their previous (or default) value.
type HH struct {
	GNaBar *float64 `toml:"gnabar,omitempty" unit:"S/cm²"`
	GKBar  *float64 `toml:"gkbar,omitempty" unit:"S/cm²"`
	GL     *float64 `toml:"gl,omitempty" unit:"S/cm²"`
	EL     *float64 `toml:"el,omitempty" unit:"mV"`
	ENa    *float64 `toml:"ena,omitempty" unit:"mV"`
	EK     *float64 `toml:"ek,omitempty" unit:"mV"`
}

// Pas sets the passive leak.
type Pas struct {
	G *float64 `toml:"g,omitempty" unit:"S/cm²"`
	E *float64 `toml:"e,omitempty" unit:"mV"`
}

// IClamp is a current clamp: Amp from Delay for Dur, or to the end of the
// run when Dur is +Inf (dur = inf, or left out: Load sets +Inf).
type IClamp struct {
	Name  string   `toml:"name,omitempty"`
	At    string   `toml:"at,omitempty"` // section(x)
	Delay float64  `toml:"delay,omitempty" unit:"ms"`
	Dur   *float64 `toml:"dur,omitempty" unit:"ms"`
	Amp   *float64 `toml:"amp,omitempty" unit:"nA"`
}

// Synapse is an ExpSyn or Exp2Syn, or a POINT_PROCESS of the model's .mod
// files, driven by explicit event times.
type Synapse struct {
	Name   string    `toml:"name,omitempty"`
	Type   string    `toml:"type,omitempty"` // ExpSyn (default), Exp2Syn or a POINT_PROCESS name
	At     string    `toml:"at,omitempty"`
	Tau    *float64  `toml:"tau,omitempty" unit:"ms"`  // ExpSyn (default 0.1)
	Tau1   *float64  `toml:"tau1,omitempty" unit:"ms"` // Exp2Syn rise (default 0.1)
	Tau2   *float64  `toml:"tau2,omitempty" unit:"ms"` // Exp2Syn decay (default 10)
	E      float64   `toml:"e,omitempty" unit:"mV"`    // default 0
	Weight *float64  `toml:"weight,omitempty" unit:"µS"`
	Events []float64 `toml:"events,omitempty" unit:"ms"`
	// Params sets a POINT_PROCESS's RANGE parameters: { gmax = 0.001 }.
	Params map[string]float64 `toml:"params,omitempty"`
	// NetCons are more event sources onto a POINT_PROCESS besides
	// weight and events, each with its weight and, as NEURON's NetCons,
	// its own copy of NET_RECEIVE's further arguments.
	NetCons []NetCon `toml:"netcon,omitempty"`
}

// NetCon is a source of events onto a POINT_PROCESS synapse: NEURON's
// NetCon with weight[0] = Weight, the event times given.
type NetCon struct {
	Weight *float64  `toml:"weight,omitempty"`
	Events []float64 `toml:"events,omitempty" unit:"ms"`
}

// CableSynapse reports whether the synapse is a built-in ExpSyn or
// Exp2Syn rather than a POINT_PROCESS of the model's .mod files.
func (s *Synapse) CableSynapse() bool {
	return s.Type == "" || s.Type == "ExpSyn" || s.Type == "Exp2Syn"
}

// Spikes configures spike detection.
type Spikes struct {
	At        string   `toml:"at,omitempty"`                  // default: middle of the root section
	Threshold *float64 `toml:"threshold,omitempty" unit:"mV"` // default 0
}

// Record names a recorded quantity.
type Record struct {
	Name string `toml:"name,omitempty"`
	At   string `toml:"at,omitempty"`
	Var  string `toml:"var,omitempty"` // v (default), hh.m, hh.h, hh.n, NAME.i, NAME.g
}

// Snapshots says when a quantity of every segment is recorded: every
// Interval, at each of Times, or both (the union). Times lie within the
// run, on the step grid, in increasing order. Quantity is v (the default)
// or any quantity the heatmap shows: an ion's eca, cai, cao, ica, an
// NMODL mechanism's state or RANGE variable (NaTa_t.m).
type Snapshots struct {
	Interval float64   `toml:"interval,omitempty" unit:"ms"` // 0 takes none
	Times    []float64 `toml:"times,omitempty" unit:"ms"`
	Quantity string    `toml:"quantity,omitempty"`
}

// Run holds the simulation settings.
type Run struct {
	Tstop          *float64 `toml:"tstop,omitempty" unit:"ms"`
	Dt             *float64 `toml:"dt,omitempty" unit:"ms"`              // default 0.025
	Celsius        *float64 `toml:"celsius,omitempty" unit:"°C"`         // default 6.3
	VInit          *float64 `toml:"v_init,omitempty" unit:"mV"`          // default -65
	RecordInterval *float64 `toml:"record_interval,omitempty" unit:"ms"` // default dt
	Method         string   `toml:"method,omitempty"`                    // backward-euler (default) or crank-nicolson
	Backend        string   `toml:"backend,omitempty"`                   // auto (default), cpu or gpu
}

// View is how the explorer shows the cell; saved with a session so that it
// reopens as it was left.
type View struct {
	Azimuth   float64  `toml:"azimuth,omitempty" unit:"degrees"` // about the vertical
	Elevation float64  `toml:"elevation,omitempty" unit:"degrees"`
	Zoom      float64  `toml:"zoom,omitempty"`                             // 1 fits the cell
	VMin      *float64 `toml:"v_min,omitempty" unit:"mV"`                  // the colormap's low end (default -80)
	VMax      *float64 `toml:"v_max,omitempty" unit:"mV"`                  // its high end (default 40)
	Colormap  string   `toml:"colormap,omitempty"`                         // viridis (default) or coolwarm
	Speed     float64  `toml:"speed,omitempty" unit:"model ms per second"` // 0: as fast as possible
}

// Colormaps names the colormaps a view may use.
var Colormaps = []string{"viridis", "coolwarm"}

// MaxNseg is the most segments a section may have: NEURON's limit.
const MaxNseg = 32767

// MaxSteps bounds the time steps of a run, tstop/dt: beyond it the step
// counters and the tables kept per step would overflow, and the run
// would not end in a lifetime anyway.
const MaxSteps = 1e10

// tooManySteps says why a run of tstop ms by steps of dt ms is refused,
// or "".
func tooManySteps(tstop, dt float64) string {
	if !(dt > 0) || math.IsInf(dt, 0) || math.IsInf(tstop, 0) {
		return "" // their own errors say why
	}
	if steps := tstop / dt; steps > MaxSteps {
		return fmt.Sprintf("tstop = %g ms at dt = %g ms is %.3g steps, more than %.0e: shorten tstop or lengthen dt", tstop, dt, steps, float64(MaxSteps))
	}
	return ""
}

// Defaults of the run settings, as NEURON's.
const (
	DefaultDt      = 0.025
	DefaultCelsius = 6.3
	DefaultVInit   = -65.0
)

// Load reads and checks the model file at path, with the settings given
// on the command line (--set, as Override takes them) applied before it
// is checked: a setting may supply what the file lacks (run.tstop).
func Load(file string, sets ...string) (*Model, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(file)
	return parseWith(data, file, osOpener(dir), osGlob(dir), dir, sets)
}

// osOpener opens files by name relative to dir.
func osOpener(dir string) func(name string) (io.ReadCloser, error) {
	return func(name string) (io.ReadCloser, error) {
		if !filepath.IsAbs(name) {
			name = filepath.Join(dir, name)
		}
		return os.Open(name)
	}
}

// LoadFS reads and checks a model file from a file system (such as the
// embedded examples), with settings applied as Load does; files it names
// are looked up beside it.
func LoadFS(fsys fs.FS, file string, sets ...string) (*Model, error) {
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, err
	}
	return parseFS(fsys, data, file, sets)
}

// Parse checks a model document; file names it in errors, open opens the
// files it refers to (relative names are relative to the model file) and
// dir is the directory those names are shown relative to.
func Parse(data []byte, file string, open func(name string) (io.ReadCloser, error), dir string) (*Model, error) {
	return parseWith(data, file, open, osGlob(dir), dir, nil)
}

// osGlob lists the files a pattern matches, relative to dir where the
// pattern is.
func osGlob(dir string) func(pattern string) ([]string, error) {
	return func(pattern string) ([]string, error) {
		if filepath.IsAbs(pattern) {
			return filepath.Glob(pattern)
		}
		names, err := filepath.Glob(filepath.Join(dir, pattern))
		for k, n := range names {
			if rel, err := filepath.Rel(dir, n); err == nil {
				names[k] = rel
			}
		}
		return names, err
	}
}

// ParseFS is Parse for a document whose files are in a file system
// (such as the embedded examples), beside file.
func ParseFS(fsys fs.FS, data []byte, file string) (*Model, error) {
	return parseFS(fsys, data, file, nil)
}

func parseFS(fsys fs.FS, data []byte, file string, sets []string) (*Model, error) {
	dir := path.Dir(file)
	m, err := parseWith(data, file, func(name string) (io.ReadCloser, error) {
		return fsys.Open(path.Join(dir, name))
	}, func(pattern string) ([]string, error) {
		names, err := fs.Glob(fsys, path.Join(dir, pattern))
		for k, n := range names {
			names[k], _ = strings.CutPrefix(n, dir+"/")
		}
		return names, err
	}, dir, sets)
	if m != nil {
		m.embedded = true
	}
	return m, err
}

// parseWith is Parse with glob, which lists the files a pattern of the model
// matches, relative to the model file as open takes them, and the
// settings given on the command line, applied to the document before it
// is checked.
func parseWith(data []byte, file string, open func(name string) (io.ReadCloser, error), glob func(pattern string) ([]string, error), dir string, sets []string) (*Model, error) {
	m := &Model{source: source{file: file, open: open, glob: glob, dir: dir}}
	var tree map[string]any
	if err := toml.Unmarshal(data, &tree); err != nil {
		return nil, m.syntaxError(err)
	}
	keys, err := indexKeys(data)
	if err != nil {
		return nil, sim.FileErrors{{File: file, Msg: err.Error()}}
	}
	m.keys = keys
	applied, errs := applySets(tree, modelType, sets)
	m.sets = applied
	if errs = append(errs, m.load(tree)...); len(errs) > 0 {
		return nil, bySetting(errs, sets)
	}
	return m, nil
}

// load decodes and checks a document's tree, reporting every problem, in
// line order.
func (m *Model) load(tree map[string]any) sim.FileErrors {
	if isNetwork(tree) {
		return sim.FileErrors{m.Errorf([]any{"population", 0}, "this is a network model ([[population]] entries), not a cell model")}
	}
	bad, errs := m.decode(tree)
	errs = append(errs, m.check(bad)...)
	errs.Sort()
	return errs
}

// syntaxError locates an error of TOML syntax.
func (m *source) syntaxError(err error) error {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, _ := de.Position()
		return sim.FileErrors{{File: m.file, Line: line, Msg: syntaxMessage(de.Error())}}
	}
	return sim.FileErrors{{File: m.file, Msg: err.Error()}}
}

// syntaxMessage is go-toml's message, but for numbers it cannot read, which
// it reports in strconv's words (`unable to parse float: strconv.ParseFloat:
// parsing "-1e999": value out of range`).
func syntaxMessage(msg string) string {
	msg = strings.TrimPrefix(msg, "toml: ")
	_, num, ok := strings.Cut(msg, "strconv.")
	if !ok {
		return msg
	}
	_, num, _ = strings.Cut(num, "parsing ")
	num, reason, _ := strings.Cut(num, ": ")
	if num, err := strconv.Unquote(num); err == nil && strings.Contains(reason, "out of range") {
		return fmt.Sprintf("the number %s is out of range", num)
	}
	return fmt.Sprintf("%s is not a number", num)
}

// File returns the name the model was read from.
func (m *source) File() string { return m.file }

// Open opens a file the model refers to, relative to the model file.
func (m *source) Open(name string) (io.ReadCloser, error) { return m.open(name) }

// PathOf returns how a file the model refers to is named in messages.
func (m *source) PathOf(name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(m.dir, name)
}

// Errorf makes an error located at the key with the given path, e.g.
// m.Errorf([]any{"iclamp", 0, "at"}, ...): the command-line setting of the
// key (see Override), or else its line in the file, falling back to the
// nearest enclosing table that the file spells out.
func (m *source) Errorf(key []any, format string, args ...any) *sim.FileError {
	msg := fmt.Sprintf(format, args...)
	if set, ok := m.setAt(key); ok {
		return &sim.FileError{File: set, Msg: msg}
	}
	return &sim.FileError{File: m.file, Line: m.keys.line(key), Msg: msg}
}

// Selectors returns the entry's Where as a list.
func (b *Biophysics) Selectors() ([]string, error) {
	switch w := b.Where.(type) {
	case nil:
		return []string{"all"}, nil
	case string:
		return []string{w}, nil
	case []any:
		if len(w) == 0 {
			return nil, errors.New(`where = [] selects no section: give "all", a region or a section name`)
		}
		out := make([]string, len(w))
		for i, x := range w {
			s, ok := x.(string)
			if !ok {
				return nil, fmt.Errorf("where: element %d is %s, not a string", i+1, formatValue(x))
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, fmt.Errorf("where must be a string or a list of strings, not %s", formatValue(b.Where))
}

// Method names the integration methods.
var Methods = []string{"backward-euler", "crank-nicolson"}

// Backends names the backends.
var Backends = []string{"auto", "cpu", "gpu"}

// DT returns the time step.
func (r *Run) DT() float64 { return orDefault(r.Dt, DefaultDt) }

func ptr(x float64) *float64 { return &x }

func orDefault(p *float64, def float64) float64 {
	if p == nil {
		return def
	}
	return *p
}

// check validates what can be checked without the morphology. Keys in bad
// (or within them) were already reported as being of the wrong kind.
func (m *Model) check(bad [][]any) sim.FileErrors {
	var errs sim.FileErrors
	fail := func(key []any, format string, args ...any) {
		if !slices.ContainsFunc(bad, func(b []any) bool { return isPrefix(b, key) }) {
			errs = append(errs, m.Errorf(key, format, args...))
		}
	}
	positive := func(key []any, p *float64, what string) {
		if p != nil && !(*p > 0 && !math.IsInf(*p, 0)) {
			fail(key, "%s = %v must be positive", what, *p)
		}
	}
	finite := func(key []any, p *float64, what string) {
		if p != nil && (math.IsNaN(*p) || math.IsInf(*p, 0)) {
			fail(key, "%s = %v must be finite", what, *p)
		}
	}
	mo := &m.Morphology
	switch {
	case mo.File() == "" && len(mo.Sections) == 0:
		fail([]any{"morphology"}, "the model has no morphology: give morphology.swc, morphology.neuroml or [[morphology.section]] entries")
	case mo.SWC != "" && mo.NeuroML != "":
		fail([]any{"morphology", "neuroml"}, "give either morphology.swc or morphology.neuroml, not both")
	case mo.File() != "" && len(mo.Sections) > 0:
		fail([]any{"morphology", "section"}, "give either a morphology file or [[morphology.section]] entries, not both")
	}
	for i, s := range mo.Sections {
		k := func(name string) []any { return []any{"morphology", "section", i, name} }
		if s.Name == "" {
			fail(k("name"), "section %d has no name", i+1)
		}
		l, d := s.Length, s.Diam
		positive(k("length"), &l, "length")
		positive(k("diam"), &d, "diam")
		if s.ParentX != nil && !(*s.ParentX >= 0 && *s.ParentX <= 1) {
			fail(k("parent_x"), "parent_x = %v must lie in [0, 1]", *s.ParentX)
		}
	}
	dz := &m.Discretization
	positive([]any{"discretization", "d_lambda"}, dz.DLambda, "d_lambda")
	positive([]any{"discretization", "frequency"}, dz.Frequency, "frequency")
	if dz.Nseg != nil && (*dz.Nseg < 1 || *dz.Nseg > MaxNseg) {
		fail([]any{"discretization", "nseg"}, "nseg = %d must be from 1 to %d, as NEURON's", *dz.Nseg, MaxNseg)
	}
	if dz.Nseg != nil && dz.DLambda != nil {
		fail([]any{"discretization", "nseg"}, "give either nseg or d_lambda, not both")
	}
	for i := range m.Biophysics {
		b := &m.Biophysics[i]
		k := func(name ...any) []any { return append([]any{"biophysics", i}, name...) }
		if _, err := b.Selectors(); err != nil {
			fail(k("where"), "%v", err)
		}
		positive(k("Ra"), b.Ra, "Ra")
		if b.Cm != nil && !(*b.Cm >= 0 && !math.IsInf(*b.Cm, 0)) {
			fail(k("cm"), "cm = %v must not be negative", *b.Cm)
		}
		if b.Nseg != nil && (*b.Nseg < 1 || *b.Nseg > MaxNseg) {
			fail(k("nseg"), "nseg = %d must be from 1 to %d, as NEURON's", *b.Nseg, MaxNseg)
		}
		if h := b.HH; h != nil {
			for _, f := range []struct {
				p    *float64
				name string
			}{{h.GNaBar, "gnabar"}, {h.GKBar, "gkbar"}, {h.GL, "gl"}} {
				if f.p != nil && !(*f.p >= 0 && !math.IsInf(*f.p, 0)) {
					fail(k("hh", f.name), "hh.%s = %v must not be negative", f.name, *f.p)
				}
			}
			finite(k("hh", "el"), h.EL, "hh.el")
			finite(k("hh", "ena"), h.ENa, "hh.ena")
			finite(k("hh", "ek"), h.EK, "hh.ek")
		}
		if p := b.Pas; p != nil {
			if p.G != nil && !(*p.G >= 0 && !math.IsInf(*p.G, 0)) {
				fail(k("pas", "g"), "pas.g = %v must not be negative", *p.G)
			}
			finite(k("pas", "e"), p.E, "pas.e")
		}
		for _, r := range b.Remove {
			if r != "hh" && r != "pas" {
				fail(k("remove"), "remove: unknown mechanism %q (hh, pas)", r)
			}
		}
	}
	names := map[string]string{}
	claim := func(key []any, name, what string) {
		if prev, dup := names[name]; dup {
			fail(key, "%s name %q is already used by a %s", what, name, prev)
		}
		names[name] = what
	}
	for i := range m.IClamps {
		c := &m.IClamps[i]
		k := func(name string) []any { return []any{"iclamp", i, name} }
		if c.Name == "" {
			c.Name = fmt.Sprintf("iclamp%d", i+1)
		}
		claim(k("name"), c.Name, "current clamp")
		if c.At == "" {
			fail(k("at"), "current clamp %s needs a location: at = \"soma[0](0.5)\"", c.Name)
		}
		if c.Amp == nil {
			fail(k("amp"), "current clamp %s needs amp (nA)", c.Name)
		}
		if c.Dur == nil {
			c.Dur = ptr(math.Inf(1)) // on to the end of the run
		} else if !(*c.Dur >= 0) {
			fail(k("dur"), "current clamp %s: dur = %v must not be negative (leave it out for a clamp on to the end of the run)", c.Name, *c.Dur)
		}
		finite(k("amp"), c.Amp, "amp")
		d := c.Delay
		finite(k("delay"), &d, "delay")
	}
	for i := range m.Synapses {
		s := &m.Synapses[i]
		k := func(name string) []any { return []any{"synapse", i, name} }
		if s.Name == "" {
			s.Name = fmt.Sprintf("syn%d", i+1)
		}
		claim(k("name"), s.Name, "synapse")
		if s.Type == "" {
			s.Type = "ExpSyn"
		}
		switch s.Type {
		case "ExpSyn":
			if s.Tau1 != nil || s.Tau2 != nil {
				fail(k("tau1"), "synapse %s: tau1 and tau2 belong to Exp2Syn; ExpSyn has tau", s.Name)
			}
			positive(k("tau"), s.Tau, "tau")
		case "Exp2Syn":
			if s.Tau != nil {
				fail(k("tau"), "synapse %s: tau belongs to ExpSyn; Exp2Syn has tau1 and tau2", s.Name)
			}
			positive(k("tau1"), s.Tau1, "tau1")
			positive(k("tau2"), s.Tau2, "tau2")
			if t1, t2 := orDefault(s.Tau1, 0.1), orDefault(s.Tau2, 10); !(t1 < t2) {
				fail(k("tau2"), "synapse %s: tau1 = %v must be less than tau2 = %v", s.Name, t1, t2)
			}
		default: // a POINT_PROCESS: checked with the mechanisms
			if s.Tau != nil || s.Tau1 != nil || s.Tau2 != nil {
				fail(k("type"), "synapse %s: tau, tau1 and tau2 belong to ExpSyn and Exp2Syn; set %s's parameters in params", s.Name, s.Type)
			}
		}
		if s.CableSynapse() {
			switch {
			case s.Params != nil:
				fail(k("params"), "synapse %s: params belong to a POINT_PROCESS of the model's .mod files; %s has tau and e", s.Name, s.Type)
			case s.NetCons != nil:
				fail(k("netcon"), "synapse %s: several event sources ([[synapse.netcon]]) belong to a POINT_PROCESS of the model's .mod files", s.Name)
			}
		}
		if s.At == "" {
			fail(k("at"), "synapse %s needs a location: at = \"dend[0](0.5)\"", s.Name)
		}
		if s.Weight == nil && (s.CableSynapse() || len(s.Events) > 0) {
			fail(k("weight"), "synapse %s needs weight (µS)", s.Name)
		}
		finite(k("weight"), s.Weight, "weight")
		e := s.E
		finite(k("e"), &e, "e")
		events := func(key []any, ts []float64) {
			for j, t := range ts {
				if !(t >= 0) || math.IsInf(t, 0) {
					fail(key, "synapse %s: event %d at %v ms must be finite and not negative", s.Name, j+1, t)
				}
			}
		}
		events(k("events"), s.Events)
		for j, nc := range s.NetCons {
			key := func(name string) []any { return []any{"synapse", i, "netcon", j, name} }
			if nc.Weight == nil {
				fail(key("weight"), "synapse %s: netcon %d needs weight", s.Name, j+1)
			}
			finite(key("weight"), nc.Weight, "weight")
			events(key("events"), nc.Events)
		}
	}
	if sp := m.Spikes; sp != nil {
		finite([]any{"spikes", "threshold"}, sp.Threshold, "threshold")
	}
	for i := range m.Records {
		r := &m.Records[i]
		if r.At == "" && (r.Var == "" || r.Var == "v" || strings.HasPrefix(r.Var, "hh.")) {
			fail([]any{"record", i, "at"}, "record %d needs a location: at = \"soma[0](0.5)\"", i+1)
		}
		if r.Var == "" {
			r.Var = "v"
		}
		if r.Name == "" {
			r.Name = r.Var
			if r.At != "" {
				r.Name = fmt.Sprintf("%s@%s", r.Var, r.At)
			}
		}
	}
	if iv := m.Snapshots.Interval; iv < 0 || math.IsNaN(iv) || math.IsInf(iv, 0) {
		fail([]any{"snapshots", "interval"}, "snapshots.interval = %v must be positive (or 0 for none)", iv)
	}
	m.checkSnapshotTimes(fail)
	m.checkMechanisms(fail, func(e *sim.FileError) { errs = append(errs, e) })
	r := &m.Run
	if r.Tstop == nil {
		fail([]any{"run", "tstop"}, "run.tstop (ms) is required")
	}
	positive([]any{"run", "tstop"}, r.Tstop, "tstop")
	positive([]any{"run", "dt"}, r.Dt, "dt")
	if r.Tstop != nil {
		if msg := tooManySteps(*r.Tstop, orDefault(r.Dt, DefaultDt)); msg != "" {
			fail([]any{"run", "tstop"}, "%s", msg)
		}
	}
	positive([]any{"run", "record_interval"}, r.RecordInterval, "record_interval")
	finite([]any{"run", "celsius"}, r.Celsius, "celsius")
	if r.Celsius != nil && *r.Celsius < -273.15 {
		fail([]any{"run", "celsius"}, "celsius = %v is below absolute zero", *r.Celsius)
	}
	finite([]any{"run", "v_init"}, r.VInit, "v_init")
	if r.Method == "" {
		r.Method = Methods[0]
	}
	if !slices.Contains(Methods, r.Method) {
		fail([]any{"run", "method"}, "unknown method %q (%s)", r.Method, strings.Join(Methods, ", "))
	}
	if r.Backend == "" {
		r.Backend = Backends[0]
	}
	if !slices.Contains(Backends, r.Backend) {
		fail([]any{"run", "backend"}, "unknown backend %q (%s)", r.Backend, strings.Join(Backends, ", "))
	}
	v := &m.View
	if v.Colormap != "" && !slices.Contains(Colormaps, v.Colormap) {
		fail([]any{"view", "colormap"}, "unknown colormap %q (%s)", v.Colormap, strings.Join(Colormaps, ", "))
	}
	if !(v.Zoom >= 0) || math.IsInf(v.Zoom, 0) {
		fail([]any{"view", "zoom"}, "view.zoom = %v must be finite and not negative", v.Zoom)
	}
	if !(v.Speed >= 0) || math.IsInf(v.Speed, 0) {
		fail([]any{"view", "speed"}, "view.speed = %v must be finite and not negative (0: as fast as possible)", v.Speed)
	}
	finite([]any{"view", "azimuth"}, &v.Azimuth, "view.azimuth")
	finite([]any{"view", "elevation"}, &v.Elevation, "view.elevation")
	if lo, hi := orDefault(v.VMin, -80), orDefault(v.VMax, 40); !(lo < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		fail([]any{"view", "v_max"}, "view.v_min = %v must be below view.v_max = %v, both finite", lo, hi)
	}
	return errs
}

// checkSnapshotTimes checks that the snapshot times lie within the run and
// increase. (That they lie on the step grid is checked with the plan.)
func (m *Model) checkSnapshotTimes(fail func(key []any, format string, args ...any)) {
	tstop := math.Inf(1)
	if p := m.Run.Tstop; p != nil && *p > 0 {
		tstop = *p
	}
	latest := math.Inf(-1)
	for j, t := range m.Snapshots.Times {
		key := []any{"snapshots", "times", j}
		switch {
		case !(t >= 0 && t <= tstop):
			fail(key, "snapshots.times: %v ms lies outside the run (0 to tstop = %v ms)", t, tstop)
		case !(t > latest):
			fail(key, "snapshots.times: %v ms after %v ms: list the times in increasing order, each once", t, latest)
		default:
			latest = t
		}
	}
}

// isPrefix reports whether key lies within (or is) the key prefix.
func isPrefix(prefix, key []any) bool {
	if len(prefix) > len(key) {
		return false
	}
	for i := range prefix {
		if fmt.Sprint(prefix[i]) != fmt.Sprint(key[i]) {
			return false
		}
	}
	return true
}
