package output

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"neurite/sim"
	"neurite/sim/sonata"
)

// Layout is what the files' columns stand for.
type Layout struct {
	Probes   []string      // trace columns after t_ms
	Segments []sim.Segment // snapshot columns after t_ms
	// Dt is the run's time step (ms). Times on the step grid are written
	// as their decimal step times (see GridTime); 0 writes every time as
	// it comes.
	Dt float64
	// Network names the spikes' sources neurons (neuron_id) rather than
	// cells.
	Network bool
	// Quantity and Unit are what the snapshots hold ("" means v in mV).
	Quantity, Unit string
	// Populations group a network's neurons into the node populations of
	// spikes.h5 (nil: one population, "cells", of the run's cells).
	Populations []sonata.Population
	// CellSegments is the number of snapshot columns of each cell, in
	// order: the nodes of snapshots.h5 (nil: one cell).
	CellSegments []int
	// SnapshotsListed says that snapshots are taken at listed times, not
	// only at an interval: they are then rarely evenly spaced, so
	// EstimateSize counts no snapshots.h5.
	SnapshotsListed bool
}

// The names of a run's files.
const (
	tracesCSV     = "traces.csv"
	tracesNPY     = "traces.npy"
	spikesCSV     = "spikes.csv"
	snapshotsCSV  = "snapshots.csv"
	snapshotsNPY  = "snapshots.npy"
	snapshotTimes = "snapshot_times.npy"
	segmentsCSV   = "segments.csv"
)

// snapshotFiles are the files of a run that takes snapshots.
var snapshotFiles = []string{snapshotsCSV, snapshotsNPY, snapshotTimes, segmentsCSV, snapshotsH5}

var spikesHeader = []string{"cell", "t_ms", "t_step_ms"}

// networkSpikesHeader heads a network's spikes.csv.
var networkSpikesHeader = []string{"neuron_id", "t_ms", "t_step_ms"}

// Run is a sim.Recorder that streams a run into a directory:
//
//	traces.csv, traces.npy        t_ms and every probe (npy: float64 rows)
//	spikes.csv                    cell, t_ms (interpolated), t_step_ms
//	snapshots.csv, snapshots.npy  v (or Layout.Quantity) of every segment (npy: float32, one row per time)
//	snapshot_times.npy            the snapshot times (ms)
//	segments.csv                  the segment behind each snapshot column, and the quantity and unit it holds
//	spikes.h5                     the spikes as a SONATA spike report (interpolated times)
//	units.nwb                     the spikes as an NWB Units table (s)
//	snapshots.h5                  the snapshots as a SONATA compartment report, when evenly spaced
//
// Close puts every file in place with everything recorded so far, or,
// after any write has failed, none.
type Run struct {
	dir                       string
	layout                    Layout
	files                     []*File // every file of the run, committed together
	traces, spikes, snapshots *csv.Writer
	tracesNPY, snapsNPY       *NPY
	snapTimes                 *NPY
	interchange               *interchange // spikes.h5, units.nwb, snapshots.h5
	err                       error        // the first write error
	row                       []float64
	rec                       []string
}

// NewRun creates the directory if needed and starts the files, with the
// snapshot files only if snapshots is true.
func NewRun(dir string, layout Layout, snapshots bool) (*Run, error) {
	if dir == "" {
		return nil, errors.New("no folder given for the results")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", dir, cause(err))
	}
	r := &Run{dir: dir, layout: layout}
	if err := r.start(snapshots); err != nil {
		r.Abort()
		return nil, err
	}
	return r, nil
}

// start creates the files; errors in writing the headers stick in the
// files, to be returned by Close.
func (r *Run) start(snapshots bool) error {
	var err error
	if r.traces, err = r.csvFile(tracesCSV, tracesHeader(r.layout)); err != nil {
		return err
	}
	if r.tracesNPY, err = r.npyFile(tracesNPY, "<f8", 1+len(r.layout.Probes)); err != nil {
		return err
	}
	header := spikesHeader
	if r.layout.Network {
		header = networkSpikesHeader
	}
	if r.spikes, err = r.csvFile(spikesCSV, header); err != nil {
		return err
	}
	if err := r.startInterchange(snapshots); err != nil {
		return err
	}
	if !snapshots {
		return nil
	}
	if r.snapshots, err = r.csvFile(snapshotsCSV, snapshotsHeader(r.layout)); err != nil {
		return err
	}
	if r.snapsNPY, err = r.npyFile(snapshotsNPY, "<f4", len(r.layout.Segments)); err != nil {
		return err
	}
	if r.snapTimes, err = r.npyFile(snapshotTimes, "<f8", 1); err != nil {
		return err
	}
	segments, err := r.csvFile(segmentsCSV, segmentsHeader)
	if err != nil {
		return err
	}
	writeSegments(segments, r.layout)
	return nil
}

// csvFile starts one of the run's CSV files with its header.
func (r *Run) csvFile(name string, header []string) (*csv.Writer, error) {
	f, err := Create(filepath.Join(r.dir, name))
	if err != nil {
		return nil, err
	}
	r.files = append(r.files, f)
	w := csv.NewWriter(f)
	w.Write(header)
	return w, nil
}

// npyFile starts one of the run's NPY files.
func (r *Run) npyFile(name, descr string, cols int) (*NPY, error) {
	n, err := CreateNPY(filepath.Join(r.dir, name), descr, cols)
	if err != nil {
		return nil, err
	}
	r.files = append(r.files, n.f)
	return n, nil
}

func tracesHeader(l Layout) []string { return append([]string{"t_ms"}, l.Probes...) }

func snapshotsHeader(l Layout) []string {
	header := []string{"t_ms"}
	for _, s := range l.Segments {
		header = append(header, s.Name)
	}
	return header
}

// WriteSegments writes segments.csv for l: its header, then a row per
// segment (what a script that writes a run's files writes too).
func WriteSegments(w io.Writer, l Layout) error {
	cw := csv.NewWriter(w)
	cw.Write(segmentsHeader)
	writeSegments(cw, l)
	cw.Flush()
	return cw.Error()
}

var segmentsHeader = []string{"column", "segment", "x_um", "y_um", "z_um", "diam_um", "area_um2", "quantity", "unit"}

// The snapshots' quantity where a layout names none.
const defaultQuantity, defaultUnit = "v", "mV"

// quantity is what the snapshots hold, and its unit.
func (l Layout) quantity() (q, unit string) {
	if l.Quantity == "" {
		return defaultQuantity, defaultUnit
	}
	return l.Quantity, l.Unit
}

func writeSegments(w *csv.Writer, l Layout) {
	q, unit := l.quantity()
	for i, s := range l.Segments {
		w.Write([]string{strconv.Itoa(i), s.Name, formatFloat(s.X), formatFloat(s.Y), formatFloat(s.Z), formatFloat(s.Diam), formatFloat(s.Area), q, unit})
	}
	w.Flush()
}

func formatFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// GridTime returns t, a time of a run with step dt, as the decimal time of
// the step it falls on. The engines compute the end of step k as k·dt in
// binary, which for dt = 0.025 ms and k = 1922 gives 48.050000000000004:
// a time within a few units in the last place of k·dt becomes the float64
// nearest the decimal k·dt (48.05), which prints as that decimal. Other
// times, such as interpolated threshold crossings, and every time when dt
// is 0, are returned unchanged.
func GridTime(t, dt float64) float64 {
	if !(dt > 0) || math.IsInf(t, 0) || math.IsNaN(t) {
		return t
	}
	grid := math.Round(t/dt) * dt
	ulp := math.Nextafter(math.Abs(t), math.Inf(1)) - math.Abs(t)
	if math.Abs(t-grid) > 4*ulp {
		return t
	}
	// The decimal k·dt has no more decimals than dt's shortest form.
	decimals := 0
	if s := strconv.FormatFloat(dt, 'f', -1, 64); strings.Contains(s, ".") {
		decimals = len(s) - strings.IndexByte(s, '.') - 1
	}
	snapped, _ := strconv.ParseFloat(strconv.FormatFloat(t, 'f', decimals, 64), 64)
	return snapped
}

// note keeps the first of errs that is not nil as the run's error.
func (r *Run) note(errs ...error) error {
	for _, err := range errs {
		if r.err == nil {
			r.err = err
		}
	}
	return r.err
}

// Sample writes a row of traces.
func (r *Run) Sample(t float64, values []float64) error {
	if r.err != nil {
		return r.err
	}
	t = GridTime(t, r.layout.Dt)
	r.rec = append(r.rec[:0], formatFloat(t))
	r.row = append(r.row[:0], t)
	for _, v := range values {
		r.rec = append(r.rec, formatFloat(v))
		r.row = append(r.row, v)
	}
	return r.note(r.traces.Write(r.rec), r.tracesNPY.Row(r.row))
}

// Spikes writes spike rows.
func (r *Run) Spikes(spikes []sim.Spike) error {
	for _, s := range spikes {
		if r.err != nil {
			break
		}
		step := GridTime(s.Step, r.layout.Dt)
		r.note(r.spikes.Write([]string{strconv.Itoa(s.Cell), formatFloat(s.T), formatFloat(step)}))
	}
	if r.err != nil {
		return r.err
	}
	return r.note(r.interchange.spikesIn(spikes))
}

// Snapshot writes a row of segment voltages (float32 precision).
func (r *Run) Snapshot(t float64, v []float64) error {
	if r.snapsNPY == nil || r.err != nil {
		return r.err
	}
	t = GridTime(t, r.layout.Dt)
	r.rec = append(r.rec[:0], formatFloat(t))
	for _, x := range v {
		r.rec = append(r.rec, strconv.FormatFloat(float64(float32(x)), 'g', -1, 32))
	}
	return r.note(r.snapshots.Write(r.rec), r.snapsNPY.Row(v), r.snapTimes.Row([]float64{t}), r.interchange.snapshotIn(t, v))
}

// Close completes every file and puts them all in place, or, when a write
// has failed, or one of the files cannot be completed, removes them all
// and returns the error that names the file and the cause ("writing
// out/snapshots.npy: no space left on device"): a write error the run
// stopped on is returned again. A run without snapshots removes the
// snapshot files an earlier run left in the directory, which would
// otherwise stand beside traces they do not belong to.
func (r *Run) Close() error {
	if r.err != nil {
		r.Abort()
		return r.err
	}
	// Errors in flushing stick in the files and come out of commitAll.
	for _, w := range []*csv.Writer{r.traces, r.spikes, r.snapshots} {
		if w != nil {
			w.Flush()
		}
	}
	for _, n := range []*NPY{r.tracesNPY, r.snapsNPY, r.snapTimes} {
		if n != nil {
			n.writeShape()
		}
	}
	irregular, err := r.interchange.finish()
	if err != nil {
		r.Abort()
		return err
	}
	// Files an earlier run left that this one does not replace: its
	// snapshots where this run takes none, snapshots.h5 where this run's
	// cannot be one.
	files, stale := r.files, []string(nil)
	if irregular {
		h5 := r.interchange.snapshotsFile
		h5.Abort()
		files = slices.DeleteFunc(slices.Clone(files), func(f *File) bool { return f == h5 })
		stale = append(stale, h5.final)
	}
	if r.snapsNPY == nil {
		for _, name := range snapshotFiles {
			stale = append(stale, filepath.Join(r.dir, name))
		}
	}
	if err := commitAll(files); err != nil {
		return err
	}
	var errs []error
	for _, path := range stale {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("removing %s, left by an earlier run: %w", path, cause(err)))
		}
	}
	return errors.Join(errs...)
}

// Abort throws away every file started.
func (r *Run) Abort() {
	if r.interchange != nil {
		r.interchange.abort()
	}
	abortAll(r.files)
}
