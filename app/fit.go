package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Sample contents that size entries: each the longest text its kind of
// field is expected to hold, so that it shows whole without scrolling.
const (
	fitTime     = "10000.5"              // a time in ms: tstop, a video's span
	fitNumber   = "-0.0123457"           // a parameter as fmtNum writes it
	fitBound    = "-1000.5"              // an end of a parameter's range to sweep
	fitCount    = "10000"                // a count of values, a population's size
	fitSeed     = "2147483647"           // a seed: any int32
	fitLocation = "apic[100](0.833333)"  // a place on a cell, as the tree writes it
	fitEvents   = "10, 20, 30, 40, 50.5" // a few event times
	fitVideo    = "1920x1080"            // a video's size in pixels
)

// fitWidth is the width an entry needs to show text whole: a single-line
// entry's own minimum is one character wide (it scrolls), so it would
// otherwise show only the tail of what was typed ("000" of "1000").
func fitWidth(text string) float32 {
	// The entry insets its text by the inner padding on either side,
	// within its border; the cursor sits after the last character, so
	// one more padding keeps the text from scrolling as it is typed.
	pad := 3*theme.InnerPadding() + 2*theme.InputBorderSize()
	return fyne.MeasureText(text, theme.TextSize(), fyne.TextStyle{}).Width + pad
}

// fit gives an entry at least the width of its longest expected content:
// its width in a toolbar row, the least width of its column in a dialog's
// form (where it still stretches with its neighbours, so that they line up).
func fit(e *widget.Entry, longest string) fyne.CanvasObject {
	w := max(fitWidth(longest), fitWidth(e.Text)) // a longer value still shows whole
	strut := canvas.NewRectangle(color.Transparent)
	strut.SetMinSize(fyne.NewSize(w, 0))
	return container.NewStack(strut, e)
}

// steadyWidth gives a button whose text changes (Play and Pause) the width
// of the widest of its texts, so that the controls beside it keep their
// places as it changes: the toolbar shifted by 12 pixels when Play turned
// to Pause.
func steadyWidth(b *widget.Button, texts ...string) fyne.CanvasObject {
	w := b.MinSize().Width
	for _, t := range texts {
		w = max(w, widget.NewButtonWithIcon(t, b.Icon, nil).MinSize().Width)
	}
	strut := canvas.NewRectangle(color.Transparent)
	strut.SetMinSize(fyne.NewSize(w, 0))
	return container.NewStack(strut, b)
}
