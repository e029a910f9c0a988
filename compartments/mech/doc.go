// Package mech compiles a checked NMODL tree (package nmodl) into a
// mechanism that the CPU cable engine evaluates over whole groups of
// instances at once.
//
// A Group holds the instances of one mechanism as a struct of arrays: one
// vector per PARAMETER, STATE and ASSIGNED variable. Compile turns every
// expression into a short program of vector instructions (vec.go), each
// one pass of one operation over all instances of a group into a scratch
// vector, and every statement into a closure over the group; nothing is
// interpreted per instance. With Go's SIMD experiment on a processor with
// AVX2 the arithmetic and exp run four instances at a time; exp is
// sim/fastexp's Lane, whose scalar twin gives the same bits, so that an
// instance's values do not depend on where it falls in a group, how the
// engine's threads split the cells, or the processor. A group of one
// instance (a soma's channel, a point process, an event's view) runs its
// programs value by value. A group of more than 256 instances runs a
// block at a time through views of its vectors, so that the scratch
// vectors stay in the first-level caches. IF/ELSE evaluates its condition
// vector and runs each branch under a mask of the instances that take
// it, skipping a branch no instance takes (Hay's `if (v == -38)` guards
// cost one comparison loop).
//
// The evaluation follows NEURON 8.2's generated C (see
// shared/reference/NMODL_SCHEME.md):
//
//   - Current evaluates BREAKPOINT without its SOLVE at v+0.001 and then at
//     v, the ion variables read once for both, as nocmodl's nrn_cur; di/dv is the difference quotient, the ASSIGNED variables keep the
//     values of the v evaluation, and the ion currents the mechanism WRITEs
//     are added into the cable's ion totals.
//   - Advance runs the SOLVE'd block with the node voltage of the end of
//     the step. METHOD cnexp updates x' = a + b*x exactly over dt,
//     x <- x + (1-exp(b*dt))*(-a/b - x), the form nocmodl writes; a and b
//     are found symbolically (the right side is split into the part free of
//     x and the factor of x), which is also how nocmodl finds them, so the
//     rounding follows NEURON's; an equation that is not linear in its own
//     state is refused, naming file and line.
//   - METHOD derivimplicit is backward Euler, x1 = x0 + dt*f(x1), solved
//     for all the block's states together by Newton's method with a
//     difference-quotient Jacobian (exact backward Euler for equations
//     linear in the states).
//   - METHOD sparse (KINETIC) is backward Euler on the reaction system with
//     the rates evaluated once, the CONSERVE sum replacing the equation of
//     the last state it names; SOLVE ... STEADYSTATE sparse is NEURON's one
//     step of dt = 1e9 ms from all-zero states. Reactions must be linear
//     (one state of coefficient 1 on each side), as in every channel
//     scheme Neurite has met.
//   - NET_RECEIVE runs for one instance per event (Group.Receive) through a
//     one-instance view of the group's vectors, with the NetCon's argument
//     vector loaded and stored back; net_send calls the engine back and
//     state_discontinuity is a plain assignment, as in NEURON 8.2.
//     NET_RECEIVE's INITIAL runs per NetCon (Group.InitNetCon), and a
//     net_send in INITIAL calls back from Group.InitEvents.
//   - An assignment to v inside the mechanism changes only the mechanism's
//     own copy of v, which is reloaded from the node voltage at the start
//     of every Init, Current and Advance.
//   - TABLE statements are ignored: the procedures are evaluated exactly,
//     as in the reference runs (usetable_<suffix> = 0).
//   - PARAMETER defaults are the literal values of the .mod text, not
//     nocmodl's 6-digit rounding (the references re-assign them).
//   - GLOBAL ASSIGNED variables written by a procedure (tadj) are kept per
//     instance: every instance computes the same value.
//
// A Mechanism is read-only after Compile: groups of one mechanism may run
// on different goroutines (all run-time vectors belong to the Group).
//
// Procedures and functions may not call themselves, directly or through
// others (nocmodl allows it; no mechanism Neurite runs needs it), so each
// one's arguments, LOCALs and scratch vectors are allocated once per group.
package mech
