package neuronexport

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"neurite/compartments"
	"neurite/compartments/channel"
	"neurite/sim/netbuild"
	"neurite/sim/output"
	"neurite/sim/spec"
)

// script is run.py: the same for every model, which it reads from
// model.json beside it.
//
//go:embed run.py
var script []byte

// Export is what was written, for the command to tell the user.
type Export struct {
	Dir   string
	Cells int
	Mods  []string // the .mod files copied into mod/, by base name
}

// Cell exports a cell model to dir, which must not exist or be empty,
// for the model's run.tstop.
func Cell(m *spec.Model, dir string) (*Export, error) {
	tstop := *m.Run.Tstop
	if err := output.CheckNewDir(dir); err != nil {
		return nil, err
	}
	mods, err := modFiles(m)
	if err != nil {
		return nil, err
	}
	cell, s, err := compartments.FromModel(m)
	if err != nil {
		return nil, err
	}
	plan, err := compartments.Build([]*compartments.Cell{cell}, s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.File(), err)
	}
	d, err := describe(plan, tstop)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.File(), err)
	}
	d.Name = m.Name
	d.SpikeHeader = "cell"
	d.SpikeGIDs = []int{0}
	var extra map[string][]byte
	if s.TakesSnapshots() {
		d.Snapshots = snapshotPlan(plan, tstop)
		extra = map[string][]byte{"segments.csv": segmentsCSV(plan)}
	}
	return write(d, plan, mods, extra, dir)
}

// Network exports a network of cable cells to dir, which must not exist
// or be empty. Networks with point neurons, or whose projections learn,
// do not export to NEURON.
func Network(n *spec.Network, dir string) (*Export, error) {
	if err := output.CheckNewDir(dir); err != nil {
		return nil, err
	}
	var mods []modFile
	for i := range n.Populations {
		p := &n.Populations[i]
		if !p.Cable() {
			return nil, fmt.Errorf("%s: population %s is of point neurons; neurite export neuron takes networks of cable cells only", n.File(), p.Name)
		}
		m, err := n.LoadCell(p)
		if err != nil {
			return nil, err
		}
		files, err := modFiles(m)
		if err != nil {
			return nil, err
		}
		mods = append(mods, files...)
	}
	built, err := netbuild.Build(n)
	if err != nil {
		return nil, err
	}
	if built.Cable == nil || built.Links != nil {
		return nil, fmt.Errorf("%s: projections that learn onto cable cells do not export to NEURON", n.File())
	}
	if len(n.Record.Weights) > 0 {
		return nil, fmt.Errorf("%s: [record] weights: weights of learning synapses do not export to NEURON", n.File())
	}
	plan := built.Cable
	d, err := describe(plan, n.Run.Tstop)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", n.File(), err)
	}
	d.Name = n.Name
	d.Network = true
	d.SpikeHeader = "neuron_id"
	d.SpikeGIDs = recordedSpikes(built)
	for _, p := range built.Pops {
		d.Populations = append(d.Populations, population{Name: p.Name, First: p.First, Size: p.N})
	}
	if n.Record.Rates {
		d.RateBin = n.Record.RateBin
	}
	return write(d, plan, mods, nil, dir)
}

// recordedSpikes lists the cells whose spikes [record] spikes keeps, as
// Neurite's network recorder does (netbuild's SpikesKept).
func recordedSpikes(m *netbuild.Model) []int {
	keep := m.SpikesKept()
	var gids []int
	for id := range m.Neurons() {
		if keep == nil || keep[id] {
			gids = append(gids, id)
		}
	}
	return gids
}

// modFile is a mechanism's NMODL text and the name of its file in mod/.
type modFile struct {
	name string
	text []byte
}

// modFiles lists a cell model's mechanisms as files: its .mod files as
// they are, its channels typed as equations as the NMODL Neurite writes
// and reads for them (compartments/channel: powers as pow(), which
// nocmodl's cnexp solves).
func modFiles(m *spec.Model) ([]modFile, error) {
	var out []modFile
	for _, mod := range m.Mods {
		if k := slices.IndexFunc(m.Channels, func(c spec.Channel) bool { return c.Name == mod.Name }); k >= 0 {
			c := m.Channels[k]
			text, err := channel.Source(c.Spec())
			if err != nil {
				return nil, fmt.Errorf("%s: channel %s: %w", m.File(), c.Name, err)
			}
			out = append(out, modFile{c.Name + ".mod", []byte(text)})
			continue
		}
		text, err := os.ReadFile(mod.File)
		if err != nil {
			return nil, fmt.Errorf("copying mechanism %s: %w", mod.Name, err)
		}
		out = append(out, modFile{filepath.Base(mod.File), text})
	}
	return out, nil
}

// write puts the export into dir: everything is written into a temporary
// folder beside it, renamed into place when complete.
func write(d *model, plan *compartments.Plan, mods []modFile, extra map[string][]byte, dir string) (*Export, error) {
	files := map[string][]byte{"run.py": script}
	maps.Copy(files, extra)
	var names []string
	for _, mod := range mods {
		key := "mod/" + mod.name
		if prev, ok := files[key]; ok {
			if !bytes.Equal(prev, mod.text) {
				return nil, fmt.Errorf("two different mechanisms are written to %s", key)
			}
			continue
		}
		files[key] = mod.text
		names = append(names, mod.name)
	}
	d.Mods = append([]string{}, names...)
	js, err := json.MarshalIndent(d, "", " ")
	if err != nil {
		return nil, err
	}
	files["model.json"] = append(js, '\n')
	files["events.csv"] = eventsCSV(plan)
	files["connections.csv"] = connectionsCSV(plan)
	out := make(map[string]func(io.Writer) error, len(files))
	for name, b := range files {
		out[name] = func(w io.Writer) error { _, err := w.Write(b); return err }
	}
	if err := output.WriteDir(dir, out); err != nil {
		return nil, err
	}
	return &Export{Dir: dir, Cells: len(plan.Cells), Mods: names}, nil
}

// num writes a float as the shortest text that reads back as the same
// number, as Neurite's CSV files do.
func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// eventsCSV lists the input events onto the built-in synapses: gid, the
// synapse's index on its cell, weight (µS), time (ms).
func eventsCSV(p *compartments.Plan) []byte {
	local := synIndex(p)
	var b bytes.Buffer
	b.WriteString("gid,syn,weight,t_ms\n")
	for _, e := range p.Events {
		s := p.Syns[e.Syn]
		fmt.Fprintf(&b, "%d,%d,%s,%s\n", s.Cell, local[e.Syn], num(e.Weight), num(e.T))
	}
	return b.Bytes()
}

// connectionsCSV lists the NetCons between cells: source gid, target gid,
// the synapse's index on the target, weight (µS), delay (ms).
func connectionsCSV(p *compartments.Plan) []byte {
	local := synIndex(p)
	var b bytes.Buffer
	b.WriteString("source,target,syn,weight,delay\n")
	for _, c := range p.Connections {
		s := p.Syns[c.Syn]
		fmt.Fprintf(&b, "%d,%d,%d,%s,%s\n", c.Source, s.Cell, local[c.Syn], num(c.Weight), num(c.Delay))
	}
	return b.Bytes()
}

// synIndex numbers each synapse of the plan within its cell.
func synIndex(p *compartments.Plan) []int {
	local := make([]int, len(p.Syns))
	count := map[int32]int{}
	for k, s := range p.Syns {
		local[k] = count[s.Cell]
		count[s.Cell]++
	}
	return local
}
