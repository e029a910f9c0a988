package output

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/sbinet/npyio/npy"

	"neurite/sim"
)

func TestFileAppearsOnlyOnCommit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("a,b\n"))
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("final file exists before Commit: %v", err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "a,b\n" {
		t.Errorf("content %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the final file", len(entries))
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(filepath.Join(dir, "x.npy"))
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("partial"))
	f.Abort()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("abort left %d files", len(entries))
	}
	err = WriteFile(filepath.Join(dir, "y.txt"), func(w io.Writer) error { return errors.New("disk on fire") })
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("err = %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed WriteFile left %d files", len(entries))
	}
}

// TestNPYReadsBack writes with our streaming writer and reads with npyio.
func TestNPYReadsBack(t *testing.T) {
	for _, descr := range []string{"<f4", "<f8"} {
		path := filepath.Join(t.TempDir(), "a.npy")
		n, err := CreateNPY(path, descr, 3)
		if err != nil {
			t.Fatal(err)
		}
		for r := range 4 {
			n.Row([]float64{float64(r), float64(r) + 0.5, -float64(r)})
		}
		if err := n.Row([]float64{1}); err == nil {
			t.Error("a short row was accepted")
		}
		if err := n.Commit(); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := npy.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Header.Descr.Shape; len(got) != 2 || got[0] != 4 || got[1] != 3 {
			t.Fatalf("%s: shape %v, want [4 3]", descr, got)
		}
		var data []float64
		if descr == "<f4" {
			var d32 []float32
			if err := r.Read(&d32); err != nil {
				t.Fatal(err)
			}
			for _, x := range d32 {
				data = append(data, float64(x))
			}
		} else if err := r.Read(&data); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if data[3*2+1] != 2.5 || data[3*3+2] != -3 {
			t.Errorf("%s: data %v", descr, data)
		}
	}
}

func TestRunWritesEveryFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "results")
	r, err := NewRun(dir, Layout{Probes: []string{"v", "m"}, Segments: []sim.Segment{{Name: "soma(0.5)"}, {Name: "dend(0.5)"}}}, true)
	if err != nil {
		t.Fatal(err)
	}
	var rec sim.Recorder = r
	rec.Sample(0, []float64{-65, 0.05})
	rec.Sample(0.1, []float64{-64.5, 0.06})
	rec.Spikes([]sim.Spike{{Cell: 0, T: 11.5, Step: 11.525}})
	rec.Snapshot(0, []float64{-65, -65})
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range append(runFiles, h5Files...) {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	f, _ := os.Open(filepath.Join(dir, "traces.csv"))
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != 3 || strings.Join(rows[0], ",") != "t_ms,v,m" || rows[2][1] != "-64.5" {
		t.Errorf("traces.csv = %v (%v)", rows, err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "spikes.csv"))
	if string(b) != "cell,t_ms,t_step_ms\n0,11.5,11.525\n" {
		t.Errorf("spikes.csv = %q", b)
	}
}

// TestNewRunInUnwritableDirectory asks for results where no file can be
// made: a directory the kernel refuses files in, a path below a regular
// file, and a failure to create each of the run's files in turn. NewRun
// must return an error naming the file and leave nothing behind.
func TestNewRunInUnwritableDirectory(t *testing.T) {
	regular := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(regular, []byte("x"), 0o644)
	for _, tc := range []struct{ dir, want string }{
		{"/proc", "creating /proc/traces.csv: "},
		{filepath.Join(regular, "results"), "creating " + filepath.Join(regular, "results") + ": not a directory"},
	} {
		r, err := NewRun(tc.dir, testLayout, true)
		if r != nil || err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("NewRun(%s) = %v, %v; want an error starting %q", tc.dir, r, err, tc.want)
		}
	}
	for _, name := range append(runFiles, h5Files...) {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			failCreating(t, name)
			r, err := NewRun(dir, testLayout, true)
			want := "creating " + filepath.Join(dir, name) + ": read-only file system"
			if r != nil || err == nil || err.Error() != want {
				t.Errorf("NewRun = %v, %v; want %q", r, err, want)
			}
			assertEmpty(t, dir)
		})
	}
}

// TestWriteErrorLeavesNoFile fails the writing of each file of a run with
// ENOSPC at several points (its first bytes, its middle, the sync before
// the rename, the rename) and checks that the run's error names the file
// and the cause, and that no file of the run is left, under its final
// name or a temporary one.
func TestWriteErrorLeavesNoFile(t *testing.T) {
	// A complete run first, for the size of each file.
	dir := t.TempDir()
	r, err := NewRun(dir, testLayout, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(record(r), r.Close()); err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int{}
	for _, name := range runFiles {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		sizes[name] = int(info.Size())
	}
	if sizes["snapshots.csv"] < 3<<16 || sizes["traces.csv"] < 3<<16 {
		t.Fatalf("sizes %v: the large files must fill the 64 KiB buffer more than once for a failure in mid-run", sizes)
	}

	for _, name := range runFiles {
		for _, at := range []struct {
			what   string
			inject func(t *testing.T)
		}{
			{"first bytes", func(t *testing.T) { failWriting(t, name, 0, false) }},
			{"middle", func(t *testing.T) { failWriting(t, name, sizes[name]/2, false) }},
			{"sync", func(t *testing.T) { failWriting(t, name, sizes[name], true) }},
			{"rename", func(t *testing.T) { failRenaming(t, name) }},
		} {
			t.Run(name+" at "+at.what, func(t *testing.T) {
				dir := filepath.Join(t.TempDir(), "results")
				at.inject(t)
				r, err := NewRun(dir, testLayout, true)
				if err != nil {
					t.Fatal(err)
				}
				recErr := record(r)
				err = r.Close()
				cause := "no space left on device"
				if at.what == "rename" {
					cause = "input/output error"
				}
				want := "writing " + filepath.Join(dir, name) + ": " + cause
				if err == nil || err.Error() != want {
					t.Errorf("Close = %v, want %q", err, want)
				}
				if recErr != nil && recErr != err {
					t.Errorf("the run stopped on %v, Close returned %v", recErr, err)
				}
				if at.what == "middle" && sizes[name] > 2<<16 && recErr == nil {
					t.Errorf("the run went on to the end")
				}
				assertEmpty(t, dir)
			})
		}
	}
}

// TestHDF5WriteErrorLeavesNoFile fails the sync and the rename of each
// file that libhdf5 writes (its writes go around the Go file) and checks
// that the run's error names the file and the cause and that no file of
// the run is left.
func TestHDF5WriteErrorLeavesNoFile(t *testing.T) {
	for _, name := range h5Files {
		for _, at := range []struct {
			what, cause string
			inject      func(t *testing.T)
		}{
			{"sync", "no space left on device", func(t *testing.T) { failWriting(t, name, math.MaxInt, true) }},
			{"rename", "input/output error", func(t *testing.T) { failRenaming(t, name) }},
		} {
			t.Run(name+" at "+at.what, func(t *testing.T) {
				dir := filepath.Join(t.TempDir(), "results")
				at.inject(t)
				r, err := NewRun(dir, testLayout, true)
				if err != nil {
					t.Fatal(err)
				}
				if err := record(r); err != nil {
					t.Fatal(err)
				}
				want := "writing " + filepath.Join(dir, name) + ": " + at.cause
				if err := r.Close(); err == nil || err.Error() != want {
					t.Errorf("Close = %v, want %q", err, want)
				}
				assertEmpty(t, dir)
			})
		}
	}
}

// TestFailedRunKeepsEarlierRun: a run into a folder holding an earlier
// run's files that fails as it puts its own in place leaves the earlier
// run's files as they were, whichever file fails; a folder standing where
// a file goes is refused before anything moves.
func TestFailedRunKeepsEarlierRun(t *testing.T) {
	earlier := func(t *testing.T, dir string) map[string]string {
		r, err := NewRun(dir, testLayout, true)
		if err != nil {
			t.Fatal(err)
		}
		for k := range 5 {
			r.Sample(float64(k)*0.025, []float64{-70, 0.1})
			r.Snapshot(float64(k)*0.025, make([]float64, len(testLayout.Segments)))
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		files := map[string]string{}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
			files[e.Name()] = string(data)
		}
		return files
	}
	same := func(t *testing.T, dir string, want map[string]string) {
		t.Helper()
		entries, _ := os.ReadDir(dir)
		got := map[string]string{}
		for _, e := range entries {
			data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
			got[e.Name()] = string(data)
		}
		for name, data := range want {
			if got[name] != data {
				t.Errorf("%s: the earlier run's file is not as it was", name)
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("%s left in the folder", name)
			}
		}
	}
	for _, name := range append(slices.Clone(runFiles), h5Files...) {
		t.Run("rename of "+name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "results")
			want := earlier(t, dir)
			failRenaming(t, name)
			r, err := NewRun(dir, testLayout, true)
			if err != nil {
				t.Fatal(err)
			}
			record(r)
			if err := r.Close(); err == nil || !strings.Contains(err.Error(), "input/output error") {
				t.Errorf("Close = %v, want the rename's error", err)
			}
			same(t, dir, want)
		})
	}
	t.Run("a folder in the way", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "results")
		want := earlier(t, dir)
		os.Remove(filepath.Join(dir, "units.nwb"))
		delete(want, "units.nwb")
		if err := os.Mkdir(filepath.Join(dir, "units.nwb"), 0o755); err != nil {
			t.Fatal(err)
		}
		want["units.nwb"] = ""
		r, err := NewRun(dir, testLayout, true)
		if err == nil {
			record(r)
			err = r.Close()
		}
		if err == nil || !strings.Contains(err.Error(), "units.nwb") || !strings.Contains(err.Error(), "folder") {
			t.Errorf("the run: %v, want a refusal naming the folder", err)
		}
		same(t, dir, want)
	})
}

// TestCommitAllFolderInTheWay: a folder made where a file goes while the
// file is written is refused when the files are put in place, and
// nothing moves: the other file's earlier version stays, no temporary
// file is left.
func TestCommitAllFolderInTheWay(t *testing.T) {
	dir := t.TempDir()
	earlier := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(earlier, []byte("earlier"), 0o644); err != nil {
		t.Fatal(err)
	}
	var files []*File
	for _, name := range []string{"a.txt", "b.txt"} {
		f, err := Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte("new"))
		files = append(files, f)
	}
	if err := os.Mkdir(filepath.Join(dir, "b.txt"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := commitAll(files); err == nil || !strings.Contains(err.Error(), "b.txt: a folder is in the way") {
		t.Errorf("commitAll = %v, want the folder refused", err)
	}
	if data, _ := os.ReadFile(earlier); string(data) != "earlier" {
		t.Errorf("a.txt holds %q, want the earlier version", data)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("%d entries left, want a.txt and the folder b.txt", len(entries))
	}
}

// TestInterruptedRunIsConsistent closes a run part-way, as Ctrl-C does:
// every file is in place, and the files that share rows hold the same
// number of them.
func TestInterruptedRunIsConsistent(t *testing.T) {
	dir := t.TempDir()
	r, err := NewRun(dir, testLayout, true)
	if err != nil {
		t.Fatal(err)
	}
	for k := range 37 {
		tk := float64(k) * 0.025
		r.Sample(tk, []float64{-65, 0.05})
		if k%4 == 0 {
			r.Snapshot(tk, make([]float64, len(testLayout.Segments)))
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	rows := func(name string) int {
		if strings.HasSuffix(name, ".npy") {
			f, err := os.Open(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rd, err := npy.NewReader(f)
			if err != nil {
				t.Fatal(err)
			}
			return rd.Header.Descr.Shape[0]
		}
		return len(readCSV(t, filepath.Join(dir, name))) - 1
	}
	for _, group := range [][]string{{"traces.csv", "traces.npy"}, {"snapshots.csv", "snapshots.npy", "snapshot_times.npy"}} {
		for _, name := range group {
			if rows(name) != rows(group[0]) {
				t.Errorf("%s holds %d rows, %s %d", name, rows(name), group[0], rows(group[0]))
			}
		}
	}
	if n := rows("traces.csv"); n != 37 {
		t.Errorf("traces.csv holds %d rows, want 37", n)
	}
}

// TestRunWithoutSnapshotsRemovesOldOnes runs twice into one directory,
// with snapshots and then without: the second run's traces must not stand
// beside the first run's snapshots.
func TestRunWithoutSnapshotsRemovesOldOnes(t *testing.T) {
	dir := t.TempDir()
	for _, snapshots := range []bool{true, false} {
		r, err := NewRun(dir, testLayout, snapshots)
		if err != nil {
			t.Fatal(err)
		}
		if err := errors.Join(record(r), r.Close()); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != "spikes.csv spikes.h5 traces.csv traces.npy units.nwb" {
		t.Errorf("directory holds %s", got)
	}
}

// TestTimesOnTheStepGrid checks that times are written in their shortest
// form, and times on the step grid as their decimal step times.
func TestTimesOnTheStepGrid(t *testing.T) {
	for _, tc := range []struct {
		t, dt float64
		want  string
	}{
		{1922 * 0.025, 0.025, "48.05"}, // 48.050000000000004 in binary
		{3 * 0.1, 0.1, "0.3"},          // 0.30000000000000004
		{0, 0.025, "0"},
		{48.037212345678901, 0.025, "48.0372123456789"}, // an interpolated crossing
		{48.050000000000004, 0, "48.050000000000004"},   // dt unknown
		{123456789 * 0.025, 0.025, "3.086419725e+06"},
		{7 * 2.0, 2, "14"},
		{5 * (1.0 / 3), 1.0 / 3, "1.6666666666666667"},
	} {
		if got := formatFloat(GridTime(tc.t, tc.dt)); got != tc.want {
			t.Errorf("GridTime(%v, %v) writes %s, want %s", tc.t, tc.dt, got, tc.want)
		}
	}

	dir := t.TempDir()
	l := testLayout
	l.Dt = 0.025
	r, err := NewRun(dir, l, true)
	if err != nil {
		t.Fatal(err)
	}
	r.Sample(1922*0.025, []float64{-65, 0.05})
	r.Spikes([]sim.Spike{{Cell: 0, T: 48.037212345678901, Step: 1922 * 0.025}})
	r.Snapshot(1922*0.025, make([]float64, len(l.Segments)))
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ file, want string }{
		{"traces.csv", "48.05"},
		{"spikes.csv", "0,48.0372123456789,48.05"},
		{"snapshots.csv", "48.05"},
	} {
		rows := readCSV(t, filepath.Join(dir, c.file))
		if got := strings.Join(rows[1], ","); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: row %s, want it to start %s", c.file, got, c.want)
		}
	}
}

// TestEstimateSizeOfEmptyRun checks the part of EstimateSize that is
// exact, a run that records nothing, and that the HDF5 files of such a
// run are estimated to 4 kB.
func TestEstimateSizeOfEmptyRun(t *testing.T) {
	for _, snapshots := range []bool{true, false} {
		dir := t.TempDir()
		r, err := NewRun(dir, testLayout, snapshots)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		var written, h5Written int64
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			info, _ := e.Info()
			if slices.Contains(h5Files, e.Name()) {
				h5Written += info.Size()
			} else {
				written += info.Size()
			}
		}
		h5Est := interchangeSize(testLayout, 0, snapshots)
		if est := EstimateSize(testLayout, 0, 0, snapshots) - h5Est; est != written {
			t.Errorf("snapshots %v: estimate %d bytes, written %d", snapshots, est, written)
		}
		if math.Abs(float64(h5Est-h5Written)) > 4096 {
			t.Errorf("snapshots %v: HDF5 files estimated at %d bytes, written %d", snapshots, h5Est, h5Written)
		}
	}
}

var runFiles = []string{"traces.csv", "traces.npy", "spikes.csv", "snapshots.csv", "snapshots.npy", "snapshot_times.npy", "segments.csv"}

// h5Files are the files of a run that libhdf5 writes.
var h5Files = []string{"spikes.h5", "units.nwb", "snapshots.h5"}

// testLayout has two probes and 40 segments, one with a comma in its name.
var testLayout = func() Layout {
	l := Layout{Probes: []string{"v", "m"}}
	for i := range 40 {
		l.Segments = append(l.Segments, sim.Segment{Name: fmt.Sprintf("dend[%d](0.5)", i), X: float64(i) / 3, Diam: 1.5, Area: 12.25})
	}
	l.Segments[3].Name = "a,b"
	return l
}()

// record hands a run of 8000 samples, 800 snapshots and 400 spikes to r
// as an engine does, stopping at the first error.
func record(r *Run) error {
	v := make([]float64, len(testLayout.Segments))
	for k := range 8000 {
		t := float64(k) * 0.025
		if err := r.Sample(t, []float64{-65 + math.Sin(t), 0.05 + t/1e4}); err != nil {
			return err
		}
		if k%20 == 0 {
			if err := r.Spikes([]sim.Spike{{Cell: 0, T: t - 0.01, Step: t}}); err != nil {
				return err
			}
		}
		if k%10 == 0 {
			for i := range v {
				v[i] = -65 + math.Cos(t+float64(i))
			}
			if err := r.Snapshot(t, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// failingFile is a temporary file on a disk with budget bytes free, that
// fails at Sync if failSync.
type failingFile struct {
	*os.File
	budget   int
	failSync bool
}

func (f *failingFile) Write(p []byte) (int, error) {
	if len(p) > f.budget {
		n, _ := f.File.Write(p[:f.budget])
		f.budget = 0
		return n, &fs.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	f.budget -= len(p)
	return f.File.Write(p)
}

func (f *failingFile) Sync() error {
	if f.failSync {
		return &fs.PathError{Op: "sync", Path: f.Name(), Err: syscall.ENOSPC}
	}
	return f.File.Sync()
}

// isTempOf reports whether a temporary file pattern is the one of name.
func isTempOf(pattern, name string) bool { return strings.HasPrefix(pattern, "."+name+".part-") }

// failWriting makes the writing of the file called name fail after budget
// bytes, or at its sync, until the test ends.
func failWriting(t *testing.T, name string, budget int, failSync bool) {
	create := createTemp
	t.Cleanup(func() { createTemp = create })
	createTemp = func(dir, pattern string) (tempFile, error) {
		f, err := create(dir, pattern)
		if err != nil || !isTempOf(pattern, name) {
			return f, err
		}
		return &failingFile{File: f.(*os.File), budget: budget, failSync: failSync}, nil
	}
}

// failCreating makes the creation of the file called name fail until the
// test ends.
func failCreating(t *testing.T, name string) {
	create := createTemp
	t.Cleanup(func() { createTemp = create })
	createTemp = func(dir, pattern string) (tempFile, error) {
		if isTempOf(pattern, name) {
			return nil, &fs.PathError{Op: "open", Path: filepath.Join(dir, pattern), Err: syscall.EROFS}
		}
		return create(dir, pattern)
	}
}

// failRenaming makes the renaming of the file called name into place fail
// until the test ends.
func failRenaming(t *testing.T, name string) {
	ren := rename
	t.Cleanup(func() { rename = ren })
	rename = func(from, to string) error {
		if filepath.Base(to) == name {
			return &os.LinkError{Op: "rename", Old: from, New: to, Err: syscall.EIO}
		}
		return ren(from, to)
	}
}

func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("%s left in %s", e.Name(), dir)
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}
