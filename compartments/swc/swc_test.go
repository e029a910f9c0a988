package swc

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"neurite/sim"
)

func TestReadGood(t *testing.T) {
	f, err := ReadFile(filepath.Join("testdata", "three_point_soma.swc"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Points) != 6 {
		t.Fatalf("got %d points, want 6", len(f.Points))
	}
	p := f.Points[4]
	want := Point{ID: 5, Type: Basal, X: 0, Y: 20, Z: 0, Radius: 0.8, Parent: 4, Line: 6}
	if p != want {
		t.Errorf("point 5 = %+v, want %+v", p, want)
	}
}

func TestReadCommentsAndBlankLines(t *testing.T) {
	src := "\ufeff# header\n\n  1 1 0 0 0 5 -1   # root\r\n2 3 0 10 0 1 1\n"
	f, err := Read(strings.NewReader(src), "x.swc")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Points) != 2 || f.Points[1].Line != 4 {
		t.Fatalf("points = %+v", f.Points)
	}
}

func TestReadErrors(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string // each must appear in the error, with its line
	}{
		{"too few fields", "1 1 0 0 0 5\n", []string{"bad.swc:1: expected 7 fields"}},
		{"too many fields", "1 1 0 0 0 5 -1 7\n", []string{"bad.swc:1: expected 7 fields"}},
		{"id not integer", "1.5 1 0 0 0 5 -1\n", []string{`bad.swc:1: id "1.5" is not an integer`}},
		{"coordinate text", "1 1 0 zero 0 5 -1\n", []string{`bad.swc:1: y "zero" is not a number`}},
		{"coordinate out of range", "1 1 1e400 0 0 5 -1\n", []string{`bad.swc:1: x 1e400 is beyond the range of a number`}},
		{"only bad rows", "1 1 0 0 0 5\n", []string{`bad.swc:1: expected 7 fields (id type x y z radius parent), found 6`}},
		{"nan", "1 1 0 0 NaN 5 -1\n", []string{"bad.swc:1: z is NaN"}},
		{"inf radius", "1 1 0 0 0 +Inf -1\n", []string{"bad.swc:1: radius is +Inf"}},
		{"zero radius", "1 1 0 0 0 5 -1\n2 3 0 1 0 0 1\n", []string{"bad.swc:2: radius 0 must be positive"}},
		{"negative radius", "1 1 0 0 0 -2 -1\n", []string{"bad.swc:1: radius -2 must be positive"}},
		{"unknown parent", "1 1 0 0 0 5 -1\n2 3 0 1 0 1 9\n", []string{"bad.swc:2: point 2 has parent 9, which is not in the file"}},
		{"forward parent", "1 1 0 0 0 5 -1\n2 3 0 1 0 1 3\n3 3 0 2 0 1 1\n",
			[]string{"bad.swc:2: point 2 has parent 3, which is defined later (line 3)"}},
		{"duplicate id", "1 1 0 0 0 5 -1\n2 3 0 1 0 1 1\n2 3 0 2 0 1 1\n", []string{"bad.swc:3: duplicate id 2 (first defined on line 2)"}},
		{"self parent", "1 1 0 0 0 5 -1\n2 3 0 1 0 1 2\n", []string{"bad.swc:2: point 2 is its own parent"}},
		{"cycle", "1 1 0 0 0 5 -1\n2 3 0 1 0 1 3\n3 3 0 2 0 1 2\n", []string{"bad.swc:2: cycle in parent links: 2 -> 3 -> 2"}},
		{"several roots", "1 1 0 0 0 5 -1\n2 3 0 1 0 1 -1\n", []string{"bad.swc:2: 2 root points (parent -1) on lines 1, 2"}},
		{"no root", "1 1 0 0 0 5 1\n", []string{"bad.swc: no root point", "bad.swc:1: point 1 is its own parent"}},
		{"no soma", "1 3 0 0 0 5 -1\n", []string{"bad.swc: no soma"}},
		{"empty", "# nothing here\n", []string{"bad.swc: no sample points"}},
		{"every error reported", "1 1 0 0 0 5 -1\nx\n3 3 0 0 0 -1 1\n", []string{"bad.swc:2: expected 7", "bad.swc:3: radius -1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Read(strings.NewReader(c.src), "bad.swc")
			if err == nil {
				t.Fatalf("no error; read %+v", f)
			}
			var list sim.FileErrors
			if !errors.As(err, &list) {
				t.Fatalf("error %T is not a sim.FileErrors", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain %q", err, w)
				}
			}
			if len(list) > 1 && strings.Contains(err.Error(), "no sample points") {
				t.Errorf("error\n%v\nadds \"no sample points\" to the rows' own errors", err)
			}
		})
	}
}

func TestErrorListTruncates(t *testing.T) {
	var b strings.Builder
	b.WriteString("1 1 0 0 0 5 -1\n")
	for range 30 {
		b.WriteString("bad line\n")
	}
	_, err := Read(strings.NewReader(b.String()), "many.swc")
	if err == nil || !strings.Contains(err.Error(), "and 10 more errors") {
		t.Fatalf("err = %v", err)
	}
	if n := len(err.(sim.FileErrors)); n != 30 {
		t.Errorf("list holds %d errors, want 30", n)
	}
}

func TestTypeString(t *testing.T) {
	for typ, want := range map[Type]string{Soma: "soma", Axon: "axon", Basal: "dend", Apical: "apic", 7: "dend_7"} {
		if got := typ.String(); got != want {
			t.Errorf("Type(%d) = %q, want %q", typ, got, want)
		}
		if got := TypeOf(want); got != typ {
			t.Errorf("TypeOf(%q) = %d, want %d", want, got, typ)
		}
	}
	for _, region := range []string{"oblique", "dend_3", "dend_07", "dend_x", ""} {
		if got := TypeOf(region); got != Basal {
			t.Errorf("TypeOf(%q) = %d, want a dendrite (3)", region, got)
		}
	}
}

func FuzzRead(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "three_point_soma.swc"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("1 1 0 0 0 5 -1\n2 3 0 1 0 1 3\n3 3 0 2 0 1 2\n"))
	f.Add([]byte("1 1 1e308 -1e308 0 1e-300 -1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Read(strings.NewReader(string(data)), "fuzz.swc")
		if err != nil {
			if file != nil {
				t.Fatal("file and error both returned")
			}
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		// A file read without error is one tree, parents first, with a soma.
		index := map[int]int{}
		roots, soma := 0, false
		for i, p := range file.Points {
			if p.Parent == -1 {
				roots++
			} else if j, ok := index[p.Parent]; !ok || j >= i {
				t.Fatalf("point %d: parent %d not before it", p.ID, p.Parent)
			}
			if !(p.Radius > 0) {
				t.Fatalf("point %d: radius %v", p.ID, p.Radius)
			}
			soma = soma || p.Type == Soma
			index[p.ID] = i
		}
		if roots != 1 || !soma {
			t.Fatalf("roots %d, soma %v", roots, soma)
		}
	})
}
