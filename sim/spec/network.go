package spec

import (
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"

	"github.com/pelletier/go-toml/v2"

	"neurite/sim"
)

// Network is a parsed network model file: populations of neurons wired by
// projections, driven by inputs, with plasticity and recordings. A model
// file is a network when it has at least one [[population]]. Units: ms, mV,
// Hz, nA, µS (conductance weights), mV (delta weights), µm (positions).
type Network struct {
	Name        string       `toml:"name"`
	Seed        int          `toml:"seed"` // one seed makes the run reproducible, for any number of threads
	Run         NetRun       `toml:"run"`
	Populations []Population `toml:"population"`
	Projections []Projection `toml:"projection"`
	Inputs      []Input      `toml:"input"`
	Plasticity  []Plasticity `toml:"plasticity"`
	Record      NetRecord    `toml:"record"`

	source
	fsys fs.FS          // the file system of an embedded model; nil for the OS's
	tree map[string]any // the document as written, for Override
}

// NetRun holds a network's run settings.
type NetRun struct {
	Tstop   float64 `toml:"tstop" unit:"ms"`
	Dt      float64 `toml:"dt" unit:"ms"` // default DefaultNetDt
	Threads int     `toml:"threads"`      // 0: all cores
	Backend string  `toml:"backend"`      // auto (default), cpu or gpu
}

// DefaultNetDt is a network's time step when the file gives none (Brian2's
// and NEST's default).
const DefaultNetDt = 0.1

// Population is a group of identical neurons: a point model of the
// dynamics lab (Model, built in, or Equations, a typed equations file) or
// a cable cell (Cell, a cell model file).
type Population struct {
	Name      string           `toml:"name"`
	Size      int              `toml:"size"`
	Model     string           `toml:"model"`     // a built-in point model (sim/point.Names)
	Equations string           `toml:"equations"` // resolved relative to the model file
	Cell      string           `toml:"cell"`      // resolved relative to the model file
	Method    string           `toml:"method"`    // point models: exact, euler, rk2, rk4 (default exact where linear, else rk4)
	Threshold *float64         `toml:"threshold" unit:"mV"`
	Params    map[string]Value `toml:"params"`
	Init      map[string]Value `toml:"init"`
	Positions *Positions       `toml:"positions"`
}

// Cable reports whether the population is of cable cells.
func (p *Population) Cable() bool { return p.Cell != "" }

// Positions places a population's neurons in space (µm).
type Positions struct {
	Layout  string  `toml:"layout"`            // line, ring, sheet, box or csv
	Spacing float64 `toml:"spacing" unit:"µm"` // line, sheet, box
	Radius  float64 `toml:"radius" unit:"µm"`  // ring
	NX      int     `toml:"nx"`                // sheet, box
	NY      int     `toml:"ny"`                // sheet, box
	NZ      int     `toml:"nz"`                // box
	File    string  `toml:"file"`              // csv (columns x,y,z), resolved relative to the model file
}

// Projection wires one population to another by a connectivity rule.
type Projection struct {
	Name      string  `toml:"name"` // default "FROM->TO"
	From      string  `toml:"from"`
	To        string  `toml:"to"`
	Rule      string  `toml:"rule"`
	P         float64 `toml:"p"`         // fixed_probability
	Indegree  int     `toml:"indegree"`  // fixed_indegree
	Outdegree int     `toml:"outdegree"` // fixed_outdegree
	Total     int     `toml:"total"`     // fixed_total
	K         int     `toml:"k"`         // small_world: neighbours
	Beta      float64 `toml:"beta"`      // small_world: rewiring probability
	M         int     `toml:"m"`         // scale_free: edges per new node
	Kernel    string  `toml:"kernel"`    // distance: gaussian or exponential
	Scale     float64 `toml:"scale" unit:"µm"`
	PMax      float64 `toml:"p_max"`
	Periodic  bool    `toml:"periodic"`
	File      string  `toml:"file"` // csv: columns pre,post[,weight][,delay], resolved relative to the model file
	Autapses  bool    `toml:"autapses"`
	Multapses bool    `toml:"multapses"` // default false, true for fixed_total
	// Procedural regenerates the rows from the seed instead of storing
	// them on a device (sim/connect's Procedural).
	Procedural bool  `toml:"procedural"`
	Weight     Value `toml:"weight" unit:"µS, nA or mV"`
	Delay      Value `toml:"delay" unit:"ms"`
	SynapseSettings
	// Var and Input are a rate projection's (synapse = "rate"): the
	// source model's state variable it carries (default the model's main
	// one: r of a rate unit, E of wilson-cowan) and the target model's
	// parameter that takes the weighted sum (default the model's input).
	Var          string    `toml:"var"`
	Input        string    `toml:"input"`
	At           string    `toml:"at"`                      // cable targets: a site, "dend(0.5)"
	Region       string    `toml:"region"`                  // cable targets: a region
	PathDistance []float64 `toml:"path_distance" unit:"µm"` // cable targets: [from, to]
}

// SynapseSettings are the postsynaptic side of projections and spike
// inputs. Tau1 and Tau2 (Exp2Syn's names) are folded into TauRise and
// TauDecay when the file is loaded.
type SynapseSettings struct {
	Synapse  string  `toml:"synapse"` // default delta (point targets), ExpSyn (cable targets)
	Tau      float64 `toml:"tau" unit:"ms"`
	TauRise  float64 `toml:"tau_rise" unit:"ms"`
	TauDecay float64 `toml:"tau_decay" unit:"ms"`
	Tau1     float64 `toml:"tau1" unit:"ms"`
	Tau2     float64 `toml:"tau2" unit:"ms"`
	ERev     float64 `toml:"e_rev" unit:"mV"`
	// GInit is the synapse's state at t = 0 on each target neuron (µS or
	// nA; point current and conductance synapses), shared with every
	// projection of the same synapse onto the population.
	GInit Value `toml:"g_init" unit:"µS or nA"`
}

// Input drives a population from outside the network.
type Input struct {
	Name    string  `toml:"name"` // default "KIND->TO"
	To      string  `toml:"to"`
	Neurons Neurons `toml:"neurons"`
	Kind    string  `toml:"kind"`
	Rate    float64 `toml:"rate" unit:"Hz"` // poisson
	Shared  bool    `toml:"shared"`         // poisson: one train for all
	File    string  `toml:"file"`           // spike_times: columns neuron,t_ms[,weight], resolved relative to the model file
	Amp     float64 `toml:"amp" unit:"nA"`  // step, sine, cue
	Start   float64 `toml:"start" unit:"ms"`
	Stop    float64 `toml:"stop" unit:"ms"` // step: default tstop
	FromAmp float64 `toml:"from_amp" unit:"nA"`
	ToAmp   float64 `toml:"to_amp" unit:"nA"`
	Freq    float64 `toml:"freq" unit:"Hz"`
	Phase   float64 `toml:"phase" unit:"rad"`
	Offset  float64 `toml:"offset" unit:"nA"`
	Mean    float64 `toml:"mean" unit:"nA"` // noise
	SD      float64 `toml:"sd" unit:"nA"`   // noise
	Weight  Value   `toml:"weight" unit:"µS, nA or mV"`
	SynapseSettings
	At     string `toml:"at"`
	Region string `toml:"region"`
}

// Spiking reports whether the input delivers spikes through synapses (else
// it injects a current).
func (in *Input) Spiking() bool { return in.Kind == "poisson" || in.Kind == "spike_times" }

// Plasticity makes a projection's weights change: pair-based STDP or
// homeostatic synaptic scaling.
type Plasticity struct {
	Projection string  `toml:"projection"`
	Rule       string  `toml:"rule"`    // stdp or scaling
	Mode       string  `toml:"mode"`    // stdp: additive (default) or multiplicative
	Pairing    string  `toml:"pairing"` // stdp: all (default) or nearest
	TauPlus    float64 `toml:"tau_plus" unit:"ms"`
	TauMinus   float64 `toml:"tau_minus" unit:"ms"`
	APlus      float64 `toml:"a_plus"`  // in units of w_max
	AMinus     float64 `toml:"a_minus"` // in units of w_max
	WMin       float64 `toml:"w_min"`
	WMax       float64 `toml:"w_max"`
	TargetRate float64 `toml:"target_rate" unit:"Hz"` // scaling
	Tau        float64 `toml:"tau" unit:"ms"`         // scaling
}

// NetRecord says what a network run records.
type NetRecord struct {
	// Spikes is as written: "all" (the default), "none", or a list of
	// "POP" and "POP[0:100]"; SpikeSets is what it selects.
	Spikes    any            `toml:"spikes"`
	SpikeSets []Subset       `toml:"-"`
	Rates     bool           `toml:"rates"`
	RateBin   float64        `toml:"rate_bin" unit:"ms"` // default 1
	States    []StateRecord  `toml:"states"`
	Weights   []WeightRecord `toml:"weights"`
	Every     float64        `toml:"every" unit:"ms"` // sampling interval of states; default dt
}

// Subset is some neurons of a population.
type Subset struct {
	Population string
	Neurons    Neurons
}

// StateRecord records a state variable of some neurons.
type StateRecord struct {
	Population string  `toml:"population"`
	Var        string  `toml:"var"`
	Neurons    Neurons `toml:"neurons"`
}

// WeightRecord records the weights of some synapses of a projection.
type WeightRecord struct {
	Projection string  `toml:"projection"`
	Synapses   int     `toml:"synapses"` // how many, spread over the projection
	Every      float64 `toml:"every" unit:"ms"`
}

// Kinds of model file.
const (
	KindCell    = "cell"
	KindNetwork = "network"
)

// Kind tells a network model file from a cell model file (or SWC file):
// KindNetwork when it has a [[population]], else KindCell.
func Kind(file string) (string, error) {
	if IsSWC(file) || IsNeuroML(file) {
		return KindCell, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	return fileKind(data, file)
}

// KindFS is Kind for a file of a file system (such as the embedded
// examples).
func KindFS(fsys fs.FS, file string) (string, error) {
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		return "", err
	}
	return fileKind(data, file)
}

func fileKind(data []byte, file string) (string, error) {
	var tree map[string]any
	if err := toml.Unmarshal(data, &tree); err != nil {
		return "", (&source{file: file}).syntaxError(err)
	}
	if isNetwork(tree) {
		return KindNetwork, nil
	}
	return KindCell, nil
}

func isNetwork(tree map[string]any) bool {
	_, ok := tree["population"]
	return ok
}

// LoadNetwork reads and checks the network model file at path, with the
// settings given on the command line (--set, as Override takes them)
// applied before it is checked.
func LoadNetwork(file string, sets ...string) (*Network, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return parseNetwork(data, file, filepath.Dir(file), nil, sets)
}

// LoadNetworkFS reads and checks a network model file from a file system
// (such as the embedded examples); files it names are looked up beside it.
func LoadNetworkFS(fsys fs.FS, file string, sets ...string) (*Network, error) {
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, err
	}
	return parseNetwork(data, file, path.Dir(file), fsys, sets)
}

// parseNetwork checks a network document read from file, in dir of fsys
// (nil: of the OS), with the command line's settings applied to it first.
func parseNetwork(data []byte, file, dir string, fsys fs.FS, sets []string) (*Network, error) {
	src := source{file: file, dir: dir, embedded: fsys != nil}
	var tree map[string]any
	if err := toml.Unmarshal(data, &tree); err != nil {
		return nil, src.syntaxError(err)
	}
	keys, err := indexKeys(data)
	if err != nil {
		return nil, sim.FileErrors{{File: file, Msg: err.Error()}}
	}
	src.keys = keys
	applied, errs := applySets(tree, networkType, sets)
	n := &Network{source: src, fsys: fsys, tree: tree}
	n.sets = applied
	if errs = append(errs, n.load(deepCopy(tree))...); len(errs) > 0 {
		return nil, bySetting(errs, sets)
	}
	return n, nil
}

// load decodes and checks a document's tree into n, reporting every
// problem in line order.
func (n *Network) load(tree map[string]any) sim.FileErrors {
	if !isNetwork(tree) {
		return sim.FileErrors{{File: n.file, Msg: "this file has no [[population]]: it is not a network model"}}
	}
	bad, errs := n.source.decode(tree, n)
	errs = append(errs, n.check(tree, bad)...)
	errs.Sort()
	return errs
}

// resolve names a file the model refers to as Open and the loaders take
// it: relative to the model file's directory.
func (n *Network) resolve(name string) string {
	switch {
	case name == "":
		return ""
	case n.fsys != nil:
		return path.Join(n.dir, name)
	case filepath.IsAbs(name):
		return name
	}
	return filepath.Join(n.dir, name)
}

// Open opens a file the network refers to (a population's equations or
// cell, a CSV file), by its resolved name as the Network holds it.
func (n *Network) Open(name string) (io.ReadCloser, error) {
	if n.fsys != nil {
		return n.fsys.Open(name)
	}
	return os.Open(name)
}

// LoadCell reads and checks a cable population's cell model file.
func (n *Network) LoadCell(p *Population) (*Model, error) {
	if n.fsys != nil {
		return LoadFS(n.fsys, p.Cell)
	}
	return Load(p.Cell)
}

// readAll reads a resolved file the network refers to.
func (n *Network) readAll(name string) ([]byte, error) {
	r, err := n.Open(name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// deepCopy copies a document's tree, so that checking (which rewrites
// values) leaves the original for Override.
func deepCopy(tree map[string]any) map[string]any {
	out := make(map[string]any, len(tree))
	for k, v := range tree {
		out[k] = copyValue(v)
	}
	return out
}

func copyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return deepCopy(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = copyValue(e)
		}
		return out
	}
	return v
}

var networkType = reflect.TypeFor[Network]()

// Override applies settings given on the command line (--set), as
// Model.Override does: population.E.size=100, projection.EE.p=0.05,
// population.E.params.tau=20, run.dt=0.05. An entry is named by its name
// or its number from 1 (an unnamed projection by its number). The network
// is checked again and changed only when every setting holds; each
// problem names the setting it comes from.
func (n *Network) Override(sets ...string) error {
	if len(sets) == 0 {
		return nil
	}
	tree := deepCopy(n.tree)
	applied, errs := applySets(tree, networkType, sets)
	c := &Network{source: n.source, fsys: n.fsys, tree: tree}
	c.sets, c.blame = applied, true
	if errs = append(errs, c.load(deepCopy(tree))...); len(errs) > 0 {
		return bySetting(errs, sets)
	}
	c.sets, c.blame = append(slices.Clip(n.sets), applied...), false
	*n = *c
	return nil
}
