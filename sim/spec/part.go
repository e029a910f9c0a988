package spec

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Part returns the network restricted to the populations keep selects:
// those populations, the projections between them that keepProj keeps, the inputs and
// recorded states onto them, and the plasticity and recorded weights of
// those projections; the run, seed and record settings are the whole's.
// Entries keep their order, and the errors a Part reports name the lines
// (and --set settings) of the whole file. It is how a network of point
// neurons and cable cells is lowered one kind at a time.
func (n *Network) Part(keep func(*Population) bool, keepProj func(*Projection) bool) *Network {
	sub := *n
	kept := map[string]bool{}
	old := map[string][]int{} // array of tables -> the whole's index of each entry kept
	sub.Populations = pick(n.Populations, old, "population", func(p *Population) bool {
		kept[p.Name] = keep(p)
		return kept[p.Name]
	})
	projs := map[string]bool{}
	sub.Projections = pick(n.Projections, old, "projection", func(p *Projection) bool {
		projs[p.Name] = kept[p.From] && kept[p.To] && keepProj(p)
		return projs[p.Name]
	})
	sub.Inputs = pick(n.Inputs, old, "input", func(in *Input) bool { return kept[in.To] })
	sub.Plasticity = pick(n.Plasticity, old, "plasticity", func(p *Plasticity) bool { return projs[p.Projection] })
	sub.Record.States = pick(n.Record.States, old, "record.states", func(s *StateRecord) bool { return kept[s.Population] })
	sub.Record.Weights = pick(n.Record.Weights, old, "record.weights", func(w *WeightRecord) bool { return projs[w.Projection] })

	if n.keys != nil {
		sub.keys = &keyIndex{lines: map[string]int{}}
		for k, line := range n.keys.lines {
			if parts, ok := renumber(strings.Split(k, "."), old); ok {
				sub.keys.lines[strings.Join(parts, ".")] = line
			}
		}
	}
	sub.sets = nil
	for _, s := range n.sets {
		parts := make([]string, len(s.key))
		for i, k := range s.key {
			parts[i] = fmt.Sprint(k)
		}
		if parts, ok := renumber(parts, old); ok {
			key := slices.Clone(s.key)
			for i, k := range key {
				if _, isIndex := k.(int); isIndex {
					key[i], _ = strconv.Atoi(parts[i])
				}
			}
			sub.sets = append(sub.sets, override{text: s.text, key: key})
		}
	}
	return &sub
}

// pick returns the entries keep selects, noting each one's index in the
// whole under table.
func pick[T any](all []T, old map[string][]int, table string, keep func(*T) bool) []T {
	var out []T
	for i := range all {
		if keep(&all[i]) {
			out = append(out, all[i])
			old[table] = append(old[table], i)
		}
	}
	if old[table] == nil {
		old[table] = []int{}
	}
	return out
}

// renumber turns a key path of the whole into the part's: the index of an
// entry of a filtered array of tables becomes its index in the part;
// false for an entry the part left out.
func renumber(parts []string, old map[string][]int) ([]string, bool) {
	for n := 1; n <= 2 && n < len(parts); n++ {
		idx, ok := old[strings.Join(parts[:n], ".")]
		if !ok {
			continue
		}
		i, err := strconv.Atoi(parts[n])
		if err != nil {
			return parts, true
		}
		j := slices.Index(idx, i)
		if j < 0 {
			return nil, false
		}
		out := slices.Clone(parts)
		out[n] = strconv.Itoa(j)
		return out, true
	}
	return parts, true
}
