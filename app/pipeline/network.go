package pipeline

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"neurite/assets"
	"neurite/gpu"
	"neurite/sim"
	"neurite/sim/netbuild"
	"neurite/sim/network"
	"neurite/sim/output"
	"neurite/sim/sonata"
	"neurite/sim/spec"
)

// IsNetwork reports whether a model file is a network (has populations);
// an embedded example is looked up by its path in assets.
func IsNetwork(file string) bool {
	kind, err := spec.Kind(file)
	if err != nil {
		kind, err = spec.KindFS(assets.FS, file)
	}
	return err == nil && kind == spec.KindNetwork
}

// LoadNetwork reads a network file (or an embedded example's) and applies
// the --set overrides.
func LoadNetwork(file string, sets ...string) (*spec.Network, error) {
	if !fileExists(file) && embedded(file) {
		return spec.LoadNetworkFS(assets.FS, file, sets...)
	}
	return spec.LoadNetwork(file, sets...)
}

// Network is a network file built for running.
type Network struct {
	*netbuild.Model
	Sim     sim.Simulator
	Backend string // "cpu" or "gpu": where it runs (the cable cells', in a mixed network)
	Note    string // the backend chosen, and why
	// Watch, when set, is handed every batch of spikes as the run makes
	// them (all of them, whatever record.spikes keeps), on the run's
	// goroutine: for a live raster, or a figure at the end.
	Watch func(spikes []sim.Spike)
}

// NewNetwork builds a network and its engine on the backend asked for
// ("": the file's run.backend): point neurons as gpu.NewNetSimulator
// chooses (the CPU engine of sim/network, or gpu/network), cable cells as
// NewSimulator does, with workers threads (0: all cores).
func NewNetwork(n *spec.Network, backend string, workers int) (*Network, error) {
	return NewNetworkContext(context.Background(), n, backend, workers, nil)
}

// NewNetworkContext is NewNetwork that stops building when ctx is done
// and tells progress, when given, the fraction of the synapses made.
func NewNetworkContext(ctx context.Context, n *spec.Network, backend string, workers int, progress func(float64)) (*Network, error) {
	backend = cmp.Or(backend, n.Run.Backend)
	m, err := netbuild.BuildContext(ctx, n, progress)
	if err != nil {
		return nil, err
	}
	net := &Network{Model: m}
	if m.Links != nil {
		threads := workers
		if threads == 0 {
			threads = n.Run.Threads
		}
		cs, b, note, err := newComposite(m, backend, threads)
		if err != nil {
			return nil, err
		}
		net.Sim, net.Backend, net.Note = cs, b, note
		return net, nil
	}
	if m.Cable != nil {
		ch, err := NewSimulator(m.Cable, backend, workers)
		if err != nil {
			return nil, err
		}
		net.Sim, net.Backend, net.Note = ch.Sim, ch.Backend, ch.Note
		return net, nil
	}
	threads := workers
	if threads == 0 {
		threads = n.Run.Threads
	}
	ch, err := gpu.NewNetSimulator(m.Point, network.Options{Workers: threads, RecordEvery: n.Record.Every, Probes: m.Probes}, backend)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", n.File(), err)
	}
	net.Sim, net.Backend, net.Note = ch.Sim, ch.Backend, ch.Note
	return net, nil
}

// Close frees what the network's simulator holds on a GPU (its device
// buffers and programs); the network runs no more after it.
func (n *Network) Close() { gpu.Free(n.Sim) }

// HasPlasticity reports whether any projection's weights learn.
func (n *Network) HasPlasticity() bool {
	if n.Links != nil {
		for _, pr := range n.Links.Projections {
			if pr.Plastic() {
				return true
			}
		}
	}
	if n.Point == nil {
		return false
	}
	for _, pr := range n.Point.Projections {
		if pr.Plastic() {
			return true
		}
	}
	return false
}

// ProbeNames are the recorded traces' names: a composite network's point
// neurons' first, then its cable cells'.
func (n *Network) ProbeNames() []string {
	if n.Cable == nil {
		return n.Model.ProbeNames
	}
	if n.Point == nil {
		return n.Cable.ProbeNames()
	}
	return append(slices.Clone(n.Model.ProbeNames), n.Cable.ProbeNames()...)
}

// Compartments is the number of compartments of a network of cable cells
// (0 for point neurons).
func (n *Network) Compartments() int {
	if n.Cable != nil {
		return n.Cable.Compartments()
	}
	return 0
}

// RunNetworkToDirectory runs a network from t = 0 to tstop into dir:
// spikes.csv (neuron_id, t_ms, t_step_ms) of the neurons record.spikes
// selects, the same spikes as spikes.h5 (SONATA, a node population per
// population) and units.nwb (NWB), traces.csv/npy of record.states, populations.csv (each
// population's name, first neuron id and size) and, with record.rates,
// rates.csv (each population's rate per bin, Hz), and with
// record.weights, weights.csv (the chosen synapses' weights over time).
// Spikes stream to disk,
// so a long run does not grow in memory. It returns the time reached and
// the error that ended the run early.
func RunNetworkToDirectory(ctx context.Context, n *Network, tstop float64, dir string, progress sim.ProgressFunc) (float64, error) {
	layout := output.Layout{Probes: n.ProbeNames(), Dt: n.Dt(), Network: true}
	for _, p := range n.Pops {
		layout.Populations = append(layout.Populations, sonata.Population{Name: p.Name, First: p.First, N: p.N})
	}
	w, err := output.NewRun(dir, layout, false)
	if err != nil {
		return 0, err
	}
	rec := newNetRecorder(w, n)
	if err := rec.startWeights(dir); err != nil {
		w.Abort()
		return 0, err
	}
	n.Sim.Init()
	runErr := n.Sim.Run(ctx, tstop, rec, progress)
	if err := w.Close(); err != nil && !errors.Is(runErr, err) {
		runErr = errors.Join(runErr, err)
	}
	if err := rec.closeWeights(); err != nil {
		runErr = errors.Join(runErr, err)
	}
	reached := n.Sim.Time()
	if err := writePopulations(filepath.Join(dir, "populations.csv"), n.Pops); err != nil {
		return reached, errors.Join(runErr, err)
	}
	if rec.rates != nil {
		if err := rec.writeRates(filepath.Join(dir, "rates.csv"), reached); err != nil {
			return reached, errors.Join(runErr, err)
		}
	}
	return reached, runErr
}

// netRecorder passes on the spikes record.spikes selects and counts
// every population's spikes per rate bin.
type netRecorder struct {
	sim.Recorder
	keep  []bool // by neuron id; nil keeps all
	pops  []netbuild.Pop
	bin   float64
	rates [][]int // rates[p][k]: spikes of population p in bin k
	kept  []sim.Spike

	weights    []*weightTrack
	weightCSV  *csv.Writer
	weightFile *output.File
	net        *Network
}

// weightTrack samples some synapses of a projection into weights.csv.
type weightTrack struct {
	pr    weighted
	syn   []int64
	every float64
	next  float64
}

func newNetRecorder(w sim.Recorder, n *Network) *netRecorder {
	r := &netRecorder{Recorder: w, pops: n.Pops, net: n}
	rec := n.Spec.Record
	r.keep = n.SpikesKept()
	if rec.Rates {
		// The bins grow as spikes come: a run's tstop may be far off.
		r.bin, r.rates = rec.RateBin, make([][]int, len(n.Pops))
	}
	return r
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// startWeights opens weights.csv for record.weights: t_ms and one column
// per synapse, "PROJECTION[s]" (s numbers the projection's synapses by
// source, then target), each projection's synapses spread evenly over it.
func (r *netRecorder) startWeights(dir string) error {
	specs := r.net.Spec.Record.Weights
	if len(specs) == 0 {
		return nil
	}
	header := []string{"t_ms"}
	for _, ws := range specs {
		pr := r.net.projection(ws.Projection)
		if pr == nil {
			continue
		}
		tr := &weightTrack{pr: pr, every: ws.Every}
		total := pr.Synapses()
		for k := range min(int64(ws.Synapses), total) {
			s := k * total / min(int64(ws.Synapses), total)
			tr.syn = append(tr.syn, s)
			header = append(header, fmt.Sprintf("%s[%d]", ws.Projection, s))
		}
		r.weights = append(r.weights, tr)
	}
	if len(r.weights) == 0 {
		return nil
	}
	f, err := output.Create(filepath.Join(dir, "weights.csv"))
	if err != nil {
		return err
	}
	r.weightFile, r.weightCSV = f, csv.NewWriter(f)
	r.weightCSV.Write(header)
	return nil
}

// Sample passes the sample on, and writes the weights when due: the
// driver samples between epochs, when no weight is changing.
func (r *netRecorder) Sample(t float64, values []float64) error {
	if r.weightCSV != nil && t+1e-9 >= r.weights[0].next {
		row := []string{strconv.FormatFloat(output.GridTime(t, r.net.Dt()), 'g', -1, 64)}
		for _, tr := range r.weights {
			for _, s := range tr.syn {
				row = append(row, tr.pr.weightText(s))
			}
			tr.next = t + tr.every
		}
		r.weightCSV.Write(row)
	}
	return r.Recorder.Sample(t, values)
}

// closeWeights puts weights.csv in place.
func (r *netRecorder) closeWeights() error {
	if r.weightCSV == nil {
		return nil
	}
	r.weightCSV.Flush()
	if err := r.weightCSV.Error(); err != nil {
		r.weightFile.Abort()
		return err
	}
	return r.weightFile.Commit()
}

// Spikes counts and filters a batch.
func (r *netRecorder) Spikes(spikes []sim.Spike) error {
	if r.net.Watch != nil {
		r.net.Watch(spikes)
	}
	if r.rates != nil {
		for _, s := range spikes {
			for p, pop := range r.pops {
				if s.Cell >= pop.First && s.Cell < pop.First+pop.N {
					k := int(s.T / r.bin)
					if k >= len(r.rates[p]) {
						r.rates[p] = append(r.rates[p], make([]int, k+1-len(r.rates[p]))...)
					}
					r.rates[p][k]++
					break // populations do not overlap
				}
			}
		}
	}
	if r.keep == nil {
		return r.Recorder.Spikes(spikes)
	}
	r.kept = r.kept[:0]
	for _, s := range spikes {
		if r.keep[s.Cell] {
			r.kept = append(r.kept, s)
		}
	}
	return r.Recorder.Spikes(r.kept)
}

// writeRates writes rates.csv: the bins' start times and each
// population's rate (Hz per neuron) in the bins completed by reached.
func (r *netRecorder) writeRates(path string, reached float64) error {
	return output.WriteFile(path, func(f io.Writer) error {
		w := csv.NewWriter(f)
		header := []string{"t_ms"}
		for _, p := range r.pops {
			header = append(header, p.Name+"_hz")
		}
		w.Write(header)
		for k := 0; float64(k+1)*r.bin <= reached+1e-9; k++ {
			row := []string{strconv.FormatFloat(float64(k)*r.bin, 'g', -1, 64)}
			for p, pop := range r.pops {
				count := 0
				if k < len(r.rates[p]) {
					count = r.rates[p][k]
				}
				hz := float64(count) / float64(pop.N) / r.bin * 1000
				row = append(row, strconv.FormatFloat(hz, 'g', 6, 64))
			}
			w.Write(row)
		}
		w.Flush()
		return w.Error()
	})
}

// writePopulations writes populations.csv: name, first neuron id, size.
func writePopulations(path string, pops []netbuild.Pop) error {
	return output.WriteFile(path, func(f io.Writer) error {
		w := csv.NewWriter(f)
		w.Write([]string{"population", "first_id", "size"})
		for _, p := range pops {
			w.Write([]string{p.Name, strconv.Itoa(p.First), strconv.Itoa(p.N)})
		}
		w.Flush()
		return w.Error()
	})
}
