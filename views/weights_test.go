package views

import (
	"math"
	"testing"
)

// TestWeightMatrix: blocks hold the mean weight of their synapses, empty
// blocks are blank, and the figure renders.
func TestWeightMatrix(t *testing.T) {
	pre := []int32{0, 1, 9, 9}
	post := []int32{0, 0, 9, 8}
	w := []float64{1, 3, 5, 7}
	p, err := WeightMatrix(pre, post, w, 10, 10, 2)
	if err != nil {
		t.Fatal(err)
	}
	g := blockMeans(pre, post, w, 10, 10, 2)
	if g.Z(0, 0) != 2 || g.Z(1, 1) != 6 || !math.IsNaN(g.Z(1, 0)) {
		t.Errorf("blocks %v %v %v", g.Z(0, 0), g.Z(1, 1), g.Z(1, 0))
	}
	if img := RenderPlot(p, 300, 200); img.Bounds().Dx() != 300 {
		t.Errorf("rendered %v", img.Bounds())
	}
	if _, err := WeightMatrix(nil, nil, nil, 10, 10, 2); err == nil {
		t.Error("a matrix of no synapses was drawn")
	}
}
