package views

import (
	"errors"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// WeightMatrix lays a projection's weights out as a figure: the mean
// weight of the synapses from each block of presynaptic neurons (across)
// onto each block of postsynaptic ones (up), at most bins × bins blocks,
// in viridis; blocks without a synapse stay blank. pre[s] and post[s] are
// synapse s's neurons, w[s] its weight.
func WeightMatrix(pre, post []int32, w []float64, nPre, nPost, bins int) (*plot.Plot, error) {
	if len(w) == 0 || nPre < 1 || nPost < 1 {
		return nil, errors.New("no synapses")
	}
	g := blockMeans(pre, post, w, nPre, nPost, bins)
	p := newPlot()
	p.X.Label.Text, p.Y.Label.Text = "presynaptic neuron", "postsynaptic neuron"
	h := plotter.NewHeatMap(g, viridisPalette(64))
	h.NaN = color.Transparent
	p.Add(h)
	p.X.Tick.Marker, p.Y.Tick.Marker = roundTicks{6}, roundTicks{6}
	return p, nil
}

// blockMeans bins the synapses into at most bins × bins blocks of
// neurons.
func blockMeans(pre, post []int32, w []float64, nPre, nPost, bins int) *weightGrid {
	g := &weightGrid{cols: min(bins, nPre), rows: min(bins, nPost), nPre: nPre, nPost: nPost}
	g.sum, g.count = make([]float64, g.cols*g.rows), make([]int, g.cols*g.rows)
	for s, x := range w {
		c, r := int(pre[s])*g.cols/nPre, int(post[s])*g.rows/nPost
		g.sum[r*g.cols+c] += x
		g.count[r*g.cols+c]++
	}
	return g
}

// weightGrid is the blocks' mean weights as gonum's heat map reads them.
type weightGrid struct {
	cols, rows  int
	nPre, nPost int
	sum         []float64
	count       []int
}

func (g *weightGrid) Dims() (c, r int) { return g.cols, g.rows }

func (g *weightGrid) Z(c, r int) float64 {
	if n := g.count[r*g.cols+c]; n > 0 {
		return g.sum[r*g.cols+c] / float64(n)
	}
	return math.NaN()
}

// X and Y are the blocks' centres in neurons.
func (g *weightGrid) X(c int) float64 { return (float64(c) + 0.5) * float64(g.nPre) / float64(g.cols) }
func (g *weightGrid) Y(r int) float64 { return (float64(r) + 0.5) * float64(g.nPost) / float64(g.rows) }

// viridisPalette is n colours of Viridis as a gonum palette.
type viridisPalette int

func (n viridisPalette) Colors() []color.Color {
	out := make([]color.Color, n)
	for i := range out {
		out[i] = Viridis(float64(i) / float64(n-1))
	}
	return out
}
