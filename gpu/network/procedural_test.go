package network

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-gl/gl/v4.3-core/gl"

	"neurite/gpu/device"
	"neurite/gpu/device/devicetest"
	"neurite/shaders"
	"neurite/sim/connect"
	"neurite/sim/netmodels"
	point "neurite/sim/network"
)

// procRowsCase is a procedural projection TestProceduralRows draws on
// both sides.
type procRowsCase struct {
	name          string
	rule          connect.Rule
	nPre, nPost   int
	samePop       bool
	weight, delay connect.Values
}

var (
	inf          = math.Inf(1)
	normalWeight = connect.Values{Shape: connect.NormalShape, A: 0.5, B: 0.1, Low: 0, High: inf}
	cutWeight    = connect.Values{Shape: connect.NormalShape, A: -0.35, B: 0.2, Low: -0.5, High: 0}
	uniformDelay = connect.Values{Shape: connect.UniformShape, A: 0.1, B: 3}
	normalDelay  = connect.Values{Shape: connect.NormalShape, A: 1.5, B: 0.75, Low: 0.1, High: inf}
	oneWeight    = connect.Values{A: 0.25}
	oneDelay     = connect.Values{A: 1.2}
)

var procRowsCases = []procRowsCase{
	{"fixed_probability 0.1", connect.Rule{Kind: connect.FixedProbability, P: 0.1}, 300, 500, false, normalWeight, uniformDelay},
	{"fixed_probability 0.05 onto itself", connect.Rule{Kind: connect.FixedProbability, P: 0.05}, 400, 400, true,
		connect.Values{Shape: connect.UniformShape, A: -1, B: 1}, normalDelay},
	{"fixed_probability 1 onto itself", connect.Rule{Kind: connect.FixedProbability, P: 1}, 40, 40, true, oneWeight, oneDelay},
	{"fixed_probability 0.5 over blocks", connect.Rule{Kind: connect.FixedProbability, P: 0.5}, 5, 2*procBlockMax + 7, false, cutWeight, normalDelay},
	{"fixed_probability 1 over blocks, rows longer than llvmpipe draws at once", connect.Rule{Kind: connect.FixedProbability, P: 1}, 4, procBlockMax + 3*softwareChunkMax/2, false, oneWeight, oneDelay},
	{"fixed_probability 0.02 over blocks onto itself", connect.Rule{Kind: connect.FixedProbability, P: 0.02}, 1500, 1500, true, normalWeight, uniformDelay},
	{"fixed_probability 0", connect.Rule{Kind: connect.FixedProbability, P: 0}, 40, 60, false, oneWeight, oneDelay},
	{"fixed_outdegree 50 onto itself", connect.Rule{Kind: connect.FixedOutdegree, Outdegree: 50, Multapses: true}, 300, 300, true, cutWeight, oneDelay},
	{"fixed_total 20000 with autapses", connect.Rule{Kind: connect.FixedTotal, Total: 20000, Multapses: true, Autapses: true}, 200, 200, true, normalWeight, normalDelay},
	{"fixed_outdegree 3 onto itself, fewer spacings than invocations", connect.Rule{Kind: connect.FixedOutdegree, Outdegree: 3, Multapses: true}, 30, 30, true, normalWeight, uniformDelay},
	{"fixed_outdegree 1000 of one target", connect.Rule{Kind: connect.FixedOutdegree, Outdegree: 1000, Multapses: true}, 10, 1, false, cutWeight, oneDelay},
	{"rows as long as llvmpipe draws", connect.Rule{Kind: connect.FixedOutdegree, Outdegree: softwareRowMax, Multapses: true}, 2, 20000, false, cutWeight, normalDelay},
	{"fixed_total 5000 of few targets", connect.Rule{Kind: connect.FixedTotal, Total: 5000, Multapses: true}, 100, 3, false, cutWeight, uniformDelay},
}

// procBlockMax is the most candidates of a fixed_probability row one
// work group draws.
const procBlockMax = connect.ProcGroup * connect.ProcChunkMax

// TestProceduralRows: shaders/net_procedural.comp draws every row of
// each procedural projection as connect.Procedural.Row draws it: the
// same targets, weights and delays (in steps), and the sorted uniforms
// of fixed_outdegree and fixed_total, to the bit.
func TestProceduralRows(t *testing.T) {
	const dt = 0.1
	for k, c := range procRowsCases {
		t.Run(c.name, func(t *testing.T) {
			g, err := connect.NewProcedural(c.rule, c.nPre, c.nPost, c.samePop, 0x5eed0000+uint64(k), c.weight, c.delay)
			if err != nil {
				t.Fatal(err)
			}
			// The device writes each synapse at the row's offset plus its
			// candidate (fixed_probability, whose chunks are drawn side
			// by side) or its place in the row, and the sorted uniform
			// that drew it where there is one: whatever order a row's
			// spacings are summed in on one side, the other must follow.
			var rows, want []uint32
			synapses := 0
			for i := range c.nPre {
				tg, w, d := g.Row(i, nil, nil, nil)
				synapses += len(tg)
				off := len(want) / 5
				rows = append(rows, 0, uint32(i), uint32(max(g.RowLen(i), 0)), uint32(off))
				size := len(tg)
				if g.Kind == connect.FixedProbability {
					size = g.Cand
				}
				want = append(want, make([]uint32, 5*size)...)
				var u []float64
				if g.Kind != connect.FixedProbability {
					u = g.SortedUniforms(i, len(tg))
				}
				for m, j := range tg {
					wm, dm := c.weight.A, c.delay.A
					if w != nil {
						wm = w[m]
					}
					if d != nil {
						dm = d[m]
					}
					steps, err := point.DelaySteps(dm, dt)
					if err != nil {
						t.Fatal(err)
					}
					at, um := off+m, 0.0
					if g.Kind == connect.FixedProbability {
						at = off + int(j)
						if g.Self && int(j) > i {
							at--
						}
					} else {
						um = u[m]
					}
					ub := math.Float64bits(um)
					copy(want[5*at:], []uint32{j + 1, math.Float32bits(float32(wm)), uint32(steps), uint32(ub), uint32(ub >> 32)})
				}
			}
			if c.rule.P != 0 && synapses == 0 {
				t.Fatal("no synapses drawn")
			}
			blocks := 1
			if g.Kind == connect.FixedProbability {
				blocks = g.ProcBlocks()
			}
			got := procRowsOnDevice(t, procProj(g, dt, 0), rows, blocks, len(want))
			for s := 0; s < len(want); s += 5 {
				if [5]uint32(got[s:s+5]) != [5]uint32(want[s:s+5]) {
					uGot, uWant := math.Float64frombits(uint64(got[s+4])<<32|uint64(got[s+3])), math.Float64frombits(uint64(want[s+4])<<32|uint64(want[s+3]))
					t.Fatalf("synapse at %d: target %d, weight %g, delay %d steps, uniform %.17g on the device; %d, %g, %d, %.17g in Go (targets plus 1, 0 for none)", s/5,
						got[s], math.Float32frombits(got[s+1]), got[s+2], uGot, want[s], math.Float32frombits(want[s+1]), want[s+2], uWant)
				}
			}
			t.Logf("%d synapses of %d rows, the same", synapses, c.nPre)
		})
	}
}

// procRowsOnDevice runs net_procedural.comp built to write the rows'
// synapses (PROC_ROWS), blocks work groups a row, and returns them, n
// words.
func procRowsOnDevice(t *testing.T, proj, rows []uint32, blocks, n int) []uint32 {
	t.Helper()
	src, err := shaders.Load("net_procedural.comp")
	if err != nil {
		t.Fatal(err)
	}
	out := make([]uint32, n+3) // never empty
	err = devicetest.Shared(t).Do(func() error {
		prog, err := device.Compile(procShader(src).Define("PROC_ROWS", 1))
		if err != nil {
			return err
		}
		defer prog.Delete()
		bufs := []*device.Buffer{device.NewBuffer[uint32](nil, 4*len(out)), device.NewBuffer(rows, 0), device.NewBuffer(proj, 0)}
		for k, b := range bufs {
			defer b.Delete()
			b.Bind(uint32(k))
		}
		prog.Use()
		prog.SetInt("nRows", len(rows)/4)
		gl.DispatchCompute(uint32(len(rows)/4), uint32(blocks), 1)
		gl.MemoryBarrier(gl.SHADER_STORAGE_BARRIER_BIT | gl.BUFFER_UPDATE_BARRIER_BIT)
		device.Read(bufs[0], 0, out)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out[:n]
}

// procMicrocircuit writes the microcircuit at 1% of full scale with
// every projection procedural, or stored, and builds it.
func procMicrocircuit(t *testing.T, procedural bool) *point.Network {
	t.Helper()
	file := filepath.Join(t.TempDir(), "microcircuit.toml")
	if err := os.WriteFile(file, []byte(netmodels.MicrocircuitProcedural(0.01, 100, procedural)), 0o644); err != nil {
		t.Fatal(err)
	}
	return loadPoint(t, file)
}

// TestProceduralMicrocircuit: the microcircuit at 1% of full scale with
// procedural projections gives on the GPU, its rows drawn again on the
// device at every spike, the CPU engine's spikes and voltages exactly,
// and keeps no synapse on the device.
func TestProceduralMicrocircuit(t *testing.T) {
	g, c := bothEngines(t, procMicrocircuit(t, true), procMicrocircuit(t, true), noOptions)
	const tstop = 100
	want := run(t, c, tstop)
	if len(want.SpikeList) < 100 {
		t.Fatalf("the CPU engine made %d spikes: too few to compare", len(want.SpikeList))
	}
	eachDelivery(t, g, func(t *testing.T) { sameSpikesAndVoltages(t, g, c, run(t, g, tstop), want) })
	m := g.DeviceMemory()
	if m.Synapses > 64 || m.Procedural == 0 {
		t.Errorf("on the device: %d bytes of synapses, %d of procedural rules; want none of synapses", m.Synapses, m.Procedural)
	}
	t.Logf("device memory: %+v", m)
}

// procBrunel is Brunel's E/I network at 1,000 neurons with a procedural
// projection of each rule: fixed_probability (E onto itself without
// autapses, E onto I), fixed_outdegree (I onto E) and fixed_total (I
// onto itself), weights normal (cut at 0) or uniform, delays uniform,
// normal or constant.
const procBrunel = `name = "procedural_brunel"
seed = 7
[run]
tstop = 200
dt = 0.1
[[population]]
name = "E"
size = 800
model = "lif"
method = "exact"
threshold = 20
params = { tau = 20, EL = 0, R = 1, vreset = 10, tref = 2 }
init = { v = { dist = "uniform", low = 0, high = 20 } }
[[population]]
name = "I"
size = 200
model = "lif"
method = "exact"
threshold = 20
params = { tau = 20, EL = 0, R = 1, vreset = 10, tref = 2 }
init = { v = { dist = "uniform", low = 0, high = 20 } }
[[projection]]
from = "E"
to = "E"
rule = "fixed_probability"
p = 0.1
procedural = true
weight = { dist = "normal", mean = 0.2, sd = 0.05, low = 0 }
delay = { dist = "uniform", low = 0.5, high = 3 }
[[projection]]
from = "E"
to = "I"
rule = "fixed_probability"
p = 0.1
procedural = true
weight = { dist = "uniform", low = 0.1, high = 0.3 }
delay = 1.5
[[projection]]
from = "I"
to = "E"
rule = "fixed_outdegree"
outdegree = 80
multapses = true
procedural = true
weight = { dist = "normal", mean = -1, sd = 0.1, high = 0 }
delay = { dist = "normal", mean = 1.5, sd = 0.5, low = 0.1 }
[[projection]]
from = "I"
to = "I"
rule = "fixed_total"
total = 4000
procedural = true
weight = -1
delay = { dist = "uniform", low = 0.1, high = 2 }
[[input]]
to = "E"
kind = "poisson"
rate = 20000
weight = 0.1
[[input]]
to = "I"
kind = "poisson"
rate = 20000
weight = 0.1
`

// TestProceduralBrunel: an E/I network whose four projections are
// procedural, one of each rule and law of weights and delays, gives on
// the GPU the CPU engine's spikes and voltages exactly, its rows drawn
// again on the device.
func TestProceduralBrunel(t *testing.T) {
	file := filepath.Join(t.TempDir(), "brunel.toml")
	if err := os.WriteFile(file, []byte(procBrunel), 0o644); err != nil {
		t.Fatal(err)
	}
	gn, cn := loadPoint(t, file), loadPoint(t, file)
	for _, pr := range gn.Projections {
		if pr.Procedural == nil {
			t.Fatalf("projection %s is not procedural", pr.Name)
		}
	}
	g, c := bothEngines(t, gn, cn, noOptions)
	const tstop = 200
	want := run(t, c, tstop)
	if len(want.SpikeList) < 1000 {
		t.Fatalf("the CPU engine made %d spikes: too few to compare", len(want.SpikeList))
	}
	eachDelivery(t, g, func(t *testing.T) { sameSpikesAndVoltages(t, g, c, run(t, g, tstop), want) })
}

// TestProceduralLongRows: rows longer than a software renderer lets one
// work group draw (llvmpipe's loop budget) are refused there for
// delivery on the device, saying which projection and neuron; a hardware
// GPU draws them, giving the CPU engine's spikes.
func TestProceduralLongRows(t *testing.T) {
	var long string // the projection made long
	build := func() *point.Network {
		n := procMicrocircuit(t, true)
		// The projection from the fewest neurons: the fewest long rows.
		pr := slices.MinFunc(n.Projections, func(a, b *point.Projection) int { return a.From.N - b.From.N })
		long = pr.Name
		g, err := connect.NewProcedural(connect.Rule{Kind: connect.FixedOutdegree, Outdegree: softwareRowMax + 1, Multapses: true, Autapses: true},
			pr.From.N, pr.To.N, pr.From == pr.To, 3, connect.Values{A: 0.01}, connect.Values{A: 1})
		if err != nil {
			t.Fatal(err)
		}
		csr, _, _ := g.Build(pr.From.N)
		pr.Procedural, pr.Start, pr.Target, pr.W, pr.Delay = g, csr.Start, csr.Target, []float32{0.01}, []uint16{10}
		return n
	}
	g, c := bothEngines(t, build(), build(), noOptions)
	err := g.SetDelivery(DeliverDevice)
	if device.Software(devicetest.Shared(t).Info()) {
		want := fmt.Sprintf("projection %s: neuron 0's row of %d synapses is more than", long, softwareRowMax+1)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("delivery on the device of a row of %d synapses on %s: %v, want %q", softwareRowMax+1, devicetest.Shared(t).Info().Renderer, err, want)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	const tstop = 50
	sameSpikesAndVoltages(t, g, c, run(t, g, tstop), run(t, c, tstop))
}
