// Package pynnexport writes a network of point neurons as a PyNN script
// (run.py, with network.json and the connections as .npy files beside
// it), PyNN being the field's simulator-independent language: it runs on
// NEURON under MPI (`mpiexec -n K python3 run.py`), and on NEST or
// SpiNNaker where a cluster has them.
//
// Each population maps to a PyNN standard cell where the mapping is
// exact: a LIF population whose ports are one excitatory and at most one
// inhibitory synapse of one kind is IF_cond_exp, IF_cond_alpha,
// IF_curr_exp or IF_curr_alpha (cm = τ/R, the conductances in µS, the
// currents in nA); a Poisson source population is SpikeSourcePoisson; an
// independent Poisson drive is a SpikeSourcePoisson per neuron. The
// connections are Neurite's own, synapse by synapse (FromListConnector),
// and so are the initial membrane potentials and synaptic conductances,
// so that both simulators start from the same network; the random input
// trains are PyNN's (the same rates, other draws). What has no exact
// standard cell is refused, naming it: other point models, delta and
// bi-exponential synapses, more than two ports, currents and noise
// drives, rate projections, plasticity.
package pynnexport

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"

	"github.com/sbinet/npyio/npy"
	"gonum.org/v1/gonum/mat"

	"neurite/sim/netbuild"
	"neurite/sim/network"
	"neurite/sim/output"
	"neurite/sim/spec"
)

// script is the PyNN program every export runs: it reads network.json.
//
//go:embed run.py
var script []byte

// Export is what Network wrote.
type Export struct {
	Dir                  string
	Populations, Neurons int
	Synapses             int64
}

// config is network.json.
type config struct {
	Name        string       `json:"name"`
	Dt          float64      `json:"dt"`
	Tstop       float64      `json:"tstop"`
	Seed        int          `json:"seed"`
	Populations []population `json:"populations"`
	Projections []projection `json:"projections"`
}

type population struct {
	Name  string `json:"name"`
	First int    `json:"first"`
	N     int    `json:"n"`
	Cell  string `json:"cell"`
	// Params are the cell type's parameters: a number, or a list by neuron.
	Params map[string]any `json:"params"`
	// Init names the .npy file of each initial value (v, gsyn_exc, ...).
	Init    map[string]string `json:"init,omitempty"`
	Poisson []poisson         `json:"poisson,omitempty"`
}

type poisson struct {
	Rate     float64 `json:"rate"`
	Weight   float64 `json:"weight"`
	Receptor string  `json:"receptor"`
	Shared   bool    `json:"shared"`
}

type projection struct {
	Name     string `json:"name"`
	Pre      string `json:"pre"`
	Post     string `json:"post"`
	Receptor string `json:"receptor"`
	// File holds the synapses, one row each: pre, post, weight, delay (ms).
	File     string `json:"file"`
	Synapses int64  `json:"synapses"`
}

// Network writes the network n, built as Neurite builds it, into dir (a
// new or empty folder), all or nothing.
func Network(n *spec.Network, dir string) (*Export, error) {
	if err := output.CheckNewDir(dir); err != nil {
		return nil, err
	}
	m, err := netbuild.Build(n)
	if err != nil {
		return nil, err
	}
	if m.Point == nil || m.Cable != nil || m.Links != nil {
		return nil, fmt.Errorf("%s: a network of cable cells exports to NEURON (neurite export neuron); PyNN takes point neurons", n.File())
	}
	net := m.Point
	cfg := config{Name: n.Name, Dt: net.Dt, Tstop: n.Run.Tstop, Seed: n.Seed}
	files := map[string]func(w io.Writer) error{}
	receptors := map[*network.Population][]string{}
	ex := &Export{Populations: len(net.Pops)}
	for _, p := range net.Pops {
		pop, rec, err := mapPopulation(p, files)
		if err != nil {
			return nil, fmt.Errorf("%s: population %s: %w", n.File(), p.Name, err)
		}
		pop.First = ex.Neurons // ids in population order, as Neurite numbers them
		receptors[p] = rec
		cfg.Populations = append(cfg.Populations, pop)
		ex.Neurons += p.N
	}
	if len(net.Inputs) > 0 {
		return nil, fmt.Errorf("%s: spikes listed as inputs do not export yet", n.File())
	}
	for k, pr := range net.Projections {
		switch {
		case pr.Rate != nil:
			return nil, fmt.Errorf("%s: projection %s carries a rate, which PyNN's standard cells do not take", n.File(), pr.Name)
		case pr.Plastic():
			return nil, fmt.Errorf("%s: projection %s learns; plasticity does not export yet", n.File(), pr.Name)
		}
		name := fmt.Sprintf("projection_%d.npy", k)
		// The rows are made as the file is written: one projection's at
		// a time, not every synapse of the network at once.
		files[name] = func(w io.Writer) error { return writeNPY(w, synapseRows(pr, net.Dt), 4) }
		cfg.Projections = append(cfg.Projections, projection{Name: pr.Name, Pre: pr.From.Name, Post: pr.To.Name,
			Receptor: receptors[pr.To][pr.Port], File: name, Synapses: pr.Synapses()})
		ex.Synapses += pr.Synapses()
	}
	files["network.json"] = func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(cfg)
	}
	files["run.py"] = func(w io.Writer) error { _, err := w.Write(script); return err }
	if ex.Dir, err = filepath.Abs(dir); err != nil {
		return nil, err
	}
	if err := output.WriteDir(ex.Dir, files); err != nil {
		return nil, err
	}
	return ex, nil
}

// mapPopulation maps a population to its PyNN cell type; it returns the
// receptor type of each of its ports, and adds its initial values' files.
func mapPopulation(p *network.Population, files map[string]func(io.Writer) error) (population, []string, error) {
	pop := population{Name: p.Name, N: p.N, Params: map[string]any{}, Init: map[string]string{}}
	if p.Source != nil {
		pop.Cell = "SpikeSourcePoisson"
		pop.Params["rate"] = perNeuron(p.Source)
		return pop, nil, nil
	}
	if p.LIF == nil {
		return pop, nil, fmt.Errorf("a point model other than LIF has no exact PyNN standard cell in this export (LIF populations export as IF_cond_exp, IF_cond_alpha, IF_curr_exp, IF_curr_alpha)")
	}
	receptor, syn, shape, err := portRoles(p.Ports)
	if err != nil {
		return pop, nil, err
	}
	kind := map[network.Synapse]string{network.Current: "curr", network.Conductance: "cond"}[syn]
	pop.Cell = fmt.Sprintf("IF_%s_%s", kind, map[network.Shape]string{network.Exp: "exp", network.Alpha: "alpha"}[shape])
	l := p.LIF
	cm := make([]float64, p.N)
	for i := range cm {
		cm[i] = l.Tau[i] / l.R[i] // nF: ms / MΩ
	}
	for name, v := range map[string][]float64{"tau_m": l.Tau, "cm": cm, "v_rest": l.EL, "v_thresh": l.Vth, "v_reset": l.Vreset, "tau_refrac": l.Tref, "i_offset": l.I} {
		pop.Params[name] = perNeuron(v)
	}
	// PyNN's standard cells need both receptors' constants: an absent
	// one takes its defaults' shape from the present one.
	for k, q := range p.Ports {
		suffix := map[string]string{"excitatory": "E", "inhibitory": "I"}[receptor[k]]
		pop.Params["tau_syn_"+suffix] = q.TauDecay
		if syn == network.Conductance {
			pop.Params["e_rev_"+suffix] = q.E
		}
	}
	if p.V0 != nil {
		name := "init_" + p.Name + "_v.npy"
		files[name] = func(w io.Writer) error { return writeNPY(w, p.V0, 1) }
		pop.Init["v"] = name
	}
	for k, g := range p.G0 {
		if g == nil {
			continue
		}
		state := map[string]string{"excitatory": "gsyn_exc", "inhibitory": "gsyn_inh"}[receptor[k]]
		if syn == network.Current {
			state = map[string]string{"excitatory": "isyn_exc", "inhibitory": "isyn_inh"}[receptor[k]]
		}
		name := fmt.Sprintf("init_%s_%s.npy", p.Name, state)
		files[name] = func(w io.Writer) error { return writeNPY(w, g, 1) }
		pop.Init[state] = name
	}
	for _, d := range p.Drives {
		if d.Kind != network.Poisson || d.Neurons != nil || d.Start != 0 || d.Stop != 0 {
			return pop, nil, fmt.Errorf("a current or noise drive, or one on some neurons or for a while, does not export (PyNN has no such standard input)")
		}
		pop.Poisson = append(pop.Poisson, poisson{Rate: d.Rate, Weight: d.W, Receptor: receptor[d.Port], Shared: d.Shared})
	}
	return pop, receptor, nil
}

// portRoles gives each port PyNN's receptor type: one or two ports of one
// synapse kind and shape, the excitatory one the conductance of the
// higher reversal potential, or the current whose weights are positive.
func portRoles(ports []network.Port) ([]string, network.Synapse, network.Shape, error) {
	if len(ports) == 0 {
		return nil, network.Conductance, network.Exp, nil
	}
	q := ports[0]
	for _, p := range ports {
		switch {
		case len(ports) > 2:
			return nil, 0, 0, fmt.Errorf("%d kinds of synapse: PyNN's standard cells have two, excitatory and inhibitory", len(ports))
		case p.Synapse == network.Delta || p.Shape == network.BiExp:
			return nil, 0, 0, fmt.Errorf("delta and bi-exponential synapses have no PyNN standard cell here")
		case p.Synapse != q.Synapse || p.Shape != q.Shape:
			return nil, 0, 0, fmt.Errorf("synapses of two kinds or shapes: a PyNN standard cell takes one")
		}
	}
	roles := []string{"excitatory", "inhibitory"}[:len(ports)]
	if len(ports) == 2 && q.Synapse == network.Conductance && ports[1].E > q.E {
		roles = []string{"inhibitory", "excitatory"}
	}
	if len(ports) == 1 && q.Synapse == network.Conductance && q.E < -40 {
		roles = []string{"inhibitory"}
	}
	return roles, q.Synapse, q.Shape, nil
}

// perNeuron is one number when every neuron has it, else the list.
func perNeuron(v []float64) any {
	if len(v) > 0 && !slices.ContainsFunc(v, func(x float64) bool { return x != v[0] }) {
		return v[0]
	}
	return v
}

// synapseRows lists a projection's synapses as rows of pre, post, weight
// (PyNN's, unsigned) and delay (ms).
func synapseRows(pr *network.Projection, dt float64) []float64 {
	rows := make([]float64, 0, 4*pr.Synapses())
	for i := range pr.From.N {
		for s := pr.Start[i]; s < pr.Start[i+1]; s++ {
			d := pr.Delay[0]
			if len(pr.Delay) > 1 {
				d = pr.Delay[s]
			}
			rows = append(rows, float64(i), float64(pr.Target[s]), math.Abs(float64(pr.Weight(s))), float64(d)*dt)
		}
	}
	return rows
}

// writeNPY writes values as a float64 .npy array of cols columns (one
// column: a vector).
func writeNPY(w io.Writer, values []float64, cols int) error {
	if cols == 1 {
		return npy.Write(w, values)
	}
	return npy.Write(w, mat.NewDense(len(values)/cols, cols, values))
}
