package mech

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// TestKineticsPointCell runs the nmodl_kinetics_point case (one 1000 um2
// compartment: pas, na8st, KIn, an AMPA_S with two NetCons, an IClamp)
// with NEURON's fixed-step scheme (NMODL_SCHEME.md) written out here
// around the compiled mechanisms, and compares the spike times with
// spikes.csv. The case's tolerance for the same scheme is 0.02 ms; a
// faithful Init/Current/Advance/Receive reproduces NEURON to round-off
// (scheme_check.py gets 3e-6 ms), so 1e-4 ms is asserted.
func TestKineticsPointCell(t *testing.T) {
	const (
		dt, tstop, area, cm   = 0.025, 300.0, 1000.0, 1.0
		gPas, ePas            = 1e-4, -75.0
		stimDel, stimDur, amp = 20.0, 50.0, 0.1
	)
	na := compileFile(t, filepath.Join(kinDir, "mod", "na8st.mod"))
	kin := compileFile(t, filepath.Join(kinDir, "mod", "KIn.mod"))
	ampa := compileFile(t, filepath.Join(kinDir, "mod", "ampa.mod"))
	gna, gk, gs := na.NewGroup(1), kin.NewGroup(1), ampa.NewGroup(1)
	gna.Param[index(t, na.Params, "gbar")][0] = 30
	gk.Param[index(t, kin.Params, "gkbar")][0] = 0.01
	c := kinCable(-75)
	for _, g := range []*Group{gna, gk, gs} {
		g.Init(c)
	}

	// events: (time, flag, NetCon), delivered in time order
	type event struct {
		t, flag float64
		nc      int
	}
	weights := map[string]int{}
	var ncs [][]float64
	var queue []event
	for _, r := range readCSV(t, filepath.Join(kinDir, "inputs.csv")) {
		k, ok := weights[r[0]]
		if !ok {
			w, _ := strconv.ParseFloat(r[1], 64)
			k = len(ncs)
			weights[r[0]] = k
			ncs = append(ncs, append([]float64{w}, make([]float64, len(ampa.NetArgs)-1)...))
		}
		te, _ := strconv.ParseFloat(r[2], 64)
		queue = append(queue, event{te, 0, k})
	}
	order := func() {
		slices.SortStableFunc(queue, func(a, b event) int {
			switch {
			case a.t != b.t:
				return cmpF(a.t, b.t)
			case a.flag != b.flag:
				return cmpF(a.flag, b.flag)
			}
			return a.nc - b.nc
		})
	}
	order()

	var spikes []float64
	i, di := make([]float64, 1), make([]float64, 1)
	v := c.V[0]
	for step := range int(math.Round(tstop / dt)) {
		tn := float64(step) * dt
		for len(queue) > 0 && queue[0].t <= tn+dt/2 {
			e := queue[0]
			queue = queue[1:]
			c.T = e.t
			gs.Receive(c, 0, ncs[e.nc], e.flag, func(d, flag float64) {
				queue = append(queue, event{e.t + d, flag, e.nc})
			})
			order()
		}
		c.T = tn
		for _, ion := range c.Ions {
			clear(ion.I)
		}
		itot, gtot := gPas*(v-ePas), gPas
		for _, g := range []*Group{gna, gk} {
			g.Current(c, i, di)
			itot, gtot = itot+i[0], gtot+di[0]
		}
		gs.Current(c, i, di)
		itot, gtot = itot+i[0]*100/area, gtot+di[0]*100/area
		if tm := tn + dt/2; stimDel <= tm && tm < stimDel+stimDur {
			itot -= amp * 100 / area
		}
		vNew := v - itot/(1e-3*cm/dt+gtot)
		if v < 0 && vNew >= 0 {
			spikes = append(spikes, tn+(0-v)*dt/(vNew-v))
		}
		v = vNew
		c.V[0] = v
		for _, g := range []*Group{gna, gk, gs} {
			g.Advance(c)
		}
	}
	var want []float64
	for _, r := range readCSV(t, filepath.Join(kinDir, "spikes.csv")) {
		x, _ := strconv.ParseFloat(r[1], 64)
		want = append(want, x)
	}
	if len(spikes) != len(want) {
		t.Fatalf("spikes %v, want %v", spikes, want)
	}
	worst := 0.0
	for k := range want {
		worst = math.Max(worst, math.Abs(spikes[k]-want[k]))
	}
	if worst > 1e-4 {
		t.Errorf("spikes %v, want %v (worst %.3g ms)", spikes, want, worst)
	}
	t.Logf("7 spikes, max |t - NEURON| = %.3g ms", worst)
}

func cmpF(a, b float64) int {
	if a < b {
		return -1
	}
	return 1
}

// readCSV returns a CSV file's rows without its header.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows[1:]
}
