package main

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"neurite/sim/sonata"
)

// isSpikeReport tells an HDF5 file (a SONATA spike report) by its name.
func isSpikeReport(file string) bool {
	ext := strings.ToLower(filepath.Ext(file))
	return ext == ".h5" || ext == ".hdf5"
}

// checkSpikeReport is neurite check on a SONATA spike report, from
// Neurite or from NEURON, NEST or Arbor: it reads every population as
// the raster would and says what each holds.
func checkSpikeReport(file string, stdout, stderr io.Writer) int {
	report, err := sonata.ReadSpikesApart(file)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	spikes, pops, err := sonata.Spikes(file, report, nil)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: a SONATA spike report of %d spikes\n", file, len(spikes))
	for i, r := range report {
		fmt.Fprintf(&b, "  population %s: %d spikes, sorted %s", r.Name, len(r.Timestamps), r.Sorting)
		if p := pops[i]; p.N > 0 {
			fmt.Fprintf(&b, ", %g to %g ms, nodes 0–%d as neurons %d–%d",
				slices.Min(r.Timestamps), slices.Max(r.Timestamps), p.N-1, p.First, p.First+p.N-1)
		}
		b.WriteString("\n")
	}
	fmt.Fprint(stdout, b.String())
	return 0
}
