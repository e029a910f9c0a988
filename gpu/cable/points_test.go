package cable

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"neurite/compartments"
	"neurite/compartments/refrun"
	"neurite/gpu/device/devicetest"
	"neurite/sim"
)

// TestPointsAgainstCPU runs nmodl_kinetics_point (a KINETIC Markov Na
// channel and the AMPA_S point process, whose NET_RECEIVE takes two
// NetCons' events and its own net_send self-events) on the device in
// both layouts against the CPU engine. Everything is double precision:
// only the ulps of the device's exp, log and pow differ, and v agrees to
// 4.3e-9 mV, the spikes to 6.6e-10 ms on llvmpipe, the tolerances those
// of TestSolversAgainstCPU. The synapse's states and conductance, which
// only its events move, agree to 1e-12 µS (equal on llvmpipe).
func TestPointsAgainstCPU(t *testing.T) {
	for _, layout := range []Layout{LayoutLanes, LayoutTeam} {
		t.Run(layout.String(), func(t *testing.T) {
			cpu, gpu, g := runExample(t, "nmodl_kinetics_point", false, layout, 0)
			compare(t, cpu, gpu, 1e-5, 1e-7)
			for i, name := range g.Plan().ProbeNames() {
				worst, scale := probeDiff(t, cpu, gpu, i, name)
				switch name {
				case "Ron", "Roff", "g_ampa":
					if scale == 0 || worst > 1e-12 {
						t.Errorf("%s: GPU vs CPU max |Δ| %.3g µS of a range %.3g, want within 1e-12", name, worst, scale)
					}
				}
			}
		})
	}
}

// pulseMod is a pulse synapse in the manner of ampa.mod, carrying sodium:
// an input opens w µS for dur ms, closed by the self-event it sends with
// the NetCon's own count of inputs (from 10, NET_RECEIVE's INITIAL) as
// its flag; INITIAL sends one at 2 ms with flag 7. n sums the flags of
// the closing self-events and tlast notes the time of the latest, so the
// records show when each arrived.
const pulseMod = `
NEURON {
	POINT_PROCESS Pulse
	USEION na READ ena WRITE ina
	RANGE g, dur, n, tlast
}
PARAMETER { dur = 1 (ms) }
ASSIGNED { v (mV) ena (mV) ina (nA) g (uS) n tlast (ms) }
INITIAL {
	g = 0
	n = 0
	tlast = -1
	net_send(2, 7)
}
BREAKPOINT {
	ina = g*(v - ena)
}
NET_RECEIVE(w, k) {
	INITIAL {
		k = 10
	}
	if (flag == 0) {
		k = k + 1
		g = g + w
		net_send(dur, k)
	} else if (flag == 7) {
		tlast = t
	} else {
		g = g - w
		n = n + flag
		tlast = t
	}
}
`

// pulseModel is an hh compartment of 1257 µm² with two Pulse synapses at
// one site (the second with two NetCons): inputs that overlap a pulse,
// fall off the step grid, or at the middle of a step (80.0125 ms, due in
// the step that starts at 80 ms), and two at one time.
const pulseModel = `name = "pulses"
mechanisms = ["pulse.mod"]

[[morphology.section]]
name = "soma"
length = 20
diam = 20

[[biophysics]]
where = "all"
Ra = 35.4
cm = 1
nseg = 1
hh = {}
ions = { na = { e = 50 } }

[[synapse]]
name = "a"
type = "Pulse"
at = "soma(0.5)"
weight = 0.004
events = [5, 5.3, 20.01, 40, 80.0125]

[[synapse]]
name = "b"
type = "Pulse"
at = "soma(0.5)"
params = { dur = 0.7 }
weight = 0.003
events = [20.5, 60, 60]

[[synapse.netcon]]
weight = 0.006
events = [30, 30.35, 80.0125]

[spikes]
at = "soma(0.5)"
threshold = 0

[[record]]
name = "v"
at = "soma(0.5)"

[[record]]
name = "ina"
at = "soma(0.5)"
var = "ina"
%s
[run]
tstop = 100
dt = 0.025
celsius = 6.3
v_init = -65
record_interval = 0.025
`

// pulseRecords records each synapse's g, n and tlast.
const pulseRecords = `
[[record]]
name = "a.g"
var = "a.g"

[[record]]
name = "a.n"
var = "a.n"

[[record]]
name = "a.tlast"
var = "a.tlast"

[[record]]
name = "b.g"
var = "b.g"

[[record]]
name = "b.n"
var = "b.n"

[[record]]
name = "b.tlast"
var = "b.tlast"
`

// pulsePlan builds pulseModel with more of the file's text (records, or
// edits of the mechanism).
func pulsePlan(t *testing.T, mod, records string) func() *compartments.Plan {
	dir := t.TempDir()
	for name, text := range map[string]string{"pulse.mod": mod, "model.toml": fmt.Sprintf(pulseModel, records)} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return func() *compartments.Plan { return refrun.FilePlan(t, filepath.Join(dir, "model.toml")) }
}

// TestPointSelfEventsAgainstCPU: the Pulse synapses' self-events arrive
// on the device at the CPU engine's steps and times, with its flags and
// NetCon arguments, in both layouts: the synapses' records are equal, the
// spikes their inputs cause and v agree within the single-precision hh
// gates' tolerances (TestAgainstCPU), and the sodium current the point
// processes add (nA, into mA/cm² by 100/area) with v.
func TestPointSelfEventsAgainstCPU(t *testing.T) {
	build := pulsePlan(t, pulseMod, pulseRecords)
	// A team of 64 is eight bundles of lanes on llvmpipe, taking turns at
	// barriers: it tests that the two synapses at one node, and the
	// queue, are not raced for.
	for _, c := range []struct {
		layout Layout
		team   int
	}{{LayoutLanes, 0}, {LayoutTeam, 0}, {LayoutTeam, 64}} {
		t.Run(fmt.Sprintf("%s/%d", c.layout, c.team), func(t *testing.T) {
			cpu, gpu, g, err := runBoth(t, build, 100, c.layout, c.team)
			if err != nil {
				t.Fatal(err)
			}
			// Every self-event arrived: the flags of the closing ones sum
			// to a's five and b's two NetCons' three inputs' counts (from
			// 10), the last at the time of the last input plus dur;
			// INITIAL's at 2 ms, in the step from 2 ms (recorded at its
			// end).
			last, at2 := cpu.Values[len(cpu.T)-1], cpu.Values[81]
			if math.Abs(cpu.T[81]-2.025) > 1e-12 || at2[4] != 2 || at2[7] != 2 || last[3] != 11+12+13+14+15 || last[4] != 80.0125+1 ||
				last[6] != 2*(11+12+13) || last[7] != 80.0125+0.7 || len(cpu.SpikeList) < 3 {
				t.Fatalf("CPU: at %g ms %v, at the end %v, %d spikes", cpu.T[81], at2, last, len(cpu.SpikeList))
			}
			compare(t, cpu, gpu, 0.1, 1e-3)
			for i, name := range g.Plan().ProbeNames()[2:] {
				for k := range cpu.T {
					if a, b := cpu.Values[k][i+2], gpu.Values[k][i+2]; a != b {
						t.Errorf("t = %g ms: %s = %v on the GPU, %v on the CPU", cpu.T[k], name, b, a)
						break
					}
				}
			}
		})
	}
}

// TestPointQueueFull: a point process whose self-events send two more
// each fills its cell's queue on the device; the run fails naming the
// mechanism, the synapse and the capacity.
func TestPointQueueFull(t *testing.T) {
	flood := strings.Replace(pulseMod, "tlast = t\n\t} else {", "tlast = t\n\t\tnet_send(0.5, 7)\n\t\tnet_send(0.5, 7)\n\t} else {", 1)
	if flood == pulseMod {
		t.Fatal("the edit of pulse.mod did not apply")
	}
	g, err := NewCable(devicetest.Shared(t), pulsePlan(t, flood, "")())
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	g.Init()
	err = g.Run(context.Background(), 10, &sim.Memory{}, nil)
	want := fmt.Sprintf("Pulse a (cell 0): net_send found the cell's queue of self-events full (%d pending, %d for each point process with NET_RECEIVE)", 2*sendsPerPoint, sendsPerPoint)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want %q", err, want)
	}
}

// TestBudgetCountsPointInputs: a chunk's loop budget counts the point
// processes' inputs in its steps, each with the self-event it sends.
func TestBudgetCountsPointInputs(t *testing.T) {
	pt := &pointTables{queueCap: []int{sendsPerPoint}}
	_, perInput := pt.loops(0)
	e := &Cable{perStep: []int{100}, loopBudget: 1000, evSteps: [][]int{nil}, mechs: &mechTables{points: pt}}
	for _, c := range []struct {
		inputs []int
		want   int64
	}{
		{nil, 10},
		{[]int{50, 60}, 10}, // after the chunk
		{[]int{0, 3, 3}, (1000 - 3*int64(perInput)) / 100},  // within it
		{[]int{0, 9, 10}, (1000 - 2*int64(perInput)) / 100}, // the last at its end
	} {
		e.inputSteps = [][]int{c.inputs}
		if got := e.budgetSteps(0, 40); got != c.want {
			t.Errorf("inputs at steps %v: %d steps, want %d", c.inputs, got, c.want)
		}
	}
}
