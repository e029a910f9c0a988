package views_test

import (
	"fmt"
	"image"
	"testing"

	"neurite/assets"
	"neurite/compartments"
	"neurite/sim/spec"
	"neurite/views"
)

// BenchmarkRenderCA1 draws one heatmap frame of the swc_cell_A example at
// 1280×800 (the explorer's budget: 8 ms), whole and zoomed in on the
// soma, where thick cables cover many more pixels.
func BenchmarkRenderCA1(b *testing.B) {
	m, err := spec.LoadFS(assets.FS, assets.Example)
	if err != nil {
		b.Fatal(err)
	}
	cell, s, err := compartments.FromModel(m)
	if err != nil {
		b.Fatal(err)
	}
	p, err := compartments.Build([]*compartments.Cell{cell}, s)
	if err != nil {
		b.Fatal(err)
	}
	morph := views.NewMorphology(p.Frusta())
	img := image.NewRGBA(image.Rect(0, 0, 1280, 800))
	values := make([]float64, p.Compartments())
	for i := range values {
		values[i] = -80 + float64(i%120)
	}
	st := views.DefaultStyle()
	for _, zoom := range []float64{1, 4} {
		b.Run(fmt.Sprintf("zoom=%g", zoom), func(b *testing.B) {
			cam := views.Camera{Azimuth: 30, Elevation: 10, Zoom: zoom}
			for b.Loop() {
				morph.Render(img, cam, values, st)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/frame")
		})
	}
}
