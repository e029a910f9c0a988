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
	"os"
	"path/filepath"
)

// File is a file being written atomically: Commit puts it in place,
// Abort throws it away.
type File struct {
	f     *os.File
	w     *bufio.Writer
	final string
	err   error
}

// Create starts writing the file that Commit will put at path.
func Create(path string) (*File, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".part-*")
	if err != nil {
		return nil, err
	}
	// CreateTemp makes the file private; results are ordinary files.
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &File{f: f, w: bufio.NewWriterSize(f, 1<<16), final: path}, nil
}

// Write buffers p; the first error sticks and is returned by Commit.
func (a *File) Write(p []byte) (int, error) {
	if a.err != nil {
		return 0, a.err
	}
	n, err := a.w.Write(p)
	a.err = err
	return n, err
}

// WriteAt writes p at offset off of the underlying file, after flushing
// what is buffered (used to fill in headers whose content is known last).
func (a *File) WriteAt(p []byte, off int64) error {
	if a.err == nil {
		a.err = a.w.Flush()
	}
	if a.err == nil {
		_, a.err = a.f.WriteAt(p, off)
	}
	return a.err
}

// Commit flushes, syncs and closes the file and renames it into place.
func (a *File) Commit() error {
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
	if err == nil {
		err = os.Rename(a.f.Name(), a.final)
	}
	if err != nil {
		os.Remove(a.f.Name())
		return fmt.Errorf("writing %s: %w", a.final, err)
	}
	return nil
}

// Abort closes and removes the temporary file.
func (a *File) Abort() {
	a.f.Close()
	os.Remove(a.f.Name())
}

// WriteFile writes a whole file atomically with the given function.
func WriteFile(path string, write func(w io.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Abort()
		return errors.Join(fmt.Errorf("writing %s", path), err)
	}
	return f.Commit()
}
