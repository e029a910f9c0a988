package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	flag "github.com/spf13/pflag"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"neurite/gpu"
	"neurite/sim/analysis"
	"neurite/sim/ode"
	"neurite/sim/output"
	"neurite/sim/point"
	"neurite/views"
)

// pointFlags are the options every dynamics command shares.
type pointFlags struct {
	set   *[]string
	stim  *string
	param *string // the parameter varied; nil where none is
}

func addPointFlags(fs *flag.FlagSet) pointFlags {
	return pointFlags{
		set:  fs.StringArray("set", nil, "set a parameter, NAME=VALUE (repeatable)"),
		stim: fs.String("stim", "", "input stimulus, e.g. step:amp=10,from=20,to=270 (see README)"),
	}
}

// addParamFlag adds --param, the parameter a command varies.
func (pf *pointFlags) addParamFlag(fs *flag.FlagSet, usage string) {
	pf.param = fs.String("param", "", usage+" (default: the model's input, I for most)")
}

// parsePoint parses a point-model command's arguments and loads its
// MODEL. valid checks the flags' values once parsed. On bad usage, or a
// model that does not load, it says why in one line and returns nil with
// the exit status.
func parsePoint(fs *flag.FlagSet, args []string, pf pointFlags, stdout, stderr io.Writer, valid func() error) (*point.Model, int) {
	if code, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return nil, code
	}
	if err := oneArg(fs, "MODEL"); err != nil {
		return nil, usageError(stderr, fs.Name(), "%v", err)
	}
	if err := valid(); err != nil {
		return nil, usageError(stderr, fs.Name(), "%v", err)
	}
	m, err := loadPoint(fs.Arg(0), pf)
	var bad badValue
	switch {
	case errors.As(err, &bad):
		return nil, usageError(stderr, fs.Name(), "%v", err)
	case err != nil:
		fmt.Fprintln(stderr, err)
		return nil, 1
	}
	return m, 0
}

// badValue is a flag's value that does not fit the model: the user's
// command line is wrong, not the model.
type badValue struct{ error }

// loadPoint reads a built-in model (NAME or NAME:PRESET) or a model typed
// as equations (a file), with the parameters and stimulus given. A name
// that looks like a file (a path or an extension) is read as one, so that
// a missing file is reported as such.
func loadPoint(name string, pf pointFlags) (*point.Model, error) {
	var m *point.Model
	var err error
	if _, statErr := os.Stat(name); statErr == nil || strings.ContainsRune(name, os.PathSeparator) || filepath.Ext(name) != "" {
		m, err = point.ReadModelFile(name)
	} else {
		m, err = point.Builtin(name)
	}
	if err != nil {
		return nil, err
	}
	for _, kv := range *pf.set {
		k, v, ok := strings.Cut(kv, "=")
		x, perr := strconv.ParseFloat(v, 64)
		if !ok || perr != nil {
			return nil, badValue{fmt.Errorf("--set %q: give NAME=NUMBER", kv)}
		}
		if err := m.SetParam(k, x); err != nil {
			return nil, badValue{fmt.Errorf("--set %q: %w", kv, err)}
		}
	}
	if *pf.stim != "" {
		if m.Stim, err = point.ParseStimulus(*pf.stim); err != nil {
			return nil, badValue{fmt.Errorf("--stim %q: %w", *pf.stim, err)}
		}
	}
	if pf.param != nil && *pf.param == "" {
		if *pf.param = m.Input; *pf.param == "" {
			return nil, badValue{fmt.Errorf("%s has no input parameter: name one with --param", m.Name)}
		}
	}
	if pf.param != nil {
		if _, ok := m.Param(*pf.param); !ok {
			return nil, badValue{fmt.Errorf("--param %q: %s has no such parameter", *pf.param, m.Name)}
		}
	}
	return m, nil
}

// increasing checks a range given by --from and --to. A reversed range
// is refused rather than swapped: the results' order and the advice
// given about the lowest value would otherwise surprise.
func increasing(from, to float64) error {
	if math.IsNaN(from) || math.IsNaN(to) || math.IsInf(from, 0) || math.IsInf(to, 0) {
		return fmt.Errorf("--from %g --to %g: give finite numbers", from, to)
	}
	if !(to > from) {
		return fmt.Errorf("--from %g --to %g: --to must be above --from", from, to)
	}
	return nil
}

// writeFigure writes a plot as PNG and SVG (16 × 10 cm) atomically.
func writeFigure(dir, base string, p *plot.Plot) error {
	for _, format := range []string{"png", "svg"} {
		if err := writePlotFile(filepath.Join(dir, base+"."+format), p); err != nil {
			return err
		}
	}
	return nil
}

// writePlotFile writes a plot, 16 × 10 cm, as PNG or SVG by the file's
// extension, atomically.
func writePlotFile(file string, p *plot.Plot) error {
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(file)), ".")
	return output.WriteFile(file, func(w io.Writer) error {
		return views.WritePlot(w, p, 16*vg.Centimeter, 10*vg.Centimeter, format)
	})
}

// writeCSV writes rows atomically.
func writeCSV(path string, header []string, rows [][]string) error {
	return output.WriteFile(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write(header)
		cw.WriteAll(rows)
		return cw.Error()
	})
}

func num(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', 10, 64)
}

// dynamicsUsage prints a command's usage and flags.
func dynamicsUsage(fs *flag.FlagSet, line string) func() {
	return func() {
		fmt.Fprintln(fs.Output(), "usage: "+line)
		fmt.Fprintf(fs.Output(), "MODEL is a built-in model (%s; NAME:PRESET for a preset, e.g. izhikevich:FS, inapk:low) or a model file of equations.\n",
			strings.Join(point.Names(), ", "))
		fs.PrintDefaults()
	}
}

// interruptible is the context of a command's work, done at Ctrl-C or
// SIGTERM: every command stops the same way, with what it says of it.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func bifurcationCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bifurcation", flag.ContinueOnError)
	pf := addPointFlags(fs)
	pf.addParamFlag(fs, "the parameter to vary")
	param := pf.param
	from := fs.Float64("from", 0, "first value")
	to := fs.Float64("to", 0, "last value")
	out := fs.String("out", "bifurcation", "directory for branches.csv, points.csv and the figure")
	cycles := fs.Bool("cycles", true, "continue limit cycles from Hopf points")
	sweep := countFlag(fs, "sweep", 0, 0, 1e6, "also a brute-force diagram of this many values (maxima of v)")
	isi := fs.Bool("isi", false, "the brute-force diagram records inter-spike intervals, in sweep.png")
	backend := choiceFlag(fs, "backend", "auto", "where the sweep runs: auto, cpu or gpu", "auto", "cpu", "gpu")
	quiet := fs.Bool("quiet", false, "no progress bar")
	fs.Usage = dynamicsUsage(fs, "neurite bifurcation MODEL --param NAME --from A --to B --out DIR [--sweep N]")
	m, code := parsePoint(fs, args, pf, stdout, stderr, func() error {
		if *sweep == 1 {
			return fmt.Errorf("--sweep %d: give at least 2 values, or 0 for none", *sweep)
		}
		return increasing(*from, *to)
	})
	if m == nil {
		return code
	}
	if err := outputDir("out", *out); err != nil {
		return usageError(stderr, fs.Name(), "%v", err)
	}
	ctx, cancel := interruptible()
	defer cancel()
	progress, finish := progressBar(stderr, 1, *quiet)
	d, err := analysis.Continue(ctx, m, *param, *from, *to, analysis.Options{Cycles: *cycles, Progress: progress})
	finish()
	if err != nil {
		return failed(stderr, err)
	}
	var sw []analysis.SweepPoint
	if *sweep > 1 {
		batch, note, err := gpu.NewBatch(*backend, m)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		if note != "" {
			fmt.Fprintln(stderr, note)
		}
		progress, finish := progressBar(stderr, 1, *quiet)
		sw, err = analysis.BruteForce(ctx, m, *param, *from, *to, *sweep, *isi, analysis.RunOptions{Method: ode.RK45, Progress: progress, Batch: batch})
		finish()
		if err != nil {
			return failed(stderr, err)
		}
	}
	var vars []string
	for _, v := range m.Vars {
		vars = append(vars, v.Name)
	}
	var rows [][]string
	for b, br := range d.Branches {
		for _, pt := range br {
			row := []string{strconv.Itoa(b + 1), "equilibrium", num(pt.P)}
			for _, x := range pt.X {
				row = append(row, num(x))
			}
			rows = append(rows, append(row, stability(pt.Stable), "", "", ""))
		}
	}
	for c, cb := range d.Cycles {
		for _, cp := range cb.Points {
			row := []string{strconv.Itoa(len(d.Branches) + c + 1), "cycle", num(cp.P)}
			for _, x := range cp.X0 {
				row = append(row, num(x))
			}
			rows = append(rows, append(row, stability(cp.Stable), num(cp.Period), num(cp.Min), num(cp.Max)))
		}
	}
	header := append(append([]string{"branch", "kind", "param"}, vars...), "stability", "period", m.Vars[m.V].Name+"_min", m.Vars[m.V].Name+"_max")
	errs := []error{writeCSV(filepath.Join(*out, "branches.csv"), header, rows)}
	rows = nil
	for _, s := range d.Special {
		row := []string{s.Type, num(s.P)}
		for _, x := range s.X {
			row = append(row, num(x))
		}
		rows = append(rows, append(row, s.Note, num(nanIfZero(s.L1, s.Type == "hopf")), num(nanIfZero(s.Omega, s.Type == "hopf")),
			num(nanIfZero(s.Period, s.Type == "lpc")), num(nanIfZero(s.Amplitude, s.Type == "lpc"))))
	}
	errs = append(errs, writeCSV(filepath.Join(*out, "points.csv"), append(append([]string{"type", "param"}, vars...), "note", "l1", "omega", "period", "amplitude"), rows))
	if *sweep > 1 {
		rows = nil
		for _, s := range sw {
			rows = append(rows, []string{num(s.P), num(s.Value)})
		}
		column := m.Vars[m.V].Name + "_max"
		if *isi {
			column = "isi_ms"
			errs = append(errs, writeFigure(*out, "sweep", views.SweepPlot(sw, m.ParamLabel(*param), m.TimeLabel("inter-spike interval"))))
		}
		errs = append(errs, writeCSV(filepath.Join(*out, "sweep.csv"), []string{"param", column}, rows))
	}
	maxima := sw
	if *isi {
		maxima = nil
	}
	errs = append(errs, writeFigure(*out, "bifurcation", views.BifurcationPlot(d, m.ParamLabel(*param), m.V, m.Vars[m.V].Label(), maxima)))
	if err := errors.Join(errs...); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	for _, line := range d.Report() {
		fmt.Fprintln(stdout, line)
	}
	wrote := "branches.csv, points.csv, bifurcation.png, bifurcation.svg"
	if *sweep > 1 {
		wrote += ", sweep.csv"
	}
	if *isi {
		wrote += ", sweep.png, sweep.svg"
	}
	fmt.Fprintf(stdout, "wrote %s/%s\n", *out, wrote)
	return 0
}

func stability(stable bool) string {
	if stable {
		return "stable"
	}
	return "unstable"
}

func nanIfZero(x float64, keep bool) float64 {
	if !keep {
		return math.NaN()
	}
	return x
}

// failed reports a dynamics command's error and returns its exit status:
// an interrupt (Ctrl-C) is said as such, with 130, as run says it.
func failed(stderr io.Writer, err error) int {
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "interrupted; nothing written")
		return 130
	}
	fmt.Fprintln(stderr, err)
	return 1
}

func fiCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fi", flag.ContinueOnError)
	pf := addPointFlags(fs)
	pf.addParamFlag(fs, "the input parameter")
	param := pf.param
	from := fs.Float64("from", 0, "lowest current")
	to := fs.Float64("to", 0, "highest current")
	n := countFlag(fs, "n", 40, 2, 1e6, "currents")
	transient := fs.Float64("transient", 200, "time dropped before measuring the rate (ms)")
	duration := fs.Float64("duration", 1000, "time measured (ms)")
	method := fs.String("method", "rk45", "integrator: euler, rk4, rk45, expeuler")
	dt := fs.Float64("dt", 0.01, "step (fixed-step methods), first step (rk45)")
	out := fs.String("out", "fi", "directory for fi.csv and the figure")
	backend := choiceFlag(fs, "backend", "auto", "where the runs go: auto, cpu or gpu (which integrates with RK4, or Euler, at --dt)", "auto", "cpu", "gpu")
	quiet := fs.Bool("quiet", false, "no progress bar")
	fs.Usage = dynamicsUsage(fs, "neurite fi MODEL --param NAME --from A --to B --out DIR [--n 40]")
	var meth ode.Method
	m, code := parsePoint(fs, args, pf, stdout, stderr, func() error {
		var ok bool
		if meth, ok = ode.Methods[*method]; !ok {
			return fmt.Errorf("--method %q: give euler, rk4, rk45 or expeuler", *method)
		}
		if !(*dt > 0) {
			return fmt.Errorf("--dt %g: give a positive step in ms", *dt)
		}
		if !(*duration > 0) {
			return fmt.Errorf("--duration %g: give a positive time in ms", *duration)
		}
		if !(*transient >= 0) {
			return fmt.Errorf("--transient %g: give a time of 0 ms or more", *transient)
		}
		return increasing(*from, *to)
	})
	if m == nil {
		return code
	}
	if err := outputDir("out", *out); err != nil {
		return usageError(stderr, fs.Name(), "%v", err)
	}
	ctx, cancel := interruptible()
	defer cancel()
	progress, finish := progressBar(stderr, 1, *quiet)
	batch, note, err := gpu.NewBatch(*backend, m)
	if err != nil {
		finish()
		fmt.Fprintln(stderr, err)
		return 1
	}
	if note != "" {
		fmt.Fprintln(stderr, note)
	}
	fi, err := analysis.FI(ctx, m, *param, *from, *to, *n, analysis.RunOptions{Method: meth, Dt: *dt, Transient: *transient, Duration: *duration, Progress: progress, Batch: batch})
	finish()
	if err != nil {
		return failed(stderr, err)
	}
	var rows [][]string
	for _, p := range fi.Points {
		rows = append(rows, []string{num(p.I), num(p.Rate), strconv.Itoa(p.Spikes)})
	}
	unit := ""
	for _, p := range m.Params {
		if p.Name == *param {
			unit = p.Unit
		}
	}
	if err := errors.Join(writeCSV(filepath.Join(*out, "fi.csv"), []string{*param, "rate_hz", "spikes"}, rows),
		writeFigure(*out, "fi", views.FIPlot(fi, unit))); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintln(stdout, fi.Note)
	if fi.Class != 0 {
		// The pulse-pair test is made at rest: at the lowest current asked for.
		rest := m.Clone()
		rest.SetParam(*param, math.Min(*from, *to))
		if ex, err := analysis.Diagnose(ctx, rest); err != nil {
			fmt.Fprintf(stdout, "integrator or resonator: not tested at %s = %g: %v\n", *param, math.Min(*from, *to), err)
		} else {
			fmt.Fprintln(stdout, ex.Note)
		}
	}
	fmt.Fprintf(stdout, "wrote %s/fi.csv, fi.png, fi.svg\n", *out)
	return 0
}

func integratorsCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("integrators", flag.ContinueOnError)
	pf := addPointFlags(fs)
	tstop := fs.Float64("tstop", 100, "simulated time (ms)")
	out := fs.String("out", "integrators", "directory for integrators.csv and the figure")
	fs.Usage = dynamicsUsage(fs, "neurite integrators MODEL [--tstop 100] --out DIR")
	m, code := parsePoint(fs, args, pf, stdout, stderr, func() error { return positiveTime("tstop", *tstop) })
	if m == nil {
		return code
	}
	if err := outputDir("out", *out); err != nil {
		return usageError(stderr, fs.Name(), "%v", err)
	}
	ctx, cancel := interruptible()
	defer cancel()
	res, err := analysis.CompareIntegrators(ctx, m, *tstop)
	if err != nil {
		return failed(stderr, err)
	}
	var rows [][]string
	var table bytes.Buffer
	fmt.Fprintf(&table, "%-9s %10s %12s %12s %10s %10s\n", "method", "step/tol", "max|Δv|", "max|Δspike|", "evals", "wall ms")
	for _, r := range res {
		wall := float64(r.Wall.Microseconds()) / 1000
		rows = append(rows, []string{r.Method, num(r.Step), num(r.Error), num(r.SpikeError), strconv.Itoa(r.Evals), num(wall)})
		fmt.Fprintf(&table, "%-9s %10.3g %12.3g %12.3g %10d %10.2f\n", r.Method, r.Step, r.Error, r.SpikeError, r.Evals, wall)
	}
	if err := errors.Join(writeCSV(filepath.Join(*out, "integrators.csv"), []string{"method", "step_or_rtol", "max_abs_dv", "max_abs_dspike_ms", "evals", "wall_ms"}, rows),
		writeFigure(*out, "integrators", views.IntegratorsPlot(res))); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	stdout.Write(table.Bytes())
	fmt.Fprintf(stdout, "wrote %s/integrators.csv, integrators.png, integrators.svg\n", *out)
	return 0
}

func lyapunovCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lyapunov", flag.ContinueOnError)
	pf := addPointFlags(fs)
	transient := fs.Float64("transient", 100, "time dropped first, onto the attractor (model time units)")
	duration := fs.Float64("duration", 1000, "time averaged over")
	tau := fs.Float64("tau", 1, "renormalisation interval")
	fs.Usage = dynamicsUsage(fs, "neurite lyapunov MODEL [--set NAME=VALUE] [--transient 100] [--duration 1000]")
	m, code := parsePoint(fs, args, pf, stdout, stderr, func() error {
		switch {
		case !(*duration > 0) || math.IsInf(*duration, 0):
			return fmt.Errorf("--duration %g: give a positive time", *duration)
		case !(*tau > 0):
			return fmt.Errorf("--tau %g: give a positive interval", *tau)
		case *duration / *tau < analysis.MinRenormalisations:
			return fmt.Errorf("--duration %g: give at least %d times --tau (%g), the intervals the estimate averages over", *duration, analysis.MinRenormalisations, analysis.MinRenormalisations**tau)
		case !(*transient >= 0) || math.IsInf(*transient, 0):
			return fmt.Errorf("--transient %g: give a time of 0 or more", *transient)
		}
		return nil
	})
	if m == nil {
		return code
	}
	ctx, cancel := interruptible()
	defer cancel()
	l, err := analysis.LargestLyapunov(ctx, m, *transient, *duration, *tau)
	if err != nil {
		return failed(stderr, err)
	}
	verdict := "not chaotic: a fixed point or a cycle (λ1 ≤ 0 within the estimate's error)"
	switch {
	case l.Chaotic():
		verdict = "chaotic: nearby trajectories separate exponentially"
	case !l.Converged():
		verdict = "undecided: the estimate has not converged; give a longer --duration"
	}
	fmt.Fprintf(stdout, "largest Lyapunov exponent λ1 = %.4g ± %.2g per time unit: %s\n", l.L, l.Spread, verdict)
	return 0
}
