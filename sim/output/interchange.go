package output

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"neurite/sim"
	"neurite/sim/nwb"
	"neurite/sim/sonata"
)

// The names of a run's files in the field's interchange formats.
const (
	spikesH5    = "spikes.h5"    // SONATA spike report
	unitsNWB    = "units.nwb"    // NWB Units table of the same spikes
	snapshotsH5 = "snapshots.h5" // SONATA compartment report of the snapshots
)

// cellsPopulation names the one SONATA population of a run of cells.
const cellsPopulation = "cells"

// interchange writes a run's spikes and snapshots as SONATA reports and
// an NWB Units table, through libhdf5 (sim/hdf5), which writes each file
// by name: the run's File for it holds the temporary name that libhdf5
// writes, and is committed with the run's other files once libhdf5 has
// closed it.
type interchange struct {
	layout        Layout
	start         time.Time
	spikes        *sonata.SpikeWriter
	spikesFile    *File
	unitsFile     *File
	snapshots     *sonata.ReportWriter
	snapshotsFile *File
	units         nwb.Units // every neuron's spike times as they come, for units.nwb
	row           []int     // by neuron id: its row of units
}

// populations are the layout's populations, or one population of
// every cell.
func (l Layout) populations() []sonata.Population {
	if l.Populations != nil {
		return l.Populations
	}
	cells := max(len(l.CellSegments), 1)
	return []sonata.Population{{Name: cellsPopulation, N: cells}}
}

// startInterchange creates spikes.h5, units.nwb and, with snapshots,
// snapshots.h5.
func (r *Run) startInterchange(snapshots bool) error {
	x := &interchange{layout: r.layout, start: time.Now()}
	x.units = nwb.Units{
		Identifier:         fmt.Sprintf("neurite-%s", x.start.UTC().Format("20060102T150405.000000000Z")),
		SessionDescription: "a Neurite run",
		Start:              x.start,
	}
	pops := r.layout.populations()
	end := 0
	for _, p := range pops {
		end = max(end, p.First+p.N)
	}
	x.row = make([]int, end)
	for _, p := range pops {
		for id := p.First; id < p.First+p.N; id++ {
			x.row[id] = len(x.units.IDs)
			x.units.IDs = append(x.units.IDs, int64(id))
		}
	}
	x.units.SpikeTimes = make([][]float64, len(x.units.IDs))
	r.interchange = x
	var err error
	if x.spikesFile, err = r.h5File(spikesH5); err != nil {
		return err
	}
	if x.spikes, err = sonata.CreateSpikes(x.spikesFile.f.Name(), r.layout.populations()); err != nil {
		return h5fail(x.spikesFile, err)
	}
	if x.unitsFile, err = r.h5File(unitsNWB); err != nil {
		return err
	}
	if !snapshots || len(r.layout.Segments) == 0 {
		return nil
	}
	if x.snapshotsFile, err = r.h5File(snapshotsH5); err != nil {
		return err
	}
	_, unit := r.layout.quantity()
	if x.snapshots, err = sonata.CreateReport(x.snapshotsFile.f.Name(), cellsPopulation, r.layout.reportNodes(), unit); err != nil {
		return h5fail(x.snapshotsFile, err)
	}
	return nil
}

// h5File starts one of the run's files that libhdf5 writes.
func (r *Run) h5File(name string) (*File, error) {
	f, err := Create(filepath.Join(r.dir, name))
	if err != nil {
		return nil, err
	}
	r.files = append(r.files, f)
	return f, nil
}

// h5fail keeps err, from libhdf5's writing of f, as f's error: it names
// the file as the user knows it, not by its temporary name.
func h5fail(f *File, err error) error {
	msg := strings.ReplaceAll(err.Error(), f.f.Name()+": ", "")
	return f.fail(errors.New(strings.ReplaceAll(msg, f.f.Name(), f.final)))
}

// reportNodes are the snapshots' cells as the nodes of a compartment
// report, each segment an element numbered by its column in
// snapshots.csv.
func (l Layout) reportNodes() []sonata.Node {
	counts := l.CellSegments
	if counts == nil {
		counts = []int{len(l.Segments)}
	}
	var nodes []sonata.Node
	col := 0
	for cell, n := range counts {
		node := sonata.Node{ID: uint64(cell)}
		for range n {
			node.Elements = append(node.Elements, uint32(col))
			col++
		}
		nodes = append(nodes, node)
	}
	return nodes
}

// spikesIn hands a run's spikes to spikes.h5 and keeps their times for
// units.nwb (each neuron's in order: the spikes come in time order).
func (x *interchange) spikesIn(spikes []sim.Spike) error {
	// Add checks that every spike's neuron is in a population.
	if err := x.spikes.Add(spikes); err != nil {
		return h5fail(x.spikesFile, err)
	}
	for _, s := range spikes {
		k := x.row[s.Cell]
		x.units.SpikeTimes[k] = append(x.units.SpikeTimes[k], s.T)
	}
	return nil
}

// snapshotIn hands a snapshot to snapshots.h5.
func (x *interchange) snapshotIn(t float64, v []float64) error {
	if x.snapshots == nil {
		return nil
	}
	if err := x.snapshots.Frame(t, v); err != nil {
		return h5fail(x.snapshotsFile, err)
	}
	return nil
}

// finish closes the HDF5 files and writes units.nwb, before the run's
// files are committed. It reports whether snapshots.h5 is to be left
// out: the snapshots were not evenly spaced, which a SONATA report
// cannot describe.
func (x *interchange) finish() (irregular bool, err error) {
	if err := x.spikes.Close(); err != nil {
		return false, h5fail(x.spikesFile, err)
	}
	if err := nwb.WriteUnits(x.unitsFile.f.Name(), x.units); err != nil {
		return false, h5fail(x.unitsFile, err)
	}
	if x.snapshots == nil {
		return false, nil
	}
	err = x.snapshots.Close()
	x.snapshots = nil
	switch {
	case errors.Is(err, sonata.ErrIrregular):
		return true, nil
	case err != nil:
		return false, h5fail(x.snapshotsFile, err)
	}
	return false, nil
}

// abort closes the HDF5 files whatever their state; the run removes them.
func (x *interchange) abort() {
	if x.spikes != nil {
		x.spikes.Abort()
	}
	if x.snapshots != nil {
		x.snapshots.Abort()
	}
}

// Sizes of the HDF5 files of a run with nothing recorded, and what each
// unit adds, measured on libhdf5 1.10 (spikes add
// 16 bytes each to spikes.h5 and 8 to units.nwb, and are not counted).
const (
	spikesH5Size    = 8096
	unitsNWBSize    = 17752
	unitSize        = 16 // id and index
	snapshotsH5Size = 12840
)

// interchangeSize estimates the bytes of the HDF5 files of a run (see
// EstimateSize), within a few kilobytes: the files hold metadata whose
// size the library chooses.
func interchangeSize(l Layout, snapshots int, snapshotsOn bool) int64 {
	units := 0
	for _, p := range l.populations() {
		units += p.N
	}
	size := int64(spikesH5Size + unitsNWBSize + unitSize*units)
	if snapshotsOn && len(l.Segments) > 0 && !l.SnapshotsListed {
		size += snapshotsH5Size + sonata.DataSize(snapshots, len(l.Segments))
	}
	return size
}
