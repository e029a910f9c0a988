package hdf5

/*
#include <stdlib.h>
#include "helpers.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// Elem is a number type that datasets and attributes hold.
type Elem interface {
	~float32 | ~float64 | ~int8 | ~uint8 | ~int32 | ~uint32 | ~int64 | ~uint64
}

// kindOf numbers T for neurite_type.
func kindOf[T Elem]() C.int {
	var zero T
	switch any(zero).(type) {
	case float32:
		return 0
	case float64:
		return 1
	case int8:
		return 2
	case uint8:
		return 3
	case int32:
		return 4
	case uint32:
		return 5
	case int64:
		return 6
	}
	return 7
}

// memType is T's type in memory; fileType the little-endian type it is
// stored as.
func memType[T Elem]() C.hid_t  { return C.neurite_type(kindOf[T](), 1) }
func fileType[T Elem]() C.hid_t { return C.neurite_type(kindOf[T](), 0) }

// space makes a dataspace of the given dimensions; no dimensions make a
// scalar. Called with the lock held.
func space(dims []int, maxRows bool) C.hid_t {
	if len(dims) == 0 {
		return C.H5Screate(C.H5S_SCALAR)
	}
	cur := make([]C.hsize_t, len(dims))
	maxd := make([]C.hsize_t, len(dims))
	for i, d := range dims {
		cur[i], maxd[i] = C.hsize_t(d), C.hsize_t(d)
	}
	if maxRows {
		maxd[0] = C.H5S_UNLIMITED
	}
	return C.H5Screate_simple(C.int(len(dims)), &cur[0], &maxd[0])
}

// checkDims returns the dimensions of n values: dims, or [n] when none
// are given.
func checkDims(n int, dims []int) ([]int, error) {
	if len(dims) == 0 {
		return []int{n}, nil
	}
	prod := 1
	for _, d := range dims {
		prod *= d
	}
	if prod != n {
		return nil, fmt.Errorf("%d values do not fill dimensions %v", n, dims)
	}
	return dims, nil
}

// Dataset is an HDF5 dataset.
type Dataset struct{ Object }

// Dataset opens the dataset called name in g.
func (g *Group) Dataset(name string) (*Dataset, error) {
	o, err := g.open(name, C.H5I_DATASET)
	if err != nil {
		return nil, err
	}
	return &Dataset{o}, nil
}

// create makes a dataset of type ftype and dataspace sid in g (closing
// sid), chunked by chunk rows when chunk is not nil. Called with the lock
// held.
func (g *Group) create(name string, ftype, sid C.hid_t, chunk []int) (*Dataset, error) {
	defer C.H5Sclose(sid)
	if err := validName(name); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", g.file, g.path, err)
	}
	if sid < 0 {
		return nil, g.errorf("creating dataset %s", name)
	}
	dcpl := C.hid_t(C.H5P_DEFAULT)
	if chunk != nil {
		dcpl = C.neurite_dataset_create()
		defer C.H5Pclose(dcpl)
		c := make([]C.hsize_t, len(chunk))
		for i, x := range chunk {
			c[i] = C.hsize_t(x)
		}
		if C.H5Pset_chunk(dcpl, C.int(len(c)), &c[0]) < 0 {
			return nil, g.errorf("creating dataset %s", name)
		}
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	id := C.H5Dcreate2(g.id, cname, ftype, sid, C.H5P_DEFAULT, dcpl, C.H5P_DEFAULT)
	if id < 0 {
		return nil, g.errorf("creating dataset %s", name)
	}
	return &Dataset{Object{id: id, file: g.file, path: g.child(name)}}, nil
}

// Write creates a dataset called name in g holding data, of the given
// dimensions (row-major; none: one dimension of len(data)), stored
// little-endian. The caller closes the dataset returned.
func Write[T Elem](g *Group, name string, data []T, dims ...int) (*Dataset, error) {
	dims, err := checkDims(len(data), dims)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: dataset %s: %w", g.file, g.path, name, err)
	}
	lock()
	defer unlock()
	d, err := g.create(name, fileType[T](), space(dims, false), nil)
	if err != nil {
		return nil, err
	}
	if len(data) > 0 && C.H5Dwrite(d.id, memType[T](), C.H5S_ALL, C.H5S_ALL, C.H5P_DEFAULT, unsafe.Pointer(&data[0])) < 0 {
		err := d.errorf("writing")
		d.close()
		return nil, err
	}
	return d, nil
}

// cStrings copies ss into C memory for the library; free releases it.
func cStrings(ss []string) (ptrs **C.char, free func()) {
	n := max(len(ss), 1)
	arr := (*[1 << 30]*C.char)(C.malloc(C.size_t(n) * C.size_t(unsafe.Sizeof((*C.char)(nil)))))[:n:n]
	for i, s := range ss {
		arr[i] = C.CString(s)
	}
	return &arr[0], func() {
		for i := range ss {
			C.free(unsafe.Pointer(arr[i]))
		}
		C.free(unsafe.Pointer(&arr[0]))
	}
}

// WriteStrings creates a dataset of variable-length UTF-8 strings (as
// h5py stores Python strings) called name in g: scalar when scalar is
// true and ss holds one string, else one-dimensional.
func WriteStrings(g *Group, name string, ss []string, scalar bool) (*Dataset, error) {
	if scalar && len(ss) != 1 {
		return nil, fmt.Errorf("%s: %s: dataset %s: a scalar holds one string, not %d", g.file, g.path, name, len(ss))
	}
	lock()
	defer unlock()
	st := C.neurite_string_type()
	if st < 0 {
		return nil, g.errorf("creating dataset %s", name)
	}
	defer C.H5Tclose(st)
	var dims []int
	if !scalar {
		dims = []int{len(ss)}
	}
	d, err := g.create(name, st, space(dims, false), nil)
	if err != nil {
		return nil, err
	}
	ptrs, free := cStrings(ss)
	defer free()
	if len(ss) > 0 && C.H5Dwrite(d.id, st, C.H5S_ALL, C.H5S_ALL, C.H5P_DEFAULT, unsafe.Pointer(ptrs)) < 0 {
		err := d.errorf("writing")
		d.close()
		return nil, err
	}
	return d, nil
}

// Shape is the dataset's dimensions (none for a scalar).
func (d *Dataset) Shape() ([]int, error) {
	lock()
	defer unlock()
	return d.shape()
}

func (d *Dataset) shape() ([]int, error) {
	sid := C.H5Dget_space(d.id)
	if sid < 0 {
		return nil, d.errorf("reading its shape")
	}
	defer C.H5Sclose(sid)
	return extent(sid, &d.Object)
}

// extent reads the dimensions of dataspace sid of object o.
func extent(sid C.hid_t, o *Object) ([]int, error) {
	n := C.H5Sget_simple_extent_ndims(sid)
	if n < 0 || n > 32 {
		return nil, o.errorf("reading its shape")
	}
	if n == 0 {
		return nil, nil
	}
	dims := make([]C.hsize_t, n)
	if C.H5Sget_simple_extent_dims(sid, &dims[0], nil) < 0 {
		return nil, o.errorf("reading its shape")
	}
	out := make([]int, n)
	for i, x := range dims {
		out[i] = int(x)
	}
	return out, nil
}

// maxRead is the most values a read allocates: a damaged file can claim
// any size.
const maxRead = 1 << 31

// count is the number of values of dims, or an error if it is above
// maxRead.
func count(dims []int, o *Object) (int, error) {
	n := 1
	for _, d := range dims {
		if d < 0 || d > maxRead || n*d > maxRead {
			return 0, fmt.Errorf("%s: %s: dimensions %v are too large to read", o.file, o.path, dims)
		}
		n *= d
	}
	return n, nil
}

// Read reads the whole dataset, flattened row-major, as T: the library
// converts from the width and signedness it is stored with, and fails on
// a dataset of another class (strings, compounds).
func Read[T Elem](d *Dataset) ([]T, error) {
	lock()
	defer unlock()
	dims, err := d.shape()
	if err != nil {
		return nil, err
	}
	n, err := count(dims, &d.Object)
	if err != nil {
		return nil, err
	}
	tid := C.H5Dget_type(d.id)
	if tid < 0 {
		return nil, d.errorf("reading its type")
	}
	class := C.H5Tget_class(tid)
	C.H5Tclose(tid)
	if class != C.H5T_INTEGER && class != C.H5T_FLOAT {
		return nil, fmt.Errorf("%s: %s: holds %s, not numbers", d.file, d.path, className(class))
	}
	// A damaged or unwritten dataset can claim any size: refuse to
	// allocate more than 1024 values per stored byte, beyond what
	// deflate, at most about 1000 to 1, can give.
	if stored := uint64(C.H5Dget_storage_size(d.id)); n > 1<<20 && uint64(n) > 1024*stored {
		return nil, fmt.Errorf("%s: %s: claims %d values in %d bytes of storage", d.file, d.path, n, stored)
	}
	out := make([]T, n)
	if n > 0 && C.H5Dread(d.id, memType[T](), C.H5S_ALL, C.H5S_ALL, C.H5P_DEFAULT, unsafe.Pointer(&out[0])) < 0 {
		return nil, d.errorf("reading")
	}
	return out, nil
}

// className says what an HDF5 type class is, for errors.
func className(c C.H5T_class_t) string {
	switch c {
	case C.H5T_INTEGER:
		return "integers"
	case C.H5T_FLOAT:
		return "floats"
	case C.H5T_STRING:
		return "strings"
	case C.H5T_ENUM:
		return "an enumeration"
	case C.H5T_COMPOUND:
		return "compound values"
	}
	return fmt.Sprintf("values of HDF5 type class %d", int(c))
}

// Stream is a dataset of rows that grows as rows are appended (chunked,
// with no limit on its first dimension), for what a run records while it
// runs.
type Stream[T Elem] struct {
	*Dataset
	cols int // values per row; 0 for a one-dimensional dataset
	rows int
}

// CreateStream makes an empty dataset called name in g that Append
// extends: one-dimensional when cols is 0, else rows of cols values,
// stored in chunks of chunkRows rows.
func CreateStream[T Elem](g *Group, name string, cols, chunkRows int) (*Stream[T], error) {
	lock()
	defer unlock()
	dims, chunk := []int{0}, []int{max(chunkRows, 1)}
	if cols > 0 {
		dims, chunk = []int{0, cols}, []int{max(chunkRows, 1), cols}
	}
	d, err := g.create(name, fileType[T](), space(dims, true), chunk)
	if err != nil {
		return nil, err
	}
	return &Stream[T]{Dataset: d, cols: cols}, nil
}

// Append adds whole rows of values at the end of the dataset.
func (s *Stream[T]) Append(data []T) error {
	width := max(s.cols, 1)
	if len(data)%width != 0 {
		return fmt.Errorf("%s: %s: %d values are not whole rows of %d", s.file, s.path, len(data), width)
	}
	if len(data) == 0 {
		return nil
	}
	lock()
	defer unlock()
	rows := len(data) / width
	size := []C.hsize_t{C.hsize_t(s.rows + rows), C.hsize_t(s.cols)}
	start := []C.hsize_t{C.hsize_t(s.rows), 0}
	block := []C.hsize_t{C.hsize_t(rows), C.hsize_t(s.cols)}
	rank := 2
	if s.cols == 0 {
		rank = 1
	}
	if C.H5Dset_extent(s.id, &size[0]) < 0 {
		return s.errorf("extending")
	}
	fs := C.H5Dget_space(s.id)
	if fs < 0 {
		return s.errorf("extending")
	}
	defer C.H5Sclose(fs)
	ms := C.H5Screate_simple(C.int(rank), &block[0], nil)
	if ms < 0 {
		return s.errorf("extending")
	}
	defer C.H5Sclose(ms)
	if C.H5Sselect_hyperslab(fs, C.H5S_SELECT_SET, &start[0], nil, &block[0], nil) < 0 ||
		C.H5Dwrite(s.id, memType[T](), ms, fs, C.H5P_DEFAULT, unsafe.Pointer(&data[0])) < 0 {
		return s.errorf("appending")
	}
	s.rows += rows
	return nil
}

// ReadStrings reads a dataset of strings (fixed- or variable-length; a
// scalar gives one).
func ReadStrings(d *Dataset) ([]string, error) {
	lock()
	defer unlock()
	dims, err := d.shape()
	if err != nil {
		return nil, err
	}
	n, err := count(dims, &d.Object)
	if err != nil {
		return nil, err
	}
	tid := C.H5Dget_type(d.id)
	if tid < 0 {
		return nil, d.errorf("reading its type")
	}
	defer C.H5Tclose(tid)
	return readStrings(&d.Object, d.path, tid, n, func(mem C.hid_t, buf unsafe.Pointer) C.herr_t {
		return C.H5Dread(d.id, mem, C.H5S_ALL, C.H5S_ALL, C.H5P_DEFAULT, buf)
	})
}

// readStrings reads n strings of stored type tid with read, which reads
// into a buffer of memory type mem; label names what is read in errors.
// Called with the lock held.
func readStrings(o *Object, label string, tid C.hid_t, n int, read func(mem C.hid_t, buf unsafe.Pointer) C.herr_t) ([]string, error) {
	if class := C.H5Tget_class(tid); class != C.H5T_STRING {
		return nil, fmt.Errorf("%s: %s holds %s, not strings", o.file, label, className(class))
	}
	if n == 0 {
		return nil, nil
	}
	mem := C.neurite_mem_string(tid)
	if mem < 0 {
		return nil, o.errorf("reading %s: a damaged string type", label)
	}
	defer C.H5Tclose(mem)
	out := make([]string, n)
	if C.H5Tis_variable_str(mem) > 0 {
		ptrs := make([]*C.char, n)
		// The library allocates each string with malloc; free them after.
		if read(mem, unsafe.Pointer(&ptrs[0])) < 0 {
			return nil, o.errorf("reading")
		}
		for i, p := range ptrs {
			if p != nil {
				out[i] = C.GoString(p)
				C.H5free_memory(unsafe.Pointer(p))
			}
		}
		return out, nil
	}
	size := int(C.H5Tget_size(tid))
	if size <= 0 || n*size > maxRead {
		return nil, fmt.Errorf("%s: %s: strings of %d bytes cannot be read", o.file, label, size)
	}
	buf := make([]byte, n*size)
	if read(mem, unsafe.Pointer(&buf[0])) < 0 {
		return nil, o.errorf("reading")
	}
	for i := range out {
		s := buf[i*size : (i+1)*size]
		for len(s) > 0 && (s[len(s)-1] == 0 || s[len(s)-1] == ' ') {
			s = s[:len(s)-1]
		}
		out[i] = string(s)
	}
	return out, nil
}
