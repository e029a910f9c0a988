package app

import (
	"context"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"neurite/app/pipeline"
	"neurite/compartments"
	"neurite/sim/sonata"
	"neurite/sim/spec"
	"neurite/views"
)

// runResultsDir runs a model file to a results folder, as neurite run
// --out does, edited by set (--set's KEY=VALUE).
func runResultsDir(t *testing.T, file string, tstop float64, set ...string) (string, *compartments.Plan) {
	t.Helper()
	m := mustModel(t, file)
	if err := m.Override(set...); err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.BuildPlan(m)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "results")
	if _, err := pipeline.RunToDirectory(context.Background(), compartments.NewEngine(p), tstop, dir, nil); err != nil {
		t.Fatal(err)
	}
	return dir, p
}

// TestResultsView: a results folder opens with its traces, its spikes and,
// with the model, the cell replaying the snapshots (cai here: the
// dendrites without it grey); the slider and Play step through them; a
// model whose segments are not the snapshots' is refused.
func TestResultsView(t *testing.T) {
	test.NewTempApp(t)
	dir, plan := runResultsDir(t, "../assets/models/nmodl_hay_cell.toml", 120,
		"snapshots.quantity=cai", "snapshots.interval=10")
	v, err := openResults(dir, plan)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, it := range v.Content().(*container.AppTabs).Items {
		names = append(names, it.Text)
	}
	if strings.Join(names, ",") != "Traces,Spikes,Cell" {
		t.Fatalf("tabs %v, want Traces, Spikes, Cell", names)
	}
	if v.res.Quantity != "cai" || len(v.res.Snaps) != 13 || v.at.Max != 12 {
		t.Errorf("%d snapshots of %s, slider to %v", len(v.res.Snaps), v.res.Quantity, v.at.Max)
	}
	if !strings.Contains(v.spikeSummary(), "1 cells") || len(v.res.Spikes) == 0 {
		t.Errorf("spikes: %s", v.spikeSummary())
	}
	v.at.SetValue(v.at.Max)
	img := v.drawHeat(640, 400).(*image.RGBA)
	grey, coloured := 0, 0
	for y := range 400 {
		for x := range 560 { // left of the colour bar
			switch c := img.RGBAAt(x, y); {
			case c == views.Absent:
				grey++
			case c != v.style.Background && c.R != c.G:
				coloured++
			}
		}
	}
	if grey == 0 || coloured == 0 {
		t.Errorf("the last snapshot drawn with %d pixels of absent grey and %d coloured", grey, coloured)
	}
	if !strings.Contains(v.clock.Text, "t = 120.00 ms (13 of 13)") {
		t.Errorf("clock %q", v.clock.Text)
	}
	v.togglePlay() // from the last: starts over
	if v.at.Value != 0 || v.stop == nil {
		t.Errorf("Play from the last snapshot: at %v, playing %v", v.at.Value, v.stop != nil)
	}
	v.step(v.stop)
	v.Stop()
	if v.at.Value != 1 || v.stop != nil || v.play.Text != "Play" {
		t.Errorf("after a step and Stop: at %v, playing %v, button %q", v.at.Value, v.stop != nil, v.play.Text)
	}
	traces := v.drawTraces(400, 300)
	if b := traces.Bounds(); b.Dx() != 400 {
		t.Errorf("traces drawn %v", b)
	}

	other, err := pipeline.BuildPlan(mustModel(t, "../assets/models/ball_and_stick.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := openResults(dir, other); err == nil || !strings.Contains(err.Error(), "it is not the model of this run") {
		t.Errorf("the snapshots with another model's cell: %v", err)
	}
}

func mustModel(t *testing.T, file string) *spec.Model {
	t.Helper()
	m, err := pipeline.LoadModel(file)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestOpenResultsFromExplorer: File → Open Results shows a folder in a
// window of its own; the explorer's cell replays it when its segments are
// the snapshots'.
func TestOpenResultsFromExplorer(t *testing.T) {
	ex, _ := newTestWindow(t)
	dir, _ := runResultsDir(t, "", 5, "snapshots.interval=1") // the example the explorer opens
	before := len(fyne.CurrentApp().Driver().AllWindows())
	ex.OpenResults(dir)
	wins := fyne.CurrentApp().Driver().AllWindows()
	if len(wins) != before+1 {
		t.Fatalf("%d windows after opening results, want %d", len(wins), before+1)
	}
	w := wins[len(wins)-1]
	defer w.Close()
	tabs := w.Content().(*container.AppTabs)
	if last := tabs.Items[len(tabs.Items)-1].Text; last != "Cell" {
		t.Errorf("the explorer's cell did not replay the snapshots: tabs end with %q", last)
	}
	other, _ := runResultsDir(t, "../assets/models/ball_and_stick.toml", 5, "snapshots.interval=1")
	ex.OpenResults(other)
	wins = fyne.CurrentApp().Driver().AllWindows()
	tabs = wins[len(wins)-1].Content().(*container.AppTabs)
	defer wins[len(wins)-1].Close()
	if last := tabs.Items[len(tabs.Items)-1].Text; last == "Cell" {
		t.Error("another cell's snapshots replayed on the explorer's cell")
	}
}

// TestOpenNeuroML: a NeuroML cell opens in the explorer like a bare SWC,
// and what it holds that is not run is shown.
func TestOpenNeuroML(t *testing.T) {
	ex, w := newTestWindow(t)
	ex.Open("../compartments/neuroml/testdata/cell.nml")
	if ex.file != "../compartments/neuroml/testdata/cell.nml" || len(ex.sess.Plan.Segments) != 9 {
		t.Fatalf("opened %q with %d segments", ex.file, len(ex.sess.Plan.Segments))
	}
	shown := ""
	for _, o := range w.Canvas().Overlays().List() {
		shown += textShown(o)
	}
	if !strings.Contains(shown, "channelDensity kChans") {
		t.Errorf("the notes were not shown: %q", shown)
	}
}

// TestMain lets the test binary read a spike report apart, as the app
// does (sonata.ReadSpikesApart runs the binary again).
func TestMain(m *testing.M) {
	if sonata.Child() {
		return
	}
	os.Exit(m.Run())
}
