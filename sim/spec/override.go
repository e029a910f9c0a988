package spec

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"neurite/sim"
)

// override is one setting given on the command line.
type override struct {
	text string // as given: "iclamp.stim.amp=0.2"
	key  []any  // the key it sets, entries by index: iclamp, 0, amp
}

// Override applies settings given on the command line, each KEY=VALUE as
// the user typed it after --set: run.celsius=16, iclamp.stim.amp=0.2.
// KEY is a dotted path of the model file's keys; an entry of an array of
// tables ([[iclamp]], [[biophysics]], ...) is addressed by its name or by
// its number from 1 (biophysics.2.hh.gnabar), and a table the model lacks
// is made (spikes.threshold=-20). VALUE is a TOML value; a string may go
// without quotes where that is unambiguous. The model is then checked as a
// model file is, and every problem is reported naming the setting as
// given; the model is changed only when all of them hold. Errors found
// later about the keys set (by compartments.FromModel) name them too.
func (m *Model) Override(sets ...string) error {
	if len(sets) == 0 {
		return nil
	}
	tree, err := m.tree()
	if err != nil {
		return err
	}
	applied, errs := applySets(tree, modelType, sets)
	c := &Model{source: m.source}
	c.sets, c.blame = applied, true
	if errs = append(errs, c.load(tree)...); len(errs) > 0 {
		return bySetting(errs, sets)
	}
	c.sets, c.blame = append(slices.Clip(m.sets), applied...), false
	*m = *c
	return nil
}

// applySets applies settings to a document's tree whose schema is struct
// type t, reporting those that name no key of it.
func applySets(tree map[string]any, t reflect.Type, sets []string) ([]override, sim.FileErrors) {
	var errs sim.FileErrors
	var applied []override
	for _, text := range sets {
		key, err := apply(tree, t, text)
		if err != nil {
			errs = append(errs, &sim.FileError{File: "--set " + text, Msg: err.Error()})
			continue
		}
		applied = append(applied, override{text: text, key: key})
	}
	return applied, errs
}

// bySetting orders problems as the settings were given; problems of
// several come last.
func bySetting(errs sim.FileErrors, sets []string) sim.FileErrors {
	order := func(e *sim.FileError) int {
		if i := slices.IndexFunc(sets, func(s string) bool { return e.File == "--set "+s }); i >= 0 {
			return i
		}
		return len(sets)
	}
	slices.SortStableFunc(errs, func(a, b *sim.FileError) int { return cmp.Compare(order(a), order(b)) })
	return errs
}

// tree returns the model as a TOML document's tree.
func (m *Model) tree() (map[string]any, error) {
	data, err := toml.Marshal(m)
	if err != nil {
		return nil, err
	}
	var tree map[string]any
	return tree, toml.Unmarshal(data, &tree)
}

// apply sets one KEY=VALUE in tree, whose schema is struct type root, and
// returns the key set.
func apply(tree map[string]any, root reflect.Type, text string) ([]any, error) {
	path, value, ok := strings.Cut(text, "=")
	path, value = strings.TrimSpace(path), strings.TrimSpace(value)
	if !ok || path == "" {
		return nil, errors.New("give KEY=VALUE, such as run.celsius=16 or iclamp.stim.amp=0.2")
	}
	if value == "" {
		return nil, errors.New("no value after =")
	}
	parts, err := splitKey(path)
	if err != nil {
		return nil, err
	}
	var key []any
	var dotted []string
	tbl, t := tree, root
	for {
		part := parts[0]
		parts = parts[1:]
		f, ok := fieldOf(t, part)
		if !ok {
			return nil, errors.New(unknownKey(append(dotted, part), t))
		}
		key, dotted = append(key, part), append(dotted, part)
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case len(parts) == 0:
			v, err := parseValue(value, ft)
			if err != nil {
				return nil, err
			}
			tbl[part] = v
			return key, nil
		case ft.Kind() == reflect.Map: // params.tau: the next part is the user's name
			child := subtable(tbl, part)
			name := parts[0]
			parts = parts[1:]
			key, dotted = append(key, name), append(dotted, name)
			if len(parts) == 0 {
				v, err := parseValue(value, ft.Elem())
				if err != nil {
					return nil, err
				}
				child[name] = v
				return key, nil
			}
			tbl, t = subtable(child, name), ft.Elem()
		case ft.Kind() == reflect.Struct:
			tbl, t = subtable(tbl, part), ft
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			list, _ := tbl[part].([]any)
			k, err := entry(list, parts[0], dotted, ft.Elem())
			if err != nil {
				return nil, err
			}
			if parts = parts[1:]; len(parts) == 0 {
				return nil, fmt.Errorf("%s is a [[%s]] entry: set one of its keys (%s)",
					path, strings.Join(dotted, "."), strings.Join(keysOf(ft.Elem()), ", "))
			}
			key = append(key, k)
			tbl, t = list[k].(map[string]any), ft.Elem()
		default:
			return nil, fmt.Errorf("%s is %s: it has no key %q", strings.Join(dotted, "."), kindOf(f, dotted), parts[0])
		}
	}
}

// subtable returns the table at key in tbl, made if it is not one.
func subtable(tbl map[string]any, key string) map[string]any {
	child, ok := tbl[key].(map[string]any)
	if !ok {
		child = map[string]any{}
		tbl[key] = child
	}
	return child
}

// entry finds the element of an array of tables that part names: by its
// name, or else by its number from 1.
func entry(list []any, part string, dotted []string, t reflect.Type) (int, error) {
	what := "[[" + strings.Join(dotted, ".") + "]]"
	_, named := fieldOf(t, "name")
	var names []string
	if named {
		for i, x := range list {
			name, _ := x.(map[string]any)["name"].(string)
			if name == part {
				return i, nil
			}
			names = append(names, name)
		}
	}
	if n, err := strconv.Atoi(part); err == nil {
		if n >= 1 && n <= len(list) {
			return n - 1, nil
		}
		return 0, fmt.Errorf("there is no %s %d (the model has %d, numbered from 1)", what, n, len(list))
	}
	switch {
	case !named:
		return 0, fmt.Errorf("%s entries have no names: give the entry's number from 1, such as %s.1", what, strings.Join(dotted, "."))
	case len(list) == 0:
		return 0, fmt.Errorf("there is no %s named %q (the model has none)", what, part)
	case len(list) == 1:
		return 0, fmt.Errorf("there is no %s named %q (there is: %s)", what, part, names[0])
	}
	return 0, fmt.Errorf("there is no %s named %q (there are: %s)", what, part, strings.Join(names, ", "))
}

// splitKey splits a dotted key path as TOML does: iclamp.stim.amp,
// record."v@soma(0.5)".at.
func splitKey(path string) ([]string, error) {
	var p unstable.Parser
	p.Reset([]byte(path + " = 0"))
	if p.NextExpression() && p.Expression().Kind == unstable.KeyValue {
		parts := keyParts(p.Expression().Key())
		if !p.NextExpression() && p.Error() == nil {
			return parts, nil
		}
	}
	return nil, fmt.Errorf("%q is not a key such as run.celsius or iclamp.stim.amp (quote a part with other characters: record.\"v@soma(0.5)\".at)", path)
}

// parseValue reads a value as TOML; for a string, or for where, text that
// is not a quoted TOML string is the string itself.
func parseValue(text string, t reflect.Type) (any, error) {
	var doc map[string]any
	err := toml.Unmarshal([]byte("v = "+text), &doc)
	if err == nil && len(doc) != 1 {
		err = errors.New("more than one value")
	}
	v := doc["v"]
	if _, ok := forms[t]; ok && err == nil {
		switch v.(type) {
		case float64, int64, string, map[string]any, []any:
			return v, nil
		}
		return text, nil // 10:20 is a range of neurons, not a time of day
	}
	switch t.Kind() {
	case reflect.String:
		if s, ok := v.(string); ok && err == nil {
			return s, nil
		}
		return text, nil
	case reflect.Interface:
		if _, ok := v.(string); ok && err == nil {
			return v, nil
		}
		if _, ok := v.([]any); ok && err == nil {
			return v, nil
		}
		return text, nil
	}
	if err == nil {
		return v, nil
	}
	if strings.ContainsAny(text[:1], "[{\"'") {
		return nil, fmt.Errorf("%s is not a TOML value: %s", text, strings.TrimPrefix(err.Error(), "toml: "))
	}
	return text, nil // reported as a string where a number or a list belongs
}

// setAt names the setting a problem at key is about, if any: the latest
// setting of the key or of a table holding it. While the settings are being
// checked (blame), every problem comes from them: the one sharing the
// longest part of the key is named, or all of them.
func (m *source) setAt(key []any) (string, bool) {
	best, bestN := -1, 0
	for i := len(m.sets) - 1; i >= 0; i-- {
		s := m.sets[i].key
		if isPrefix(s, key) || isPrefix(key, s) {
			return "--set " + m.sets[i].text, true
		}
		if n := commonPrefix(s, key); m.blame && n > bestN {
			best, bestN = i, n
		}
	}
	switch {
	case !m.blame || len(m.sets) == 0:
		return "", false
	case best >= 0:
		return "--set " + m.sets[best].text, true
	}
	var all []string
	for _, s := range m.sets {
		all = append(all, "--set "+s.text)
	}
	return strings.Join(all, " "), true
}

func commonPrefix(a, b []any) int {
	n := 0
	for n < min(len(a), len(b)) && fmt.Sprint(a[n]) == fmt.Sprint(b[n]) {
		n++
	}
	return n
}
