package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	flag "github.com/spf13/pflag"

	"neurite/sim/spec"
)

// parseFlags parses a command's arguments with pflag's own messages
// silenced. On --help it prints the command's usage (fs.Usage, which
// writes to fs.Output()) to stdout and returns exit status 0; on a bad
// flag it says what is wrong in one line, with a hint, and returns 2.
// ok is true when the command should go on.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (code int, ok bool) {
	usage := fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.Usage = usage
	fs.SetOutput(stdout)
	switch {
	case errors.Is(err, flag.ErrHelp):
		if usage != nil {
			usage()
		}
		return 0, false
	case err != nil:
		return usageError(stderr, fs.Name(), "%s", flagProblem(fs, err)), false
	}
	return 0, true
}

// usageError says what is wrong with a command line in one line, then
// where to find the flags, and returns exit status 2.
func usageError(stderr io.Writer, cmd, format string, args ...any) int {
	fmt.Fprintf(stderr, "neurite %s: %s\n", cmd, fmt.Sprintf(format, args...))
	fmt.Fprintf(stderr, "run \"neurite %s --help\" for the flags\n", cmd)
	return 2
}

// flagProblem turns pflag's error into the user's words.
func flagProblem(fs *flag.FlagSet, err error) string {
	var unknown *flag.NotExistError
	var invalid *flag.InvalidValueError
	var missing *flag.ValueRequiredError
	switch {
	case errors.As(err, &unknown):
		name := unknown.GetSpecifiedName()
		if short := unknown.GetSpecifiedShortnames(); name == "" || short != "" {
			// -o: pflag names a single dash's letters as the flag too
			if near := closestFlag(fs, short); near != "" && len(short) > 1 {
				return fmt.Sprintf("unknown flag -%s (did you mean --%s?)", short, near)
			}
			return fmt.Sprintf("unknown flag -%s (flags take two dashes: --name)", short)
		}
		if near := closestFlag(fs, name); near != "" {
			return fmt.Sprintf("unknown flag --%s (did you mean --%s?)", name, near)
		}
		return fmt.Sprintf("unknown flag --%s", name)
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		return fmt.Sprintf("--%s %q: give %s", f.Name, invalid.GetValue(), kindOf(f))
	case errors.As(err, &missing):
		return fmt.Sprintf("--%s needs a value", missing.GetFlag().Name)
	}
	return err.Error()
}

// kindOf names what a flag's value must be.
func kindOf(f *flag.Flag) string {
	switch v := f.Value.(type) {
	case *choice:
		return orList(v.allowed)
	case *countValue:
		return fmt.Sprintf("a whole number from %d to %d", v.lo, v.hi)
	}
	switch f.Value.Type() {
	case "float64":
		return "a number"
	case "int", "int64", "uint":
		return "a whole number"
	case "bool":
		return "true or false"
	case "duration":
		return "a duration such as 10s"
	}
	return "a " + f.Value.Type()
}

// closestFlag is the flag name nearest to name, if one is near enough to
// be a typing slip.
func closestFlag(fs *flag.FlagSet, name string) string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	return spec.Closest(name, names)
}

// positiveTime refuses a time that is not a positive number.
func positiveTime(name string, v float64) error {
	if !(v > 0) || math.IsInf(v, 0) {
		return fmt.Errorf("--%s %g: give a positive time in ms", name, v)
	}
	return nil
}

// tstopSets checks --tstop, when given, and returns the --set settings
// with it added as run.tstop: it then stands for the file's tstop, or
// supplies one the file lacks, as --set run.tstop would.
func tstopSets(fs *flag.FlagSet, tstop float64, sets []string) ([]string, error) {
	if !fs.Changed("tstop") {
		return sets, nil
	}
	if err := positiveTime("tstop", tstop); err != nil {
		return nil, err
	}
	return append(slices.Clip(sets), "run.tstop="+strconv.FormatFloat(tstop, 'g', -1, 64)), nil
}

// oneArg checks a command got exactly one MODEL.
func oneArg(fs *flag.FlagSet, what string) error {
	switch fs.NArg() {
	case 0:
		return fmt.Errorf("give a %s", what)
	case 1:
		return nil
	}
	return fmt.Errorf("give one %s, not %d arguments (%s)", what, fs.NArg(), strings.Join(fs.Args(), " "))
}

// choice is a flag whose value is one of a few words, checked as it is
// parsed: a mistyped one is a usage error, as an unknown flag is.
type choice struct {
	value   string
	allowed []string
}

// choiceFlag defines a flag taking one of allowed (def may be "": none
// given).
func choiceFlag(fs *flag.FlagSet, name, def, usage string, allowed ...string) *string {
	c := &choice{value: def, allowed: allowed}
	fs.Var(c, name, usage)
	return &c.value
}

func (c *choice) String() string { return c.value }
func (c *choice) Type() string   { return "string" }

func (c *choice) Set(s string) error {
	if !slices.Contains(c.allowed, s) {
		return fmt.Errorf("not one of %s", orList(c.allowed))
	}
	c.value = s
	return nil
}

// countValue is a flag of a whole number within bounds, checked as it is
// parsed: sizes beyond what a machine holds are refused in one line, not
// met by running out of memory.
type countValue struct {
	n      int
	lo, hi int
}

// countFlag defines a flag of a whole number from lo to hi.
func countFlag(fs *flag.FlagSet, name string, def, lo, hi int, usage string) *int {
	c := &countValue{n: def, lo: lo, hi: hi}
	fs.Var(c, name, usage)
	return &c.n
}

// threadsFlag defines a --threads flag: 0 (all cores) or a count.
func threadsFlag(fs *flag.FlagSet, usage string) *int {
	return countFlag(fs, "threads", 0, 0, maxThreads, usage)
}

const maxThreads = 4096

func (c *countValue) String() string { return strconv.Itoa(c.n) }
func (c *countValue) Type() string   { return "int" }

func (c *countValue) Set(s string) error {
	v, err := strconv.Atoi(s)
	if err != nil || v < c.lo || v > c.hi {
		return errors.New("out of range")
	}
	c.n = v
	return nil
}

// orList writes words as "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// outputFile checks, before any work, a file a command will write: its
// kind by extension (exts, with their dots) and no folder in its place,
// so that a slip shows at once and not after the run. (Its folder is
// made when it is written, by sim/output.)
func outputFile(flagName, path string, exts ...string) error {
	if !slices.Contains(exts, strings.ToLower(filepath.Ext(path))) {
		return fmt.Errorf("--%s %q: give a %s file", flagName, path, strings.Join(exts, " or "))
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("--%s %q is a folder; give a file's name", flagName, path)
	}
	return nil
}

// outputDir checks, before any work, the folder a command will write
// into, making it where missing.
func outputDir(flagName, dir string) error {
	if dir == "" {
		return fmt.Errorf("--%s: give a folder", flagName)
	}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return fmt.Errorf("--%s %q is a file; give a folder", flagName, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--%s %q: %v", flagName, dir, err)
	}
	return nil
}
