package point

import "testing"

// TestParamLabel: a parameter is written with its unit where the model
// gives one, for axes ("I (µA/cm²)") and notes ("6.23 µA/cm²").
func TestParamLabel(t *testing.T) {
	m, err := Builtin("hh")
	if err != nil {
		t.Fatal(err)
	}
	if got := m.ParamLabel("I"); got != "I (µA/cm²)" {
		t.Errorf("label %q", got)
	}
	if got := m.ParamValue("I", 6.2309, "%.3g"); got != "6.23 µA/cm²" {
		t.Errorf("value %q", got)
	}
	if got := m.ParamLabel("nothing"); got != "nothing" {
		t.Errorf("label of a parameter the model lacks: %q", got)
	}
}
