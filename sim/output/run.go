package output

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"neurite/sim"
)

// Layout is what the files' columns stand for.
type Layout struct {
	Probes   []string      // trace columns after t_ms
	Segments []sim.Segment // snapshot columns after t_ms
}

// Run is a sim.Recorder that streams a run into a directory:
//
//	traces.csv, traces.npy        t_ms and every probe (npy: float64 rows)
//	spikes.csv                    cell, t_ms (interpolated), t_step_ms
//	snapshots.csv, snapshots.npy  v of every segment (npy: float32, one row per time)
//	snapshot_times.npy            the snapshot times (ms)
//	segments.csv                  the segment behind each snapshot column
//
// Close puts every file in place with everything recorded so far.
type Run struct {
	dir                     string
	layout                  Layout
	traces, spikes, snapCSV *File
	tracesCSV, spikesCSV    *csv.Writer
	snapsCSV                *csv.Writer
	tracesNPY, snapsNPY     *NPY
	snapTimes               []float64
	row                     []float64
	rec                     []string
}

// NewRun creates the directory if needed and starts the files.
func NewRun(dir string, layout Layout, snapshots bool) (r *Run, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	r = &Run{dir: dir, layout: layout}
	defer func() {
		if err != nil {
			r.Abort()
		}
	}()
	if r.traces, err = Create(filepath.Join(dir, "traces.csv")); err != nil {
		return nil, err
	}
	r.tracesCSV = csv.NewWriter(r.traces)
	r.tracesCSV.Write(append([]string{"t_ms"}, layout.Probes...))
	if r.tracesNPY, err = CreateNPY(filepath.Join(dir, "traces.npy"), "<f8", 1+len(layout.Probes)); err != nil {
		return nil, err
	}
	if r.spikes, err = Create(filepath.Join(dir, "spikes.csv")); err != nil {
		return nil, err
	}
	r.spikesCSV = csv.NewWriter(r.spikes)
	r.spikesCSV.Write([]string{"cell", "t_ms", "t_step_ms"})
	if snapshots {
		if r.snapCSV, err = Create(filepath.Join(dir, "snapshots.csv")); err != nil {
			return nil, err
		}
		r.snapsCSV = csv.NewWriter(r.snapCSV)
		header := []string{"t_ms"}
		for _, s := range layout.Segments {
			header = append(header, s.Name)
		}
		r.snapsCSV.Write(header)
		if r.snapsNPY, err = CreateNPY(filepath.Join(dir, "snapshots.npy"), "<f4", len(layout.Segments)); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func formatFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// Sample writes a row of traces.
func (r *Run) Sample(t float64, values []float64) error {
	r.rec = append(r.rec[:0], formatFloat(t))
	r.row = append(r.row[:0], t)
	for _, v := range values {
		r.rec = append(r.rec, formatFloat(v))
		r.row = append(r.row, v)
	}
	r.tracesCSV.Write(r.rec)
	return errors.Join(r.tracesCSV.Error(), r.tracesNPY.Row(r.row))
}

// Spikes writes spike rows.
func (r *Run) Spikes(spikes []sim.Spike) error {
	for _, s := range spikes {
		r.spikesCSV.Write([]string{strconv.Itoa(s.Cell), formatFloat(s.T), formatFloat(s.Step)})
	}
	return r.spikesCSV.Error()
}

// Snapshot writes a row of segment voltages (float32 precision).
func (r *Run) Snapshot(t float64, v []float64) error {
	if r.snapsNPY == nil {
		return nil
	}
	r.snapTimes = append(r.snapTimes, t)
	r.rec = append(r.rec[:0], formatFloat(t))
	for _, x := range v {
		r.rec = append(r.rec, strconv.FormatFloat(float64(float32(x)), 'g', -1, 32))
	}
	r.snapsCSV.Write(r.rec)
	return errors.Join(r.snapsCSV.Error(), r.snapsNPY.Row(v))
}

// Close completes every file and puts it in place.
func (r *Run) Close() error {
	r.tracesCSV.Flush()
	r.spikesCSV.Flush()
	errs := []error{r.tracesCSV.Error(), r.spikesCSV.Error(), r.traces.Commit(), r.tracesNPY.Commit(), r.spikes.Commit()}
	if r.snapsNPY != nil {
		r.snapsCSV.Flush()
		errs = append(errs, r.snapsCSV.Error(), r.snapCSV.Commit(), r.snapsNPY.Commit(),
			r.writeSnapshotTimes(), r.writeSegments())
	}
	return errors.Join(errs...)
}

func (r *Run) writeSnapshotTimes() error {
	n, err := CreateNPY(filepath.Join(r.dir, "snapshot_times.npy"), "<f8", 1)
	if err != nil {
		return err
	}
	for _, t := range r.snapTimes {
		if err := n.Row([]float64{t}); err != nil {
			n.Abort()
			return err
		}
	}
	return n.Commit()
}

func (r *Run) writeSegments() error {
	f, err := Create(filepath.Join(r.dir, "segments.csv"))
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"column", "segment", "x_um", "y_um", "z_um", "diam_um", "area_um2"})
	for i, s := range r.layout.Segments {
		w.Write([]string{strconv.Itoa(i), s.Name, formatFloat(s.X), formatFloat(s.Y), formatFloat(s.Z), formatFloat(s.Diam), formatFloat(s.Area)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Abort()
		return fmt.Errorf("writing segments.csv: %w", err)
	}
	return f.Commit()
}

// Abort throws away every file started.
func (r *Run) Abort() {
	for _, f := range []*File{r.traces, r.spikes, r.snapCSV} {
		if f != nil {
			f.Abort()
		}
	}
	for _, n := range []*NPY{r.tracesNPY, r.snapsNPY} {
		if n != nil {
			n.Abort()
		}
	}
}
