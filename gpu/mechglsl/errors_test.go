package mechglsl

import (
	"strings"
	"testing"

	"neurite/compartments/mech"
	"neurite/compartments/nmodl"
)

// TestNotOnGPU checks that what mech compiles but the GPU does not run
// yet is an error naming the file, the line and the feature.
func TestNotOnGPU(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"NET_RECEIVE in a density mechanism", "NEURON { SUFFIX q RANGE x }\nASSIGNED { x }\nNET_RECEIVE(w) {\n\tx = w\n}\n",
			"q.mod:3: NET_RECEIVE in a density mechanism (SUFFIX q): only a POINT_PROCESS takes events"},
		{"diam", "NEURON { SUFFIX q RANGE x }\nASSIGNED { x }\nBREAKPOINT {\n\tx = diam\n}\n",
			"q.mod:4: diam: the GPU does not give mechanisms diam yet"},
	} {
		mod, err := nmodl.Parse("q.mod", []byte(tc.src))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		m, err := mech.Compile(mod)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if _, _, err = Emit(m, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}
