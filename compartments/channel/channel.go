// Package channel turns channels typed as equations — gates by α and β or
// by steady state and time constant, and a current — into NMODL
// mechanisms. Each expression is parsed and checked by the lab's own
// front-end (sim/point.CheckExpr, the typed models' expr language) and
// written out as NMODL, which compartments/nmodl reads into the one
// checked tree that compartments/mech compiles: a typed channel and a
// .mod file run the same code.
package channel

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"

	"neurite/compartments/nmodl"
	"neurite/sim/point"
)

// Gate is a gate's kinetics: its opening and closing rates (1/ms), or
// its steady state and time constant (ms), as expressions of v (mV),
// celsius (°C) and the channel's parameters.
type Gate struct {
	Alpha, Beta string
	Inf, Tau    string
}

// Spec is a channel typed as equations.
type Spec struct {
	Name string
	// Ion is the ion whose current the channel carries (its reversal
	// potential is e<ion>, its concentrations <ion>i and <ion>o); ""
	// for a nonspecific current, whose reversal potential is a
	// parameter of the channel's own.
	Ion     string
	Params  map[string]float64 // RANGE parameters and their defaults
	Gates   map[string]Gate
	Current string // mA/cm², outward positive, of v, the parameters, the gates and the ion's variables
}

// Error is a mistake in a channel, located at its key (such as
// ["gates", "n", "alpha"] or ["current"]).
type Error struct {
	Key []string
	Msg string
}

func (e *Error) Error() string { return strings.Join(e.Key, ".") + ": " + e.Msg }

// Mod makes the channel's NMODL mechanism, its tree read from the NMODL
// written for it (file names it in messages).
func Mod(file string, s Spec) (*nmodl.Mod, error) {
	text, err := Source(s)
	if err != nil {
		return nil, err
	}
	mod, err := nmodl.Parse(file+": channel "+s.Name, []byte(text))
	if err != nil {
		return nil, &Error{Msg: fmt.Sprintf("the channel's NMODL does not read: %v", err)}
	}
	return mod, nil
}

// reserved are names a channel's parameters and gates may not take:
// NEURON's own and NMODL's constants.
var reserved = []string{"v", "celsius", "t", "dt", "diam", "area", "PI", "FARADAY", "R", "pi", "i"}

// Source writes the channel as NMODL: a SUFFIX mechanism with the
// parameters RANGE, a STATE per gate updated by cnexp (x' = α(1 − x) −
// βx, or (x∞ − x)/τ), each gate at its steady state at the start, and
// the current (a channel without gates is a leak).
func Source(s Spec) (string, error) {
	if !nmodlName(s.Name) {
		return "", &Error{Key: []string{"name"}, Msg: fmt.Sprintf("%q is not a name (letters, digits and _, from a letter)", s.Name)}
	}
	params := slices.Sorted(maps.Keys(s.Params))
	gates := slices.Sorted(maps.Keys(s.Gates))
	ionVars := []string{}
	if s.Ion != "" {
		if !nmodlName(s.Ion) {
			return "", &Error{Key: []string{"ion"}, Msg: fmt.Sprintf("%q is not an ion's name", s.Ion)}
		}
		ionVars = []string{"e" + s.Ion, s.Ion + "i", s.Ion + "o"}
	}
	seen := map[string]string{}
	for _, n := range ionVars {
		seen[n] = "a variable of the ion " + s.Ion
	}
	for _, n := range reserved {
		seen[n] = "NEURON's"
	}
	for _, group := range []struct {
		what  string
		names []string
	}{{"params", params}, {"gates", gates}} {
		for _, n := range group.names {
			if !nmodlName(n) {
				return "", &Error{Key: []string{group.what, n}, Msg: fmt.Sprintf("%q is not a name", n)}
			}
			if prev, dup := seen[n]; dup {
				return "", &Error{Key: []string{group.what, n}, Msg: fmt.Sprintf("%s is already %s", n, prev)}
			}
			seen[n] = "a parameter or a gate"
		}
	}
	rateNames := append([]string{"v", "celsius"}, params...)
	var deriv, init strings.Builder
	for _, g := range gates {
		gt := s.Gates[g]
		key := func(k string) []string { return []string{"gates", g, k} }
		nmodlOf := func(k, src string) (string, error) {
			if strings.TrimSpace(src) == "" {
				return "", &Error{Key: key(k), Msg: "is empty"}
			}
			return translate(src, rateNames, key(k))
		}
		switch {
		case gt.Alpha != "" || gt.Beta != "":
			if gt.Inf != "" || gt.Tau != "" {
				return "", &Error{Key: []string{"gates", g}, Msg: "give alpha and beta, or inf and tau, not both"}
			}
			a, err := nmodlOf("alpha", gt.Alpha)
			if err != nil {
				return "", err
			}
			b, err := nmodlOf("beta", gt.Beta)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&deriv, "\t%s' = %s * (1 - %s) - %s * %s\n", g, a, g, b, g)
			fmt.Fprintf(&init, "\t%s = %s / (%s + %s)\n", g, a, a, b)
		default:
			inf, err := nmodlOf("inf", gt.Inf)
			if err != nil {
				return "", err
			}
			tau, err := nmodlOf("tau", gt.Tau)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&deriv, "\t%s' = (%s - %s) / %s\n", g, inf, g, tau)
			fmt.Fprintf(&init, "\t%s = %s\n", g, inf)
		}
	}
	current, err := translate(s.Current, slices.Concat([]string{"v", "celsius"}, params, gates, ionVars), []string{"current"})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, ": written by Neurite for the channel %s typed as equations\nNEURON {\n\tSUFFIX %s\n", s.Name, s.Name)
	out := "i"
	if s.Ion != "" {
		out = "i" + s.Ion
		fmt.Fprintf(&b, "\tUSEION %s READ %s WRITE %s\n", s.Ion, strings.Join(ionVars, ", "), out)
	} else {
		b.WriteString("\tNONSPECIFIC_CURRENT i\n")
	}
	if len(params) > 0 {
		fmt.Fprintf(&b, "\tRANGE %s\n", strings.Join(params, ", "))
	}
	b.WriteString("}\n\nPARAMETER {\n")
	for _, p := range params {
		fmt.Fprintf(&b, "\t%s = %s\n", p, strconv.FormatFloat(s.Params[p], 'g', -1, 64))
	}
	b.WriteString("}\n\n")
	if len(gates) > 0 {
		fmt.Fprintf(&b, "STATE { %s }\n\n", strings.Join(gates, " "))
	}
	b.WriteString("ASSIGNED {\n\tv\n\tcelsius\n")
	for _, n := range ionVars {
		fmt.Fprintf(&b, "\t%s\n", n)
	}
	fmt.Fprintf(&b, "\t%s\n}\n\nBREAKPOINT {\n", out)
	if len(gates) > 0 {
		b.WriteString("\tSOLVE states METHOD cnexp\n")
	}
	fmt.Fprintf(&b, "\t%s = %s\n}\n", out, current)
	if len(gates) > 0 {
		fmt.Fprintf(&b, "\nINITIAL {\n%s}\n\nDERIVATIVE states {\n%s}\n", init.String(), deriv.String())
	}
	return b.String(), nil
}

// nmodlName reports whether s is a name NMODL reads.
func nmodlName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// translate checks an expression with the lab's front-end and writes
// its checked tree as an NMODL expression, every operation in
// parentheses so that NMODL's precedences cannot change it.
func translate(src string, names []string, key []string) (string, error) {
	tree, err := point.CheckExpr(src, names)
	if err != nil {
		return "", &Error{Key: key, Msg: strings.ReplaceAll(err.Error(), "\n", " ")}
	}
	out, err := write(tree)
	if err != nil {
		return "", &Error{Key: key, Msg: err.Error()}
	}
	return out, nil
}

// nmodlFuncs are the lab's functions NMODL has, by the lab's name.
var nmodlFuncs = map[string]string{
	"exp": "exp", "log": "log", "log10": "log10", "sqrt": "sqrt", "sin": "sin", "cos": "cos", "tan": "tan",
	"atan": "atan", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "pow": "pow", "abs": "fabs",
	"floor": "floor", "ceil": "ceil",
}

// nmodlOps are the binary operators, by the lab's spelling.
var nmodlOps = map[string]string{
	"+": "+", "-": "-", "*": "*", "/": "/", "^": "^", "**": "^",
	"<": "<", ">": ">", "<=": "<=", ">=": ">=", "==": "==", "!=": "!=",
	"and": "&&", "&&": "&&", "or": "||", "||": "||",
}

func write(n ast.Node) (string, error) {
	switch n := n.(type) {
	case *ast.FloatNode:
		return Num(n.Value), nil
	case *ast.IntegerNode:
		return Num(float64(n.Value)), nil
	case *ast.IdentifierNode:
		if n.Value == "pi" {
			return "PI", nil
		}
		return n.Value, nil
	case *ast.UnaryNode:
		x, err := write(n.Node)
		if err != nil {
			return "", err
		}
		switch n.Operator {
		case "-", "+":
			return "(" + n.Operator + x + ")", nil
		case "!", "not":
			return "(!" + x + ")", nil
		}
	case *ast.BinaryNode:
		op, ok := nmodlOps[n.Operator]
		if !ok {
			break
		}
		l, err := write(n.Left)
		if err != nil {
			return "", err
		}
		r, err := write(n.Right)
		if err != nil {
			return "", err
		}
		if op == "^" {
			// pow(), which NEURON's nocmodl also reads in a DERIVATIVE
			// block SOLVEd by cnexp (it cannot solve one with ^)
			return "pow(" + l + ", " + r + ")", nil
		}
		return "(" + l + " " + op + " " + r + ")", nil
	case *ast.CallNode:
		id, _ := n.Callee.(*ast.IdentifierNode)
		if id == nil || nmodlFuncs[id.Value] == "" {
			break
		}
		return call(nmodlFuncs[id.Value], n.Arguments)
	case *ast.BuiltinNode:
		if f := nmodlFuncs[n.Name]; f != "" {
			return call(f, n.Arguments)
		}
		return "", fmt.Errorf("%s() has no NMODL counterpart: a channel's expressions use + - * / ^, comparisons and %s", n.Name, funcList())
	case *ast.ConditionalNode:
		return "", fmt.Errorf("a conditional (c ? a : b) has no NMODL counterpart in an expression")
	}
	return "", fmt.Errorf("%s has no NMODL counterpart: a channel's expressions use + - * / ^, comparisons and %s", n.String(), funcList())
}

func call(f string, args []ast.Node) (string, error) {
	var as []string
	for _, a := range args {
		s, err := write(a)
		if err != nil {
			return "", err
		}
		as = append(as, s)
	}
	return f + "(" + strings.Join(as, ", ") + ")", nil
}

// Num writes a number exactly, in a form both NMODL and the lab's
// expressions read (a negative one in parentheses).
func Num(x float64) string {
	s := strconv.FormatFloat(x, 'g', -1, 64)
	if x < 0 {
		return "(" + s + ")"
	}
	return s
}

func funcList() string {
	return strings.Join(slices.Sorted(maps.Keys(nmodlFuncs)), " ")
}
