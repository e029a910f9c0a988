package spec

import (
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"

	"neurite/sim"
)

// The schema of a model file is the Model type itself: toml tags name the
// keys, the Go types give the kind of value each holds and unit tags its
// unit. A document is checked against it as a tree (tables as maps) before
// it is decoded, so that every unknown key and every value of the wrong
// kind is reported, in the file's words, and the rest is still decoded and
// checked.

var modelType = reflect.TypeFor[Model]()

// schema checks a document's tree, collecting its problems; bad holds the
// keys it left out for their kind, whose absence is not reported again.
type schema struct {
	src  *source
	errs sim.FileErrors
	bad  [][]any
}

// place is where in the document a value lies.
type place struct {
	key     []any    // from the root, with the index of each array element: iclamp, 0, amp
	dotted  []string // the same without indices: iclamp, amp
	section string   // the table's name in messages: `iclamp "stim"`, `run`; "" at the top
	rel     []string // the keys within that table: hh, gnabar
}

// name is how the value's key is written in messages: `iclamp "stim":
// amp`, `run: tstop`.
func (p place) name() string {
	if p.section == "" {
		return strings.Join(p.rel, ".")
	}
	return p.section + ": " + strings.Join(p.rel, ".")
}

func (p place) child(name string) place {
	return place{
		key: append(slices.Clip(p.key), name), dotted: append(slices.Clip(p.dotted), name),
		section: p.section, rel: append(slices.Clip(p.rel), name),
	}
}

// table enters a table value: a table at the top is a section of its own,
// one within a section is part of its keys.
func (p place) table() place {
	if p.section == "" && len(p.rel) > 0 {
		p.section, p.rel = strings.Join(p.rel, "."), nil
	}
	return p
}

// entry enters element i of an array of tables, named by its name key
// where it has one and by its number (from 1) otherwise.
func (p place) entry(i int, tbl map[string]any) place {
	section := fmt.Sprintf("%s %d", strings.Join(p.dotted, "."), i+1)
	if name, ok := tbl["name"].(string); ok && name != "" {
		section = fmt.Sprintf("%s %q", strings.Join(p.dotted, "."), name)
	}
	return place{key: append(slices.Clip(p.key), i), dotted: p.dotted, section: section}
}

// decode checks tree against the schema and decodes what fits into m.
func (m *Model) decode(tree map[string]any) (bad [][]any, errs sim.FileErrors) {
	return m.source.decode(tree, m)
}

// decode checks tree against the schema of the struct into points to (its
// type, toml and unit tags) and decodes what fits into it.
func (src *source) decode(tree map[string]any, into any) (bad [][]any, errs sim.FileErrors) {
	s := &schema{src: src}
	s.table(tree, reflect.TypeOf(into).Elem(), place{})
	data, err := toml.Marshal(tree)
	if err == nil {
		err = toml.Unmarshal(data, into)
	}
	if err != nil {
		// The tree holds only values of the schema's kinds: this is a bug.
		s.errs = append(s.errs, &sim.FileError{File: src.file, Msg: fmt.Sprintf("internal error reading the checked model: %v", err)})
	}
	return s.bad, s.errs
}

// table checks a table's keys against struct type t, deleting those that
// are unknown or hold a value of the wrong kind.
func (s *schema) table(tbl map[string]any, t reflect.Type, at place) {
	keys := make([]string, 0, len(tbl))
	for k := range tbl {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	rest, hasRest := restField(t)
	for _, k := range keys {
		here := at.child(k)
		f, ok := fieldOf(t, k)
		if _, isTable := tbl[k].(map[string]any); !ok && hasRest && isTable {
			// A table under a name of the user's own (a mechanism's
			// parameters): checked as an entry of the rest field's map,
			// and moved into it.
			elem := reflect.StructField{Name: rest.Name, Type: rest.Type.Elem(), Tag: rest.Tag}
			v, ok := s.value(tbl[k], elem, here)
			if ok && v != nil {
				m, _ := tbl[tomlName(rest)].(map[string]any)
				if m == nil {
					m = map[string]any{}
					tbl[tomlName(rest)] = m
				}
				m[k] = v
			} else if !ok {
				s.errs = append(s.errs, s.src.Errorf(here.key, "%s", wrongKind(here, elem, tbl[k])))
				s.bad = append(s.bad, here.key)
			}
			delete(tbl, k)
			continue
		}
		if !ok {
			s.errs = append(s.errs, s.src.Errorf(here.key, "%s", unknownKey(here.dotted, t)))
			delete(tbl, k)
			continue
		}
		v, ok := s.value(tbl[k], f, here)
		if ok && v == nil { // a value form reported it
			delete(tbl, k)
			continue
		}
		if !ok {
			s.errs = append(s.errs, s.src.Errorf(here.key, "%s", wrongKind(here, f, tbl[k])))
			s.bad = append(s.bad, here.key)
			delete(tbl, k)
			continue
		}
		tbl[k] = v
	}
}

// value returns the value to decode into field f, or false when v is not
// of the field's kind.
func (s *schema) value(v any, f reflect.StructField, at place) (any, bool) {
	t := f.Type
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if form, ok := forms[t]; ok {
		return form.read(s, v, at)
	}
	switch t.Kind() {
	case reflect.Map: // a table of values of one kind, keyed by the user's names
		tbl, ok := v.(map[string]any)
		if !ok {
			return v, false
		}
		elem := reflect.StructField{Name: f.Name, Type: t.Elem(), Tag: f.Tag}
		for _, k := range slices.Sorted(maps.Keys(tbl)) {
			here := at.child(k)
			x, ok := s.value(tbl[k], elem, here)
			if ok && x == nil {
				delete(tbl, k)
				continue
			}
			if !ok {
				s.errs = append(s.errs, s.src.Errorf(here.key, "%s", wrongKind(here, elem, tbl[k])))
				s.bad = append(s.bad, here.key)
				delete(tbl, k)
				continue
			}
			tbl[k] = x
		}
		return v, true
	case reflect.Struct:
		tbl, ok := v.(map[string]any)
		if ok {
			s.table(tbl, t, at.table())
		}
		return v, ok
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			return v, false
		}
		if t.Elem().Kind() != reflect.Struct {
			return v, !slices.ContainsFunc(list, func(x any) bool { _, ok := scalar(x, t.Elem()); return !ok })
		}
		for _, x := range list {
			if _, ok := x.(map[string]any); !ok {
				return v, false
			}
		}
		for i, x := range list {
			s.table(x.(map[string]any), t.Elem(), at.entry(i, x.(map[string]any)))
		}
		return v, true
	case reflect.Interface: // where: a string or a list of strings
		if list, ok := v.([]any); ok {
			return v, !slices.ContainsFunc(list, func(x any) bool { _, ok := x.(string); return !ok })
		}
		_, ok := v.(string)
		return v, ok
	}
	return scalar(v, t)
}

// scalar returns v as a value of type t: a number for a float, a whole
// number (written with or without a point) for an int, a string for a
// string.
func scalar(v any, t reflect.Type) (any, bool) {
	switch t.Kind() {
	case reflect.Float64:
		switch v.(type) {
		case float64, int64:
			return v, true
		}
	case reflect.Int:
		switch x := v.(type) {
		case int64:
			return x, true
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				return int64(x), true
			}
		}
	case reflect.String:
		_, ok := v.(string)
		return v, ok
	case reflect.Bool:
		_, ok := v.(bool)
		return v, ok
	}
	return v, false
}

// fieldOf returns the field of struct type t that key names.
func fieldOf(t reflect.Type, key string) (reflect.StructField, bool) {
	for _, f := range reflect.VisibleFields(t) {
		if f.IsExported() && !f.Anonymous && tomlName(f) == key && key != "-" {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// restField returns the field of struct type t that takes the tables
// under names the schema does not know (tag option "rest": a map keyed
// by those names), if t has one.
func restField(t reflect.Type) (reflect.StructField, bool) {
	for _, f := range reflect.VisibleFields(t) {
		if _, opts, _ := strings.Cut(f.Tag.Get("toml"), ","); f.IsExported() && strings.Contains(opts, "rest") {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func tomlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
	return name
}

// keysOf lists the keys a table of struct type t may hold.
func keysOf(t reflect.Type) []string {
	var keys []string
	for _, f := range reflect.VisibleFields(t) {
		if f.IsExported() && !f.Anonymous && tomlName(f) != "-" {
			keys = append(keys, tomlName(f))
		}
	}
	return keys
}

// unknownKey says that a key is not in the schema, and which one was
// probably meant.
func unknownKey(dotted []string, t reflect.Type) string {
	msg := fmt.Sprintf("unknown key %q", strings.Join(dotted, "."))
	if near := Closest(dotted[len(dotted)-1], keysOf(t)); near != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", near)
	}
	return msg
}

// Closest returns the name nearest to a mistyped one: the same but for
// case, or one edit away from a name of three letters or more, two from
// one of six or more; "" if none is. Model keys and the command line's
// flags are suggested by this one rule.
func Closest(key string, keys []string) string {
	best, bestD := "", 3
	for _, k := range keys {
		if strings.EqualFold(k, key) {
			return k
		}
		d := editDistance(strings.ToLower(key), strings.ToLower(k))
		n := utf8.RuneCountInString(k)
		if d < bestD && (d == 1 && n >= 3 || d == 2 && n >= 6) {
			best, bestD = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev, cur := make([]int, len(rb)+1), make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := range ra {
		cur[0] = i + 1
		for j := range rb {
			cost := 1
			if ra[i] == rb[j] {
				cost = 0
			}
			cur[j+1] = min(prev[j+1]+1, cur[j]+1, prev[j]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// wrongKind says what a key must hold: `iclamp "stim": amp must be a
// number (nA), not "0.1nA"`.
func wrongKind(at place, f reflect.StructField, v any) string {
	msg := fmt.Sprintf("%s must be %s", at.name(), kindOf(f, at.dotted))
	if u := f.Tag.Get("unit"); u != "" {
		msg += " (" + u + ")"
	}
	return msg + ", not " + formatValue(v)
}

// kindOf names the kind of value a field holds.
func kindOf(f reflect.StructField, dotted []string) string {
	t := f.Type
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if form, ok := forms[t]; ok {
		return form.kind
	}
	switch t.Kind() {
	case reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Map:
		return "a table"
	case reflect.Int:
		return "a whole number"
	case reflect.String:
		return "a string"
	case reflect.Struct:
		return "a table"
	case reflect.Interface:
		return "a string or a list of strings"
	case reflect.Slice:
		switch t.Elem().Kind() {
		case reflect.Float64:
			return "a list of numbers"
		case reflect.String:
			return "a list of strings"
		}
		return fmt.Sprintf("a list of tables ([[%s]])", strings.Join(dotted, "."))
	}
	panic(fmt.Sprintf("spec: no kind for field %s", f.Name))
}

// formatValue writes a value as TOML would, shortened where long.
func formatValue(v any) string {
	const most = 40
	switch x := v.(type) {
	case string:
		if utf8.RuneCountInString(x) > most {
			x = string([]rune(x)[:most]) + "…"
		}
		return strconv.Quote(x)
	case float64:
		switch {
		case math.IsNaN(x):
			return "nan"
		case math.IsInf(x, 1):
			return "inf"
		case math.IsInf(x, -1):
			return "-inf"
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case map[string]any:
		return "a table"
	case []any:
		var b strings.Builder
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			if b.Len() > most {
				b.WriteString("…")
				break
			}
			b.WriteString(formatValue(e))
		}
		b.WriteByte(']')
		return b.String()
	case time.Time:
		return x.Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v) // integers, booleans, local dates and times
}
