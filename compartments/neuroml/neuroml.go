// Package neuroml reads and writes cells in NeuroML 2 (neuroml.org): the
// morphology (segments and segment groups) and the biophysical properties
// Neurite can run (specific capacitance, axial resistivity, passive
// channel densities). Everything else a cell's biophysics names (an
// active channel, a channel population, a concentration model) is listed
// in Cell.Unsupported with its line, never dropped silently; package
// compartments turns a Cell into sections (FromNeuroML) and back
// (ToNeuroML).
package neuroml

import (
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Cell is the first <cell> of a NeuroML 2 document.
type Cell struct {
	File     string
	ID       string
	Segments []Segment
	Groups   []Group
	// Channels are the channel densities; Passive marks those whose
	// channel is passive (ionChannelPassive, or an ionChannelHH without
	// gates, as NeuroML writes a leak).
	Channels []Channel
	// Capacitance (µF/cm²) and Resistivity (Ω·cm) by segment group ("":
	// every segment).
	Capacitance, Resistivity []Value
	InitV                    *float64 // initMembPotential, mV
	Unsupported              []Issue
}

// Segment is a piece of cable from Proximal to Distal; a nil Proximal is
// the parent's distal point.
type Segment struct {
	ID, Parent int // Parent -1 for the root
	// Fraction is where on the parent it attaches (fractionAlong, 1 by
	// default).
	Fraction         float64
	Name             string
	Proximal, Distal *Point
	Line             int
}

// Point is a point of a segment (µm).
type Point struct{ X, Y, Z, Diameter float64 }

// Group is a segment group: its members, the groups it includes, and
// whether NeuroLex calls it an unbranched cable (a NEURON section).
type Group struct {
	ID       string
	Members  []int
	Includes []string
	Cable    bool
	// Divisions is the group's numberInternalDivisions property, the
	// nseg NEURON gives the section of a cable group (0: none given).
	Divisions int
	Line      int
}

// Channel is a channel density.
type Channel struct {
	ID, IonChannel, Group, Ion string
	CondDensity                float64 // S/cm²
	Erev                       float64 // mV
	Passive                    bool
	// Def is the channel's definition, for an active channel whose gates
	// Neurite runs (Hodgkin–Huxley gates of NeuroML's standard rates).
	Def  *IonChannel
	Line int
}

// IonChannel is an ionChannelHH (or ionChannel of type ionChannelHH):
// Hodgkin–Huxley gates whose rates are NeuroML's standard forms.
type IonChannel struct {
	ID, Species string
	Gates       []Gate
}

// Gate is a gate of an ionChannelHH: by its opening and closing rates
// (gateHHrates) or its steady state and time course (gateHHtauInf),
// raised to Instances in the conductance, its rates scaled for
// temperature by Q10^((celsius - Q10Temp)/10) (Q10 1: none).
type Gate struct {
	ID                   string
	Instances            int
	Forward, Reverse     *Rate // gateHHrates
	SteadyState, TimeCrs *Rate // gateHHtauInf
	Q10, Q10Temp         float64
}

// Rate is one of NeuroML's standard rate or variable forms of v: Type
// HHExpRate, HHSigmoidRate, HHExpLinearRate (rates, 1/ms), HHSigmoidVariable,
// HHExpVariable (steady states), fixedTimeCourse (Tau, ms).
type Rate struct {
	Type                  string
	Rate, Midpoint, Scale float64 // 1/ms (or 1 for a variable), mV, mV
	Tau                   float64 // ms
}

// Value is a property over a segment group.
type Value struct {
	Group string
	Value float64
	Line  int
}

// Issue is something of the file Neurite does not run.
type Issue struct {
	Line int
	What string
}

func (i Issue) String() string { return fmt.Sprintf("line %d: %s", i.Line, i.What) }

// cableLexID is NeuroLex's "unbranched cable" (sao864921383): a segment
// group NEURON makes one section of.
const cableLexID = "sao864921383"

// divisionsTag is the property of a cable group that NEURON's NeuroML
// import and export take as its section's nseg.
const divisionsTag = "numberInternalDivisions"

// ReadFile reads path's first cell; channels defined in the files it
// includes are looked up beside it.
func ReadFile(path string) (*Cell, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path)
}

// Read reads the first cell of a NeuroML 2 document named name; an error
// names the file and line.
func Read(r io.Reader, name string) (*Cell, error) {
	d := xml.NewDecoder(r)
	c := &Cell{File: name}
	kinds := map[string]string{}     // channel id → its element (ionChannelHH, ...)
	defs := map[string]*IonChannel{} // the ionChannelHHs, nil where a gate is not of a standard form
	var includes []string
	inCell, inBio, cells := false, false, 0
	fail := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...))
	}
	for {
		line, _ := d.InputPos()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			switch t.Name.Local {
			case "cell":
				inCell = false
			case "biophysicalProperties":
				inBio = false
			}
		case xml.StartElement:
			line, _ = d.InputPos()
			attr := func(key string) string {
				for _, a := range t.Attr {
					if a.Name.Local == key {
						return a.Value
					}
				}
				return ""
			}
			switch el := t.Name.Local; {
			case el == "include" && !inCell:
				includes = append(includes, attr("href"))
			case strings.HasPrefix(el, "ionChannel") && !inCell:
				if err := readChannel(d, t, kinds, defs); err != nil {
					return nil, fail(line, "%v", err)
				}
			case el == "cell":
				if cells++; cells > 1 {
					c.Unsupported = append(c.Unsupported, Issue{line, fmt.Sprintf("cell %s: only the first cell of a file is read", attr("id"))})
					if err := d.Skip(); err != nil {
						return nil, fmt.Errorf("%s: %w", name, err)
					}
					continue
				}
				inCell, c.ID = true, attr("id")
			case el == "segment" && inCell:
				s, err := readSegment(d, t, line)
				if err != nil {
					return nil, fail(line, "%v", err)
				}
				c.Segments = append(c.Segments, s)
			case el == "segmentGroup" && inCell:
				g, err := readGroup(d, t, line)
				if err != nil {
					return nil, fail(line, "%v", err)
				}
				c.Groups = append(c.Groups, g)
			case el == "biophysicalProperties" && inCell:
				inBio = true
			case inBio:
				if err := c.readProperty(el, attr, line); err != nil {
					return nil, fail(line, "%v", err)
				}
			}
		}
	}
	if cells == 0 {
		return nil, fmt.Errorf("%s: no <cell> element", name)
	}
	if len(c.Segments) == 0 {
		return nil, fmt.Errorf("%s: cell %s has no segments", name, c.ID)
	}
	for _, href := range includes {
		readIncluded(filepath.Join(filepath.Dir(name), href), kinds, defs)
	}
	kept := c.Channels[:0]
	for _, ch := range c.Channels {
		kind, known := kinds[ch.IonChannel]
		def := defs[ch.IonChannel]
		switch {
		case kind == "ionChannelPassive" || def != nil && len(def.Gates) == 0 || ch.IonChannel == "pas" && !known:
			ch.Passive = true
			kept = append(kept, ch)
		case def != nil:
			ch.Def = def
			kept = append(kept, ch)
		case !known:
			c.Unsupported = append(c.Unsupported, Issue{ch.Line, fmt.Sprintf("channelDensity %s: its channel %s is defined in no file read", ch.ID, ch.IonChannel)})
		default:
			c.Unsupported = append(c.Unsupported, Issue{ch.Line, fmt.Sprintf("channelDensity %s: %s %s has gates of other forms than NeuroML's standard HH rates; give it as a .mod file or a [[channel]]", ch.ID, kind, ch.IonChannel)})
		}
	}
	c.Channels = kept
	return c, c.check()
}

// readSegment decodes a <segment>.
func readSegment(d *xml.Decoder, start xml.StartElement, line int) (Segment, error) {
	var x struct {
		ID     string `xml:"id,attr"`
		Name   string `xml:"name,attr"`
		Parent *struct {
			Segment  string  `xml:"segment,attr"`
			Fraction *string `xml:"fractionAlong,attr"`
		} `xml:"parent"`
		Proximal *xmlPoint `xml:"proximal"`
		Distal   *xmlPoint `xml:"distal"`
	}
	if err := d.DecodeElement(&x, &start); err != nil {
		return Segment{}, err
	}
	s := Segment{Name: x.Name, Parent: -1, Fraction: 1, Line: line}
	var err error
	if s.ID, err = strconv.Atoi(x.ID); err != nil || s.ID < 0 {
		return s, fmt.Errorf("segment id %q is not a whole number", x.ID)
	}
	if x.Parent != nil {
		if s.Parent, err = strconv.Atoi(x.Parent.Segment); err != nil || s.Parent < 0 {
			return s, fmt.Errorf("segment %d: parent segment %q is not a whole number", s.ID, x.Parent.Segment)
		}
		if x.Parent.Fraction != nil {
			if s.Fraction, err = strconv.ParseFloat(*x.Parent.Fraction, 64); err != nil || !(s.Fraction >= 0 && s.Fraction <= 1) {
				return s, fmt.Errorf("segment %d: fractionAlong %q must lie in [0, 1]", s.ID, *x.Parent.Fraction)
			}
		}
	}
	if x.Distal == nil {
		return s, fmt.Errorf("segment %d has no distal point", s.ID)
	}
	if s.Distal, err = x.Distal.point(); err != nil {
		return s, fmt.Errorf("segment %d: distal %v", s.ID, err)
	}
	if x.Proximal != nil {
		if s.Proximal, err = x.Proximal.point(); err != nil {
			return s, fmt.Errorf("segment %d: proximal %v", s.ID, err)
		}
	}
	return s, nil
}

type xmlPoint struct {
	X        string `xml:"x,attr"`
	Y        string `xml:"y,attr"`
	Z        string `xml:"z,attr"`
	Diameter string `xml:"diameter,attr"`
}

// point parses a point's coordinates and diameter.
func (p *xmlPoint) point() (*Point, error) {
	var v [4]float64
	for i, f := range []struct{ name, text string }{{"x", p.X}, {"y", p.Y}, {"z", p.Z}, {"diameter", p.Diameter}} {
		x, err := strconv.ParseFloat(strings.TrimSpace(f.text), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%s = %q is not a number", f.name, f.text)
		}
		v[i] = x
	}
	if !(v[3] >= 0) {
		return nil, fmt.Errorf("diameter %v must not be negative", v[3])
	}
	return &Point{v[0], v[1], v[2], v[3]}, nil
}

// readGroup decodes a <segmentGroup>.
func readGroup(d *xml.Decoder, start xml.StartElement, line int) (Group, error) {
	var x struct {
		ID         string `xml:"id,attr"`
		LexID      string `xml:"neuroLexId,attr"`
		Properties []struct {
			Tag   string `xml:"tag,attr"`
			Value string `xml:"value,attr"`
		} `xml:"property"`
		Members []struct {
			Segment string `xml:"segment,attr"`
		} `xml:"member"`
		Includes []struct {
			Group string `xml:"segmentGroup,attr"`
		} `xml:"include"`
	}
	if err := d.DecodeElement(&x, &start); err != nil {
		return Group{}, err
	}
	g := Group{ID: x.ID, Cable: x.LexID == cableLexID, Line: line}
	for _, p := range x.Properties {
		if p.Tag != divisionsTag {
			continue // other tags are the file's own notes
		}
		n, err := strconv.Atoi(strings.TrimSpace(p.Value))
		if err != nil || n < 1 {
			return g, fmt.Errorf("segmentGroup %s: %s %q is not a whole number of at least 1", g.ID, divisionsTag, p.Value)
		}
		g.Divisions = n
	}
	for _, m := range x.Members {
		id, err := strconv.Atoi(m.Segment)
		if err != nil {
			return g, fmt.Errorf("segmentGroup %s: member segment %q is not a whole number", g.ID, m.Segment)
		}
		g.Members = append(g.Members, id)
	}
	for _, in := range x.Includes {
		g.Includes = append(g.Includes, in.Group)
	}
	return g, nil
}

// readProperty reads an element of biophysicalProperties.
func (c *Cell) readProperty(el string, attr func(string) string, line int) error {
	switch el {
	case "membraneProperties", "intracellularProperties", "spikeThresh":
		return nil // containers; the threshold is the model file's [spikes]
	case "channelDensity":
		ch := Channel{ID: attr("id"), IonChannel: attr("ionChannel"), Group: attr("segmentGroup"), Ion: attr("ion"), Line: line}
		var err error
		if ch.CondDensity, err = quantity(attr("condDensity"), conductanceUnits); err != nil {
			return fmt.Errorf("channelDensity %s: condDensity %v", ch.ID, err)
		}
		if ch.Erev, err = quantity(attr("erev"), voltageUnits); err != nil {
			return fmt.Errorf("channelDensity %s: erev %v", ch.ID, err)
		}
		if attr("segment") != "" {
			c.Unsupported = append(c.Unsupported, Issue{line, fmt.Sprintf("channelDensity %s on a single segment: give a segmentGroup", ch.ID)})
			return nil
		}
		c.Channels = append(c.Channels, ch)
	case "specificCapacitance", "resistivity":
		units := capacitanceUnits
		if el == "resistivity" {
			units = resistivityUnits
		}
		x, err := quantity(attr("value"), units)
		if err != nil {
			return fmt.Errorf("%s: value %v", el, err)
		}
		v := Value{Group: attr("segmentGroup"), Value: x, Line: line}
		if el == "resistivity" {
			c.Resistivity = append(c.Resistivity, v)
		} else {
			c.Capacitance = append(c.Capacitance, v)
		}
	case "initMembPotential":
		x, err := quantity(attr("value"), voltageUnits)
		if err != nil {
			return fmt.Errorf("initMembPotential: value %v", err)
		}
		c.InitV = &x
	default:
		what := el
		if id := attr("id"); id != "" {
			what += " " + id
		}
		c.Unsupported = append(c.Unsupported, Issue{line, what + " is not supported"})
	}
	return nil
}

// readIncluded reads the channels an included file defines. A file that
// cannot be read defines nothing: its channels are then reported as
// defined nowhere.
func readIncluded(path string, kinds map[string]string, defs map[string]*IonChannel) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	d := xml.NewDecoder(f)
	for {
		tok, err := d.Token()
		if err != nil {
			return
		}
		if t, ok := tok.(xml.StartElement); ok && strings.HasPrefix(t.Name.Local, "ionChannel") {
			if readChannel(d, t, kinds, defs) != nil {
				return
			}
		}
	}
}

type xmlRate struct {
	Type     string `xml:"type,attr"`
	Rate     string `xml:"rate,attr"`
	Midpoint string `xml:"midpoint,attr"`
	Scale    string `xml:"scale,attr"`
	Tau      string `xml:"tau,attr"`
}

type xmlGate struct {
	XMLName     xml.Name
	ID          string   `xml:"id,attr"`
	Type        string   `xml:"type,attr"`
	Instances   string   `xml:"instances,attr"`
	Forward     *xmlRate `xml:"forwardRate"`
	Reverse     *xmlRate `xml:"reverseRate"`
	SteadyState *xmlRate `xml:"steadyState"`
	TimeCourse  *xmlRate `xml:"timeCourse"`
	Q10         *struct {
		Type   string `xml:"type,attr"`
		Factor string `xml:"q10Factor,attr"`
		Fixed  string `xml:"fixedQ10,attr"`
		Temp   string `xml:"experimentalTemp,attr"`
	} `xml:"q10Settings"`
}

// readChannel decodes an ionChannel element: its kind, and, for an
// ionChannelHH whose gates are all of NeuroML's standard forms, its
// definition (defs[id] stays nil otherwise).
func readChannel(d *xml.Decoder, start xml.StartElement, kinds map[string]string, defs map[string]*IonChannel) error {
	var x struct {
		ID      string    `xml:"id,attr"`
		Type    string    `xml:"type,attr"`
		Species string    `xml:"species,attr"`
		Gates   []xmlGate `xml:",any"`
	}
	if err := d.DecodeElement(&x, &start); err != nil {
		return err
	}
	kind := cmp.Or(x.Type, start.Name.Local)
	kinds[x.ID] = kind
	defs[x.ID] = nil
	if kind != "ionChannelHH" && kind != "ionChannel" {
		return nil
	}
	def := &IonChannel{ID: x.ID, Species: x.Species}
	for _, g := range x.Gates {
		if !strings.HasPrefix(g.XMLName.Local, "gate") {
			continue // notes, annotation
		}
		gate, ok := hhGate(g)
		if !ok {
			return nil
		}
		def.Gates = append(def.Gates, gate)
	}
	defs[x.ID] = def
	return nil
}

// hhGate reads a gate of the standard forms; ok is false for any other.
func hhGate(g xmlGate) (Gate, bool) {
	gate := Gate{ID: g.ID, Q10: 1}
	n, err := strconv.Atoi(cmp.Or(g.Instances, "1"))
	if err != nil || n < 1 || !validName(g.ID) {
		return gate, false
	}
	gate.Instances = n
	rate := func(x *xmlRate, variable bool) *Rate {
		if x == nil {
			return nil
		}
		r := &Rate{Type: x.Type}
		var err error
		switch x.Type {
		case "HHExpRate", "HHSigmoidRate", "HHExpLinearRate":
			if variable {
				return nil
			}
			r.Rate, err = quantity(x.Rate, rateUnits)
		case "HHSigmoidVariable", "HHExpVariable":
			if !variable {
				return nil
			}
			r.Rate, err = strconv.ParseFloat(strings.TrimSpace(x.Rate), 64)
		case "fixedTimeCourse":
			if r.Tau, err = quantity(x.Tau, timeUnits); err != nil || !(r.Tau > 0) {
				return nil
			}
			return r
		default:
			return nil
		}
		if err != nil {
			return nil
		}
		var e1, e2 error
		r.Midpoint, e1 = quantity(x.Midpoint, voltageUnits)
		r.Scale, e2 = quantity(x.Scale, voltageUnits)
		if e1 != nil || e2 != nil || r.Scale == 0 {
			return nil
		}
		return r
	}
	kind := g.XMLName.Local
	if kind == "gate" {
		kind = g.Type // <gate type="gateHHrates">, NeuroML's older form
	}
	switch kind {
	case "gateHHrates":
		gate.Forward, gate.Reverse = rate(g.Forward, false), rate(g.Reverse, false)
		if gate.Forward == nil || gate.Reverse == nil {
			return gate, false
		}
	case "gateHHtauInf":
		gate.SteadyState, gate.TimeCrs = rate(g.SteadyState, true), rate(g.TimeCourse, true)
		if gate.SteadyState == nil || gate.TimeCrs == nil || gate.TimeCrs.Type != "fixedTimeCourse" {
			return gate, false
		}
	default:
		return gate, false
	}
	if q := g.Q10; q != nil {
		switch q.Type {
		case "q10ExpTemp":
			f, e1 := strconv.ParseFloat(strings.TrimSpace(q.Factor), 64)
			t, e2 := quantity(q.Temp, temperatureUnits)
			if e1 != nil || e2 != nil {
				return gate, false
			}
			gate.Q10, gate.Q10Temp = f, t
		case "q10Fixed":
			f, err := strconv.ParseFloat(strings.TrimSpace(q.Fixed), 64)
			if err != nil {
				return gate, false
			}
			gate.Q10, gate.Q10Temp = f, math.NaN() // a fixed factor, whatever the temperature
		default:
			return gate, false
		}
	}
	return gate, true
}

// validName reports whether s can name a gate in an expression.
func validName(s string) bool {
	for i, r := range s {
		if !(r == '_' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
			return false
		}
	}
	return s != ""
}

// check checks the segment tree and the groups the properties name.
func (c *Cell) check() error {
	at := map[int]int{}
	for i, s := range c.Segments {
		if j, dup := at[s.ID]; dup {
			return fmt.Errorf("%s:%d: segment %d again (first at line %d)", c.File, s.Line, s.ID, c.Segments[j].Line)
		}
		at[s.ID] = i
	}
	roots := 0
	for _, s := range c.Segments {
		switch _, ok := at[s.Parent]; {
		case s.Parent < 0:
			if roots++; roots > 1 {
				return fmt.Errorf("%s:%d: segment %d is a second root (no parent)", c.File, s.Line, s.ID)
			}
			if s.Proximal == nil {
				return fmt.Errorf("%s:%d: the root segment %d has no proximal point", c.File, s.Line, s.ID)
			}
		case !ok:
			return fmt.Errorf("%s:%d: segment %d has parent %d, which is not in the cell", c.File, s.Line, s.ID, s.Parent)
		}
	}
	// A cycle leaves some segment never reached from the root.
	seen, reached := map[int]bool{}, 0
	children := map[int][]int{}
	for _, s := range c.Segments {
		children[s.Parent] = append(children[s.Parent], s.ID)
	}
	for stack := children[-1]; len(stack) > 0; {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !seen[id] {
			seen[id], reached = true, reached+1
			stack = append(stack, children[id]...)
		}
	}
	if reached != len(c.Segments) {
		for _, s := range c.Segments {
			if !seen[s.ID] {
				return fmt.Errorf("%s:%d: segment %d is on a cycle of parents", c.File, s.Line, s.ID)
			}
		}
	}
	groups := map[string]bool{"": true, "all": true}
	for _, g := range c.Groups {
		groups[g.ID] = true
	}
	for _, g := range c.Groups {
		for _, m := range g.Members {
			if _, ok := at[m]; !ok {
				return fmt.Errorf("%s:%d: segmentGroup %s has member %d, which is not a segment", c.File, g.Line, g.ID, m)
			}
		}
		for _, in := range g.Includes {
			if !groups[in] {
				return fmt.Errorf("%s:%d: segmentGroup %s includes %s, which is not a group", c.File, g.Line, g.ID, in)
			}
		}
	}
	var errs []error
	for _, v := range append(append([]Value(nil), c.Capacitance...), c.Resistivity...) {
		if !groups[v.Group] {
			errs = append(errs, fmt.Errorf("%s:%d: segmentGroup %s is not a group of the cell", c.File, v.Line, v.Group))
		}
	}
	for _, ch := range c.Channels {
		if !groups[ch.Group] {
			errs = append(errs, fmt.Errorf("%s:%d: channelDensity %s: segmentGroup %s is not a group of the cell", c.File, ch.Line, ch.ID, ch.Group))
		}
	}
	return errors.Join(errs...)
}

// GroupSegments returns the segments of a group, with those of the groups
// it includes; "" and "all" are every segment.
func (c *Cell) GroupSegments(id string) map[int]bool {
	out := map[int]bool{}
	if id == "" || id == "all" {
		for _, s := range c.Segments {
			out[s.ID] = true
		}
		return out
	}
	var add func(id string, depth int)
	add = func(id string, depth int) {
		if depth > len(c.Groups) {
			return // an include cycle adds nothing more
		}
		for _, g := range c.Groups {
			if g.ID == id {
				for _, m := range g.Members {
					out[m] = true
				}
				for _, in := range g.Includes {
					add(in, depth+1)
				}
			}
		}
	}
	add(id, 0)
	return out
}

// The units NeuroML writes, to Neurite's: S/cm², mV, µF/cm², Ω·cm, as a
// factor or a divisor (3 S_per_m2 is 3/1e4, the double nearest 3e-4).
type unit struct{ mul, div float64 }

var (
	conductanceUnits = map[string]unit{"S_per_cm2": {1, 1}, "mS_per_cm2": {1, 1e3}, "S_per_m2": {1, 1e4}, "mS_per_m2": {1, 1e7}}
	voltageUnits     = map[string]unit{"mV": {1, 1}, "V": {1e3, 1}}
	capacitanceUnits = map[string]unit{"uF_per_cm2": {1, 1}, "F_per_m2": {100, 1}}
	rateUnits        = map[string]unit{"per_ms": {1, 1}, "per_s": {1, 1e3}}
	timeUnits        = map[string]unit{"ms": {1, 1}, "s": {1e3, 1}}
	temperatureUnits = map[string]unit{"degC": {1, 1}}
	resistivityUnits = map[string]unit{"ohm_cm": {1, 1}, "kohm_cm": {1e3, 1}, "ohm_m": {100, 1}}
)

// quantity parses "120.0 mS_per_cm2" or "50mV" into the units' scale.
func quantity(text string, units map[string]unit) (float64, error) {
	t := strings.TrimSpace(text)
	i := strings.IndexFunc(t, func(r rune) bool { return unicode.IsLetter(r) && r != 'e' && r != 'E' })
	if i < 0 {
		return 0, fmt.Errorf("%q has no unit", text)
	}
	x, err := strconv.ParseFloat(strings.TrimSpace(t[:i]), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("%q is not a number and a unit", text)
	}
	u, ok := units[strings.TrimSpace(t[i:])]
	if !ok {
		names := slices.Sorted(maps.Keys(units))
		return 0, fmt.Errorf("%q: unit %s is not one of %s", text, strings.TrimSpace(t[i:]), strings.Join(names, ", "))
	}
	return x * u.mul / u.div, nil
}

// Write writes c as a NeuroML 2 document: its morphology, segment groups
// (cables marked by NeuroLex's unbranched cable), the specific
// capacitance and resistivity of its groups and its passive channel
// densities.
func Write(w io.Writer, c *Cell) error {
	b := &strings.Builder{}
	esc := func(s string) string {
		var e strings.Builder
		xml.EscapeText(&e, []byte(s))
		return strings.ReplaceAll(e.String(), `"`, "&quot;")
	}
	num := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	pt := func(tag string, p *Point) {
		fmt.Fprintf(b, "        <%s x=\"%s\" y=\"%s\" z=\"%s\" diameter=\"%s\"/>\n", tag, num(p.X), num(p.Y), num(p.Z), num(p.Diameter))
	}
	fmt.Fprintf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<neuroml xmlns=\"http://www.neuroml.org/schema/neuroml2\" "+
		"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "+
		"xsi:schemaLocation=\"http://www.neuroml.org/schema/neuroml2 https://raw.githubusercontent.com/NeuroML/NeuroML2/development/Schemas/NeuroML2/NeuroML_v2.3.xsd\" id=\"%s\">\n", esc(c.ID))
	// The passive channels' definitions, which other tools (jNeuroML,
	// pyNeuroML) need to resolve a density's ionChannel. The density
	// gives the conductance per area and the reversal potential; 10 pS
	// is the unit conductance those tools write for a leak.
	defined := map[string]bool{}
	for _, ch := range c.Channels {
		if ch.Passive && !defined[ch.IonChannel] {
			defined[ch.IonChannel] = true
			fmt.Fprintf(b, "  <ionChannel id=\"%s\" type=\"ionChannelPassive\" conductance=\"10pS\"/>\n", esc(ch.IonChannel))
		}
	}
	fmt.Fprintf(b, "  <cell id=\"%s\">\n    <morphology id=\"%s_morphology\">\n", esc(c.ID), esc(c.ID))
	for _, s := range c.Segments {
		fmt.Fprintf(b, "      <segment id=\"%d\" name=\"%s\">\n", s.ID, esc(s.Name))
		if s.Parent >= 0 {
			if s.Fraction != 1 {
				fmt.Fprintf(b, "        <parent segment=\"%d\" fractionAlong=\"%s\"/>\n", s.Parent, num(s.Fraction))
			} else {
				fmt.Fprintf(b, "        <parent segment=\"%d\"/>\n", s.Parent)
			}
		}
		if s.Proximal != nil {
			pt("proximal", s.Proximal)
		}
		pt("distal", s.Distal)
		fmt.Fprintf(b, "      </segment>\n")
	}
	for _, g := range c.Groups {
		lex := ""
		if g.Cable {
			lex = ` neuroLexId="` + cableLexID + `"`
		}
		fmt.Fprintf(b, "      <segmentGroup id=\"%s\"%s>\n", esc(g.ID), lex)
		if g.Divisions > 0 {
			fmt.Fprintf(b, "        <property tag=\"%s\" value=\"%d\"/>\n", divisionsTag, g.Divisions)
		}
		for _, m := range g.Members {
			fmt.Fprintf(b, "        <member segment=\"%d\"/>\n", m)
		}
		for _, in := range g.Includes {
			fmt.Fprintf(b, "        <include segmentGroup=\"%s\"/>\n", esc(in))
		}
		fmt.Fprintf(b, "      </segmentGroup>\n")
	}
	fmt.Fprintf(b, "    </morphology>\n")
	if len(c.Capacitance)+len(c.Resistivity)+len(c.Channels) > 0 {
		fmt.Fprintf(b, "    <biophysicalProperties id=\"%s_biophysics\">\n      <membraneProperties>\n", esc(c.ID))
		for _, ch := range c.Channels {
			if !ch.Passive {
				continue // only the passive ones: no active channel's definition is written
			}
			fmt.Fprintf(b, "        <channelDensity id=\"%s\" ionChannel=\"%s\" segmentGroup=\"%s\" condDensity=\"%s S_per_cm2\" erev=\"%s mV\" ion=\"%s\"/>\n",
				esc(ch.ID), esc(ch.IonChannel), esc(cmp.Or(ch.Group, "all")), num(ch.CondDensity), num(ch.Erev), esc(cmp.Or(ch.Ion, "non_specific")))
		}
		for _, v := range c.Capacitance {
			fmt.Fprintf(b, "        <specificCapacitance segmentGroup=\"%s\" value=\"%s uF_per_cm2\"/>\n", esc(cmp.Or(v.Group, "all")), num(v.Value))
		}
		fmt.Fprintf(b, "      </membraneProperties>\n      <intracellularProperties>\n")
		for _, v := range c.Resistivity {
			fmt.Fprintf(b, "        <resistivity segmentGroup=\"%s\" value=\"%s ohm_cm\"/>\n", esc(cmp.Or(v.Group, "all")), num(v.Value))
		}
		fmt.Fprintf(b, "      </intracellularProperties>\n    </biophysicalProperties>\n")
	}
	fmt.Fprintf(b, "  </cell>\n</neuroml>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
