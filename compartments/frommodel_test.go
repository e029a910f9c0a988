package compartments_test

import (
	"strings"
	"testing"

	"neurite/compartments"
	"neurite/sim/spec"
)

// TestFromModelErrors: every problem FromModel finds is reported at once,
// at the model file's line, or naming the command-line setting behind it.
func TestFromModelErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		src  string
		sets []string
		want string
	}{
		{"sections", `
[[morphology.section]]
name = "soma"
length = 20
diam = 20

[[morphology.section]]
name = "soma"
parent = "soma"
length = 10
diam = 1

[[morphology.section]]
name = "axon"
parent = "hillock"
length = 10
diam = 1

[[morphology.section]]
name = "node"
parent = "axon"
length = 10
diam = 1

[run]
tstop = 10
record_interval = 0.03
`, nil, "model.toml:7: section soma is defined twice\n" +
			`model.toml:13: section axon: parent "hillock" is not defined before it` + "\n" +
			"model.toml:27: record_interval 0.03 ms must be a positive multiple of dt = 0.025 ms"},
		{"locations and where", snapModel + "[[synapse]]\nat = \"dend(2)\"\nweight = 1\n", []string{"iclamp.stim.at=axon(0.5)", "biophysics.1.where=apical"},
			"--set biophysics.1.where=apical: where = \"apical\" matches no section: use \"all\", a region (soma, dend) or a section name such as dend\n" +
				"--set iclamp.stim.at=axon(0.5): location \"axon(0.5)\": no section named axon\n" +
				"model.toml:36: location \"dend(2)\": x must be a number in [0, 1]",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := spec.Parse([]byte(c.src), "model.toml", nil, ".")
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Override(c.sets...); err != nil {
				t.Fatal(err)
			}
			_, _, err = compartments.FromModel(m)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got\n%v\nwant\n%s", err, c.want)
			}
		})
	}
}
