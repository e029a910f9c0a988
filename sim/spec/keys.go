package spec

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// keyIndex maps the path of every key and table a document spells out to
// its line, so that errors found after decoding can still name the line.
// Paths are dotted, with the index of each array-of-tables element:
// "iclamp.0.amp", "morphology.section.2.diam".
type keyIndex struct {
	lines map[string]int
}

func indexKeys(data []byte) (*keyIndex, error) {
	idx := &keyIndex{lines: map[string]int{}}
	counts := map[string]int{} // array-of-tables path -> elements so far
	var p unstable.Parser
	p.Reset(data)
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		line := keyLine(e, &p)
		switch e.Kind {
		case unstable.Table:
			table = idx.resolve(keyParts(e.Key()), counts)
			idx.set(table, keyLine(e, &p))
		case unstable.ArrayTable:
			parts := keyParts(e.Key())
			table = append(idx.resolve(parts[:len(parts)-1], counts), parts[len(parts)-1])
			name := strings.Join(table, ".")
			table = append(table, strconv.Itoa(counts[name]))
			counts[name]++
			idx.set(table, keyLine(e, &p))
		case unstable.KeyValue:
			key := append(append([]string{}, table...), keyParts(e.Key())...)
			idx.set(key, line)
			idx.value(key, e.Value(), &p)
		}
	}
	if err := p.Error(); err != nil {
		return nil, err
	}
	return idx, nil
}

// resolve turns a table header's key into an indexed path: a prefix naming
// an array of tables refers to its latest element.
func (idx *keyIndex) resolve(parts []string, counts map[string]int) []string {
	var out []string
	for _, part := range parts {
		out = append(out, part)
		if n, ok := counts[strings.Join(out, ".")]; ok && n > 0 {
			out = append(out, strconv.Itoa(n-1))
		}
	}
	return out
}

// value indexes the keys of inline tables and the elements of arrays.
func (idx *keyIndex) value(key []string, v *unstable.Node, p *unstable.Parser) {
	switch v.Kind {
	case unstable.InlineTable:
		it := v.Children()
		for it.Next() {
			kv := it.Node()
			sub := append(append([]string{}, key...), keyParts(kv.Key())...)
			idx.set(sub, keyLine(kv, p))
			idx.value(sub, kv.Value(), p)
		}
	case unstable.Array:
		it := v.Children()
		for i := 0; it.Next(); i++ {
			sub := append(append([]string{}, key...), strconv.Itoa(i))
			idx.set(sub, p.Shape(it.Node().Raw).Start.Line)
			idx.value(sub, it.Node(), p)
		}
	}
}

// keyLine is the line of an expression's key (table headers carry no range
// of their own).
func keyLine(e *unstable.Node, p *unstable.Parser) int {
	it := e.Key()
	if it.Next() {
		return p.Shape(it.Node().Raw).Start.Line
	}
	return 0
}

func keyParts(it unstable.Iterator) []string {
	var parts []string
	for it.Next() {
		parts = append(parts, string(it.Node().Data))
	}
	return parts
}

func (idx *keyIndex) set(path []string, line int) {
	k := strings.Join(path, ".")
	if _, seen := idx.lines[k]; !seen && line > 0 {
		idx.lines[k] = line
	}
}

// line returns the line of the key, or of its nearest spelled-out parent,
// or 0.
func (idx *keyIndex) line(key []any) int {
	if idx == nil {
		return 0
	}
	parts := make([]string, len(key))
	for i, k := range key {
		parts[i] = fmt.Sprint(k)
	}
	for n := len(parts); n > 0; n-- {
		if l, ok := idx.lines[strings.Join(parts[:n], ".")]; ok {
			return l
		}
	}
	return 0
}
