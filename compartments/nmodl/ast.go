package nmodl

import "fmt"

// Pos is a place in a .mod file: line and column, from 1.
type Pos struct{ Line, Col int }

// Error is a problem with a .mod file: "file:line: what is wrong".
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// MechKind says how a mechanism sits on a cell.
type MechKind int

const (
	// Density is a SUFFIX mechanism: per unit area of membrane, currents
	// in mA/cm2.
	Density MechKind = iota
	// PointProcess is a POINT_PROCESS: placed at a point, currents in nA.
	PointProcess
)

func (k MechKind) String() string {
	if k == PointProcess {
		return "POINT_PROCESS"
	}
	return "SUFFIX"
}

// Mod is one checked .mod file.
type Mod struct {
	File       string
	Title      string
	Kind       MechKind
	Name       string // the SUFFIX or POINT_PROCESS name
	NamePos    Pos
	ThreadSafe bool

	Ions        []*Ion
	Nonspecific []string // NONSPECIFIC_CURRENTs, in order
	UnitDefs    []UnitDef
	Constants   []*UnitConst

	// Symbols are the declared names: the constants of UNITS and the
	// names of PARAMETER, ASSIGNED and STATE in the file's order, then
	// the ion variables of USEION that no block declares. Symbol finds
	// one by name.
	Symbols []*Symbol

	// Undeclared are the names RANGE or GLOBAL list but no block
	// declares: nocmodl accepts them (ampa.mod's RANGE R), they have no
	// value, and no statement may use them.
	Undeclared []*Name

	Initial    *Block // nil without INITIAL
	Breakpoint *Block // nil without BREAKPOINT
	Procs      []*Proc
	NetReceive *Proc // nil without NET_RECEIVE

	symbols map[string]*Symbol
	procs   map[string]*Proc
}

// Symbol returns the declared name n, or nil.
func (m *Mod) Symbol(n string) *Symbol { return m.symbols[n] }

// Proc returns the PROCEDURE, FUNCTION, DERIVATIVE or KINETIC block
// named n, or nil.
func (m *Mod) Proc(n string) *Proc { return m.procs[n] }

// Ion is a USEION line.
type Ion struct {
	Name        string // na, k, ca, ...
	Read, Write []string
	Valence     float64 // VALENCE, or the known valence of na, k, ca
	Pos         Pos
}

// Variables returns the ion's four variables: reversal potential,
// current, inside and outside concentration (ena, ina, nai, nao).
func (i *Ion) Variables() [4]string {
	return [4]string{"e" + i.Name, "i" + i.Name, i.Name + "i", i.Name + "o"}
}

// UnitDef is a unit alias of the UNITS block: (mA) = (milliamp).
type UnitDef struct {
	Name, Def string
	Pos       Pos
}

// UnitConst is a named constant of the UNITS block, FARADAY = (faraday)
// (coulombs): the value of the physical constant in the second unit.
type UnitConst struct {
	Name, From, To string
	Value          float64
	Pos            Pos
}

// SymKind is the block that declares a name.
type SymKind int

// The kinds of declared names.
const (
	Parameter SymKind = iota + 1
	Assigned
	State
	Constant // a named constant of the UNITS block
	IonVar   // an ion variable that USEION declares and no block does
)

func (k SymKind) String() string {
	return [...]string{"", "PARAMETER", "ASSIGNED", "STATE", "UNITS constant", "ion variable"}[k]
}

// Visibility is how NEURON exposes a name: per instance (RANGE) or
// shared by all instances (GLOBAL).
type Visibility int

// The visibilities; None for a name that is neither (NEURON makes an
// unlisted PARAMETER GLOBAL and an unlisted ASSIGNED or STATE RANGE).
const (
	None Visibility = iota
	Range
	Global
)

// IonRole is what a mechanism does with an ion variable.
type IonRole int

// The roles of USEION's READ and WRITE lists (a variable may be both).
const (
	IonRead IonRole = 1 << iota
	IonWrite
)

// Symbol is a declared name.
type Symbol struct {
	Name       string
	Kind       SymKind
	Unit       string   // as written, without parentheses; "" when none
	Default    *float64 // PARAMETER value, or nil
	Lo, Hi     *float64 // PARAMETER <lo,hi> or STATE FROM lo TO hi, or nil
	Visibility Visibility
	Ion        *Ion    // the USEION that declares it, or nil
	IonRole    IonRole // with Ion
	Builtin    bool    // v, celsius, t, dt, diam or area, declared as NEURON's own
	Pos        Pos
}

// ProcKind is the kind of a named code block.
type ProcKind int

// The kinds of code blocks.
const (
	Procedure ProcKind = iota + 1
	Function
	Derivative
	Kinetic
	NetReceive
)

func (k ProcKind) String() string {
	return [...]string{"", "PROCEDURE", "FUNCTION", "DERIVATIVE", "KINETIC", "NET_RECEIVE"}[k]
}

// Proc is a PROCEDURE, FUNCTION, DERIVATIVE, KINETIC or NET_RECEIVE block.
type Proc struct {
	Kind ProcKind
	Name string // NET_RECEIVE's is "NET_RECEIVE"
	Args []Arg
	Unit string // a FUNCTION's result unit
	Body *Block
	// Initial is NET_RECEIVE's INITIAL block (per NetCon start values),
	// or nil.
	Initial *Block
	Pos     Pos
}

// Arg is an argument of a FUNCTION, PROCEDURE or NET_RECEIVE.
type Arg struct {
	Name, Unit string
	Pos        Pos
}

// Block is a list of statements between braces.
type Block struct {
	Stmts []Stmt
	Pos   Pos
}

// Stmt is a statement: *Local, *Assign, *Diff, *CallStmt, *If, *Solve,
// *Table, *Reaction or *Conserve.
type Stmt interface{ At() Pos }

// Local declares scratch variables for the rest of its block.
type Local struct {
	Names []string
	Pos   Pos
}

// Assign is "Target = Value".
type Assign struct {
	Target *Name
	Value  Expr
	Pos    Pos
}

// Diff is "State' = Value" in a DERIVATIVE block.
type Diff struct {
	State *Name
	Value Expr
	Pos   Pos
}

// CallStmt is a PROCEDURE or FUNCTION called for its effect, or
// net_send or state_discontinuity.
type CallStmt struct {
	Call *Call
	Pos  Pos
}

// If is "if (Cond) {Then} else {Else}"; "else if" is an Else block
// holding one If.
type If struct {
	Cond       Expr
	Then, Else *Block // Else nil when absent
	Pos        Pos
}

// SolveHow says what a SOLVE statement asks for.
type SolveHow int

// SOLVE ... METHOD (integrate one step, in BREAKPOINT) or SOLVE ...
// STEADYSTATE (go to the steady state, in INITIAL).
const (
	SolveMethod SolveHow = iota + 1
	SolveSteady
)

// The methods of SOLVE that Neurite runs.
const (
	Cnexp         = "cnexp"
	Derivimplicit = "derivimplicit"
	Sparse        = "sparse"
)

// Solve is "SOLVE Block METHOD m" or "SOLVE Block STEADYSTATE m".
type Solve struct {
	Block  string
	Proc   *Proc // set by the check
	How    SolveHow
	Method string
	Pos    Pos
}

// Table is "TABLE Names DEPEND Depend FROM From TO To WITH With": the
// PROCEDURE's assigned Names (none in a FUNCTION, whose value is
// tabulated) as tables of its one argument.
type Table struct {
	Names, Depend []string
	From, To      Expr
	With          int
	Pos           Pos
}

// Term is a state with its stoichiometric coefficient in a reaction, or
// a state in a CONSERVE sum.
type Term struct {
	Coef  int
	State *Name
}

// Reaction is "~ Left <-> Right (Forward, Backward)", or with Flux set
// "~ Left << (Forward)": a flux Forward into the one state on the left.
type Reaction struct {
	Left, Right       []Term
	Forward, Backward Expr // Backward nil for a flux
	Flux              bool
	Pos               Pos
}

// Conserve is "CONSERVE Terms = Total".
type Conserve struct {
	Terms []Term
	Total Expr
	Pos   Pos
}

func (s *Local) At() Pos    { return s.Pos }
func (s *Assign) At() Pos   { return s.Pos }
func (s *Diff) At() Pos     { return s.Pos }
func (s *CallStmt) At() Pos { return s.Pos }
func (s *If) At() Pos       { return s.Pos }
func (s *Solve) At() Pos    { return s.Pos }
func (s *Table) At() Pos    { return s.Pos }
func (s *Reaction) At() Pos { return s.Pos }
func (s *Conserve) At() Pos { return s.Pos }

// Expr is an expression: *Num, *Name, *Unary, *Binary or *Call. All
// values are doubles, as in the C that nocmodl writes; comparisons and
// logical operators give 1 or 0.
type Expr interface{ At() Pos }

// Num is a literal with its text (NEURON copies a literal in code
// verbatim) and the unit written after it, if any.
type Num struct {
	Value      float64
	Text, Unit string
	Pos        Pos
}

// RefKind is what a name stands for, as the check resolved it.
type RefKind int

// The kinds of names.
const (
	RefSymbol  RefKind = iota + 1 // a declared name: Name.Sym
	RefBuiltin                    // v, celsius, t, dt, diam or area not declared in the file
	RefLocal                      // a LOCAL
	RefArg                        // an argument of the enclosing block: Name.Arg its index
	RefResult                     // a FUNCTION's own name: its value
	RefFlag                       // NET_RECEIVE's flag
)

// Name is a name in an expression or on the left of an assignment.
type Name struct {
	Name string
	Ref  RefKind // set by the check
	Sym  *Symbol // with RefSymbol
	Arg  int     // with RefArg
	Pos  Pos
}

// Unary is -X, +X or !X.
type Unary struct {
	Op  string
	X   Expr
	Pos Pos
}

// Binary is L Op R with Op one of + - * / ^ < > <= >= == != && ||.
type Binary struct {
	Op   string
	L, R Expr
	Pos  Pos
}

// Call is a call of a built-in function (Proc nil) or of one of the
// file's FUNCTIONs or PROCEDUREs (Proc, set by the check).
type Call struct {
	Func string
	Args []Expr
	Proc *Proc
	Pos  Pos
}

func (e *Num) At() Pos    { return e.Pos }
func (e *Name) At() Pos   { return e.Pos }
func (e *Unary) At() Pos  { return e.Pos }
func (e *Binary) At() Pos { return e.Pos }
func (e *Call) At() Pos   { return e.Pos }
