package app

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"neurite/sim/spec"
)

// showItemDialog edits a placed item's settings in a form.
func showItemDialog(ex *Explorer, it spec.Item) {
	m := ex.sess.Model
	at := widget.NewEntry()
	at.SetText(it.At)
	fields := []*widget.FormItem{widget.NewFormItem("at", fit(at, fitLocation))}
	var apply func(m *spec.Model) error
	var form *widget.Form // set below; fields' callbacks refresh it
	switch it.Kind {
	case spec.ElectrodeItem:
		c := findIClamp(m, it.Name)
		amp, delay, dur := numEntry(*c.Amp), numEntry(c.Delay), numEntry(*c.Dur)
		fields = append(fields, widget.NewFormItem("amp (nA)", fit(amp, fitNumber)), widget.NewFormItem("delay (ms)", fit(delay, fitTime)), widget.NewFormItem("dur (ms)", fit(dur, fitTime)))
		apply = func(m *spec.Model) error {
			c := findIClamp(m, it.Name)
			a, err1 := parseNum("amp", amp.Text)
			d, err2 := parseNum("delay", delay.Text)
			u, err3 := parseNum("dur", dur.Text)
			if err := firstErr(err1, err2, err3); err != nil {
				return err
			}
			c.At, c.Amp, c.Delay, c.Dur = at.Text, &a, d, &u
			return nil
		}
	case spec.SynapseItem:
		s := ex.synapse(it.Name)
		if !s.CableSynapse() {
			// A point process of a .mod file: its parameters and
			// NetCons are the file's to edit; here it only moves.
			apply = func(m *spec.Model) error {
				m.SynapseNamed(it.Name).At = at.Text
				return nil
			}
			break
		}
		tau, tau1, tau2 := numEntry(ptrOr(s.Tau, 2)), numEntry(ptrOr(s.Tau1, 0.5)), numEntry(ptrOr(s.Tau2, 4))
		e, weight := numEntry(s.E), numEntry(*s.Weight)
		events := widget.NewEntry()
		events.SetText(joinNums(s.Events))
		// One row of time constants, showing the chosen type's only: an
		// ExpSyn's tau, or an Exp2Syn's rise and decay. Both sets at once
		// read as if all three applied.
		one := fit(tau, fitNumber)
		two := container.NewHBox(fit(tau1, fitNumber), fit(tau2, fitNumber), widget.NewLabel("rise, decay"))
		taus := widget.NewFormItem("", container.NewStack(one, two))
		kind := widget.NewSelect([]string{"ExpSyn", "Exp2Syn"}, func(t string) {
			exp2 := t == "Exp2Syn"
			if exp2 {
				one.Hide()
				two.Show()
			} else {
				one.Show()
				two.Hide()
			}
			taus.Text = synTauLabel(t)
			if form != nil {
				form.Refresh()
			}
		})
		kind.SetSelected(s.Type)
		fields = append(fields, widget.NewFormItem("type", kind), taus,
			widget.NewFormItem("e (mV)", fit(e, fitNumber)), widget.NewFormItem("weight (µS)", fit(weight, fitNumber)), widget.NewFormItem("events (ms)", fit(events, fitEvents)))
		apply = func(m *spec.Model) error {
			s := m.SynapseNamed(it.Name)
			vals := make([]float64, 5)
			var errs []error
			for i, f := range []struct{ name, text string }{{"tau", tau.Text}, {"tau1", tau1.Text}, {"tau2", tau2.Text}, {"e", e.Text}, {"weight", weight.Text}} {
				v, err := parseNum(f.name, f.text)
				vals[i] = v
				errs = append(errs, err)
			}
			ev, err := parseNums(events.Text)
			if err := firstErr(append(errs, err)...); err != nil {
				return err
			}
			s.At, s.Type, s.E, s.Weight, s.Events = at.Text, kind.Selected, vals[3], &vals[4], ev
			s.Tau, s.Tau1, s.Tau2 = nil, nil, nil
			if s.Type == "Exp2Syn" {
				s.Tau1, s.Tau2 = &vals[1], &vals[2]
			} else {
				s.Tau = &vals[0]
			}
			return nil
		}
	case spec.ProbeItem:
		r := findRecord(m, it.Name)
		vars := []string{"v", "hh.m", "hh.h", "hh.n"}
		for _, c := range m.IClamps {
			vars = append(vars, c.Name+".i")
		}
		for _, s := range m.Synapses {
			vars = append(vars, s.Name+".i", s.Name+".g")
		}
		v := widget.NewSelect(vars, nil)
		v.SetSelected(r.Var)
		fields = append(fields, widget.NewFormItem("variable", v))
		apply = func(m *spec.Model) error {
			r := findRecord(m, it.Name)
			r.At, r.Var = at.Text, v.Selected
			return nil
		}
	}
	form = widget.NewForm(fields...)
	dialog.ShowCustomConfirm(fmt.Sprintf("%s %s", it.Kind, it.Name), "Apply", "Cancel", form, func(ok bool) {
		if !ok {
			return
		}
		if _, err := ex.itemMorph().ParseLocation(at.Text); err != nil {
			dialog.ShowError(err, ex.win)
			return
		}
		trial := m.Clone()
		if err := apply(trial); err != nil {
			dialog.ShowError(err, ex.win)
			return
		}
		ex.edit(func(m *spec.Model) { apply(m) }, it.Kind != spec.ProbeItem)
	}, ex.win)
}

// synTauLabel names the row of a synapse type's time constants.
func synTauLabel(typ string) string {
	if typ == "Exp2Syn" {
		return "tau1, tau2 (ms)"
	}
	return "tau (ms)"
}

func numEntry(v float64) *widget.Entry {
	e := widget.NewEntry()
	e.SetText(strconv.FormatFloat(v, 'g', -1, 64))
	return e
}

func ptrOr(p *float64, def float64) float64 {
	if p == nil {
		return def
	}
	return *p
}

func parseNum(field, text string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
	if err != nil || !finite(v) {
		return 0, errNotNumber(field, text)
	}
	return v, nil
}

// parseNums reads a list of times separated by commas or spaces.
func parseNums(text string) ([]float64, error) {
	var out []float64
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		v, err := parseNum("events", f)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func joinNums(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strings.Join(parts, ", ")
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func findIClamp(m *spec.Model, name string) *spec.IClamp {
	for i := range m.IClamps {
		if m.IClamps[i].Name == name {
			return &m.IClamps[i]
		}
	}
	return nil
}

func findRecord(m *spec.Model, name string) *spec.Record {
	for i := range m.Records {
		if m.Records[i].Name == name {
			return &m.Records[i]
		}
	}
	return nil
}

// errNotNumber explains a bad number in a form.
func errNotNumber(field, text string) error {
	return fmt.Errorf("%s: %q is not a number", field, text)
}

// finite reports whether x is a usable number.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
