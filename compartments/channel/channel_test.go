package channel

import (
	"strings"
	"testing"
)

// TestTranslate: the lab's expressions become NMODL with every operation
// parenthesised, its functions renamed where NMODL names them otherwise,
// and what NMODL lacks refused, naming it.
func TestTranslate(t *testing.T) {
	names := []string{"v", "a", "b"}
	for _, c := range []struct{ src, want, err string }{
		{"a + b * v", "(a + (b * v))", ""},
		{"-v^2", "(-pow(v, 2))", ""},
		{"(-v)^2", "pow((-v), 2)", ""},
		{"v ** 3", "pow(v, 3)", ""},
		{"(2 ^ v^2)^(-1)", "pow(pow(2, pow(v, 2)), (-1))", ""},
		{"exp(-(v + 40)/10)", "exp(((-(v + 40)) / 10))", ""},
		{"abs(v) + pi", "(fabs(v) + PI)", ""},
		{"2 * 3 + v", "(6 + v)", ""},
		{"1e-5 * v", "(1e-05 * v)", ""},
		{"v > 0 ? a : b", "", "conditional"},
		{"max(a, b)", "", "max() has no NMODL counterpart"},
		{"heav(v)", "", "heav(v) has no NMODL counterpart"},
		{"q * v", "", "unknown name q"},
		{"v +", "", "unexpected"},
	} {
		got, err := translate(c.src, names, []string{"current"})
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%s: %v", c.src, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: error %v, want one saying %q", c.src, err, c.err)
		case c.err == "" && got != c.want:
			t.Errorf("%s: %s, want %s", c.src, got, c.want)
		}
	}
}

// TestSpecErrors: a channel's mistakes are located at their keys.
func TestSpecErrors(t *testing.T) {
	gate := map[string]Gate{"n": {Alpha: "0.1", Beta: "0.2"}}
	for _, c := range []struct {
		name string
		s    Spec
		key  string
		msg  string
	}{
		{"bad name", Spec{Name: "1k", Gates: gate, Current: "n"}, "name", "not a name"},
		{"gate named v", Spec{Name: "k", Gates: map[string]Gate{"v": {Inf: "1", Tau: "1"}}, Current: "1"}, "gates.v", "NEURON's"},
		{"param and gate", Spec{Name: "k", Params: map[string]float64{"n": 1}, Gates: gate, Current: "n"}, "gates.n", "already"},
		{"ion variable as parameter", Spec{Name: "k", Ion: "k", Params: map[string]float64{"ek": 1}, Gates: gate, Current: "n"}, "params.ek", "ion k"},
		{"both forms", Spec{Name: "k", Gates: map[string]Gate{"n": {Alpha: "1", Beta: "1", Tau: "1"}}, Current: "n"}, "gates.n", "not both"},
		{"missing beta", Spec{Name: "k", Gates: map[string]Gate{"n": {Alpha: "1"}}, Current: "n"}, "gates.n.beta", "empty"},
		{"gate in a rate", Spec{Name: "k", Gates: map[string]Gate{"n": {Inf: "n", Tau: "1"}}, Current: "n"}, "gates.n.inf", "unknown name n"},
		{"current", Spec{Name: "k", Gates: gate, Current: "n * (v - ek)"}, "current", "unknown name ek"},
	} {
		_, err := Mod("m.toml", c.s)
		e, ok := err.(*Error)
		if !ok || strings.Join(e.Key, ".") != c.key || !strings.Contains(e.Msg, c.msg) {
			t.Errorf("%s: %v, want an error at %s saying %q", c.name, err, c.key, c.msg)
		}
	}
}

// TestSource: a potassium channel by alpha and beta reads as an NMODL
// mechanism of the ion, its gate a cnexp STATE at its steady state.
func TestSource(t *testing.T) {
	mod, err := Mod("m.toml", Spec{Name: "kdr", Ion: "k", Params: map[string]float64{"gbar": 0.036},
		Gates:   map[string]Gate{"n": {Alpha: "0.01*(v + 55)/(1 - exp(-(v + 55)/10))", Beta: "0.125*exp(-(v + 65)/80)"}},
		Current: "gbar * n^4 * (v - ek)"})
	if err != nil {
		t.Fatal(err)
	}
	if mod.Name != "kdr" || len(mod.Ions) != 1 || mod.Ions[0].Name != "k" || mod.Symbol("n") == nil || mod.Proc("states") == nil {
		t.Fatalf("read back as %s with ions %v", mod.Name, mod.Ions)
	}
}
