package app

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"gonum.org/v1/plot"

	"neurite/app/pipeline"
	"neurite/sim"
	"neurite/sim/network"
	"neurite/sim/spiketrain"
	"neurite/views"
)

// Settings of the analysis made when a run ends.
const (
	histBins = 40
	// chiTau is the time constant (ms) of the filter χ applies to the
	// spikes: spikes a few ms apart count as synchronous.
	chiTau = 3.0
	// maxSyncSamples bounds the samples χ and the Kuramoto order parameter
	// take over a run, whatever its length.
	maxSyncSamples = 4000
)

// netAnalysis is what a run's spikes show when it ends.
type netAnalysis struct {
	isi, cv, order           *plot.Plot
	isiNote, cvNote, syncMsg string
	weights, matrix          *plot.Plot
	weightNote               string
}

// plasticWeights is a copy of the plastic projections' weights, and the
// neurons of the first one's synapses, for its matrix.
type plasticWeights struct {
	names       []string
	weights     [][]float64
	pre, post   []int32
	nPre, nPost int
}

// noPlasticity stands in the Weights tab of a network without plastic
// projections, in place of figures that would stay empty.
const noPlasticity = "no plastic projections: weights are fixed"

// maxMatrixSynapses bounds the synapses the weight matrix bins.
const maxMatrixSynapses = 4_000_000

// weightsOf copies the weights of the plastic projections of a network
// (a point network's, then those onto or from cable cells), between runs:
// a run changes them.
func weightsOf(net *pipeline.Network) plasticWeights {
	var pw plasticWeights
	var point []*network.Projection
	if net.Point != nil {
		point = net.Point.Projections
	}
	for _, pr := range point {
		if !pr.Plastic() {
			continue
		}
		w := make([]float64, pr.Synapses())
		for s := range w {
			w[s] = float64(pr.Weight(int64(s)))
		}
		if len(pw.names) == 0 && len(w) <= maxMatrixSynapses {
			pw.pairs(pr.From.N, pr.To.N, pr.Start, pr.Target)
		}
		pw.names, pw.weights = append(pw.names, pr.Name), append(pw.weights, w)
	}
	if net.Links != nil {
		for _, pr := range net.Links.Projections {
			if !pr.Plastic() {
				continue
			}
			if len(pw.names) == 0 && len(pr.W) <= maxMatrixSynapses {
				pw.pairs(pr.From.N, pr.To.N, pr.Start, pr.Target)
			}
			pw.names, pw.weights = append(pw.names, pr.Name), append(pw.weights, slices.Clone(pr.W))
		}
	}
	return pw
}

// pairs notes the pre and post neuron of each synapse of a projection
// (rows by presynaptic neuron), for the weight matrix.
func (pw *plasticWeights) pairs(nPre, nPost int, start []int64, target []uint32) {
	pw.nPre, pw.nPost = nPre, nPost
	for i := range nPre {
		for s := start[i]; s < start[i+1]; s++ {
			pw.pre, pw.post = append(pw.pre, int32(i)), append(pw.post, int32(target[s]))
		}
	}
}

// analyseWeights draws the distribution of each plastic projection's
// weights (the first one's as a histogram and a matrix; all summarised in
// the note).
func (a *netAnalysis) analyseWeights(pw plasticWeights) {
	names, weights := pw.names, pw.weights
	if len(names) == 0 {
		return // the tab says so in place of the figures (noPlasticity)
	}
	h, err := spiketrain.AutoHistogram(weights[0], histBins)
	if err != nil {
		a.weightNote = "no histogram of weights: " + err.Error()
		return
	}
	a.weights = views.HistogramPlot(h, "weight of "+names[0], "synapses", views.ProbeColor(0))
	if pw.pre != nil {
		a.matrix, _ = views.WeightMatrix(pw.pre, pw.post, weights[0], pw.nPre, pw.nPost, 100)
	}
	var parts []string
	for k, name := range names {
		parts = append(parts, fmt.Sprintf("%s: %d synapses, mean weight %.4g", name, len(weights[k]), mean(weights[k])))
	}
	a.weightNote = strings.Join(parts, "; ")
}

// analyseSpikes computes the ISI and CV histograms and the synchrony of
// the spikes of n neurons over [0, t) ms; what cannot be computed (too
// few spikes) is said in the notes.
func analyseSpikes(spikes []sim.Spike, n int, t, dt float64) netAnalysis {
	var a netAnalysis
	trains := spiketrain.Trains(spikes, n)
	isis, cvs := spiketrain.AllISIs(trains), spiketrain.CVs(trains)
	var err error
	if a.isi, err = views.ISIHistogram(isis, histBins); err != nil {
		a.isiNote = "no histogram of intervals: " + err.Error()
	} else {
		a.isiNote = fmt.Sprintf("%d intervals, mean %.2f ms", len(isis), mean(isis))
	}
	if a.cv, err = views.CVHistogram(cvs, histBins); err != nil {
		a.cvNote = "no histogram of CVs: " + err.Error()
	} else {
		a.cvNote = fmt.Sprintf("%d neurons with two intervals or more, mean CV %.3f", len(cvs), mean(cvs))
	}
	step := math.Max(dt, t/maxSyncSamples)
	chi, errChi := spiketrain.SpikeChi(trains, 0, t, step, chiTau)
	// The first and last tenth are left out: near a recording's ends the
	// phases Kuramoto needs read high (see spiketrain.Kuramoto).
	kt, kr, kmean, errK := spiketrain.Kuramoto(trains, 0.1*t, 0.9*t, step)
	msg := fmt.Sprintf("χ = %.3f (spikes filtered with τ = %g ms)", chi, chiTau)
	if errChi != nil {
		msg = "χ: " + errChi.Error()
	}
	if errK != nil {
		msg += "   Kuramoto: " + errK.Error()
	} else {
		msg += fmt.Sprintf("   Kuramoto order parameter R = %.3f (mean from %g to %g ms)", kmean, 0.1*t, 0.9*t)
		a.order = views.OrderPlot(views.Series{Name: "R(t)", T: kt, Y: kr, Color: views.ProbeColor(0)}, "Kuramoto R", 0, t)
	}
	a.syncMsg = msg
	return a
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// analyse computes the run's analysis in the background and shows it,
// unless a newer run or rebuild (gen) came first.
func (nv *NetView) analyse(gen int) {
	spikes := nv.sess.Spikes()
	n, dt := nv.sess.Net.Neurons(), nv.sess.Net.Dt()
	pw := weightsOf(nv.sess.Net)
	t, _, _ := nv.sess.State()
	if t <= 0 {
		return
	}
	nv.sync.SetText("computing synchrony…")
	done := make(chan struct{})
	nv.analysed = done
	go func() {
		defer close(done)
		a := analyseSpikes(spikes, n, t, dt)
		a.analyseWeights(pw)
		fyne.Do(func() {
			if gen != nv.gen {
				return
			}
			nv.isi.SetPlot(a.isi)
			nv.cv.SetPlot(a.cv)
			nv.order.SetPlot(a.order)
			nv.isiNote.SetText(a.isiNote)
			nv.cvNote.SetText(a.cvNote)
			nv.sync.SetText(a.syncMsg)
			nv.setWeights(a.weights, a.matrix, a.weightNote)
		})
	}()
}
