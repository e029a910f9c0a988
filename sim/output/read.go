package output

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/sbinet/npyio/npy"

	"neurite/sim"
	"neurite/sim/sonata"
)

// Results are a run's files read back: what `neurite open DIR` shows. A
// folder from Neurite (Run) or from a script that writes the same files
// (a model exported to NEURON) reads alike; any file may be missing but
// not all of them.
type Results struct {
	Dir    string
	Probes []string    // traces.csv's columns after t_ms
	T      []float64   // the sample times (ms)
	Traces [][]float64 // Traces[i][k]: probe i at T[k]
	// Network says the spikes are a network's, by neuron_id, rather than
	// cells'.
	Network bool
	Spikes  []sim.Spike
	// Populations name a network's neuron ids: its populations.csv, or
	// a SONATA report's populations (spikes.h5 read where there is no
	// spikes.csv); nil for a cell's results.
	Populations []sonata.Population
	// The snapshots: their times (ms), the segments of their columns,
	// what they hold (v in mV unless segments.csv says otherwise) and
	// the values, Snaps[k][j] segment j at SnapT[k].
	SnapT          []float64
	Segments       []sim.Segment
	Quantity, Unit string
	Snaps          [][]float32

	spikesCSV bool // the spikes came from spikes.csv: spikes.h5 is not read
}

// ReadRun reads the results in dir. An error names the file, and the
// line where one is at fault.
func ReadRun(dir string) (*Results, error) {
	r := &Results{Dir: dir, Quantity: defaultQuantity, Unit: defaultUnit}
	found := false
	for _, part := range []struct {
		name string
		read func(path string) error
	}{{tracesCSV, r.readTraces}, {spikesCSV, r.readSpikes}, {spikesH5, r.readSONATA}, {populationsCSV, r.readPopulations},
		{segmentsCSV, r.readSegments}, {snapshotsNPY, r.readSnapshots}} {
		path := filepath.Join(dir, part.name)
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) || part.name == spikesH5 && r.spikesCSV {
			continue
		}
		if err := part.read(path); err != nil {
			return nil, err
		}
		found = true
	}
	if !found {
		return nil, fmt.Errorf("%s holds no results: no %s, %s, %s or %s", dir, tracesCSV, spikesCSV, spikesH5, snapshotsNPY)
	}
	if r.Snaps != nil && len(r.Segments) == 0 {
		return nil, fmt.Errorf("%s: %s without %s, which names its columns", dir, snapshotsNPY, segmentsCSV)
	}
	return r, nil
}

// table reads a CSV file whose header starts with one of wants, calling
// row with each record and the header; the header is returned. Errors
// name the file's line (blank lines and quoted line breaks counted).
func table(path string, row func(rec, header []string) error, wants ...[]string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: the file is empty: no header", path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	header = append([]string(nil), header...)
	if !slices.ContainsFunc(wants, func(want []string) bool { return equalPrefix(header, want) }) {
		line, _ := cr.FieldPos(0)
		alts := make([]string, len(wants))
		for i, w := range wants {
			alts[i] = strings.Join(w, ",")
		}
		return nil, fmt.Errorf("%s:%d: the header %q does not start with %s", path, line, strings.Join(header, ","), strings.Join(alts, " or "))
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return header, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if err := row(rec, header); err != nil {
			line, _ := cr.FieldPos(0)
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
	}
}

// equalPrefix reports whether header starts with want.
func equalPrefix(header, want []string) bool {
	if len(header) < len(want) {
		return false
	}
	for i, w := range want {
		if header[i] != w {
			return false
		}
	}
	return true
}

// number parses a field of a record, saying which column is wrong.
func number(rec []string, i int, header []string) (float64, error) {
	x, err := strconv.ParseFloat(rec[i], 64)
	if err != nil {
		return 0, fmt.Errorf("%s = %q is not a number", header[i], rec[i])
	}
	return x, nil
}

func (r *Results) readTraces(path string) error {
	header, err := table(path, func(rec, header []string) error {
		if r.Traces == nil {
			r.Traces = make([][]float64, len(rec)-1)
		}
		for i := range rec {
			x, err := number(rec, i, header)
			if err != nil {
				return err
			}
			if i == 0 {
				r.T = append(r.T, x)
			} else {
				r.Traces[i-1] = append(r.Traces[i-1], x)
			}
		}
		return nil
	}, []string{"t_ms"})
	if err != nil {
		return err
	}
	r.Probes = header[1:]
	if r.Traces == nil {
		r.Traces = make([][]float64, len(r.Probes))
	}
	return nil
}

func (r *Results) readSpikes(path string) error {
	header, err := table(path, func(rec, want []string) error {
		id, err := strconv.Atoi(rec[0])
		if err != nil || id < 0 {
			return fmt.Errorf("%s = %q is not a cell number", want[0], rec[0])
		}
		t, err := number(rec, 1, want)
		if err != nil {
			return err
		}
		step, err := number(rec, 2, want)
		if err != nil {
			return err
		}
		r.Spikes = append(r.Spikes, sim.Spike{Cell: id, T: t, Step: step})
		return nil
	}, spikesHeader, networkSpikesHeader)
	if err != nil {
		return err
	}
	r.spikesCSV, r.Network = true, header[0] == networkSpikesHeader[0]
	return nil
}

// readSONATA reads a SONATA spike report (a cluster run's, where no
// spikes.csv stands beside it), its populations numbered one after
// another.
func (r *Results) readSONATA(path string) error {
	report, err := sonata.ReadSpikesApart(path)
	if err != nil {
		return err
	}
	r.Spikes, r.Populations, err = sonata.Spikes(path, report, nil)
	r.Network = true
	return err
}

// populationsCSV names a network's populations (app/pipeline writes it,
// and the scripts of exported networks).
const populationsCSV = "populations.csv"

// readPopulations reads populations.csv: population, first_id, size.
func (r *Results) readPopulations(path string) error {
	r.Populations = nil // the file names them, rather than a report's order
	_, err := table(path, func(rec, header []string) error {
		first, err1 := strconv.Atoi(rec[1])
		n, err2 := strconv.Atoi(rec[2])
		if err1 != nil || err2 != nil || first < 0 || n < 0 {
			return fmt.Errorf("first_id %q and size %q must be whole numbers", rec[1], rec[2])
		}
		r.Populations = append(r.Populations, sonata.Population{Name: rec[0], First: first, N: n})
		return nil
	}, []string{"population", "first_id", "size"})
	return err
}

func (r *Results) readSegments(path string) error {
	_, err := table(path, func(rec, _ []string) error {
		var v [5]float64
		for i := range v {
			x, err := number(rec, 2+i, segmentsHeader)
			if err != nil {
				return err
			}
			v[i] = x
		}
		r.Segments = append(r.Segments, sim.Segment{Name: rec[1], X: v[0], Y: v[1], Z: v[2], Diam: v[3], Area: v[4]})
		if len(rec) >= 9 {
			r.Quantity, r.Unit = rec[7], rec[8]
		}
		return nil
	}, segmentsHeader[:7])
	return err
}

// readSnapshots reads snapshots.npy and its times.
func (r *Results) readSnapshots(path string) error {
	snaps, rows, cols, err := readMatrix[float32](path)
	if err != nil {
		return err
	}
	times, n, _, err := readMatrix[float64](filepath.Join(filepath.Dir(path), snapshotTimes))
	if err != nil {
		return err
	}
	if n != rows {
		return fmt.Errorf("%s has %d rows, %s %d times", path, rows, snapshotTimes, n)
	}
	r.SnapT = times
	r.Snaps = make([][]float32, rows)
	for k := range r.Snaps {
		r.Snaps[k] = snaps[k*cols : (k+1)*cols]
	}
	if len(r.Segments) > 0 && cols != len(r.Segments) {
		return fmt.Errorf("%s has %d columns, %s names %d segments", path, cols, segmentsCSV, len(r.Segments))
	}
	return nil
}

// readMatrix reads a two-dimensional (or one-dimensional: one column)
// .npy array of T.
func readMatrix[T float32 | float64](path string) (data []T, rows, cols int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, 0, err
	}
	defer f.Close()
	// npyio panics on some malformed headers: say so as an error.
	defer func() {
		if p := recover(); p != nil {
			data, rows, cols, err = nil, 0, 0, fmt.Errorf("%s: not a readable .npy array (%v)", path, p)
		}
	}()
	rd, err := npy.NewReader(f)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	switch shape := rd.Header.Descr.Shape; len(shape) {
	case 1:
		rows, cols = shape[0], 1
	case 2:
		rows, cols = shape[0], shape[1]
	default:
		return nil, 0, 0, fmt.Errorf("%s: an array of shape %v, want rows × columns", path, shape)
	}
	var zero T
	if st, err := f.Stat(); err != nil || rows < 0 || cols < 0 || int64(rows)*int64(cols)*int64(unsafe.Sizeof(zero)) > st.Size() {
		return nil, 0, 0, fmt.Errorf("%s: an array of %d × %d values does not fit in the file", path, rows, cols)
	}
	data = make([]T, rows*cols)
	if err := rd.Read(&data); err != nil {
		return nil, 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	return data, rows, cols, nil
}
