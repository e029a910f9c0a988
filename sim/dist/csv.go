package dist

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"neurite/sim"
)

// Table is the numeric columns read from a CSV file by ReadColumns.
type Table struct {
	File    string
	Columns [][]float64 // in the order asked for; nil for an optional column absent from the file
	Lines   []int       // the file line of each row, for messages about a row
}

// Opener opens a file a model names: OS opens the operating system's; an
// embedded model's file system opens its own.
type Opener func(name string) (io.ReadCloser, error)

// OS opens a file of the operating system.
func OS(name string) (io.ReadCloser, error) { return os.Open(name) }

// ReadColumns reads the named columns of a CSV file of numbers. The first
// row names the columns; when it is all numbers the file has no header and
// the columns are taken in the order asked for. Lines starting with '#'
// and blank lines are skipped; other columns are ignored. The required
// columns must be present; the optional ones may be absent. Errors are
// *sim.FileError naming the file and the line.
func ReadColumns(path string, required, optional []string) (*Table, error) {
	return Opener(OS).ReadColumns(path, required, optional)
}

// ReadColumns is the package's ReadColumns on the files o opens.
func (o Opener) ReadColumns(path string, required, optional []string) (*Table, error) {
	return o.readColumns(path, required, optional, true)
}

// readColumns is ReadColumns; without positional, a header row is required.
func (o Opener) readColumns(path string, required, optional []string, positional bool) (*Table, error) {
	f, err := o(path)
	if err != nil {
		return nil, &sim.FileError{File: path, Msg: userOpenError(err)}
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	t := &Table{File: path}
	names := slices.Concat(required, optional)
	var index []int // file column of each name, -1 when absent
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(path, err)
		}
		line, _ := r.FieldPos(0)
		if index == nil {
			if index, err = header(path, line, rec, required, optional, positional); err != nil {
				return nil, err
			}
			t.Columns = make([][]float64, len(names))
			if !numericRow(rec) {
				continue
			}
		}
		if err := t.addRow(rec, index, names, line); err != nil {
			return nil, err
		}
	}
	if index == nil {
		return nil, &sim.FileError{File: path, Msg: "the file is empty: expected columns " + strings.Join(names, ", ")}
	}
	for k, at := range index {
		if at < 0 {
			t.Columns[k] = nil
		}
	}
	return t, nil
}

// header maps each asked-for name to its file column, from the first row.
func header(path string, line int, rec, required, optional []string, positional bool) ([]int, error) {
	names := slices.Concat(required, optional)
	index := make([]int, len(names))
	if numericRow(rec) {
		if !positional {
			return nil, &sim.FileError{File: path, Line: line, Msg: fmt.Sprintf(
				"the file has no header row; the first row must name the columns, one of them %q", names[0])}
		}
		for k := range index {
			index[k] = k
			if k >= len(rec) {
				index[k] = -1
			}
		}
		if len(rec) < len(required) {
			return nil, &sim.FileError{File: path, Line: line, Msg: fmt.Sprintf(
				"the file has no header row and %d columns; expected %s (or a header row naming them)",
				len(rec), strings.Join(required, ", "))}
		}
		return index, nil
	}
	for k, name := range names {
		index[k] = slices.IndexFunc(rec, func(h string) bool { return strings.EqualFold(strings.TrimSpace(h), name) })
		if index[k] < 0 && k < len(required) {
			return nil, &sim.FileError{File: path, Line: line, Msg: fmt.Sprintf(
				"no column %q in the header (it has %s)", name, strings.Join(rec, ", "))}
		}
	}
	return index, nil
}

func (t *Table) addRow(rec []string, index []int, names []string, line int) error {
	for k, at := range index {
		if at < 0 {
			continue
		}
		if at >= len(rec) {
			return &sim.FileError{File: t.File, Line: line, Msg: fmt.Sprintf("the row has %d values; column %q is missing", len(rec), names[k])}
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rec[at]), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return &sim.FileError{File: t.File, Line: line, Msg: fmt.Sprintf("%s %q is not a number", names[k], rec[at])}
		}
		t.Columns[k] = append(t.Columns[k], v)
	}
	t.Lines = append(t.Lines, line)
	return nil
}

func numericRow(rec []string) bool {
	for _, s := range rec {
		if _, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil {
			return false
		}
	}
	return true
}

func csvError(path string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &sim.FileError{File: path, Line: pe.Line, Msg: pe.Err.Error()}
	}
	return &sim.FileError{File: path, Msg: err.Error()}
}

func userOpenError(err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "no such file"
	case errors.Is(err, os.ErrPermission):
		return "not allowed to read the file"
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// ReadCSVColumn reads one named column of numbers from a CSV file with a
// header row, one value per row.
func ReadCSVColumn(path, column string) ([]float64, error) {
	return Opener(OS).ReadCSVColumn(path, column)
}

// ReadCSVColumn is the package's ReadCSVColumn on the files o opens.
func (o Opener) ReadCSVColumn(path, column string) ([]float64, error) {
	t, err := o.readColumns(path, []string{column}, nil, false)
	if err != nil {
		return nil, err
	}
	return t.Columns[0], nil
}
