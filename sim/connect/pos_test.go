package connect

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"neurite/sim"
)

func TestLayouts(t *testing.T) {
	cases := []struct {
		name string
		got  []Pos
		want []Pos
	}{
		{"line", Line(3, 10), []Pos{{0, 0, 0}, {10, 0, 0}, {20, 0, 0}}},
		{"sheet", Sheet(2, 2, 5), []Pos{{0, 0, 0}, {5, 0, 0}, {0, 5, 0}, {5, 5, 0}}},
		{"box", Box(1, 2, 2, 1), []Pos{{0, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0, 1, 1}}},
		{"ring", Ring(4, 2), []Pos{{2, 0, 0}, {0, 2, 0}, {-2, 0, 0}, {0, -2, 0}}},
		{"empty", Box(0, 3, 3, 1), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !slices.EqualFunc(c.got, c.want, func(a, b Pos) bool {
				return math.Abs(a[0]-b[0])+math.Abs(a[1]-b[1])+math.Abs(a[2]-b[2]) < 1e-12
			}) {
				t.Fatalf("got %v, want %v", c.got, c.want)
			}
		})
	}
}

func TestReadPositions(t *testing.T) {
	cases := []struct {
		name, text string
		want       []Pos
		line       int
		msg        string
	}{
		{"header", "x,y,z\n1,2,3\n4,5,6\n", []Pos{{1, 2, 3}, {4, 5, 6}}, 0, ""},
		{"reordered header", "z,x,y\n3,1,2\n", []Pos{{1, 2, 3}}, 0, ""},
		{"no header", "1,2,3\n", []Pos{{1, 2, 3}}, 0, ""},
		{"bad value", "x,y,z\n1,2,3\n4,five,6\n", nil, 3, `y "five" is not a number`},
		{"missing column", "x,y\n1,2\n", nil, 1, `no column "z"`},
		{"short row", "x,y,z\n1,2,3\n1,2\n", nil, 3, `column "z" is missing`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, "pos.csv", c.text)
			got, err := ReadPositions(path)
			if c.want != nil {
				if err != nil || !slices.Equal(got, c.want) {
					t.Fatalf("got %v, %v; want %v", got, err, c.want)
				}
				return
			}
			var fe *sim.FileError
			if !errors.As(err, &fe) || fe.File != path || fe.Line != c.line || !strings.Contains(fe.Msg, c.msg) {
				t.Fatalf("error %v, want %s:%d: ...%s", err, path, c.line, c.msg)
			}
		})
	}
}

func TestBoxPeriod(t *testing.T) {
	got := boxPeriod(Sheet(4, 3, 10))
	if want := (Pos{40, 30, 0}); got != want {
		t.Fatalf("period of a 4 × 3 sheet, spacing 10: %v, want %v", got, want)
	}
	m := metric{period: got}
	if d := math.Sqrt(m.dist2(Pos{0, 0, 0}, Pos{30, 20, 0})); math.Abs(d-math.Sqrt(200)) > 1e-12 {
		t.Fatalf("wrapped distance between opposite corners %g, want %g", d, math.Sqrt(200))
	}
}
