package app

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"neurite/app/pipeline"
)

const brianNet = "../assets/models/brian_lif_net.toml"

// brianSpikes is the reference count of brian_lif_net (Brian2 2.5.1).
const brianSpikes = 533

// newNetWindow opens a network file in a test window as the app does.
func newNetWindow(t *testing.T, file string) (*Explorer, *NetView, fyne.Window) {
	t.Helper()
	ex, w := newTestWindow(t)
	ex.Open(file)
	if !ex.showingNetwork() {
		t.Fatalf("%s did not open in the Network view", file)
	}
	t.Cleanup(ex.net.Stop)
	w.Canvas().Capture() // draws the raster, so that positions map to neurons
	return ex, ex.net, w
}

// runNet runs the network shown to its end and waits for its analysis.
func runNet(t *testing.T, nv *NetView) {
	t.Helper()
	nv.Run()
	nv.sess.Wait()
	if nv.sess.Running() || nv.run.Disabled() || !nv.stop.Disabled() {
		t.Fatal("the run has ended, but the view says it runs")
	}
	<-nv.analysed
}

// TestNetworkOpens: a network file, on disk or embedded, opens in the
// Network tab with its populations and the network's menu; a cell file
// opened from there brings the cell explorer back.
func TestNetworkOpens(t *testing.T) {
	for _, tc := range []struct {
		file    string
		pops    []string
		neurons int
	}{
		{brianNet, []string{"P"}, 50},
		{"models/brian_lif_net.toml", []string{"P"}, 50},
		{"models/hh_network_det.toml", []string{"E", "I"}, 20},
	} {
		t.Run(tc.file, func(t *testing.T) {
			ex, nv, w := newNetWindow(t, tc.file)
			if got := ex.tabs.Items[0].Text; got != "Network" {
				t.Errorf("the first tab is %q", got)
			}
			if nv.sess.Net.Neurons() != tc.neurons || len(nv.sizes) != len(tc.pops) {
				t.Errorf("%d neurons in %d populations", nv.sess.Net.Neurons(), len(nv.sizes))
			}
			shown := labelsIn(nv.pops)
			for _, p := range tc.pops {
				if !strings.Contains(shown, p) {
					t.Errorf("population %s is not listed: %q", p, shown)
				}
			}
			menuItem(t, w, "File", "Save Spikes as CSV…")
			ex.Open("models/swc_cell_A.toml")
			if ex.showingNetwork() || ex.tabs.Items[0].Text != "Cell" {
				t.Fatal("a cell file opened from the Network view does not show the cell")
			}
			menuItem(t, w, "File", "Save View as PNG…")
		})
	}
}

// TestNetworkRunFillsRaster: a run of brian_lif_net fills the raster with
// the reference's 533 spikes, and Save Spikes writes them as neurite run
// writes spikes.csv; the analysis comes when it ends.
func TestNetworkRunFillsRaster(t *testing.T) {
	_, nv, _ := newNetWindow(t, brianNet)
	runNet(t, nv)
	if n := nv.raster.Len(); n != brianSpikes {
		t.Errorf("the raster holds %d spikes, not %d", n, brianSpikes)
	}
	if !strings.Contains(nv.status.Text, fmt.Sprintf("%d spikes", brianSpikes)) || nv.bar.Value != 1 {
		t.Errorf("status %q, progress %v", nv.status.Text, nv.bar.Value)
	}
	if nv.rates.Plot() == nil || nv.isi.Plot() == nil || nv.cv.Plot() == nil {
		t.Error("rates, ISI or CV not plotted after the run")
	}
	if !strings.Contains(nv.sync.Text, "χ = ") || !strings.Contains(nv.sync.Text, "Kuramoto order parameter R = ") {
		t.Errorf("synchrony: %q", nv.sync.Text)
	}
	var got bytes.Buffer
	if err := nv.WriteSpikes(&got); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	n, err := pipeline.LoadNetwork(brianNet)
	if err != nil {
		t.Fatal(err)
	}
	net, err := pipeline.NewNetwork(n, "auto", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pipeline.RunNetworkToDirectory(context.Background(), net, n.Run.Tstop, dir, nil); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(dir, "spikes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != string(want) {
		t.Errorf("Save Spikes wrote %d bytes unlike neurite run's spikes.csv (%d bytes)", got.Len(), len(want))
	}
}

// TestRasterHitMapsBack: the neuron and time under a spike drawn, after
// zooming and panning too, are that spike's; hovering names them.
func TestRasterHitMapsBack(t *testing.T) {
	_, nv, w := newNetWindow(t, brianNet)
	runNet(t, nv)
	spikes := nv.sess.Spikes()
	check := func(t *testing.T) {
		t.Helper()
		w.Canvas().Capture()
		t0, t1, n0, n1 := nv.raster.Window()
		checked := 0
		for _, i := range []int{0, len(spikes) / 3, len(spikes) / 2, len(spikes) - 1} {
			s := spikes[i]
			if s.T < t0 || s.T >= t1 || s.Cell < n0 || s.Cell >= n1 {
				continue
			}
			checked++
			pos := nv.raster.PositionOf(s.Cell, s.T)
			n, tm, ok := nv.raster.Hit(pos)
			if !ok || n != s.Cell || math.Abs(tm-s.T) > (t1-t0)/100 {
				t.Errorf("spike of neuron %d at %.3f ms: hit neuron %d at %.3f ms (%v)", s.Cell, s.T, n, tm, ok)
			}
			nv.raster.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: pos}})
			if want := fmt.Sprintf("P[%d] (neuron %d)   t = ", s.Cell, s.Cell); !strings.HasPrefix(nv.readout.Text, want) {
				t.Errorf("hover says %q, not %q…", nv.readout.Text, want)
			}
		}
		if checked == 0 {
			t.Fatal("no spike of the sample in view")
		}
	}
	t.Run("whole", check)
	nv.raster.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: nv.raster.PositionOf(25, 250)}, Scrolled: fyne.Delta{DY: 50}})
	if t0, t1, n0, n1 := nv.raster.Window(); t1-t0 >= 500 || n1-n0 >= 50 {
		t.Fatalf("the wheel did not zoom: %v–%v ms, neurons %d–%d", t0, t1, n0, n1)
	}
	t.Run("zoomed", check)
	before, _, _, _ := nv.raster.Window()
	nv.raster.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DX: 40, DY: 0}})
	if after, _, _, _ := nv.raster.Window(); !(after < before) {
		t.Fatalf("dragging right did not show earlier times: %v → %v", before, after)
	}
	t.Run("panned", check)
}

// TestClickShowsTrace: a click on a recorded neuron shows its voltage; on
// one not recorded it says so; either way its row is marked in the raster.
func TestClickShowsTrace(t *testing.T) {
	_, nv, w := newNetWindow(t, brianNet)
	runNet(t, nv)
	w.Canvas().Capture()
	for _, tc := range []struct {
		neuron   int
		recorded bool
	}{{1, true}, {45, true}, {2, false}} {
		test.TapAt(nv.raster, nv.raster.PositionOf(tc.neuron, 100))
		if nv.selected != tc.neuron {
			t.Fatalf("a click on neuron %d selected %d", tc.neuron, nv.selected)
		}
		nv.raster.mu.Lock()
		marked, ok := nv.raster.r.Selected()
		nv.raster.mu.Unlock()
		if !ok || marked != tc.neuron {
			t.Errorf("a click on neuron %d marks row %d (%v) in the raster", tc.neuron, marked, ok)
		}
		p := nv.trace.Plot()
		if got := p != nil; got != tc.recorded {
			t.Errorf("neuron %d: trace shown %v; %q", tc.neuron, got, nv.traceMsg.Text)
		}
		if !tc.recorded && !strings.Contains(nv.traceMsg.Text, "not recorded") {
			t.Errorf("neuron %d: %q", tc.neuron, nv.traceMsg.Text)
		}
	}
}

// TestNetworkStop: Stop ends a long run part way, keeps what it made and
// leaves the controls ready for the next run.
func TestNetworkStop(t *testing.T) {
	_, nv, _ := newNetWindow(t, brianNet)
	nv.tstop.SetText("1000000")
	nv.Run()
	deadline := time.Now().Add(time.Minute)
	for nv.sess.Running() && len(nv.sess.Spikes()) < 100 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	nv.Stop()
	nv.sess.Wait()
	<-nv.analysed
	reached, n, err := nv.sess.State()
	if err != nil || nv.sess.Running() || reached <= 0 || reached >= 1e6 {
		t.Fatalf("stopped at %v ms (%v), running %v", reached, err, nv.sess.Running())
	}
	if nv.raster.Len() != n || nv.run.Disabled() || !nv.stop.Disabled() {
		t.Errorf("raster %d of %d spikes; run disabled %v, stop disabled %v", nv.raster.Len(), n, nv.run.Disabled(), nv.stop.Disabled())
	}
	if !strings.Contains(nv.status.Text, "stopped at") {
		t.Errorf("status %q", nv.status.Text)
	}
	nv.tstop.SetText("500")
	runNet(t, nv)
	if nv.raster.Len() != brianSpikes {
		t.Errorf("the run after the stopped one made %d spikes", nv.raster.Len())
	}
}

// TestNetworkSettingsRebuild: a size, tstop or seed changed in the
// controls rebuilds the network; one that does not hold leaves it as it
// was and says why.
func TestNetworkSettingsRebuild(t *testing.T) {
	small := filepath.Join(t.TempDir(), "small.toml")
	if err := os.WriteFile(small, []byte(smallNet), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, file  string
		edit        func(nv *NetView)
		neurons     int
		tstop       float64
		seed        int
		errContains string
	}{
		{"size", small, func(nv *NetView) { nv.sizes[0].SetText("30") }, 35, 100, 3, ""},
		{"tstop and seed", small, func(nv *NetView) { nv.tstop.SetText("40"); nv.seed.SetText("9") }, 25, 40, 9, ""},
		{"size zero", small, func(nv *NetView) { nv.sizes[1].SetText("0") }, 25, 100, 3, "population I: size \"0\""},
		{"tstop not a number", small, func(nv *NetView) { nv.tstop.SetText("long") }, 25, 100, 3, "tstop: \"long\""},
		{"size against a csv column", brianNet, func(nv *NetView) { nv.sizes[0].SetText("100") }, 50, 500, 5, "csv column has 50 values"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, nv, _ := newNetWindow(t, tc.file)
			tc.edit(nv)
			ok := nv.Apply()
			if ok != (tc.errContains == "") || !strings.Contains(nv.status.Text, tc.errContains) {
				t.Errorf("applied %v; status %q", ok, nv.status.Text)
			}
			s := nv.sess
			if s.Net.Neurons() != tc.neurons || s.Tstop() != tc.tstop || s.Spec.Seed != tc.seed {
				t.Errorf("%d neurons, tstop %v, seed %d", s.Net.Neurons(), s.Tstop(), s.Spec.Seed)
			}
			if _, _, _, n1 := nv.raster.Window(); ok && n1 != tc.neurons {
				t.Errorf("the raster shows neurons up to %d", n1)
			}
			if ok {
				runNet(t, nv)
				if last := nv.sess.Spikes(); len(last) == 0 || last[len(last)-1].T > tc.tstop {
					t.Errorf("the rebuilt network's run: %d spikes", len(last))
				}
			}
		})
	}
}

// smallNet is two populations of LIF neurons, E driving I, E driven by
// Poisson input.
const smallNet = `name = "small"
seed = 3

[run]
tstop = 100

[[population]]
name = "E"
size = 20
model = "lif"

[[population]]
name = "I"
size = 5
model = "lif"

[[projection]]
from = "E"
to = "I"
rule = "all_to_all"
weight = 1
delay = 1
synapse = "delta"

[[input]]
name = "bg"
to = "E"
kind = "poisson"
rate = 3000
weight = 2
synapse = "delta"
`

// TestNetworkFigures: the raster and the rates save as PNG and SVG; the
// rates before a run say there are none yet.
func TestNetworkFigures(t *testing.T) {
	_, nv, w := newNetWindow(t, brianNet)
	if err := nv.figureWriter("rates", "png")(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "run the network first") {
		t.Errorf("rates before a run: %v", err)
	}
	runNet(t, nv)
	for _, tc := range []struct{ name, format, starts string }{
		{"raster", "png", "\x89PNG"}, {"raster", "svg", "<?xml"}, {"rates", "png", "\x89PNG"}, {"rates", "svg", "<?xml"},
	} {
		var b bytes.Buffer
		if err := nv.figureWriter(tc.name, tc.format)(&b); err != nil || !strings.HasPrefix(b.String(), tc.starts) || b.Len() < 2000 {
			t.Errorf("%s as %s: %d bytes, %v", tc.name, tc.format, b.Len(), err)
		}
	}
	seen := map[string]string{}
	for _, m := range w.MainMenu().Items {
		for _, it := range m.Items {
			if it.Shortcut == nil {
				continue
			}
			if other, ok := seen[it.Shortcut.ShortcutName()]; ok {
				t.Errorf("%s and %s share a shortcut", other, it.Label)
			}
			seen[it.Shortcut.ShortcutName()] = it.Label
		}
	}
}

// TestNetworkWeights: after a run of a network with STDP, the Weights tab
// shows the distribution and matrix of the learning projection's weights,
// whose copies the run took for the live view; a network without
// plasticity says its weights are fixed in place of the figures, with
// nothing to save, and copies none.
func TestNetworkWeights(t *testing.T) {
	_, nv, _ := newNetWindow(t, "testdata/stdp.toml")
	if !nv.saveWeights.Disabled() || nv.fixedWeights.Visible() {
		t.Error("before a run: Save enabled, or the weights said fixed")
	}
	runNet(t, nv)
	if nv.saveWeights.Disabled() || nv.saveMatrix.Disabled() {
		t.Error("after a run: the weights' figures cannot be saved")
	}
	if nv.weights.Plot() == nil || nv.matrix.Plot() == nil || !strings.Contains(nv.weightNote.Text, "ff: 200 synapses, mean weight") {
		t.Errorf("weights: plot %v, note %q", nv.weights.Plot() != nil, nv.weightNote.Text)
	}
	if pw, gen := nv.sess.Weights(); gen < 1 || len(pw.weights) != 1 || len(pw.weights[0]) != 200 {
		t.Errorf("the run took %d copies of its weights for the live view (%d projections)", gen, len(pw.weights))
	}
	_, nv, _ = newNetWindow(t, brianNet)
	runNet(t, nv)
	if _, gen := nv.sess.Weights(); gen != 0 {
		t.Errorf("a network without plasticity copied its weights %d times", gen)
	}
	if nv.weights.Plot() != nil || !nv.fixedWeights.Visible() || nv.weightPlots.Visible() {
		t.Errorf("a network without plasticity: message shown %v, figures shown %v", nv.fixedWeights.Visible(), nv.weightPlots.Visible())
	}
	if !nv.saveWeights.Disabled() || !nv.saveMatrix.Disabled() {
		t.Error("a network without plasticity offers to save its weights' figures")
	}
}

// TestNetworkFitsScreen: after a run and its analysis, whose notes can be
// long, every example network's view still fits a 1280-pixel-wide screen
// (an unwrapped note once widened the window past it).
func TestNetworkFitsScreen(t *testing.T) {
	for _, file := range []string{"../assets/models/wave.toml", "../assets/models/ball_and_stick_net.toml", brianNet} {
		ex, nv, w := newNetWindow(t, file)
		runNet(t, nv)
		w.Canvas().Capture()
		if width := w.Content().MinSize().Width; width > 1280 {
			t.Errorf("%s: the window needs %.0f pixels of width", file, width)
		}
		ex.net.Stop()
	}
}

// TestNetworkBackendChoice: the view's backend choice rebuilds the
// network on it and the status line names it; brian_lif_net on the GPU
// (llvmpipe here) gives the CPU's spikes, Brian2's 533.
func TestNetworkBackendChoice(t *testing.T) {
	_, nv, _ := newNetWindow(t, brianNet)
	if nv.backend.Selected != "auto" || nv.sess.Net.Backend != "cpu" || !strings.Contains(nv.status.Text, "CPU") {
		t.Fatalf("opened with backend %q on %q; status %q", nv.backend.Selected, nv.sess.Net.Backend, nv.status.Text)
	}
	runNet(t, nv)
	cpu := slices.Clone(nv.sess.Spikes())
	nv.backend.SetSelected("gpu")
	runNet(t, nv)
	if nv.sess.Spec.Run.Backend != "gpu" || nv.sess.Net.Backend != "gpu" || !strings.Contains(nv.status.Text, "GPU") {
		t.Fatalf("after choosing gpu: file's backend %q, run on %q; status %q", nv.sess.Spec.Run.Backend, nv.sess.Net.Backend, nv.status.Text)
	}
	if gpu := nv.sess.Spikes(); len(cpu) != brianSpikes || !slices.Equal(gpu, cpu) {
		t.Errorf("%d spikes on the GPU, %d on the CPU (Brian2 %d), or not the same", len(gpu), len(cpu), brianSpikes)
	}
}

// TestRateCaption: the Rates tab says the bins its plot uses, and where
// they are coarser than the file's rate_bin, both (a plot in 3 ms bins
// read as the file's 0.5 ms ones).
func TestRateCaption(t *testing.T) {
	if got := rateCaption(5, 5); !strings.Contains(got, "in 5 ms bins") {
		t.Errorf("caption %q", got)
	}
	if got := rateCaption(0.5, 3); !strings.Contains(got, "rate_bin = 0.5 ms") || !strings.Contains(got, "drawn in 3 ms bins") {
		t.Errorf("caption %q", got)
	}
	_, nv, _ := newNetWindow(t, brianNet)
	if want := rateCaption(nv.sess.Spec.Record.RateBin, nv.rateBin()); nv.ratesNote.Text != want {
		t.Errorf("the Rates tab reads %q, want %q", nv.ratesNote.Text, want)
	}
}
