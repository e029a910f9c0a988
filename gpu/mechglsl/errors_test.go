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
		{"point process", "NEURON { POINT_PROCESS q NONSPECIFIC_CURRENT i }\nASSIGNED { i }\nBREAKPOINT { i = 0 }\n",
			"q.mod:1: POINT_PROCESS q: point processes run on the CPU engine only for now"},
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
