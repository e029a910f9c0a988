package app

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"github.com/sbinet/npyio/npy"

	"neurite/app/pipeline"
	"neurite/sim"
	"neurite/views"
)

// somaPixel is where the middle of cable cell c's first piece (its soma)
// lies in the Cells tab's network picture, in pixels and in Fyne units.
func somaPixel(t *testing.T, a *netActivity, c int) (image.Point, fyne.Position) {
	t.Helper()
	f := a.frustaOf(c)[0]
	mid := [3]float64{(f.A[0] + f.B[0]) / 2, (f.A[1] + f.B[1]) / 2, (f.A[2] + f.B[2]) / 2}
	a.cells.mu.Lock()
	defer a.cells.mu.Unlock()
	b := a.cells.img.Bounds()
	x, y, _, _ := a.cells.morph.Project(mid, b.Dx()-min(views.ColourBarWidth, b.Dx()/4), b.Dy(), a.cells.cam)
	s := float64(a.cells.Size().Width) / float64(b.Dx())
	return image.Pt(int(x), int(y)), fyne.NewPos(float32(x*s), float32(y*s))
}

// pixelOf reads a pixel of a view's last drawing.
func pixelOf(img *image.RGBA, p image.Point) color.RGBA { return img.RGBAAt(p.X, p.Y) }

// TestCellsHeatmapFollowsSpike: in the Cells tab of hh_network_det, a
// cell's soma is drawn in the colour of its voltage: at rest before its
// first spike, and in the colour of the spike's peak just after it; the
// run hands the view its voltages as it goes, and at its end.
func TestCellsHeatmapFollowsSpike(t *testing.T) {
	_, nv, w := newNetWindow(t, "models/hh_network_det.toml")
	a := nv.activity
	if nv.activityTab.Text != "Cells" || a.cells == nil || len(a.firstSeg) != 21 {
		t.Fatalf("tab %q for 20 cable cells (%d segment ranges)", nv.activityTab.Text, len(a.firstSeg))
	}
	if _, v, gen := nv.sess.Voltages(); gen == 0 || len(v) != a.firstSeg[20] {
		t.Fatalf("before a run the view has %d voltages (copy %d)", len(v), gen)
	}
	runNet(t, nv)
	var spike sim.Spike
	for _, s := range nv.sess.Spikes() {
		if s.T > 20 {
			spike = s
			break
		}
	}
	if spike.T == 0 {
		t.Fatal("no spike after 20 ms")
	}
	style := views.DefaultStyle()
	colourAt := func(tstop float64) (color.RGBA, float64) {
		t.Helper()
		nv.tstop.SetText(strconv.FormatFloat(tstop, 'f', 3, 64))
		copies := 0
		runNet(t, nv)
		a := nv.activity // the new tstop rebuilt the network and the tab
		_, v, gen := nv.sess.Voltages()
		copies = gen
		nv.tabs.Select(nv.activityTab)
		w.Canvas().Capture()
		px, _ := somaPixel(t, a, spike.Cell)
		soma := v[a.firstSeg[spike.Cell]]
		got := pixelOf(a.cells.img, px)
		if want := style.Map((soma - style.Min) / (style.Max - style.Min)); !near(got, want, 12) {
			t.Errorf("tstop %.2f: the soma of cell %d at %.1f mV is drawn %v, not %v", tstop, spike.Cell, soma, got, want)
		}
		if copies < 2 {
			t.Errorf("tstop %.2f: the run handed the view %d copies of its voltages", tstop, copies)
		}
		return got, soma
	}
	before, vBefore := colourAt(spike.T - 3)
	after, vAfter := colourAt(spike.T + 0.3)
	if !(vBefore < -40 && vAfter > 0) || near(before, after, 60) {
		t.Errorf("cell %d spiking at %.2f ms: %.1f mV (%v) 3 ms before, %.1f mV (%v) 0.3 ms after", spike.Cell, spike.T, vBefore, before, vAfter, after)
	}
}

// TestCellsSelect: a click on a cell in the Cells tab, or on its neuron
// in the raster, selects it: it is marked in the network and drawn alone
// beside it, in the colours of its voltages.
func TestCellsSelect(t *testing.T) {
	_, nv, w := newNetWindow(t, "models/ball_and_stick_net.toml")
	a := nv.activity
	nv.tabs.Select(nv.activityTab)
	w.Canvas().Capture()
	for _, c := range []int{7, 63} {
		_, pos := somaPixel(t, a, c)
		test.TapAt(a.cells, pos)
		name, _ := nv.sess.NeuronName(c)
		if nv.selected != c || !strings.HasPrefix(a.cellMsg.Text, name+" (neuron ") {
			t.Fatalf("a click on cell %d selected %d: %q", c, nv.selected, a.cellMsg.Text)
		}
		w.Canvas().Capture()
		// The marker is a ring 4.5 to 10 pixels about the soma.
		px, _ := somaPixel(t, a, c)
		if got := pixelOf(a.cells.img, px.Add(image.Pt(7, 0))); !near(got, selectedCellColor, 2) {
			t.Errorf("cell %d is not marked: %v beside its soma", c, got)
		}
		// Alone, the cell fills its view: some pixel is its soma's colour.
		_, v, _ := nv.sess.Voltages()
		st := views.DefaultStyle()
		want := st.Map((v[a.firstSeg[c]] - st.Min) / (st.Max - st.Min))
		found := false
		b := a.cell.img.Bounds()
		for y := b.Min.Y; y < b.Max.Y && !found; y++ {
			for x := b.Min.X; x < b.Max.X-views.ColourBarWidth; x++ {
				if near(a.cell.img.RGBAAt(x, y), want, 3) {
					found = true
					break
				}
			}
		}
		if !found {
			t.Errorf("cell %d alone: no pixel of its soma's colour %v", c, want)
		}
	}
	nv.tabs.SelectIndex(0)
	w.Canvas().Capture()
	test.TapAt(nv.raster, nv.raster.PositionOf(42, 100))
	if nv.selected != 42 || !strings.HasPrefix(a.cellMsg.Text, "second[22] (neuron 42)") {
		t.Errorf("a click on neuron 42 in the raster: selected %d, %q", nv.selected, a.cellMsg.Text)
	}
}

// TestSheetMovie: wave's sheet shows each neuron bright at its spike and
// dark where none spiked; after the run the slider scrubs through it,
// following the wave from the centre to a corner. Hovering over a neuron
// names it; a click selects it.
func TestSheetMovie(t *testing.T) {
	_, nv, w := newNetWindow(t, "models/wave.toml")
	a := nv.activity
	if nv.activityTab.Text != "Sheet" || a.sheet == nil || !a.slider.Disabled() {
		t.Fatalf("tab %q; slider disabled before a run: %v", nv.activityTab.Text, a.slider.Disabled())
	}
	runNet(t, nv)
	if a.slider.Disabled() || a.sheet.time != nv.sess.Tstop() {
		t.Fatalf("after the run: slider disabled %v, the sheet at %v ms", a.slider.Disabled(), a.sheet.time)
	}
	first := map[int]float64{}
	for _, s := range nv.sess.Spikes() {
		if _, ok := first[s.Cell]; !ok {
			first[s.Cell] = s.T
		}
	}
	const centre, corner = 820, 0
	if !(first[centre] > 0 && first[corner] > first[centre]+20) {
		t.Fatalf("the wave: centre fires at %v ms, corner at %v ms", first[centre], first[corner])
	}
	nv.tabs.Select(nv.activityTab)
	st := views.DefaultStyle()
	dark, bright := st.Map(0), st.Map(1)
	dt := nv.sess.Net.Dt()
	for _, tc := range []struct {
		t              float64
		centre, corner color.RGBA
	}{
		{0, dark, dark},
		{math.Ceil(first[centre]/dt) * dt, bright, dark},
		{math.Ceil(first[corner]/dt) * dt, dark, bright},
	} {
		a.slider.SetValue(tc.t)
		w.Canvas().Capture()
		if math.Abs(a.sheet.time-tc.t) > dt/2 {
			t.Fatalf("the slider at %v ms shows %v ms", tc.t, a.sheet.time)
		}
		for _, n := range []struct {
			id   int
			want color.RGBA
		}{{centre, tc.centre}, {corner, tc.corner}} {
			sq := a.sheet.layout.Square(n.id, a.sheet.img.Bounds())
			mid := image.Pt((sq.Min.X+sq.Max.X)/2, (sq.Min.Y+sq.Max.Y)/2)
			if got := pixelOf(a.sheet.img, mid); !near(got, n.want, 8) {
				t.Errorf("t = %.1f ms: neuron %d drawn %v, want %v", tc.t, n.id, got, n.want)
			}
		}
	}
	// Hovering names the neuron under the pointer, a click selects it.
	s := a.sheet.Size().Width / float32(a.sheet.img.Bounds().Dx())
	for _, id := range []int{centre, corner, 1234} {
		sq := a.sheet.layout.Square(id, a.sheet.img.Bounds())
		pos := fyne.NewPos(float32(sq.Min.X+sq.Max.X)/2*s, float32(sq.Min.Y+sq.Max.Y)/2*s)
		a.sheet.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: pos}})
		if want := fmt.Sprintf("sheet[%d] (neuron %d)", id, id); nv.readout.Text != want {
			t.Errorf("hovering over neuron %d reads %q", id, nv.readout.Text)
		}
		test.TapAt(a.sheet, pos)
		if nv.selected != id {
			t.Errorf("a click on neuron %d selected %d", id, nv.selected)
		}
	}
}

// TestNetworkVideoExport: Export Video films the network as set in the
// controls into a GIF of a frame per step of model time asked for; the
// sheet's frames change as the wave spreads.
func TestNetworkVideoExport(t *testing.T) {
	for _, tc := range []struct {
		file   string
		to     float64
		frames int
	}{{"models/wave.toml", 30, 31}, {"models/hh_network_det.toml", 10, 11}} {
		t.Run(tc.file, func(t *testing.T) {
			_, nv, w := newNetWindow(t, tc.file)
			menuItem(t, w, "File", "Export Video (MP4, GIF)…")
			path := filepath.Join(t.TempDir(), "net.gif")
			o := pipeline.VideoOptions{Width: 96, Height: 72, FPS: 10, Speed: 10, To: tc.to, Style: views.DefaultStyle(), Camera: views.Camera{Zoom: 1}}
			if err := nv.videoWriter()(context.Background(), path, o, nil); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			g, err := gif.DecodeAll(f)
			f.Close()
			if err != nil || len(g.Image) != tc.frames {
				t.Fatalf("%v, %d frames, want %d", err, len(g.Image), tc.frames)
			}
			changed := 0
			for k := 1; k < len(g.Image); k++ {
				if !bytes.Equal(g.Image[k].Pix, g.Image[k-1].Pix) {
					changed++
				}
			}
			if changed < tc.frames/2 {
				t.Errorf("%d of %d frames differ from the one before", changed, tc.frames-1)
			}
		})
	}
}

// readNPY reads a 2-D float64 .npy.
func readNPY(t *testing.T, b []byte) (shape []int, data []float64) {
	t.Helper()
	r, err := npy.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Read(&data); err != nil {
		t.Fatal(err)
	}
	return r.Header.Descr.Shape, data
}

// TestNetworkNPY: the spikes, traces and rates save as .npy arrays that
// read back as the run's: every spike's neuron and time, the traces as
// neurite run's traces.npy holds them, the rates as the Rates tab plots
// them; before a run each says there is nothing yet.
func TestNetworkNPY(t *testing.T) {
	_, nv, w := newNetWindow(t, brianNet)
	writers := map[string]func(w io.Writer) error{"spikes": nv.WriteSpikesNPY, "traces": nv.WriteTracesNPY, "rates": nv.WriteRatesNPY}
	for name, write := range writers {
		menuItem(t, w, "File", fmt.Sprintf("Save %s as NPY…", strings.ToUpper(name[:1])+name[1:]))
		if err := write(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "run the network first") {
			t.Errorf("%s before a run: %v", name, err)
		}
	}
	runNet(t, nv)
	out := map[string][]byte{}
	for name, write := range writers {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = b.Bytes()
	}

	spikes := nv.sess.Spikes()
	shape, data := readNPY(t, out["spikes"])
	if len(shape) != 2 || shape[0] != brianSpikes || shape[1] != 2 {
		t.Fatalf("spikes.npy of shape %v, want [%d 2]", shape, brianSpikes)
	}
	for i, s := range spikes {
		if data[2*i] != float64(s.Cell) || data[2*i+1] != s.T {
			t.Fatalf("spike %d reads back as neuron %v at %v ms, not %d at %v", i, data[2*i], data[2*i+1], s.Cell, s.T)
		}
	}

	dir := t.TempDir()
	net, err := buildNetwork(brianNet, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pipeline.RunNetworkToDirectory(context.Background(), net, net.Spec.Run.Tstop, dir, nil); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(dir, "traces.npy"))
	if err != nil {
		t.Fatal(err)
	}
	wantShape, wantData := readNPY(t, want)
	shape, data = readNPY(t, out["traces"])
	if fmt.Sprint(shape) != fmt.Sprint(wantShape) || len(data) != len(wantData) {
		t.Fatalf("traces of shape %v, neurite run's %v", shape, wantShape)
	}
	for i := range data {
		if data[i] != wantData[i] {
			t.Fatalf("traces value %d: %v, neurite run's %v", i, data[i], wantData[i])
		}
	}

	series, err := nv.rateSeries(nv.sess.Tstop())
	if err != nil {
		t.Fatal(err)
	}
	shape, data = readNPY(t, out["rates"])
	bins := len(series[0].T)
	if len(shape) != 2 || shape[0] != bins || shape[1] != 2 {
		t.Fatalf("rates of shape %v, want [%d 2]", shape, bins)
	}
	total := 0.0
	for k := range bins {
		if data[2*k] != series[0].T[k] || data[2*k+1] != series[0].Y[k] {
			t.Fatalf("rate bin %d: %v ms %v Hz, the plot's %v ms %v Hz", k, data[2*k], data[2*k+1], series[0].T[k], series[0].Y[k])
		}
		total += data[2*k+1]
	}
	// The mean rate over bins is every spike per neuron over the run.
	if want := brianSpikes / 50.0 / nv.sess.Tstop() * 1000; math.Abs(total/float64(bins)-want) > 1e-9 {
		t.Errorf("mean rate %v Hz, want %v", total/float64(bins), want)
	}
}

// TestActivityLive: while a long run goes, the Cells tab is redrawn with
// the voltages the run hands over between epochs, and the Sheet follows
// the time reached, its slider held until the run ends; stopped, both
// show where the run stopped.
func TestActivityLive(t *testing.T) {
	for _, file := range []string{"models/ball_and_stick_net.toml", "models/seizure.toml"} {
		t.Run(file, func(t *testing.T) {
			_, nv, _ := newNetWindow(t, file)
			nv.tstop.SetText("100000")
			// The tab chosen before the run: from here on only the run's
			// ticker touches the widgets (the test driver runs fyne.Do on
			// the calling goroutine, not on one main thread).
			nv.tabs.Select(nv.activityTab)
			nv.Run()
			a := nv.activity
			if a.slider != nil && !a.slider.Disabled() {
				t.Error("the slider is free while the run goes")
			}
			// The time shown, read under the view's lock: the frames are
			// drawn from the run's ticker.
			shownAt := func() float64 {
				if a.cells != nil {
					a.cells.mu.Lock()
					defer a.cells.mu.Unlock()
					return a.cells.time
				}
				a.sheet.mu.Lock()
				defer a.sheet.mu.Unlock()
				return a.sheet.time
			}
			deadline := time.Now().Add(time.Minute)
			for nv.sess.Running() && shownAt() == 0 && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			live, running := shownAt(), nv.sess.Running()
			nv.Stop()
			nv.sess.Wait()
			<-nv.analysed
			if !(live > 0) || !running {
				t.Fatalf("the run (still going: %v) was not shown live: %v ms shown", running, live)
			}
			reached, _, _ := nv.sess.State()
			if tv, _, gen := nv.sess.Voltages(); a.cells != nil && (a.shown != gen || tv != reached || shownAt() != reached) {
				t.Errorf("stopped at %v ms: the view shows copy %d of %d, taken at %v ms, drawn at %v ms", reached, a.shown, gen, tv, shownAt())
			}
			if a.sheet != nil && (shownAt() != reached || a.slider.Disabled()) {
				t.Errorf("stopped at %v ms: the sheet at %v ms, slider disabled %v", reached, shownAt(), a.slider.Disabled())
			}
		})
	}
}

// TestCellsSelectMixed: in mixed_net (Poisson sources 0–49, cable cells
// 50–59, LIF neurons 60–79) the Cells tab draws the cable cells alone: a
// click on one selects its neuron of the network, and selecting a point
// neuron says so, with no cell drawn alone or marked.
func TestCellsSelectMixed(t *testing.T) {
	_, nv, w := newNetWindow(t, "models/mixed_net.toml")
	a := nv.activity
	nv.tabs.Select(nv.activityTab)
	w.Canvas().Capture()
	_, pos := somaPixel(t, a, 3)
	test.TapAt(a.cells, pos)
	if nv.selected != 53 || !strings.HasPrefix(a.cellMsg.Text, "cells[3] (neuron 53)") {
		t.Errorf("a click on cable cell 3: selected %d, %q", nv.selected, a.cellMsg.Text)
	}
	for _, neuron := range []int{5, 70} {
		nv.Select(neuron, 0)
		w.Canvas().Capture()
		if !strings.Contains(a.cellMsg.Text, fmt.Sprintf("(neuron %d) is a point neuron", neuron)) {
			t.Errorf("neuron %d selected: %q", neuron, a.cellMsg.Text)
		}
		px, _ := somaPixel(t, a, neuron%10)
		if got := pixelOf(a.cells.img, px.Add(image.Pt(7, 0))); near(got, selectedCellColor, 2) {
			t.Errorf("point neuron %d selected: cable cell %d is marked", neuron, neuron%10)
		}
	}
}
