// Package sonata writes and reads SONATA reports (github.com/BlueBrain/sonata,
// docs/SONATA_DEVELOPER_GUIDE.md, "Output file formats"): spike reports,
// which NEURON (through Neurodamus and libsonatareport), NEST, Arbor and
// bmtk write and libsonata reads, and compartment reports of voltage
// snapshots.
//
// A spike report holds, for each node population, /spikes/<population>/
// timestamps (float64, ms) and node_ids (uint64, the node's index in its
// population), with a sorting attribute: libsonata reads it as an
// enumeration of one byte (none 0, by_id 1, by_time 2) and bmtk writes
// it as a string; both are read, and the enumeration is written. The
// root carries magic 0x0A7A and version [0, 1].
//
// Neurite numbers the neurons of a network from 0 across its
// populations; a SONATA node id is its neuron id less its population's
// first (see Population).
package sonata

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"neurite/sim"
	"neurite/sim/hdf5"
)

// Magic is the root attribute that marks a SONATA file.
const Magic uint32 = 0x0A7A

// Version is the SONATA format version written, [major, minor].
var Version = []uint32{0, 1}

// Sorting names the orders of a spike report, by their values in the
// enumeration libsonata reads.
var Sorting = []string{"none", "by_id", "by_time"}

// Population is a node population: its name and the range of Neurite's
// neuron ids, First to First+N-1, that its node ids 0 to N-1 stand for.
type Population struct {
	Name     string
	First, N int
}

// buffered is the number of spikes kept per population before they go
// to the file. A population with fewer is written at the end as
// contiguous datasets, as libsonatareport writes them; one with more
// goes to chunked datasets of chunk spikes that grow as the run goes
// (the library allocates whole chunks: 256 KB of timestamps wastes
// little beside 1 MB).
const (
	buffered = 1 << 17
	chunk    = 1 << 15
)

// SpikeWriter streams spikes, in time order, into a SONATA spike report
// sorted by time.
type SpikeWriter struct {
	f      *hdf5.File
	path   string
	pops   []*popWriter
	sorted []sim.Spike // a time step's spikes sorted by time
}

// popWriter is one population's datasets and what waits to be appended.
type popWriter struct {
	Population
	group      *hdf5.Group
	timestamps column[float64]
	nodeIDs    column[uint64]
}

// CreateSpikes starts a spike report at path with the given populations,
// which must not overlap.
func CreateSpikes(path string, pops []Population) (*SpikeWriter, error) {
	f, err := hdf5.Create(path)
	if err != nil {
		return nil, err
	}
	w := &SpikeWriter{f: f, path: path}
	if err := w.start(pops); err != nil {
		f.Close()
		return nil, err
	}
	return w, nil
}

func (w *SpikeWriter) start(pops []Population) error {
	if err := stamp(w.f); err != nil {
		return err
	}
	root, err := w.f.CreateGroup("spikes")
	if err != nil {
		return err
	}
	for _, p := range pops {
		g, err := root.CreateGroup(p.Name)
		if err != nil {
			return err
		}
		w.pops = append(w.pops, &popWriter{Population: p, group: g,
			timestamps: column[float64]{group: g, name: "timestamps", units: "ms", chunkRows: chunk, limit: buffered},
			nodeIDs:    column[uint64]{group: g, name: "node_ids", chunkRows: chunk, limit: buffered}})
	}
	return nil
}

// stamp writes the root attributes of a SONATA file.
func stamp(f *hdf5.File) error {
	if err := hdf5.SetNumber(f, "magic", Magic); err != nil {
		return err
	}
	return hdf5.SetNumbers(f, "version", Version)
}

// Add appends spikes; successive calls must come in time order, as a run
// hands them over (one time step's spikes may come in any order, and are
// sorted here by their interpolated time).
func (w *SpikeWriter) Add(spikes []sim.Spike) error {
	if !slices.IsSortedFunc(spikes, bySpikeTime) {
		w.sorted = append(w.sorted[:0], spikes...)
		slices.SortStableFunc(w.sorted, bySpikeTime)
		spikes = w.sorted
	}
	for _, s := range spikes {
		p := w.population(s.Cell)
		if p == nil {
			return fmt.Errorf("%s: neuron %d is in no population", w.path, s.Cell)
		}
		if err := p.timestamps.add(s.T); err != nil {
			return err
		}
		if err := p.nodeIDs.add(uint64(s.Cell - p.First)); err != nil {
			return err
		}
	}
	return nil
}

func bySpikeTime(a, b sim.Spike) int { return cmp.Compare(a.T, b.T) }

// population is the population of neuron id, or nil.
func (w *SpikeWriter) population(id int) *popWriter {
	for _, p := range w.pops {
		if id >= p.First && id < p.First+p.N {
			return p
		}
	}
	return nil
}

// Close writes what is buffered and the sorting attributes and closes the
// file.
func (w *SpikeWriter) Close() error {
	for _, p := range w.pops {
		err := p.timestamps.finish()
		if err == nil {
			err = p.nodeIDs.finish()
		}
		if err == nil {
			err = p.group.SetAttr("sorting", hdf5.Enum{Names: Sorting, Value: 2})
		}
		if err != nil {
			w.f.Close()
			return err
		}
	}
	return w.f.Close()
}

// Abort closes the file, whatever its state; the caller removes it.
func (w *SpikeWriter) Abort() { w.f.Close() }

// PopulationSpikes is one population of a spike report as read.
type PopulationSpikes struct {
	Name       string
	Sorting    string // "none", "by_id" or "by_time"; "none" when absent
	NodeIDs    []uint64
	Timestamps []float64 // ms
}

// ReadSpikes reads every population of the SONATA spike report at path,
// in name order.
func ReadSpikes(path string) ([]PopulationSpikes, error) {
	f, err := hdf5.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	root, err := f.OpenGroup("spikes")
	if err != nil {
		return nil, fmt.Errorf("%w: not a SONATA spike report", err)
	}
	names, err := root.Names()
	if err != nil {
		return nil, err
	}
	var out []PopulationSpikes
	for _, name := range names {
		g, err := root.OpenGroup(name)
		if err != nil {
			return nil, err
		}
		p, err := readPopulation(g, path)
		g.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func readPopulation(g *hdf5.Group, path string) (PopulationSpikes, error) {
	p := PopulationSpikes{Name: g.Path()[len("/spikes/"):], Sorting: "none"}
	if g.HasAttr("sorting") {
		s, err := g.AttrString("sorting")
		if err != nil {
			return p, err
		}
		if !slices.Contains(Sorting, s) {
			return p, fmt.Errorf("%s: %s: sorting %q is none of %v", path, g.Path(), s, Sorting)
		}
		p.Sorting = s
	}
	ts, err := g.Dataset("timestamps")
	if err != nil {
		return p, err
	}
	defer ts.Close()
	if p.Timestamps, err = hdf5.Read[float64](ts); err != nil {
		return p, err
	}
	scale, err := timeScale(&ts.Object, path)
	if err != nil {
		return p, err
	}
	for i, t := range p.Timestamps {
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return p, fmt.Errorf("%s: %s: timestamp %d is %g", path, ts.Path(), i, t)
		}
		p.Timestamps[i] = t * scale
	}
	ids, err := g.Dataset("node_ids")
	if err != nil {
		return p, err
	}
	defer ids.Close()
	if p.NodeIDs, err = hdf5.Read[uint64](ids); err != nil {
		return p, err
	}
	if len(p.NodeIDs) != len(p.Timestamps) {
		return p, fmt.Errorf("%s: %s: %d node_ids for %d timestamps", path, g.Path(), len(p.NodeIDs), len(p.Timestamps))
	}
	return p, nil
}

// timeScale is the factor to ms of a dataset's units attribute (ms when
// absent, as the spec says).
func timeScale(o *hdf5.Object, path string) (float64, error) {
	if !o.HasAttr("units") {
		return 1, nil
	}
	u, err := o.AttrString("units")
	if err != nil {
		return 0, err
	}
	switch u {
	case "ms":
		return 1, nil
	case "s":
		return 1000, nil
	}
	return 0, fmt.Errorf("%s: %s: units %q: want ms or s", path, o.Path(), u)
}

// Spikes turns a report's populations into Neurite's spikes, sorted by
// time, with a neuron id for each node: with pops (a network's
// populations), a population's node n becomes neuron First+n of the
// population of the same name, and a population or node the network
// lacks is an error naming the file; without, the report's populations are
// numbered one after another in name order, each as large as its largest
// node id plus one. Step is the spike time: a report has no time step.
func Spikes(path string, report []PopulationSpikes, pops []Population) ([]sim.Spike, []Population, error) {
	if pops == nil {
		next := 0
		for _, r := range report {
			n := 0
			for _, id := range r.NodeIDs {
				n = max(n, int(min(id, math.MaxInt32))+1)
			}
			pops = append(pops, Population{Name: r.Name, First: next, N: n})
			next += n
		}
	}
	var out []sim.Spike
	for _, r := range report {
		k := slices.IndexFunc(pops, func(p Population) bool { return p.Name == r.Name })
		if k < 0 {
			return nil, nil, fmt.Errorf("%s: population %s is not in the network", path, r.Name)
		}
		p := pops[k]
		for i, id := range r.NodeIDs {
			if id >= uint64(p.N) {
				return nil, nil, fmt.Errorf("%s: population %s has %d nodes; node %d spikes", path, r.Name, p.N, id)
			}
			t := r.Timestamps[i]
			out = append(out, sim.Spike{Cell: p.First + int(id), T: t, Step: t})
		}
	}
	slices.SortStableFunc(out, func(a, b sim.Spike) int {
		return cmp.Or(cmp.Compare(a.T, b.T), cmp.Compare(a.Cell, b.Cell))
	})
	return out, pops, nil
}
