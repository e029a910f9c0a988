package connect

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"neurite/sim"
	"neurite/sim/dist"
)

// Pairs is an explicit list of synapses (rule csv).
type Pairs struct {
	File          string
	Pre, Post     []uint32
	Weight, Delay []float64 // nil when the file has no such column
	Lines         []int     // the file line of each pair, for messages
}

// ReadPairs reads synapses from a CSV file with columns pre, post and
// optionally weight and delay (a header row naming them, or the columns in
// that order), one row per synapse; pre and post are neuron indices from
// 0. The pairs come back sorted by pre then post (in file order among
// equal pairs), the order of the CSR Generate builds from them. Errors
// name the file and the line.
func ReadPairs(path string) (*Pairs, error) { return ReadPairsFrom(dist.OS, path) }

// ReadPairsFrom is ReadPairs on the files open opens.
func ReadPairsFrom(open dist.Opener, path string) (*Pairs, error) {
	t, err := open.ReadColumns(path, []string{"pre", "post"}, []string{"weight", "delay"})
	if err != nil {
		return nil, err
	}
	p := &Pairs{File: path, Weight: t.Columns[2], Delay: t.Columns[3], Lines: t.Lines}
	var errs sim.FileErrors
	index := func(key string, col []float64) []uint32 {
		out := make([]uint32, len(col))
		for r, v := range col {
			if v < 0 || v > math.MaxUint32 || v != math.Trunc(v) {
				errs = append(errs, &sim.FileError{File: path, Line: t.Lines[r],
					Msg: fmt.Sprintf("%s %s is not a neuron index (a whole number from 0)", key, num(v))})
				continue
			}
			out[r] = uint32(v)
		}
		return out
	}
	p.Pre, p.Post = index("pre", t.Columns[0]), index("post", t.Columns[1])
	if len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	p.Sort()
	return p, nil
}

// Sort orders the pairs by pre then post, keeping file order among equal
// pairs, and their weights, delays and lines with them.
func (p *Pairs) Sort() {
	less := func(a, b int) int { return cmp.Or(cmp.Compare(p.Pre[a], p.Pre[b]), cmp.Compare(p.Post[a], p.Post[b])) }
	order := make([]int, len(p.Pre))
	for r := range order {
		order[r] = r
	}
	if slices.IsSortedFunc(order, less) {
		return
	}
	slices.SortStableFunc(order, less)
	p.Pre, p.Post, p.Lines = permute(p.Pre, order), permute(p.Post, order), permute(p.Lines, order)
	p.Weight, p.Delay = permute(p.Weight, order), permute(p.Delay, order)
}

func permute[T any](x []T, order []int) []T {
	if x == nil {
		return nil
	}
	out := make([]T, len(order))
	for r, o := range order {
		out[r] = x[o]
	}
	return out
}

// check tells which pairs name a neuron outside the populations, connect a
// neuron to itself without autapses, or repeat a pair without multapses.
func (p *Pairs) check(nPre, nPost int, samePop bool, r Rule) error {
	if len(p.Pre) != len(p.Post) || len(p.Lines) != len(p.Pre) {
		return fmt.Errorf("the pairs list has %d pre, %d post and %d lines", len(p.Pre), len(p.Post), len(p.Lines))
	}
	p.Sort()
	var errs sim.FileErrors
	add := func(s int, format string, args ...any) {
		errs = append(errs, &sim.FileError{File: p.File, Line: p.Lines[s], Msg: fmt.Sprintf(format, args...)})
	}
	for s := range p.Pre {
		switch {
		case int(p.Pre[s]) >= nPre:
			add(s, "pre %d is not a neuron of %s, which has %d (0 to %d)", p.Pre[s], r.from(), nPre, nPre-1)
		case int(p.Post[s]) >= nPost:
			add(s, "post %d is not a neuron of %s, which has %d (0 to %d)", p.Post[s], r.to(), nPost, nPost-1)
		case samePop && !r.Autapses && p.Pre[s] == p.Post[s]:
			add(s, "neuron %d onto itself, but autapses are off; set autapses = true or remove the row", p.Pre[s])
		case !r.Multapses && s > 0 && p.Pre[s] == p.Pre[s-1] && p.Post[s] == p.Post[s-1]:
			add(s, "pair %d -> %d repeats line %d, but multapses are off; set multapses = true or remove the row", p.Pre[s], p.Post[s], p.Lines[s-1])
		}
	}
	if len(errs) > 0 {
		errs.Sort()
		return errs
	}
	return nil
}

// csr is the sorted, checked pairs as a CSR.
func (p *Pairs) csr(nPre int) *CSR {
	c := &CSR{Start: make([]int64, nPre+1), Target: slices.Clone(p.Post)}
	for _, i := range p.Pre {
		c.Start[i+1]++
	}
	for i := range nPre {
		c.Start[i+1] += c.Start[i]
	}
	return c
}

func num(x float64) string { return fmt.Sprint(x) }
