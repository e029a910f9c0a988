package app

import (
	"math"
	"neurite/compartments"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"neurite/sim/spec"
	"neurite/views"
)

// newTestExplorer opens the example in a test window.
func newTestExplorer(t *testing.T) (*Explorer, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // the settings of the tests' own
	s, err := LoadSession("")
	if err != nil {
		t.Fatal(err)
	}
	w := test.NewWindow(nil)
	ex := NewExplorer(w, s, "")
	w.SetContent(ex.Content())
	w.Resize(fyne.NewSize(1200, 800))
	t.Cleanup(func() { s.Pause(); w.Close() })
	return ex, w
}

// tapSegment clicks on the cell view where segment seg is drawn.
func tapSegment(t *testing.T, ex *Explorer, seg int) {
	t.Helper()
	v := ex.view
	img := v.img
	if img == nil {
		t.Fatal("the cell view has not been drawn")
	}
	w, h := img.Bounds().Dx()-min(views.ColourBarWidth, img.Bounds().Dx()/4), img.Bounds().Dy()
	s := ex.sess.Segments[seg]
	x, y, _, _ := v.morph.Project([3]float64{s.X, s.Y, s.Z}, w, h, v.Camera())
	size := v.Size()
	pos := fyne.NewPos(float32(x)*size.Width/float32(img.Bounds().Dx()), float32(y)*size.Height/float32(img.Bounds().Dy()))
	test.TapAt(v, pos)
}

func segmentNamed(t *testing.T, ex *Explorer, name string) int {
	t.Helper()
	for i, s := range ex.sess.Segments {
		if s.Name == name {
			return i
		}
	}
	t.Fatalf("no segment %s", name)
	return -1
}

// TestPlaceProbeDeleteUndo places a probe by clicking on the cell, checks
// it is listed, marked and recorded, deletes it and undoes the deletion.
func TestPlaceProbeDeleteUndo(t *testing.T) {
	ex, w := newTestExplorer(t)
	w.Canvas().Capture() // draws the view
	before := len(ex.sess.Model.Records)
	ex.tool.SetSelected(toolProbe)
	seg := segmentNamed(t, ex, "apic[10](0.5)")
	tapSegment(t, ex, seg)
	if len(ex.sess.Model.Records) != before+1 {
		t.Fatalf("%d records after the click, want %d", len(ex.sess.Model.Records), before+1)
	}
	placed := ex.sess.Model.Records[before]
	if placed.At != "apic[10](0.5)" || placed.Var != "v" {
		t.Fatalf("placed %+v", placed)
	}
	if len(ex.markers()) != len(ex.items) || ex.list.Length() != len(ex.items) {
		t.Errorf("%d markers, %d listed, %d items", len(ex.markers()), ex.list.Length(), len(ex.items))
	}
	// Probes record at once, without a restart.
	ex.Step()
	if tt, _ := ex.sess.Trace(placed.Name, 0); len(tt) == 0 {
		t.Error("the new probe recorded nothing")
	}
	if ex.sess.Stale() {
		t.Error("placing a probe asks for a restart")
	}
	// Select and delete it, then undo.
	idx := len(ex.items) - 1
	for i, it := range ex.items {
		if it.Name == placed.Name {
			idx = i
		}
	}
	ex.list.Select(idx)
	ex.DeleteSelected()
	if len(ex.sess.Model.Records) != before {
		t.Fatalf("%d records after delete, want %d", len(ex.sess.Model.Records), before)
	}
	ex.Undo()
	if len(ex.sess.Model.Records) != before+1 || ex.sess.Model.Records[before].Name != placed.Name {
		t.Errorf("undo did not bring the probe back: %+v", ex.sess.Model.Records)
	}
}

// TestPlaceElectrodeAppliesOnRestart adds a second current clamp on a
// dendrite; it changes the run only after Restart.
func TestPlaceElectrodeAppliesOnRestart(t *testing.T) {
	ex, w := newTestExplorer(t)
	w.Canvas().Capture()
	ex.tool.SetSelected(toolElectrode)
	tapSegment(t, ex, segmentNamed(t, ex, "dend[22](0.5)"))
	if len(ex.sess.Model.IClamps) != 2 || !ex.sess.Stale() {
		t.Fatalf("iclamps %d, stale %v", len(ex.sess.Model.IClamps), ex.sess.Stale())
	}
	if ex.pending.Text == "" {
		t.Error("no notice that the change applies on restart")
	}
	if len(ex.sess.Plan.IClamps) != 1 {
		t.Error("the running plan changed before Restart")
	}
	ex.Restart()
	if len(ex.sess.Plan.IClamps) != 2 || ex.sess.Stale() {
		t.Errorf("after restart: %d clamps in the plan, stale %v", len(ex.sess.Plan.IClamps), ex.sess.Stale())
	}
}

// TestMoveSelected moves the electrode to another segment.
func TestMoveSelected(t *testing.T) {
	ex, w := newTestExplorer(t)
	w.Canvas().Capture()
	ex.list.Select(0) // the example's electrode
	ex.tool.SetSelected(toolMove)
	tapSegment(t, ex, segmentNamed(t, ex, "apic[5](0.5)"))
	if got := ex.sess.Model.IClamps[0].At; got != "apic[5](0.5)" {
		t.Errorf("electrode at %s after the move", got)
	}
}

// TestSaveAndReopen saves a session with a placed synapse, a changed
// parameter and a turned view, and reopens it unchanged.
func TestSaveAndReopen(t *testing.T) {
	ex, w := newTestExplorer(t)
	w.Canvas().Capture()
	ex.tool.SetSelected(toolSynapse)
	tapSegment(t, ex, segmentNamed(t, ex, "apic[15](0.5)"))
	ex.params.regions[0].gna.SetText("0.45")
	ex.params.apply()
	cam := ex.view.Camera()
	cam.Azimuth, cam.Elevation, cam.Zoom = 35, -12, 1.7
	ex.view.SetCamera(cam)
	file := filepath.Join(t.TempDir(), "session.toml")
	ex.SaveAs(file)

	back, err := LoadSession(file)
	if err != nil {
		t.Fatal(err)
	}
	m := back.Model
	if len(m.Synapses) != 1 || m.Synapses[0].At != "apic[15](0.5)" {
		t.Errorf("synapses %+v", m.Synapses)
	}
	if m.View.Azimuth != 35 || m.View.Elevation != -12 || m.View.Zoom != 1.7 {
		t.Errorf("view %+v", m.View)
	}
	soma := back.Plan.Cells[0].Props[0]
	if soma.HH == nil || soma.HH.GNaBar != 0.45 {
		t.Errorf("soma hh %+v", soma.HH)
	}
	if len(back.Plan.Syns) != 1 {
		t.Error("the saved synapse is not in the reopened plan")
	}
	// And it reopens in the explorer with the same view.
	ex.Open(file)
	if c := ex.view.Camera(); c.Azimuth != 35 || c.Zoom != 1.7 {
		t.Errorf("reopened camera %+v", c)
	}
}

// TestOpenBadFileKeepsModel shows the reader's error with its line and
// keeps the model that was open.
func TestOpenBadFileKeepsModel(t *testing.T) {
	ex, w := newTestExplorer(t)
	bad := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(bad, []byte("[run]\ntstop = -1\n"), 0o644)
	name := ex.sess.Model.Name
	ex.Open(bad)
	if ex.sess.Model.Name != name {
		t.Error("a bad file replaced the open model")
	}
	overlay := w.Canvas().Overlays().Top()
	if overlay == nil {
		t.Fatal("no error dialog")
	}
	if text := labelsIn(overlay); !strings.Contains(text, "bad.toml:2") {
		t.Errorf("dialog says %q, want the file and line", text)
	}
}

// labelsIn joins the text of every label and rich text under o.
func labelsIn(o fyne.CanvasObject) string {
	var parts []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			parts = append(parts, v.Text)
		case *widget.RichText:
			parts = append(parts, v.String())
		case fyne.Widget:
			r := test.WidgetRenderer(v)
			for _, c := range r.Objects() {
				walk(c)
			}
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return strings.Join(parts, " ")
}

// TestParamsValidation refuses a parameter that is not a number.
func TestParamsValidation(t *testing.T) {
	ex, w := newTestExplorer(t)
	ex.params.global["dt (ms)"].SetText("fast")
	ex.params.apply()
	if w.Canvas().Overlays().Top() == nil {
		t.Error("no error for dt = fast")
	}
	if ex.sess.Stale() || len(ex.history) != 0 {
		t.Error("a refused edit changed the model")
	}
}

// TestViewAndTracesExport writes the view as PNG and the traces as SVG.
func TestViewAndTracesExport(t *testing.T) {
	ex, _ := newTestExplorer(t)
	ex.sess.Speed, ex.sess.FrameRate = 0, 0
	for range 20 {
		ex.Step()
	}
	var png, svg strings.Builder
	if err := ex.WriteViewPNG(&png); err != nil || !strings.HasPrefix(png.String(), "\x89PNG") {
		t.Errorf("view PNG: %v", err)
	}
	ex.traces.update(ex.sess, ex.probeColors(), 0.5)
	if err := ex.tracesWriter("svg")(&svg); err != nil || !strings.Contains(svg.String(), "<svg") {
		t.Errorf("traces SVG: %v", err)
	}
}

// TestDecimateKeepsExtremes: a spike in a long trace survives decimation.
func TestDecimateKeepsExtremes(t *testing.T) {
	ts := make([]float64, 10000)
	ys := make([]float64, 10000)
	for i := range ts {
		ts[i] = float64(i)
		ys[i] = -65
	}
	ys[4321] = 30
	dt, dy := decimate(ts, ys, 100)
	if len(dt) > 200 {
		t.Errorf("%d points, want at most 200", len(dt))
	}
	peak := false
	for i := range dy {
		peak = peak || (dy[i] == 30 && dt[i] == 4321)
		if i > 0 && dt[i] <= dt[i-1] {
			t.Fatal("times not increasing")
		}
	}
	if !peak {
		t.Error("the spike was lost")
	}
}

// TestWindowFitsSmallScreen: the window's two tabs fit a 1280×800 screen,
// whatever the status line says (a wider minimum would push the side
// panels off the screen).
func TestWindowFitsSmallScreen(t *testing.T) {
	ex, w := newTestExplorer(t)
	lab, err := NewLab(w, defaultLabModel)
	if err != nil {
		t.Fatal(err)
	}
	ex.status.SetText(strings.Repeat("a long status line, ", 20))
	tabs := container.NewAppTabs(container.NewTabItem("Cell", ex.Content()), container.NewTabItem("Dynamics", lab.Content()))
	if m := tabs.MinSize(); m.Width > 1280 || m.Height > 760 {
		t.Errorf("the window needs at least %.0f×%.0f", m.Width, m.Height)
	}
}

// TestParamsMechanisms: the Parameters tab lists each region's NMODL
// mechanisms with their RANGE parameters as the region's first section
// has them; an edit writes only the parameter changed, so values that
// differ between the region's sections stay, and undoes.
func TestParamsMechanisms(t *testing.T) {
	ex, _ := newTestExplorer(t)
	ex.Open("../assets/models/nmodl_hay_cell.toml")
	if ex.sess.Model.Name != "nmodl_hay_cell" {
		t.Fatalf("opened %q", ex.sess.Model.Name)
	}
	entry := func(region, mech, param string) *mechEntry {
		for _, f := range ex.params.regions {
			for k, me := range f.mechs {
				if f.name == region && me.mech == mech && me.param == param {
					return &f.mechs[k]
				}
			}
		}
		t.Fatalf("no entry for %s %s.%s", region, mech, param)
		return nil
	}
	if e := entry("apic", "Ih", "gIhbar"); e.entry.Text != "0.000627294" {
		t.Errorf("apic Ih.gIhbar shows %q, want apic[0]'s 0.000627294", e.entry.Text)
	}
	entry("soma", "NaTa_t", "gNaTa_tbar").entry.SetText("3")
	ex.params.apply()
	ex.Restart()
	props := func(sec string) compartments.SectionProps {
		cp := &ex.sess.Plan.Cells[0]
		k, _ := cp.Morph.Section(sec)
		return cp.Props[k]
	}
	if got := props("soma").Mechs["NaTa_t"]["gNaTa_tbar"]; got != 3 {
		t.Errorf("soma NaTa_t.gNaTa_tbar = %v after the edit, want 3", got)
	}
	if got := props("apic[1]").Mechs["Ih"]["gIhbar"]; got != 0.00244819 {
		t.Errorf("apic[1] Ih.gIhbar = %v after an edit elsewhere, want 0.00244819 as before", got)
	}
	ex.Undo()
	ex.Restart()
	if got := props("soma").Mechs["NaTa_t"]["gNaTa_tbar"]; got != 2.04 {
		t.Errorf("soma NaTa_t.gNaTa_tbar = %v after undo, want 2.04", got)
	}
}

// TestHeatmapQuantity: the heatmap colours the Hay cell by cai, on the
// range of the values shown, the basal dendrites (no calcium there) grey,
// and back by v on the v scale it had.
func TestHeatmapQuantity(t *testing.T) {
	ex, _ := newTestExplorer(t)
	ex.Open("../assets/models/nmodl_hay_cell.toml")
	if !slices.Contains(ex.quantity.Options, "cai") || !slices.Contains(ex.quantity.Options, "NaTa_t.m") {
		t.Fatalf("colour-by choices %v lack cai and NaTa_t.m", ex.quantity.Options)
	}
	ex.sess.Speed, ex.sess.FrameRate = 0, 0
	for range 5 {
		ex.Step()
	}
	vStyle := ex.view.Style()
	ex.quantity.SetSelected("cai")
	_, vals, _ := ex.sess.State(nil)
	finite, missing := 0, 0
	for _, x := range vals {
		if math.IsNaN(x) {
			missing++
		} else if x > 0 && x < 1e-3 {
			finite++
		}
	}
	if finite != 34 || missing != len(vals)-34 {
		t.Errorf("cai shown at %d segments, absent at %d, want the 34 with calcium and the rest absent", finite, missing)
	}
	st := ex.view.Style()
	if !(st.Min > 0 && st.Max < 1e-3 && st.Max >= st.Min) || st.Missing == vStyle.Missing || st.Unit != "mM" {
		t.Errorf("cai scale %v–%v %s, missing colour %v", st.Min, st.Max, st.Unit, st.Missing)
	}
	ex.quantity.SetSelected("v")
	if st := ex.view.Style(); st.Min != vStyle.Min || st.Max != vStyle.Max || st.Unit != "mV" {
		t.Errorf("back to v: scale %v–%v, want %v–%v", st.Min, st.Max, vStyle.Min, vStyle.Max)
	}
	_, vals, _ = ex.sess.State(nil)
	if slices.ContainsFunc(vals, math.IsNaN) {
		t.Error("v has absent segments")
	}
}

// TestTracesByUnit: the traces panel shows the probes of one unit at a
// time, mV first, and offers the others: the Hay cell's gates (1), its
// concentrations (mM) and its synaptic current (nA) are not drawn on the
// voltages' axis.
func TestTracesByUnit(t *testing.T) {
	ex, _ := newTestExplorer(t)
	ex.Open("../assets/models/nmodl_hay_cell.toml")
	ex.sess.Speed, ex.sess.FrameRate = 0, 0
	ex.Step()
	ex.traces.update(ex.sess, ex.probeColors(), 0.5)
	if got := strings.Join(ex.traces.unit.Options, " "); got != "mV 1 mM nA" {
		t.Fatalf("units offered: %s, want mV 1 mM nA", got)
	}
	names := func() string {
		series, _, _ := ex.traces.Series()
		var n []string
		for _, s := range series {
			n = append(n, s.Name)
		}
		return strings.Join(n, " ")
	}
	if got := names(); got != "eca_soma v_apic1 v_apic2 v_axon v_dend0 v_soma" {
		t.Errorf("mV shows %s", got)
	}
	ex.traces.unit.SetSelected("mM")
	ex.traces.update(ex.sess, ex.probeColors(), 0.5)
	if got := names(); got != "cai_apic2 cai_soma" || ex.traces.axisLabel() != "(mM)" {
		t.Errorf("mM shows %s, axis %q", got, ex.traces.axisLabel())
	}
}

// TestEditNeedsSelection: Edit and Delete are disabled until an item is
// selected, and called with none (from the menu) they say what to do
// instead of nothing.
func TestEditNeedsSelection(t *testing.T) {
	ex, w := newTestExplorer(t)
	w.Canvas().Capture()
	if !ex.editBtn.Disabled() || !ex.deleteBtn.Disabled() {
		t.Fatal("Edit or Delete enabled with nothing selected")
	}
	ex.editSelected()
	if ex.note != nothingSelected {
		t.Errorf("Edit with nothing selected says %q", ex.note)
	}
	ex.list.Select(0)
	if ex.editBtn.Disabled() || ex.deleteBtn.Disabled() {
		t.Error("Edit or Delete disabled with an item selected")
	}
	ex.list.UnselectAll()
	if !ex.editBtn.Disabled() {
		t.Error("Edit enabled again after the selection went")
	}
}

// TestSynapseDialogShowsTypesFields: the synapse dialog shows an ExpSyn's
// tau only, and, once the type is Exp2Syn, its tau1 and tau2 only.
func TestSynapseDialogShowsTypesFields(t *testing.T) {
	ex, w := newTestExplorer(t)
	w.Canvas().Capture()
	ex.edit(func(m *spec.Model) { place(m, spec.SynapseItem, "apic[10](0.5)") }, true)
	ex.list.Select(len(ex.items) - 1)
	ex.editSelected()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog")
	}
	var form *widget.Form
	var kind *widget.Select
	visit(top, func(o fyne.CanvasObject) bool {
		switch v := o.(type) {
		case *widget.Form:
			form = v
		case *widget.Select:
			kind = v
			return false
		}
		return true
	})
	if form == nil || kind == nil {
		t.Fatal("no form with a type in the dialog")
	}
	// shown lists the texts of the entries visible in the time constants' row.
	shown := func() (label string, texts []string) {
		var visible func(o fyne.CanvasObject)
		visible = func(o fyne.CanvasObject) {
			if !o.Visible() {
				return
			}
			switch v := o.(type) {
			case *widget.Entry:
				texts = append(texts, v.Text)
			case *fyne.Container:
				for _, c := range v.Objects {
					visible(c)
				}
			}
		}
		item := form.Items[2]
		visible(item.Widget)
		return item.Text, texts
	}
	if label, texts := shown(); label != "tau (ms)" || !slices.Equal(texts, []string{"2"}) {
		t.Errorf("ExpSyn's row %q shows %q, want tau's 2 only", label, texts)
	}
	kind.SetSelected("Exp2Syn")
	if label, texts := shown(); label != "tau1, tau2 (ms)" || !slices.Equal(texts, []string{"0.5", "4"}) {
		t.Errorf("Exp2Syn's row %q shows %q, want tau1 and tau2", label, texts)
	}
}
