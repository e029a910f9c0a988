package netbuild

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"neurite/sim/spec"
)

// mixedNet is a network of point neurons and cable cells: Poisson
// sources, LIF neurons and ball-and-stick cells (CELL: the cell file).
const mixedNet = `seed = 1
[run]
tstop = 10
dt = 0.025
[[population]]
name = "src"
size = 4
model = "poisson"
[[population]]
name = "lif"
size = 3
model = "lif"
[[population]]
name = "cells"
size = 2
cell = CELL
[[projection]]
name = "src_lif"
from = "src"
to = "lif"
rule = "all_to_all"
weight = 1
delay = 1
[[projection]]
name = "src_cells"
from = "src"
to = "cells"
rule = "all_to_all"
weight = 0.001
delay = 1
at = "dend(0.5)"
[[projection]]
name = "cells_cells"
from = "cells"
to = "cells"
rule = "all_to_all"
weight = 0.001
delay = 1
at = "dend(0.5)"
`

// TestMixedErrors: what a network of both kinds cannot do is refused
// with the line of the whole file, the parts each kind is built from
// keeping the file's lines.
func TestMixedErrors(t *testing.T) {
	for _, c := range []struct {
		name, text, at, want string
	}{
		{"cable part: its entry's own line", replaceLast(mixedNet, `at = "dend(0.5)"`, `region = "apical"`), "[[projection]]", "projection cells_cells: region apical of cells has no cable"},
		{"link onto a site not on the cells", strings.Replace(mixedNet, `at = "dend(0.5)"`, `at = "axon(0.5)"`, 1), `at = "axon(0.5)"`, `projection src_cells: location "axon(0.5)": no section named axon`},
	} {
		t.Run(c.name, func(t *testing.T) {
			cell, err := filepath.Abs(filepath.Join("..", "..", "assets", "models", "ball_and_stick_net", "cell.toml"))
			if err != nil {
				t.Fatal(err)
			}
			text := strings.ReplaceAll(c.text, "CELL", fmt.Sprintf("%q", cell))
			// The line of the last occurrence of c.at: the entry at fault
			// (the third projection, the first of the cable cells' part).
			lines := strings.Split(text, "\n")
			line := 0
			for k, l := range lines {
				if l == c.at {
					line = k + 1
				}
			}
			n, err := spec.LoadNetwork(write(t, "net.toml", text))
			if err == nil {
				_, err = Build(n)
			}
			want := fmt.Sprintf("net.toml:%d: ", line)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), want) {
				t.Errorf("got %v, want an error at %s containing %q", err, want, c.want)
			}
		})
	}
}

// replaceLast replaces the last occurrence of old in s.
func replaceLast(s, old, new string) string {
	i := strings.LastIndex(s, old)
	return s[:i] + new + s[i+len(old):]
}
