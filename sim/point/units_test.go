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

// TestTimeUnit: the built-in neurons' time is in ms, FitzHugh–Nagumo's
// has no unit, and notes and axes say so.
func TestTimeUnit(t *testing.T) {
	for name, want := range map[string][2]string{
		"hh":  {"16.4 ms", "inter-spike interval (ms)"},
		"lif": {"16.4 ms", "inter-spike interval (ms)"},
		"fhn": {"16.4 time units", "inter-spike interval (time units)"},
	} {
		m, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.TimeValue(16.4, "%.3g"); got != want[0] {
			t.Errorf("%s: %q, want %q", name, got, want[0])
		}
		if got := m.TimeLabel("inter-spike interval"); got != want[1] {
			t.Errorf("%s: %q, want %q", name, got, want[1])
		}
	}
}
