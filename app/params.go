package app

import (
	"fmt"
	"maps"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"neurite/compartments"
	"neurite/sim/spec"
)

// paramsPanel edits the cable properties and channels of each region and
// the run settings. Changes apply on Restart and can be undone.
type paramsPanel struct {
	ex      *Explorer
	content fyne.CanvasObject
	box     *fyne.Container
	regions []*regionForm
	global  map[string]*widget.Entry
	backend *widget.Select
}

// regionForm holds the entries of one region.
type regionForm struct {
	name            string
	ra, cm          *widget.Entry
	hhOn, pasOn     *widget.Check
	gna, gk, gl, el *widget.Entry
	pasG, pasE      *widget.Entry
	ena, ek         float64 // kept as they were
	before          regionParams
	mechs           []mechEntry // the NMODL mechanisms' RANGE parameters
}

// mechEntry is one RANGE parameter of an NMODL mechanism in a region's
// form: its value in the region's first section, and its entry.
type mechEntry struct {
	mech, param string
	before      float64
	entry       *widget.Entry
}

// regionParams are the effective properties of a region: those of its
// first section.
type regionParams struct {
	Ra, Cm float64
	HH     *compartments.HH
	Pas    *compartments.Pas
	// Mechs are the NMODL mechanisms' parameters changed, by mechanism:
	// only those, so that values that differ between the region's
	// sections stay as they are.
	Mechs map[string]map[string]float64
}

func newParamsPanel(ex *Explorer) *paramsPanel {
	p := &paramsPanel{ex: ex, box: container.NewVBox()}
	apply := widget.NewButton("Apply (takes effect on Restart)", p.apply)
	apply.Importance = widget.HighImportance
	p.content = container.NewBorder(nil, apply, nil, nil, container.NewVScroll(p.box))
	return p
}

// load fills the forms from the session's model and plan.
func (p *paramsPanel) load() {
	s := p.ex.sess
	p.box.RemoveAll()
	p.regions = nil
	cp := &s.Plan.Cells[0]
	run := s.Model.Run
	p.global = map[string]*widget.Entry{
		"tstop (ms)":   numEntry(*run.Tstop),
		"dt (ms)":      numEntry(s.Plan.Dt),
		"celsius (°C)": numEntry(s.Plan.Celsius),
		"d_lambda":     numEntry(ptrOr(s.Model.Discretization.DLambda, compartments.DefaultDLambda)),
	}
	run_ := widget.NewForm()
	for _, k := range []string{"tstop (ms)", "dt (ms)", "celsius (°C)", "d_lambda"} {
		run_.Append(k, p.global[k])
	}
	p.backend = widget.NewSelect(spec.Backends, nil)
	p.backend.SetSelected(s.Model.Run.Backend)
	run_.Append("backend", p.backend)
	// Which backend runs, and why auto chose it: too long for the status bar.
	note := widget.NewLabel(s.Backend)
	note.Wrapping = fyne.TextWrapWord
	run_.Append("", note)
	p.box.Add(widget.NewCard("Run", "", run_))
	for _, region := range cp.Morph.Regions() {
		si := firstSection(cp.Morph, region)
		pr := cp.Props[si]
		f := &regionForm{name: region, ra: numEntry(pr.Ra), cm: numEntry(pr.Cm),
			before: regionParams{Ra: pr.Ra, Cm: pr.Cm, HH: pr.HH, Pas: pr.Pas}}
		hh := compartments.DefaultHH()
		if pr.HH != nil {
			hh = *pr.HH
		}
		pas := compartments.DefaultPas()
		if pr.Pas != nil {
			pas = *pr.Pas
		}
		f.hhOn, f.pasOn = widget.NewCheck("hh", nil), widget.NewCheck("pas", nil)
		f.hhOn.SetChecked(pr.HH != nil)
		f.pasOn.SetChecked(pr.Pas != nil)
		f.gna, f.gk, f.gl, f.el = numEntry(hh.GNaBar), numEntry(hh.GKBar), numEntry(hh.GL), numEntry(hh.EL)
		f.ena, f.ek = hh.ENa, hh.EK
		f.pasG, f.pasE = numEntry(pas.G), numEntry(pas.E)
		form := widget.NewForm(
			widget.NewFormItem("Ra (Ω·cm)", f.ra), widget.NewFormItem("cm (µF/cm²)", f.cm),
			widget.NewFormItem("", f.hhOn),
			widget.NewFormItem("gnabar (S/cm²)", f.gna), widget.NewFormItem("gkbar (S/cm²)", f.gk),
			widget.NewFormItem("gl (S/cm²)", f.gl), widget.NewFormItem("el (mV)", f.el),
			widget.NewFormItem("", f.pasOn),
			widget.NewFormItem("g_pas (S/cm²)", f.pasG), widget.NewFormItem("e_pas (mV)", f.pasE),
		)
		f.addMechanisms(form, s.Plan, pr)
		p.regions = append(p.regions, f)
		p.box.Add(widget.NewCard(region, "", form))
	}
}

// addMechanisms lists the RANGE parameters of the NMODL mechanisms the
// region inserts (in its first section), mechanism by mechanism.
func (f *regionForm) addMechanisms(form *widget.Form, plan *compartments.Plan, pr compartments.SectionProps) {
	for _, name := range slices.Sorted(maps.Keys(pr.Mechs)) {
		m := plan.Mechanism(name)
		if m == nil {
			continue
		}
		form.Append("", widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		for _, v := range m.Params {
			if v.Global {
				continue
			}
			x := v.Default
			if set, ok := pr.Mechs[name][v.Name]; ok {
				x = set
			}
			e := numEntry(x)
			label := v.Name
			if v.Unit != "" {
				label += " (" + v.Unit + ")"
			}
			form.Append(label, e)
			f.mechs = append(f.mechs, mechEntry{mech: name, param: v.Name, before: x, entry: e})
		}
	}
}

func firstSection(m *compartments.Morphology, region string) int {
	for i, s := range m.Sections {
		if s.Region == region {
			return i
		}
	}
	return 0
}

// apply reads every entry and, if all are numbers, changes the model.
func (p *paramsPanel) apply() {
	num := func(name string, e *widget.Entry) (float64, error) { return parseNum(name, e.Text) }
	g := map[string]float64{}
	for k, e := range p.global {
		v, err := num(k, e)
		if err != nil || v <= 0 && k != "celsius (°C)" {
			dialog.ShowError(fmt.Errorf("%s must be a positive number, not %q", k, e.Text), p.ex.win)
			return
		}
		g[k] = v
	}
	type change struct {
		region string
		params regionParams
	}
	var changes []change
	for _, f := range p.regions {
		var vals [8]float64
		for i, e := range []*widget.Entry{f.ra, f.cm, f.gna, f.gk, f.gl, f.el, f.pasG, f.pasE} {
			v, err := num(f.name, e)
			if err != nil {
				dialog.ShowError(fmt.Errorf("%s: %w", f.name, err), p.ex.win)
				return
			}
			vals[i] = v
		}
		rp := regionParams{Ra: vals[0], Cm: vals[1]}
		if f.hhOn.Checked {
			rp.HH = &compartments.HH{GNaBar: vals[2], GKBar: vals[3], GL: vals[4], EL: vals[5], ENa: f.ena, EK: f.ek}
		}
		if f.pasOn.Checked {
			rp.Pas = &compartments.Pas{G: vals[6], E: vals[7]}
		}
		for _, me := range f.mechs {
			v, err := num(f.name+" "+me.mech+"."+me.param, me.entry)
			if err != nil {
				dialog.ShowError(err, p.ex.win)
				return
			}
			if v != me.before {
				if rp.Mechs == nil {
					rp.Mechs = map[string]map[string]float64{}
				}
				if rp.Mechs[me.mech] == nil {
					rp.Mechs[me.mech] = map[string]float64{}
				}
				rp.Mechs[me.mech][me.param] = v
			}
		}
		if !sameParams(rp, f.before) || rp.Mechs != nil {
			changes = append(changes, change{f.name, rp})
		}
	}
	p.ex.edit(func(m *spec.Model) {
		tstop, dt, celsius, dl := g["tstop (ms)"], g["dt (ms)"], g["celsius (°C)"], g["d_lambda"]
		m.Run.Tstop, m.Run.Dt, m.Run.Celsius = &tstop, &dt, &celsius
		m.Run.Backend = p.backend.Selected
		if m.Run.RecordInterval != nil && *m.Run.RecordInterval < dt {
			m.Run.RecordInterval = nil
		}
		if m.Discretization.Nseg == nil {
			m.Discretization.DLambda = &dl
		}
		for _, c := range changes {
			setRegion(m, c.region, c.params)
		}
	}, true)
}

func sameParams(a, b regionParams) bool {
	eqHH := (a.HH == nil) == (b.HH == nil) && (a.HH == nil || *a.HH == *b.HH)
	eqPas := (a.Pas == nil) == (b.Pas == nil) && (a.Pas == nil || *a.Pas == *b.Pas)
	return a.Ra == b.Ra && a.Cm == b.Cm && eqHH && eqPas
}

// setRegion makes a region's properties those given, with a biophysics
// entry for the region at the end of the list (replacing one already
// there, so that repeated edits do not pile up).
func setRegion(m *spec.Model, region string, p regionParams) {
	f := func(x float64) *float64 { return &x }
	b := spec.Biophysics{Where: region, Ra: f(p.Ra), Cm: f(p.Cm), Mechanisms: p.Mechs}
	if h := p.HH; h != nil {
		b.HH = &spec.HH{GNaBar: f(h.GNaBar), GKBar: f(h.GKBar), GL: f(h.GL), EL: f(h.EL), ENa: f(h.ENa), EK: f(h.EK)}
	} else {
		b.Remove = append(b.Remove, "hh")
	}
	if ps := p.Pas; ps != nil {
		b.Pas = &spec.Pas{G: f(ps.G), E: f(ps.E)}
	} else {
		b.Remove = append(b.Remove, "pas")
	}
	if n := len(m.Biophysics); n > 0 {
		if w, ok := m.Biophysics[n-1].Where.(string); ok && w == region {
			m.Biophysics[n-1] = b
			return
		}
	}
	m.Biophysics = append(m.Biophysics, b)
}
