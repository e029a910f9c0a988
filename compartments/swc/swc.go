// Package swc reads neuron morphologies in the SWC format: one sample point
// per line, "id type x y z radius parent", lengths in µm.
//
// Read checks every line and reports every problem it finds with the file
// name and line number; a file that reads without error is a single tree
// whose parents all precede their children and which has a soma.
package swc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"neurite/sim"
)

// Type is the structure identifier of a sample point (column 2).
type Type int

// The standard SWC types; NeuroMorpho.Org also uses 5 (fork point),
// 6 (end point) and 7 and above for custom structures.
const (
	Undefined Type = 0
	Soma      Type = 1
	Axon      Type = 2
	Basal     Type = 3
	Apical    Type = 4
)

// String returns the region name NEURON's Import3d gives sections of this
// type: soma, axon, dend, apic, or dend_N for other types.
func (t Type) String() string {
	switch t {
	case Soma:
		return "soma"
	case Axon:
		return "axon"
	case Basal:
		return "dend"
	case Apical:
		return "apic"
	}
	return fmt.Sprintf("dend_%d", int(t))
}

// TypeOf is the type whose String is region (dend_5 is type 5); a region
// of any other name, one a model file named, is a dendrite (Basal).
func TypeOf(region string) Type {
	for t := Soma; t <= Apical; t++ {
		if t.String() == region {
			return t
		}
	}
	var n int
	if _, err := fmt.Sscanf(region, "dend_%d", &n); err == nil && n > int(Apical) && Type(n).String() == region {
		return Type(n)
	}
	return Basal
}

// Point is one sample of the morphology.
type Point struct {
	ID      int
	Type    Type
	X, Y, Z float64 // µm
	Radius  float64 // µm
	Parent  int     // ID of the parent point, -1 for the root
	Line    int     // line of the file the point was read from
}

// File is a morphology as read, points in file order.
type File struct {
	Name   string
	Points []Point
}

// Index returns the position in f.Points of each point ID.
func (f *File) Index() map[int]int {
	idx := make(map[int]int, len(f.Points))
	for i, p := range f.Points {
		idx[p.ID] = i
	}
	return idx
}

// ReadFile reads and checks the SWC file at path.
func ReadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Read(bytes.NewReader(data), path)
}

// Read reads and checks an SWC morphology; name is used in error messages.
// The error, if any, is a sim.FileErrors listing every problem.
func Read(r io.Reader, name string) (*File, error) {
	f := &File{Name: name}
	var errs sim.FileErrors
	fail := func(line int, format string, args ...any) {
		errs = append(errs, &sim.FileError{File: name, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		if n == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		fields := strings.Fields(text)
		if len(fields) == 0 {
			continue
		}
		p, err := parsePoint(fields)
		if err != nil {
			fail(n, "%v", err)
			continue
		}
		p.Line = n
		f.Points = append(f.Points, p)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			fail(0, "a line is longer than 1 MiB: not an SWC file")
		} else {
			fail(0, "%v", err)
		}
		return nil, errs
	}
	if len(f.Points) > 0 || len(errs) == 0 { // rows that fail say more than "no points"
		errs = append(errs, checkTree(f)...)
	}
	if len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	return f, nil
}

var columns = [7]string{"id", "type", "x", "y", "z", "radius", "parent"}

func parsePoint(fields []string) (Point, error) {
	if len(fields) != len(columns) {
		return Point{}, fmt.Errorf("expected 7 fields (id type x y z radius parent), found %d", len(fields))
	}
	var ints [3]int
	for k, col := range [3]int{0, 1, 6} {
		v, err := strconv.Atoi(fields[col])
		if err != nil {
			return Point{}, fmt.Errorf("%s %q is not an integer", columns[col], fields[col])
		}
		ints[k] = v
	}
	var nums [4]float64
	for k := range nums {
		col := 2 + k
		v, err := strconv.ParseFloat(fields[col], 64)
		if errors.Is(err, strconv.ErrRange) {
			return Point{}, fmt.Errorf("%s %s is beyond the range of a number", columns[col], fields[col])
		}
		if err != nil {
			return Point{}, fmt.Errorf("%s %q is not a number", columns[col], fields[col])
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Point{}, fmt.Errorf("%s is %s: coordinates and radii must be finite", columns[col], fields[col])
		}
		nums[k] = v
	}
	p := Point{ID: ints[0], Type: Type(ints[1]), X: nums[0], Y: nums[1], Z: nums[2], Radius: nums[3], Parent: ints[2]}
	switch {
	case p.ID < 0:
		return Point{}, fmt.Errorf("id %d is negative", p.ID)
	case p.Type < 0:
		return Point{}, fmt.Errorf("type %d is negative", p.Type)
	case p.Radius <= 0:
		return Point{}, fmt.Errorf("radius %s must be positive", fields[5])
	case p.Parent < -1:
		return Point{}, fmt.Errorf("parent %d is not -1 (root) or a point id", p.Parent)
	}
	return p, nil
}

// checkTree checks the relations between points: unique ids, parents that
// exist and come first, no cycles, one root and a soma.
func checkTree(f *File) sim.FileErrors {
	var errs sim.FileErrors
	fail := func(line int, format string, args ...any) {
		errs = append(errs, &sim.FileError{File: f.Name, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	if len(f.Points) == 0 {
		fail(0, "no sample points")
		return errs
	}
	first := make(map[int]int, len(f.Points)) // id -> index of first definition
	for i, p := range f.Points {
		if j, dup := first[p.ID]; dup {
			fail(p.Line, "duplicate id %d (first defined on line %d)", p.ID, f.Points[j].Line)
			continue
		}
		first[p.ID] = i
	}
	var roots []int
	hasSoma := false
	for i, p := range f.Points {
		hasSoma = hasSoma || p.Type == Soma
		if p.Parent == -1 {
			roots = append(roots, i)
			continue
		}
		j, ok := first[p.Parent]
		switch {
		case !ok:
			fail(p.Line, "point %d has parent %d, which is not in the file", p.ID, p.Parent)
		case p.Parent == p.ID:
			fail(p.Line, "point %d is its own parent (a cycle)", p.ID)
		case j > i:
			if cyc := cycleFrom(f, first, i); cyc != "" {
				fail(p.Line, "cycle in parent links: %s", cyc)
			} else {
				fail(p.Line, "point %d has parent %d, which is defined later (line %d); parents must come before their children",
					p.ID, p.Parent, f.Points[j].Line)
			}
		}
	}
	switch len(roots) {
	case 0:
		fail(0, "no root point (a point with parent -1)")
	case 1:
	default:
		lines := make([]string, len(roots))
		for k, i := range roots {
			lines[k] = strconv.Itoa(f.Points[i].Line)
		}
		fail(f.Points[roots[1]].Line, "%d root points (parent -1) on lines %s; a cell must be one tree",
			len(roots), strings.Join(lines, ", "))
	}
	if !hasSoma {
		fail(0, "no soma: no point has type 1")
	}
	return errs
}

// cycleFrom follows parent links from point i and describes the cycle it
// returns to, or returns "" if the chain ends at a root or a missing id.
func cycleFrom(f *File, first map[int]int, i int) string {
	seen := map[int]bool{}
	var chain []string
	for k := i; ; {
		p := f.Points[k]
		if seen[p.ID] {
			if p.ID != f.Points[i].ID {
				return ""
			}
			return strings.Join(append(chain, strconv.Itoa(p.ID)), " -> ")
		}
		seen[p.ID] = true
		chain = append(chain, strconv.Itoa(p.ID))
		next, ok := first[p.Parent]
		if p.Parent == -1 || !ok {
			return ""
		}
		k = next
	}
}

// Write writes f in the SWC format, one point per line after a comment
// naming the columns: the form Read reads.
func Write(w io.Writer, f *File) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# %s\n", strings.Join(columns[:], " "))
	num := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for _, p := range f.Points {
		fmt.Fprintf(bw, "%d %d %s %s %s %s %d\n", p.ID, int(p.Type), num(p.X), num(p.Y), num(p.Z), num(p.Radius), p.Parent)
	}
	return bw.Flush()
}
