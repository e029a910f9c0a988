package sonata

import (
	"errors"
	"fmt"
	"math"

	"neurite/sim/hdf5"
)

// A compartment report holds, for one population,
//
//	/report/<population>/data                  float32, frames × elements, attribute units
//	/report/<population>/mapping/node_ids      uint64, the nodes reported (attribute sorted)
//	/report/<population>/mapping/index_pointers uint64, node k's elements are columns index_pointers[k] to index_pointers[k+1]-1
//	/report/<population>/mapping/element_ids   uint32, each column's element within its node
//	/report/<population>/mapping/time          float64 [start, stop, step] (ms); frames are at start, start+step, ... before stop
//
// as Neurodamus writes voltage reports and libsonata reads them.

// ErrIrregular is returned by ReportWriter.Close when the frames are not
// evenly spaced in time, which a report's time (start, stop, step)
// cannot describe; the file is then incomplete.
var ErrIrregular = errors.New("frames are not evenly spaced in time")

// ReportWriter streams frames of a quantity of every element (segment)
// of some nodes into a compartment report.
type ReportWriter struct {
	f       *hdf5.File
	path    string
	pop     *hdf5.Group
	mapping *hdf5.Group
	data    column[float32]
	cols    int
	times   []float64
	row     []float32 // a frame in the file's precision
}

// bufferedValues is the number of values kept before they go to the
// file: a report of fewer is written at the end as a contiguous dataset,
// as Neurodamus writes one; a larger one goes to a chunked dataset, of
// about 1 MB chunks, that grows as the run goes.
const bufferedValues = 1 << 18

// Node is a node of a compartment report and its elements' ids (for a
// Neurite cell, its segments' column numbers in snapshots.csv).
type Node struct {
	ID       uint64
	Elements []uint32
}

// CreateReport starts a compartment report at path of the population's
// nodes, with units the unit of the values ("mV").
func CreateReport(path, population string, nodes []Node, units string) (*ReportWriter, error) {
	f, err := hdf5.Create(path)
	if err != nil {
		return nil, err
	}
	w := &ReportWriter{f: f, path: path}
	if err := w.start(population, nodes, units); err != nil {
		f.Close()
		return nil, err
	}
	return w, nil
}

func (w *ReportWriter) start(population string, nodes []Node, units string) error {
	if err := stamp(w.f); err != nil {
		return err
	}
	report, err := w.f.CreateGroup("report")
	if err != nil {
		return err
	}
	if w.pop, err = report.CreateGroup(population); err != nil {
		return err
	}
	if w.mapping, err = w.pop.CreateGroup("mapping"); err != nil {
		return err
	}
	ids := make([]uint64, len(nodes))
	pointers := []uint64{0}
	var elements []uint32
	sorted := uint8(1)
	for i, n := range nodes {
		ids[i] = n.ID
		if i > 0 && n.ID < nodes[i-1].ID {
			sorted = 0
		}
		elements = append(elements, n.Elements...)
		pointers = append(pointers, uint64(len(elements)))
	}
	if w.cols = len(elements); w.cols == 0 {
		return fmt.Errorf("%s: a report of no elements", w.path)
	}
	w.data = column[float32]{group: w.pop, name: "data", units: units, cols: w.cols, chunkRows: chunkRows(w.cols), limit: bufferedValues}
	d, err := hdf5.Write(w.mapping, "node_ids", ids)
	if err != nil {
		return err
	}
	err = hdf5.SetNumber(d, "sorted", sorted)
	d.Close()
	if err != nil {
		return err
	}
	if err := hdf5.Closed(hdf5.Write(w.mapping, "index_pointers", pointers)); err != nil {
		return err
	}
	return hdf5.Closed(hdf5.Write(w.mapping, "element_ids", elements))
}

// Frame appends the values of every element at time t (ms), in the order
// of the nodes' elements.
func (w *ReportWriter) Frame(t float64, v []float64) error {
	if len(v) != w.cols {
		return fmt.Errorf("%s: a frame of %d values for %d elements", w.path, len(v), w.cols)
	}
	w.times = append(w.times, t)
	w.row = w.row[:0]
	for _, x := range v {
		w.row = append(w.row, float32(x))
	}
	return w.data.add(w.row...)
}

// chunkRows is the number of frames of cols values in a chunk.
func chunkRows(cols int) int { return max(1, bufferedValues/cols) }

// DataSize is the number of bytes the data of a report of frames of
// cols values takes in its file: a chunked dataset takes whole chunks.
func DataSize(frames, cols int) int64 {
	if frames*cols < bufferedValues {
		return 4 * int64(frames) * int64(cols)
	}
	rows := chunkRows(cols)
	return 4 * int64((frames+rows-1)/rows*rows) * int64(cols)
}

// Close writes the frames' time and closes the file; frames not evenly
// spaced (to a millionth of the step, as libsonata reads them) give
// ErrIrregular.
func (w *ReportWriter) Close() error {
	start, stop, step, err := timeAxis(w.times)
	if err != nil {
		w.f.Close()
		return fmt.Errorf("%s: %w", w.path, err)
	}
	if err := w.data.finish(); err != nil {
		w.f.Close()
		return err
	}
	d, err := hdf5.Write(w.mapping, "time", []float64{start, stop, step})
	if err == nil {
		err = d.SetAttr("units", "ms")
		d.Close()
	}
	if err != nil {
		w.f.Close()
		return err
	}
	return w.f.Close()
}

// Abort closes the file, whatever its state; the caller removes it.
func (w *ReportWriter) Abort() { w.f.Close() }

// timeAxis is (start, stop, step) of evenly spaced times: stop is one
// step after the last, as libsonata counts frames while t < stop. One
// frame gets a step of 1 ms; none gets (0, 0, 1).
func timeAxis(times []float64) (start, stop, step float64, err error) {
	switch len(times) {
	case 0:
		return 0, 0, 1, nil
	case 1:
		return times[0], times[0] + 1, 1, nil
	}
	n := len(times) - 1
	start = times[0]
	step = (times[n] - start) / float64(n)
	if !(step > 0) {
		return 0, 0, 0, ErrIrregular
	}
	for i, t := range times {
		if math.Abs(t-(start+float64(i)*step)) > 1e-6*step {
			return 0, 0, 0, ErrIrregular
		}
	}
	return start, times[n] + step, step, nil
}
