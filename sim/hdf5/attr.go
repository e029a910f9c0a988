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

// Enum is an enumeration value of one byte, as libsonata writes the
// sorting of a spike report: Names[i] is the member whose value is i.
type Enum struct {
	Names []string
	Value int8
}

// SetAttr writes the attribute name on o, replacing it if present: a
// string (variable-length UTF-8, as h5py writes them), a []string or an
// Enum. Numbers take SetNumber and SetNumbers.
func (o *Object) SetAttr(name string, value any) error {
	switch v := value.(type) {
	case string:
		return o.setStrings(name, []string{v}, true)
	case []string:
		return o.setStrings(name, v, false)
	case Enum:
		return o.setEnum(name, v)
	}
	return fmt.Errorf("%s: %s: attribute %s: cannot store a %T (numbers: SetNumber)", o.file, o.path, name, value)
}

// Holder is what holds attributes: a *File, *Group or *Dataset.
type Holder interface{ object() *Object }

func (o *Object) object() *Object { return o }

// SetNumber writes the attribute name on o as the scalar v (stored
// little-endian), replacing it if present.
func SetNumber[T Elem](o Holder, name string, v T) error {
	return setNumbers(o.object(), name, []T{v}, true)
}

// SetNumbers writes the attribute name on o as the one-dimensional array
// v, replacing it if present.
func SetNumbers[T Elem](o Holder, name string, v []T) error {
	return setNumbers(o.object(), name, v, false)
}

// SetRef writes the attribute name on o as an object reference to
// target, an object of the same file.
func (o *Object) SetRef(name string, target *Object) error {
	lock()
	defer unlock()
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	ctarget := C.CString(target.path)
	defer C.free(unsafe.Pointer(ctarget))
	if C.H5Aexists(o.id, cname) > 0 {
		C.H5Adelete(o.id, cname)
	}
	if C.neurite_set_ref_attr(o.id, cname, ctarget) < 0 {
		return o.errorf("writing attribute %s", name)
	}
	return nil
}

// createAttr makes the attribute name on o of type tid and dataspace sid
// (which it closes), deleting any attribute of that name first. Called
// with the lock held.
func (o *Object) createAttr(name string, tid, sid C.hid_t) (C.hid_t, error) {
	defer C.H5Sclose(sid)
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	if C.H5Aexists(o.id, cname) > 0 {
		C.H5Adelete(o.id, cname)
	}
	if sid < 0 {
		return -1, o.errorf("writing attribute %s", name)
	}
	aid := C.H5Acreate2(o.id, cname, tid, sid, C.H5P_DEFAULT, C.H5P_DEFAULT)
	if aid < 0 {
		return -1, o.errorf("writing attribute %s", name)
	}
	return aid, nil
}

func setNumbers[T Elem](o *Object, name string, v []T, scalar bool) error {
	lock()
	defer unlock()
	var dims []int
	if !scalar {
		dims = []int{len(v)}
	}
	aid, err := o.createAttr(name, fileType[T](), space(dims, false))
	if err != nil {
		return err
	}
	defer C.H5Aclose(aid)
	if len(v) > 0 && C.H5Awrite(aid, memType[T](), unsafe.Pointer(&v[0])) < 0 {
		return o.errorf("writing attribute %s", name)
	}
	return nil
}

func (o *Object) setStrings(name string, ss []string, scalar bool) error {
	lock()
	defer unlock()
	st := C.neurite_string_type()
	if st < 0 {
		return o.errorf("writing attribute %s", name)
	}
	defer C.H5Tclose(st)
	var dims []int
	if !scalar {
		dims = []int{len(ss)}
	}
	aid, err := o.createAttr(name, st, space(dims, false))
	if err != nil {
		return err
	}
	defer C.H5Aclose(aid)
	ptrs, free := cStrings(ss)
	defer free()
	if len(ss) > 0 && C.H5Awrite(aid, st, unsafe.Pointer(ptrs)) < 0 {
		return o.errorf("writing attribute %s", name)
	}
	return nil
}

func (o *Object) setEnum(name string, e Enum) error {
	lock()
	defer unlock()
	base := C.neurite_type(2, 0) // int8, libsonata's char
	tid := C.H5Tenum_create(base)
	if tid < 0 {
		return o.errorf("writing attribute %s", name)
	}
	defer C.H5Tclose(tid)
	for i, n := range e.Names {
		cn := C.CString(n)
		v := C.int8_t(i)
		rc := C.H5Tenum_insert(tid, cn, unsafe.Pointer(&v))
		C.free(unsafe.Pointer(cn))
		if rc < 0 {
			return o.errorf("writing attribute %s", name)
		}
	}
	aid, err := o.createAttr(name, tid, space(nil, false))
	if err != nil {
		return err
	}
	defer C.H5Aclose(aid)
	v := C.int8_t(e.Value)
	if C.H5Awrite(aid, tid, unsafe.Pointer(&v)) < 0 {
		return o.errorf("writing attribute %s", name)
	}
	return nil
}

// HasAttr reports whether o has an attribute called name.
func (o *Object) HasAttr(name string) bool {
	lock()
	defer unlock()
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	ok := C.H5Aexists(o.id, cname) > 0
	C.H5Eclear2(C.H5E_DEFAULT)
	return ok
}

// openAttr opens the attribute name on o, and returns its type and
// number of values; the caller closes all three. Called with the lock
// held.
func (o *Object) openAttr(name string) (aid, tid C.hid_t, n int, err error) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	if C.H5Aexists(o.id, cname) <= 0 {
		C.H5Eclear2(C.H5E_DEFAULT)
		return -1, -1, 0, fmt.Errorf("%s: %s: no attribute %s: %w", o.file, o.path, name, ErrNotFound)
	}
	aid = C.H5Aopen(o.id, cname, C.H5P_DEFAULT)
	if aid < 0 {
		return -1, -1, 0, o.errorf("reading attribute %s", name)
	}
	sid := C.H5Aget_space(aid)
	tid = C.H5Aget_type(aid)
	if sid < 0 || tid < 0 {
		err = o.errorf("reading attribute %s", name)
	} else {
		var dims []int
		if dims, err = extent(sid, o); err == nil {
			n, err = count(dims, o)
		}
	}
	if sid >= 0 {
		C.H5Sclose(sid)
	}
	if err != nil {
		if tid >= 0 {
			C.H5Tclose(tid)
		}
		C.H5Aclose(aid)
		return -1, -1, 0, err
	}
	return aid, tid, n, nil
}

// AttrStrings reads a string attribute (fixed- or variable-length; a
// scalar gives one string). An enumeration gives the names of its
// values, so that a sorting attribute reads the same whether it was
// written by libsonata (an enumeration) or by bmtk (a string).
func (o *Object) AttrStrings(name string) ([]string, error) {
	lock()
	defer unlock()
	aid, tid, n, err := o.openAttr(name)
	if err != nil {
		return nil, err
	}
	defer C.H5Aclose(aid)
	defer C.H5Tclose(tid)
	if C.H5Tget_class(tid) == C.H5T_ENUM {
		return o.enumNames(name, aid, tid, n)
	}
	return readStrings(o, o.path+" attribute "+name, tid, n, func(mem C.hid_t, buf unsafe.Pointer) C.herr_t {
		return C.H5Aread(aid, mem, buf)
	})
}

// AttrString reads a scalar string (or enumeration) attribute.
func (o *Object) AttrString(name string) (string, error) {
	ss, err := o.AttrStrings(name)
	if err != nil {
		return "", err
	}
	if len(ss) != 1 {
		return "", fmt.Errorf("%s: %s: attribute %s holds %d strings, want one", o.file, o.path, name, len(ss))
	}
	return ss[0], nil
}

// enumNames reads n enumeration values and gives their member names.
// Called with the lock held.
func (o *Object) enumNames(name string, aid, tid C.hid_t, n int) ([]string, error) {
	size := int(C.H5Tget_size(tid))
	if size <= 0 || size > 8 || n*size > maxRead {
		return nil, fmt.Errorf("%s: %s: attribute %s: enumeration of %d-byte values cannot be read", o.file, o.path, name, size)
	}
	buf := make([]byte, n*size)
	if n > 0 && C.H5Aread(aid, tid, unsafe.Pointer(&buf[0])) < 0 {
		return nil, o.errorf("reading attribute %s", name)
	}
	out := make([]string, n)
	var member [256]C.char
	for i := range out {
		if C.H5Tenum_nameof(tid, unsafe.Pointer(&buf[i*size]), &member[0], C.size_t(len(member))) < 0 {
			return nil, o.errorf("attribute %s: value %d is not a member of its enumeration", name, i)
		}
		out[i] = C.GoString(&member[0])
	}
	return out, nil
}

// Attr reads a numeric attribute as T (a scalar gives one value).
func Attr[T Elem](o *Object, name string) ([]T, error) {
	lock()
	defer unlock()
	aid, tid, n, err := o.openAttr(name)
	if err != nil {
		return nil, err
	}
	defer C.H5Aclose(aid)
	defer C.H5Tclose(tid)
	if class := C.H5Tget_class(tid); class != C.H5T_INTEGER && class != C.H5T_FLOAT {
		return nil, fmt.Errorf("%s: %s: attribute %s holds %s, not numbers", o.file, o.path, name, className(class))
	}
	out := make([]T, n)
	if n > 0 && C.H5Aread(aid, memType[T](), unsafe.Pointer(&out[0])) < 0 {
		return nil, o.errorf("reading attribute %s", name)
	}
	return out, nil
}
