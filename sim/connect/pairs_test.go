package connect

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"neurite/sim"
)

func TestReadPairs(t *testing.T) {
	path := writeFile(t, "pairs.csv", "pre,post,weight,delay\n2,0,0.5,1\n0,3,0.1,2\n# comment\n0,1,0.2,3\n2,0,0.7,4\n")
	p, err := ReadPairs(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Pre, []uint32{0, 0, 2, 2}) || !slices.Equal(p.Post, []uint32{1, 3, 0, 0}) ||
		!slices.Equal(p.Weight, []float64{0.2, 0.1, 0.5, 0.7}) || !slices.Equal(p.Delay, []float64{3, 2, 1, 4}) ||
		!slices.Equal(p.Lines, []int{5, 3, 2, 6}) {
		t.Fatalf("pairs not sorted by pre then post with their columns: %+v", p)
	}
	c := mustGenerate(t, Rule{Kind: Explicit, Pairs: p, Multapses: true}, 3, 4, false, nil, nil, 1)
	if !slices.Equal(c.Start, []int64{0, 2, 2, 4}) || !slices.Equal(c.Target, []uint32{1, 3, 0, 0}) {
		t.Fatalf("CSR %+v", c)
	}
	p, err = ReadPairs(writeFile(t, "bare.csv", "1,0\n0,1\n"))
	if err != nil || p.Weight != nil || p.Delay != nil || !slices.Equal(p.Pre, []uint32{0, 1}) {
		t.Fatalf("pairs without header or weights: %+v, %v", p, err)
	}
}

func TestPairsErrors(t *testing.T) {
	cases := []struct {
		name, text string
		rule       Rule
		samePop    bool
		line       int
		msg        string
	}{
		{"fraction", "pre,post\n0,1\n1.5,0\n", Rule{}, false, 3, "pre 1.5 is not a neuron index"},
		{"negative", "pre,post\n0,-1\n", Rule{}, false, 2, "post -1 is not a neuron index"},
		{"text", "pre,post\n0,x\n", Rule{}, false, 2, `post "x" is not a number`},
		{"pre outside", "pre,post\n0,1\n5,1\n", Rule{From: "E"}, false, 3, "pre 5 is not a neuron of E, which has 4 (0 to 3)"},
		{"post outside", "pre,post\n0,4\n", Rule{To: "I"}, false, 2, "post 4 is not a neuron of I, which has 4 (0 to 3)"},
		{"autapse", "pre,post\n0,1\n2,2\n", Rule{}, true, 3, "neuron 2 onto itself, but autapses are off"},
		{"multapse", "pre,post\n0,1\n1,2\n0,1\n", Rule{}, false, 4, "pair 0 -> 1 repeats line 2, but multapses are off"},
		{"no post column", "pre,target\n0,1\n", Rule{}, false, 1, `no column "post"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, "pairs.csv", c.text)
			p, err := ReadPairs(path)
			if err == nil {
				r := c.rule
				r.Kind, r.Pairs = Explicit, p
				_, err = Generate(r, 4, 4, c.samePop, nil, nil, 1)
			}
			var list sim.FileErrors
			var fe *sim.FileError
			if errors.As(err, &list) {
				fe = list[0]
			} else if !errors.As(err, &fe) {
				t.Fatalf("error %v is not about a line of the file", err)
			}
			if fe.File != path || fe.Line != c.line || !strings.Contains(fe.Msg, c.msg) {
				t.Fatalf("error %q, want line %d and %q", err, c.line, c.msg)
			}
		})
	}
}
