// Package nmodl reads NEURON's mechanism files (.mod, NMODL) into a
// checked syntax tree in which every block, statement and expression
// carries its line: the first step from a user's .mod file to a
// mechanism that runs on the CPU and the GPU with no compiler at run time.
//
// Parse reads one file and checks it: the NEURON block (SUFFIX or
// POINT_PROCESS, USEION, NONSPECIFIC_CURRENT, RANGE, GLOBAL, THREADSAFE),
// UNITS, PARAMETER, ASSIGNED, STATE, INDEPENDENT, INITIAL, BREAKPOINT with
// SOLVE ... METHOD cnexp, derivimplicit or sparse, DERIVATIVE, KINETIC
// (reactions and CONSERVE), PROCEDURE, FUNCTION, NET_RECEIVE (with its
// INITIAL), LOCAL, if/else, TABLE and expressions with nocmodl's operators.
// Every other construct NMODL has (VERBATIM, POINTER, FUNCTION_TABLE,
// LINEAR, ...) is an error naming the file, the line and the construct:
// nothing is skipped. Comments (":" and "?" to the end of the line,
// COMMENT ... ENDCOMMENT) are dropped, and so are UNITSON and UNITSOFF,
// which only switch nocmodl's unit checking, which Neurite does not do.
//
// The check resolves every name (Name.Ref, Call.Proc) and refuses
// undeclared names, duplicate declarations, a SOLVE of a block that is not
// there or with a method that cannot solve it, and assignments to
// PARAMETERs, each error "file:line: what is wrong".
//
// Expressions are this package's own small tree (Num, Name, Unary, Binary,
// Call), not expr's ast.Node that the typed point models use
// (sim/point/compile.go): NMODL computes in doubles only, where expr types
// integers and floats apart and its lowering depends on that typing; the
// tree must carry the .mod file's lines, units on literals and calls of the
// file's own FUNCTIONs and PROCEDUREs; and expressions live inside
// statements (assignments, if/else, SOLVE, reactions) that expr has no
// tree for. The later lowering to Go closures over mechanism groups and to
// GLSL starts from this one tree; channels typed as equations reach it by
// translating expr's checked tree into it.
package nmodl
