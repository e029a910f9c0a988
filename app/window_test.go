package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"neurite/views"
)

// newTestWindow sets up a test window as the app's main window, on the
// example, at the size the app starts with.
func newTestWindow(t *testing.T) (*Explorer, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	s, err := LoadSession("")
	if err != nil {
		t.Fatal(err)
	}
	w := test.NewWindow(nil)
	ex, _, err := setUpWindow(w, s, "")
	if err != nil {
		t.Fatal(err)
	}
	w.Resize(fyne.NewSize(defaultWidth, defaultHeight))
	t.Cleanup(func() { s.Pause(); w.Close() })
	w.Canvas().Capture()
	return ex, w
}

// visit calls f on o and on every object drawn under it (a widget's
// rendered objects, a container's children), depth first; where f
// returns false, what lies under that object is skipped.
func visit(o fyne.CanvasObject, f func(fyne.CanvasObject) bool) {
	if !f(o) {
		return
	}
	switch v := o.(type) {
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			visit(c, f)
		}
	case *fyne.Container:
		for _, c := range v.Objects {
			visit(c, f)
		}
	}
}

// textShown joins what the text objects under o draw.
func textShown(o fyne.CanvasObject) string {
	var parts []string
	visit(o, func(o fyne.CanvasObject) bool {
		if t, ok := o.(*canvas.Text); ok {
			parts = append(parts, t.Text)
		}
		return true
	})
	return strings.Join(parts, "")
}

// TestHoverReadoutWhole: at the size the window opens with, the readout of
// the segment under the pointer is drawn whole and inside the window,
// whatever else the status bar says.
func TestHoverReadoutWhole(t *testing.T) {
	ex, w := newTestWindow(t)
	ex.say(strings.Repeat("a long message of the last action, ", 10))
	longest := 0
	for i, s := range ex.sess.Segments {
		if len(s.Name) > len(ex.sess.Segments[longest].Name) {
			longest = i
		}
	}
	ex.hovered(longest, true)
	ex.content.Refresh() // lays the window out again, as the driver does when a minimum size changes
	want := ex.sess.Segments[longest].Name + "   "
	if !strings.HasPrefix(ex.readout.Text, want) || !strings.Contains(ex.readout.Text, "µm from the soma   v = -65.00 mV") {
		t.Fatalf("the readout is %q", ex.readout.Text)
	}
	if shown := textShown(ex.readout); shown != ex.readout.Text {
		t.Errorf("the readout shows %q of %q", shown, ex.readout.Text)
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(ex.readout)
	if right := pos.X + ex.readout.MinSize().Width; ex.readout.Size().Width < ex.readout.MinSize().Width || right > w.Canvas().Size().Width {
		t.Errorf("the readout needs %v, has %v, and ends at x = %v of %v", ex.readout.MinSize().Width, ex.readout.Size().Width, right, w.Canvas().Size().Width)
	}
	// The readout follows the voltage as the run goes on.
	ex.hovered(0, true)
	runTo(t, ex.sess, 11.5)
	ex.refreshFrame()
	if _, v, _ := ex.sess.State(nil); !strings.HasSuffix(ex.readout.Text, fmt.Sprintf("v = %.2f mV", v[0])) || v[0] < 0 {
		t.Errorf("at the soma's spike the readout says %q", ex.readout.Text)
	}
	if strings.Contains(ex.status.Text, "backend") {
		t.Errorf("the status bar still carries the backend note: %q", ex.status.Text)
	}
	ex.side.SelectIndex(1)
	if !strings.Contains(labelsIn(ex.params.content), ex.sess.Backend) {
		t.Errorf("the Run settings do not say %q", ex.sess.Backend)
	}
}

// TestTracesSplit: the traces get a usable height in a split the user can
// drag, and the height chosen is there at the next start.
func TestTracesSplit(t *testing.T) {
	ex, _ := newTestWindow(t)
	if h := ex.traces.raster.Size().Height; h < 200 {
		t.Errorf("the traces are drawn %v high", h)
	}
	if ex.split.Trailing != ex.traces.content || ex.split.Horizontal {
		t.Fatal("the traces are not below the cell in a split")
	}
	ex.split.SetOffset(0.45)
	ex.rememberLayout()
	s, err := LoadSession("")
	if err != nil {
		t.Fatal(err)
	}
	next := NewExplorer(test.NewWindow(nil), s, "")
	if next.split.Offset != 0.45 {
		t.Errorf("the next start splits at %v, not 0.45", next.split.Offset)
	}
}

// menuItem finds an item of the main menu.
func menuItem(t *testing.T, w fyne.Window, menu, label string) *fyne.MenuItem {
	t.Helper()
	for _, m := range w.MainMenu().Items {
		if m.Label != menu {
			continue
		}
		for _, it := range m.Items {
			if it.Label == label {
				return it
			}
		}
	}
	t.Fatalf("no %s → %s", menu, label)
	return nil
}

// TestViewMenu: View → Reset View shows the whole cell again; Zoom In
// and Zoom Out step the zoom.
func TestViewMenu(t *testing.T) {
	ex, w := newTestWindow(t)
	ex.view.SetCamera(views.Camera{Azimuth: 40, Elevation: 20, Zoom: 3, PanX: 12})
	menuItem(t, w, "View", "Reset View").Action()
	if c := ex.view.Camera(); c != (views.Camera{Zoom: 1}) {
		t.Errorf("camera after Reset View: %+v", c)
	}
	menuItem(t, w, "View", "Zoom In").Action()
	if z := ex.view.Camera().Zoom; z != zoomStep {
		t.Errorf("zoom %v after Zoom In", z)
	}
	menuItem(t, w, "View", "Zoom Out").Action()
	if z := ex.view.Camera().Zoom; z != 1 {
		t.Errorf("zoom %v after Zoom Out", z)
	}
}

// buttonIn finds the button with a text under o.
func buttonIn(o fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	visit(o, func(o fyne.CanvasObject) bool {
		if b, ok := o.(*widget.Button); ok {
			if b.Text == text {
				found = b
			}
			return false // a button's own objects hold no other
		}
		return true
	})
	return found
}

// TestQuitAsksToSave: File → Quit (Ctrl-Q, and the window's close button,
// which call the same) closes at once without changes; with unsaved
// changes it asks, and Cancel keeps the window, Don't Save closes it, Save
// writes the model file and closes it.
func TestQuitAsksToSave(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   bool
		answer string // "" when no question is expected
		quits  bool
		saves  bool
	}{
		{"no changes", false, "", true, false},
		{"cancel", true, "Cancel", false, false},
		{"don't save", true, "Don't Save", true, false},
		{"save", true, "Save", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ex, w := newTestWindow(t)
			file := filepath.Join(t.TempDir(), "cell.toml")
			ex.SaveAs(file)
			before, _ := os.ReadFile(file)
			quits := 0
			ex.quit = func() { quits++ }
			if tc.edit {
				ex.tool.SetSelected(toolSynapse)
				tapSegment(t, ex, segmentNamed(t, ex, "apic[15](0.5)"))
			}
			quit := menuItem(t, w, "File", "Quit")
			if sc, ok := quit.Shortcut.(*desktop.CustomShortcut); !ok || !quit.IsQuit ||
				sc.KeyName != fyne.KeyQ || sc.Modifier != fyne.KeyModifierShortcutDefault {
				t.Errorf("Quit: shortcut %v, quit item %v", quit.Shortcut, quit.IsQuit)
			}
			quit.Action()
			if tc.answer != "" {
				overlay := w.Canvas().Overlays().Top()
				if overlay == nil || !strings.Contains(labelsIn(overlay), "lost if not saved") {
					t.Fatal("Quit with unsaved changes did not ask")
				}
				b := buttonIn(overlay, tc.answer)
				if b == nil {
					t.Fatalf("no %q in the question", tc.answer)
				}
				test.Tap(b)
			}
			if got := quits == 1; got != tc.quits {
				t.Errorf("quit %d times", quits)
			}
			after, _ := os.ReadFile(file)
			if saved := string(after) != string(before); saved != tc.saves {
				t.Errorf("model file written: %v", saved)
			}
			if tc.saves && ex.Unsaved() {
				t.Error("still unsaved after Save")
			}
		})
	}
}

// TestUnsavedFollowsUndo: undoing back to the saved model leaves nothing
// unsaved; undoing past it, and editing again, does.
func TestUnsavedFollowsUndo(t *testing.T) {
	ex, _ := newTestExplorer(t)
	ex.tool.SetSelected(toolProbe)
	w := ex.win
	w.Canvas().Capture()
	tapSegment(t, ex, segmentNamed(t, ex, "apic[5](0.5)"))
	ex.SaveAs(filepath.Join(t.TempDir(), "cell.toml"))
	tapSegment(t, ex, segmentNamed(t, ex, "apic[6](0.5)"))
	for _, step := range []struct {
		do      func()
		unsaved bool
	}{
		{func() {}, true},
		{ex.Undo, false},
		{ex.Undo, true},
		{func() { tapSegment(t, ex, segmentNamed(t, ex, "apic[7](0.5)")) }, true},
	} {
		step.do()
		if ex.Unsaved() != step.unsaved {
			t.Fatalf("unsaved %v after %d edits in the history", ex.Unsaved(), len(ex.history))
		}
	}
}

// TestSlowAtSpikesControls: the check box and Simulation → Slow Down at
// Spikes turn it on and off together; Slower and Faster step the speed.
func TestSlowAtSpikesControls(t *testing.T) {
	ex, w := newTestWindow(t)
	test.Tap(ex.slow)
	if !ex.sess.SlowAtSpikes() || !menuItem(t, w, "Simulation", "Slow Down at Spikes").Checked {
		t.Fatal("the check box did not turn slowing down on")
	}
	menuItem(t, w, "Simulation", "Slow Down at Spikes").Action()
	if ex.sess.SlowAtSpikes() || ex.slow.Checked {
		t.Fatal("the menu did not turn it off")
	}
	if ex.speed.Selected != "5 ms/s" {
		t.Errorf("speed box at %q", ex.speed.Selected)
	}
	menuItem(t, w, "Simulation", "Slower").Action()
	if ex.sess.Speed != 2 || ex.speed.Selected != "2 ms/s" {
		t.Errorf("Slower: %v, the box at %q", ex.sess.Speed, ex.speed.Selected)
	}
	menuItem(t, w, "Simulation", "Faster").Action()
	menuItem(t, w, "Simulation", "Faster").Action()
	if ex.sess.Speed != 10 {
		t.Errorf("Faster twice from 2 ms/s: %v", ex.sess.Speed)
	}
}

// TestMenuShortcutsDistinct: no two menu items share a shortcut.
func TestMenuShortcutsDistinct(t *testing.T) {
	_, w := newTestWindow(t)
	seen := map[string]string{}
	for _, m := range w.MainMenu().Items {
		for _, it := range m.Items {
			if it.Shortcut == nil {
				continue
			}
			name := it.Shortcut.ShortcutName()
			if other, ok := seen[name]; ok {
				t.Errorf("%s and %s share %s", other, it.Label, name)
			}
			seen[name] = it.Label
		}
	}
}

// TestToolbarStillAsPlayTurnsToPause: the buttons after Play keep their
// places when its text turns to Pause (they moved 12 pixels).
func TestToolbarStillAsPlayTurnsToPause(t *testing.T) {
	ex, w := newTestWindow(t)
	w.Canvas().Capture()
	step := buttonIn(w.Content(), "Step")
	if step == nil {
		t.Fatal("no Step button")
	}
	d := fyne.CurrentApp().Driver()
	before := d.AbsolutePositionForObject(step)
	ex.play.SetText("Pause")
	ex.play.SetIcon(theme.MediaPauseIcon())
	w.Content().Refresh()
	w.Canvas().Capture()
	if after := d.AbsolutePositionForObject(step); after != before {
		t.Errorf("Step moved from %v to %v as Play turned to Pause", before, after)
	}
}

// TestFrameRateWholeBesideReadoutAndNotice: with a long note, the hover
// readout and a notice all showing, the frame rate is still drawn whole
// inside the window (it was cut to "0 f…"); the run's line gives way.
func TestFrameRateWholeBesideReadoutAndNotice(t *testing.T) {
	ex, w := newTestWindow(t)
	ex.say(strings.Repeat("a long message of the last action, ", 10))
	ex.hovered(segmentNamed(t, ex, "apic[44](0.833333)"), true)
	ex.probesWait = "the run has ended: v_apic[44](0.833333) records from the next Play"
	ex.showPending()
	ex.refreshFrame()
	ex.content.Refresh()
	if !strings.HasSuffix(ex.fps.Text, " fps") {
		t.Fatalf("the frame rate reads %q", ex.fps.Text)
	}
	if shown := textShown(ex.fps); shown != ex.fps.Text {
		t.Errorf("the frame rate shows %q of %q", shown, ex.fps.Text)
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(ex.fps)
	if right := pos.X + ex.fps.Size().Width; right > w.Canvas().Size().Width || ex.fps.Size().Width < ex.fps.MinSize().Width {
		t.Errorf("the frame rate's label ends at x = %v of %v, %v wide of %v", right, w.Canvas().Size().Width, ex.fps.Size().Width, ex.fps.MinSize().Width)
	}
	if shown := textShown(ex.status); !strings.HasSuffix(shown, "…") {
		t.Errorf("the run's line shows %q, not cut with an ellipsis", shown)
	}
}
