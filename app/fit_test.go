package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// textWidth is what an entry needs to show text without scrolling:
// the text and its insets.
func textWidth(text string) float32 {
	return fyne.MeasureText(text, theme.TextSize(), fyne.TextStyle{}).Width + 2*theme.InnerPadding()
}

// TestFitShowsLongestContent: an entry fitted to a sample is wide enough
// for it (a run of 1000 ms showed "000"), and a value longer than the
// sample widens it rather than scrolling.
func TestFitShowsLongestContent(t *testing.T) {
	test.NewTempApp(t)
	for _, sample := range []string{fitTime, fitNumber, fitBound, fitCount, fitSeed, fitLocation, fitEvents, fitVideo} {
		e := numEntry(1)
		if w, need := fit(e, sample).MinSize().Width, textWidth(sample); w < need {
			t.Errorf("%q: %g wide, needs %g", sample, w, need)
		}
	}
	if w := fit(numEntry(1000), fitTime).MinSize().Width; w < textWidth("1000") {
		t.Errorf("run entry %g wide, 1000 needs %g", w, textWidth("1000"))
	}
	long := widget.NewEntry()
	long.SetText("apic[144](0.8333333333)")
	if w, need := fit(long, fitLocation).MinSize().Width, textWidth(long.Text); w < need {
		t.Errorf("long location %g wide, needs %g", w, need)
	}
}
