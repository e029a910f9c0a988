// Package output writes what a run records to files: traces, spikes and
// voltage snapshots as CSV and NPY, and a table of the segments that the
// snapshot columns stand for.
//
// Every file is written under a temporary name in its final directory and
// renamed into place only when complete, so a file under its final name is
// never half-written, whatever happens to the process.
package output

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// tempFile is what a File writes through: an *os.File, or in tests one
// that fails on demand.
type tempFile interface {
	io.Writer
	io.WriterAt
	Sync() error
	Close() error
	Name() string
}

// createTemp starts the temporary file behind a File, and rename puts it
// in place; tests replace them to make writing fail where they choose.
var (
	createTemp = func(dir, pattern string) (tempFile, error) {
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		// CreateTemp makes the file private; results are ordinary files.
		if err := f.Chmod(0o644); err != nil {
			f.Close()
			os.Remove(f.Name())
			return nil, err
		}
		return f, nil
	}
	rename = os.Rename
)

// File is a file being written atomically: Commit puts it in place,
// Abort throws it away.
type File struct {
	f     tempFile
	w     *bufio.Writer
	final string
	err   error // the first error, naming the file
}

// Create starts writing the file that Commit will put at path, making
// its folder where missing; a folder standing at path is refused now, not
// when the file is complete.
func Create(path string) (*File, error) {
	if err := startBeside(path); err != nil {
		return nil, err
	}
	f, err := createTemp(filepath.Dir(path), "."+filepath.Base(path)+".part-*")
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", path, cause(err))
	}
	return &File{f: f, w: bufio.NewWriterSize(f, 1<<16), final: path}, nil
}

// startBeside prepares the folder of a file about to be written under a
// temporary name beside path: made where missing, and no folder at path.
func startBeside(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("writing %s: it is a folder; give a file's name", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", path, cause(err))
	}
	return nil
}

// cause strips the operation and the temporary file's name from an error
// of the os package: the user knows the file by its final name.
func cause(err error) error {
	var pathErr *fs.PathError
	var linkErr *os.LinkError
	switch {
	case errors.As(err, &pathErr):
		return pathErr.Err
	case errors.As(err, &linkErr):
		return linkErr.Err
	}
	return err
}

// fail keeps the first error, as "writing FILE: cause", and returns it.
func (a *File) fail(err error) error {
	if a.err == nil {
		a.err = fmt.Errorf("writing %s: %w", a.final, cause(err))
	}
	return a.err
}

// Write buffers p; the first error sticks and is returned by every later
// call and by Commit.
func (a *File) Write(p []byte) (int, error) {
	if a.err != nil {
		return 0, a.err
	}
	n, err := a.w.Write(p)
	if err != nil {
		return n, a.fail(err)
	}
	return n, nil
}

// WriteAt writes p at offset off of the underlying file, after flushing
// what is buffered (used to fill in headers whose content is known last).
func (a *File) WriteAt(p []byte, off int64) error {
	if a.err != nil {
		return a.err
	}
	if err := a.w.Flush(); err != nil {
		return a.fail(err)
	}
	if _, err := a.f.WriteAt(p, off); err != nil {
		return a.fail(err)
	}
	return nil
}

// Commit flushes, syncs and closes the file and renames it into place.
func (a *File) Commit() error {
	if err := a.finish(); err != nil {
		return err
	}
	return a.place()
}

// finish flushes, syncs and closes the temporary file, the steps where a
// full disk shows; after an error the file is gone.
func (a *File) finish() error {
	err := a.err
	if err == nil {
		err = a.w.Flush()
	}
	if err == nil {
		err = a.f.Sync()
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(a.f.Name())
		return a.fail(err)
	}
	return nil
}

// place renames the finished file to its final name.
func (a *File) place() error {
	if err := rename(a.f.Name(), a.final); err != nil {
		os.Remove(a.f.Name())
		return a.fail(err)
	}
	return nil
}

// Abort closes and removes the temporary file; it may follow a failed
// Commit.
func (a *File) Abort() {
	a.f.Close()
	os.Remove(a.f.Name())
}

// commitAll puts every file in place, or none: the files of a run are
// read together, so when one cannot be completed (a full disk shows only
// when the last bytes are flushed and synced) the others go with it,
// including any already renamed into place, and the files of an earlier
// run that they were to replace are put back. A folder in a file's place
// is refused before anything moves.
func commitAll(files []*File) error {
	for _, f := range files {
		if fi, err := os.Lstat(f.final); err == nil && fi.IsDir() {
			abortAll(files)
			return f.fail(fmt.Errorf("a folder is in the way"))
		}
	}
	for _, f := range files {
		if err := f.finish(); err != nil {
			abortAll(files)
			return err
		}
	}
	// What each file replaces waits aside, hidden, until all are placed.
	aside := make([]string, len(files))
	undo := func(n int) error {
		var errs []error
		for j := range n {
			os.Remove(files[j].final)
			if aside[j] != "" {
				if err := os.Rename(aside[j], files[j].final); err != nil {
					errs = append(errs, fmt.Errorf("the earlier %s is left as %s: %w", files[j].final, aside[j], cause(err)))
				}
			}
		}
		return errors.Join(errs...)
	}
	for i, f := range files {
		if _, err := os.Lstat(f.final); err == nil {
			aside[i] = filepath.Join(filepath.Dir(f.final), "."+filepath.Base(f.final)+".old-"+strings.TrimPrefix(filepath.Base(f.f.Name()), "."))
			if err := os.Rename(f.final, aside[i]); err != nil {
				aside[i] = ""
				abortAll(files[i:])
				return errors.Join(f.fail(err), undo(i))
			}
		}
		if err := f.place(); err != nil {
			abortAll(files[i+1:])
			return errors.Join(err, undo(i+1))
		}
	}
	for _, old := range aside {
		if old != "" {
			os.Remove(old)
		}
	}
	return nil
}

func abortAll(files []*File) {
	for _, f := range files {
		f.Abort()
	}
}

// WriteFile writes a whole file atomically with the given function.
func WriteFile(path string, write func(w io.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Abort()
		if f.err != nil {
			return f.err // the writing itself failed: f.err names the file and the cause
		}
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Commit()
}

// CheckNewDir refuses a folder that holds files, and a file where the
// folder would go: a folder of files (an export) is written into a new
// or empty folder only.
func CheckNewDir(dir string) error {
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return fmt.Errorf("%s is a file; give a new or empty folder", dir)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s already holds files; give a new or empty folder", dir)
	}
	return nil
}

// WriteDir writes files (by slash-separated path, each by its function)
// into the folder dir as a whole: into a temporary folder beside it,
// renamed to dir once complete, so that dir never holds half of them. An
// empty dir gives way; one with files is refused (CheckNewDir).
func WriteDir(dir string, files map[string]func(io.Writer) error) error {
	if err := CheckNewDir(dir); err != nil {
		return err
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".part-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", dir, err)
	}
	defer os.RemoveAll(tmp) // gone once renamed
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	for name, write := range files {
		if err := writeInto(filepath.Join(tmp, filepath.FromSlash(name)), write); err != nil {
			return fmt.Errorf("writing %s: %w", filepath.Join(dir, name), err)
		}
	}
	os.Remove(dir) // an empty folder in the way; a full one was refused
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("writing %s: %w", dir, err)
	}
	return nil
}

// writeInto writes one file of WriteDir's temporary folder.
func writeInto(path string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	err = write(w)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync() // on the disk before the folder is renamed, as File's
	}
	return errors.Join(err, f.Close())
}
