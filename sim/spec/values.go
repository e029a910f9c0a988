package spec

import (
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Dist names the form of a Value.
type Dist string

// The forms of a Value.
const (
	DistConst     Dist = "const"     // a number: Const
	DistUniform   Dist = "uniform"   // Low to High
	DistNormal    Dist = "normal"    // Mean, SD, redrawn outside Low..High
	DistLognormal Dist = "lognormal" // Mean, SD of the value itself (not of its log), redrawn outside Low..High
	DistCSV       Dist = "csv"       // one row per neuron or synapse: Column of File
)

// Value is a number or a distribution drawn per neuron or per synapse (a
// parameter, an initial state, a weight, a delay). In the file it is a
// number or a table: { dist = "normal", mean = -60, sd = 5 }.
type Value struct {
	Dist   Dist    `toml:"dist"`
	Const  float64 `toml:"value"`
	Low    float64 `toml:"low"`  // uniform; truncation of normal and lognormal (-Inf when not given)
	High   float64 `toml:"high"` // uniform; truncation of normal and lognormal (+Inf when not given)
	Mean   float64 `toml:"mean"`
	SD     float64 `toml:"sd"`
	File   string  `toml:"file"` // csv: resolved relative to the model file (open it with Network.Open)
	Column string  `toml:"column"`
}

// Given reports whether the file gave the value.
func (v Value) Given() bool { return v.Dist != "" }

// Dists names the distributions a file may write (a constant is a number).
var Dists = []string{string(DistUniform), string(DistNormal), string(DistLognormal), string(DistCSV)}

// distKeys lists the keys of each distribution's table: those required,
// then those optional.
var distKeys = map[Dist][2][]string{
	DistUniform:   {{"low", "high"}, nil},
	DistNormal:    {{"mean", "sd"}, {"low", "high"}},
	DistLognormal: {{"mean", "sd"}, {"low", "high"}},
	DistCSV:       {{"file", "column"}, nil},
}

// Neurons selects neurons of a population, numbered from 0: all of them
// (the zero Neurons), From up to but not including To, or those of List.
// In the file: "0:100" or [0, 5, 7].
type Neurons struct {
	From int   `toml:"from"`
	To   int   `toml:"to"`
	List []int `toml:"list"`
}

// All reports whether every neuron is selected.
func (n Neurons) All() bool { return n.To == 0 && n.List == nil }

// Count is how many neurons of a population of size are selected.
func (n Neurons) Count(size int) int {
	switch {
	case n.All():
		return size
	case n.List != nil:
		return len(n.List)
	}
	return n.To - n.From
}

// String writes the selection as in the file.
func (n Neurons) String() string {
	switch {
	case n.All():
		return "all"
	case n.List != nil:
		return formatValue(toAny(n.List))
	}
	return fmt.Sprintf("%d:%d", n.From, n.To)
}

func toAny(xs []int) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = int64(x)
	}
	return out
}

// A form is a kind of value written in more than one way in a file; read
// checks what was written and returns it in the one way its type decodes
// from (nil once it has reported a problem of its own).
type form struct {
	kind string
	read func(s *schema, v any, at place) (any, bool)
}

var forms map[reflect.Type]form

func init() { // in init: the forms' readers use the schema, which uses forms
	forms = map[reflect.Type]form{
		reflect.TypeFor[Value]():   {`a number or a distribution ({ dist = "normal", mean = 0, sd = 1 })`, readValue},
		reflect.TypeFor[Neurons](): {`a range of neurons ("0:100") or a list of neuron numbers`, readNeurons},
	}
}

func readValue(s *schema, v any, at place) (any, bool) {
	switch x := v.(type) {
	case float64:
		return map[string]any{"dist": string(DistConst), "value": x}, true
	case int64:
		return map[string]any{"dist": string(DistConst), "value": float64(x)}, true
	case map[string]any:
		return s.distribution(x, at), true
	}
	return v, false
}

// distribution checks a distribution's table: its dist and the keys that
// one takes.
func (s *schema) distribution(tbl map[string]any, at place) any {
	fail := func(key []any, format string, args ...any) any {
		s.errs = append(s.errs, s.src.Errorf(key, "%s: "+format, append([]any{at.name()}, args...)...))
		s.bad = append(s.bad, at.key)
		return nil
	}
	d, ok := tbl["dist"].(string)
	if !ok {
		return fail(at.child("dist").key, `a distribution needs dist = %s`, orList(Dists))
	}
	keys, ok := distKeys[Dist(d)]
	if !ok {
		return fail(at.child("dist").key, "unknown distribution %q%s (%s)", d, didYouMean(d, Dists), strings.Join(Dists, ", "))
	}
	out := map[string]any{"dist": d}
	takes := slices.Concat(keys[0], keys[1])
	ok = true
	for _, k := range slices.Sorted(maps.Keys(tbl)) {
		if k == "dist" {
			continue
		}
		if !slices.Contains(takes, k) {
			fail(at.child(k).key, "a %s distribution takes %s, not %s%s", d, strings.Join(takes, ", "), k, didYouMean(k, takes))
			ok = false
			continue
		}
		want, t := "a number", reflect.TypeFor[float64]()
		if k == "file" || k == "column" {
			want, t = "a string", reflect.TypeFor[string]()
		}
		x, good := scalar(tbl[k], t)
		if !good {
			fail(at.child(k).key, "%s must be %s, not %s", k, want, formatValue(tbl[k]))
			ok = false
			continue
		}
		if i, isInt := x.(int64); isInt {
			x = float64(i)
		}
		out[k] = x
	}
	var missing []string
	for _, k := range keys[0] {
		if _, given := tbl[k]; !given {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return fail(at.key, "a %s distribution needs %s", d, strings.Join(missing, " and "))
	}
	if !ok {
		return nil
	}
	if len(keys[1]) > 0 { // truncation bounds
		if _, given := out["low"]; !given {
			out["low"] = math.Inf(-1)
		}
		if _, given := out["high"]; !given {
			out["high"] = math.Inf(1)
		}
	}
	return out
}

func readNeurons(s *schema, v any, at place) (any, bool) {
	fail := func(format string, args ...any) (any, bool) {
		s.errs = append(s.errs, s.src.Errorf(at.key, "%s: "+format, append([]any{at.name()}, args...)...))
		s.bad = append(s.bad, at.key)
		return nil, true
	}
	switch x := v.(type) {
	case string:
		lo, hi, ok := strings.Cut(x, ":")
		from, err1 := strconv.Atoi(strings.TrimSpace(lo))
		to, err2 := strconv.Atoi(strings.TrimSpace(hi))
		if !ok || err1 != nil || err2 != nil || from < 0 {
			return fail(`%q is not a range of neurons such as "0:100" (from 0 up to but not including 100)`, x)
		}
		if to <= from {
			return fail(`the range %q selects no neuron: the end must be above the start`, x)
		}
		return map[string]any{"from": int64(from), "to": int64(to)}, true
	case []any:
		if len(x) == 0 {
			return fail("[] selects no neuron")
		}
		list := make([]any, len(x))
		for i, e := range x {
			n, ok := scalar(e, reflect.TypeFor[int]())
			if !ok || n.(int64) < 0 {
				return fail("%s is not a neuron number (a whole number from 0)", formatValue(e))
			}
			list[i] = n
		}
		return map[string]any{"list": list}, true
	}
	return v, false
}

// didYouMean suggests the name nearest a mistyped one, if one is near.
func didYouMean(name string, names []string) string {
	if near := Closest(name, names); near != "" && near != name {
		return fmt.Sprintf(" (did you mean %q?)", near)
	}
	return ""
}

// orList writes names as alternatives: "a", "b" or "c".
func orList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
