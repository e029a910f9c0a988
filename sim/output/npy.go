package output

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
)

// npyHeaderLen is the fixed size we give NPY headers: the shape is known
// only when a stream ends, and a header of fixed size can be rewritten in
// place. 128 bytes hold any two-dimensional shape and keep the data
// 64-byte aligned, as NumPy's format 1.0 recommends.
const npyHeaderLen = 128

// NPY streams a two-dimensional array of float32 ('<f4') or float64
// ('<f8') to an .npy file row by row (github.com/sbinet/npyio writes
// whole arrays only, and a long run's snapshots need not fit in memory).
type NPY struct {
	f     *File
	descr string
	cols  int
	rows  int
	buf   []byte
}

// CreateNPY starts an .npy file of rows with cols columns; descr is '<f4'
// or '<f8'.
func CreateNPY(path, descr string, cols int) (*NPY, error) {
	if descr != "<f4" && descr != "<f8" {
		return nil, fmt.Errorf("npy: unsupported dtype %s", descr)
	}
	f, err := Create(path)
	if err != nil {
		return nil, err
	}
	n := &NPY{f: f, descr: descr, cols: cols}
	n.f.Write(npyHeader(descr, 0, cols)) // an error sticks in f
	return n, nil
}

// Row appends one row (len must equal the column count).
func (n *NPY) Row(row []float64) error {
	if len(row) != n.cols {
		return fmt.Errorf("npy: row of %d values, want %d", len(row), n.cols)
	}
	n.buf = n.buf[:0]
	for _, x := range row {
		if n.descr == "<f4" {
			n.buf = binary.LittleEndian.AppendUint32(n.buf, math.Float32bits(float32(x)))
		} else {
			n.buf = binary.LittleEndian.AppendUint64(n.buf, math.Float64bits(x))
		}
	}
	n.rows++
	_, err := n.f.Write(n.buf)
	return err
}

// Commit writes the final shape into the header and puts the file in place.
func (n *NPY) Commit() error {
	n.writeShape()
	return n.f.Commit()
}

// writeShape writes the final shape into the header; an error sticks in
// the file and is returned when it is committed.
func (n *NPY) writeShape() {
	n.f.WriteAt(npyHeader(n.descr, n.rows, n.cols), 0)
}

// npySize is the size of an .npy file of rows × cols values of size bytes.
func npySize(rows, cols, size int) int64 {
	return npyHeaderLen + int64(rows)*int64(cols)*int64(size)
}

// Abort throws the file away.
func (n *NPY) Abort() { n.f.Abort() }

func npyHeader(descr string, rows, cols int) []byte {
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }", descr, rows, cols)
	const prefix = 10 // magic (6), version (2), header length (2)
	pad := npyHeaderLen - prefix - len(dict) - 1
	h := make([]byte, 0, npyHeaderLen)
	h = append(h, "\x93NUMPY\x01\x00"...)
	h = binary.LittleEndian.AppendUint16(h, uint16(npyHeaderLen-prefix))
	h = append(h, dict...)
	h = append(h, strings.Repeat(" ", pad)...)
	return append(h, '\n')
}
