package output

import (
	"encoding/csv"
	"math"
)

// Mean widths, in characters, of a value written to a CSV file, measured
// on the example cell: a float64 voltage in its shortest round-trip form
// (-64.97362341294387), a float32 one (-64.97362), and a time on the
// recording grid (123.45).
const (
	float64Width = 17.8
	float32Width = 9.3
	timeWidth    = 6
)

// EstimateSize returns about how many bytes NewRun(dir, l, snapshotsOn)
// writes for a run that records samples rows of traces and snapshots rows
// of snapshots, each count including the row at t = 0 (snapshots is
// ignored when snapshotsOn is false). The NPY files, segments.csv and
// every header are counted exactly, the CSV rows from mean widths of a
// time and a value, the HDF5 files to a few kilobytes: within a few
// percent of what runs of the example models write. Spikes are not known ahead and not counted (about 30
// bytes each).
//
// A run from 0 to tstop ms that samples every record interval and takes
// a snapshot every snapshot interval records
// samples = round(tstop / record interval) + 1 and
// snapshots = floor(tstop / snapshot interval) + 1.
func EstimateSize(l Layout, samples, snapshots int, snapshotsOn bool) int64 {
	samples, snapshots = max(samples, 0), max(snapshots, 0)
	probes, segments := len(l.Probes), len(l.Segments)
	size := csvSize(func(w *csv.Writer) { w.Write(tracesHeader(l)) }) +
		csvRows(samples, probes, float64Width) +
		npySize(samples, 1+probes, 8) +
		csvSize(func(w *csv.Writer) { w.Write(spikesHeader) }) +
		interchangeSize(l, snapshots, snapshotsOn)
	if !snapshotsOn {
		return size
	}
	return size +
		csvSize(func(w *csv.Writer) { w.Write(snapshotsHeader(l)) }) +
		csvRows(snapshots, segments, float32Width) +
		npySize(snapshots, segments, 4) +
		npySize(snapshots, 1, 8) +
		csvSize(func(w *csv.Writer) {
			w.Write(segmentsHeader)
			writeSegments(w, l)
		})
}

// csvRows estimates the size of rows of a time and cols values of the
// given mean width.
func csvRows(rows, cols int, width float64) int64 {
	return int64(math.Round(float64(rows) * (timeWidth + float64(cols)*(1+width) + 1)))
}

// csvSize is the number of bytes write writes as CSV.
func csvSize(write func(w *csv.Writer)) int64 {
	var n byteCounter
	w := csv.NewWriter(&n)
	write(w)
	w.Flush()
	return int64(n)
}

type byteCounter int64

func (n *byteCounter) Write(p []byte) (int, error) {
	*n += byteCounter(len(p))
	return len(p), nil
}
