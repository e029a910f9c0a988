package hdf5

/*
#cgo pkg-config: hdf5
#include <stdlib.h>
#include "helpers.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"unsafe"
)

var mu sync.Mutex

// lock takes the package lock on this OS thread (see the package doc);
// the caller defers unlock. Debian's libhdf5 is built thread-safe, which
// keeps the error-printing switch per thread too: it is turned off on
// whichever thread this is.
func lock() {
	mu.Lock()
	runtime.LockOSThread()
	C.neurite_quiet()
}

func unlock() {
	runtime.UnlockOSThread()
	mu.Unlock()
}

// libError is what the library's error stack says, "" when it is empty;
// it clears the stack.
func libError() string {
	var e C.neurite_err
	C.neurite_error(&e)
	first, last := C.GoString(&e.first[0]), C.GoString(&e.last[0])
	switch {
	case first == "" || first == last:
		return last
	case last == "":
		return first
	}
	return first + ": " + last
}

// Object is a group or dataset of an open file: what attributes hang on.
type Object struct {
	id   C.hid_t
	file string // the file's path, for errors
	path string // the object's path inside the file
}

// Path is the object's path inside its file ("/spikes/exc").
func (o *Object) Path() string { return o.path }

// errorf makes an error naming the file, the object and what went wrong,
// with what the library's error stack says after it. Called with the
// lock held.
func (o *Object) errorf(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if lib := libError(); lib != "" {
		msg += " (" + lib + ")"
	}
	return fmt.Errorf("%s: %s: %s", o.file, o.path, msg)
}

// child is the path of name inside o.
func (o *Object) child(name string) string {
	if o.path == "/" {
		return "/" + name
	}
	return o.path + "/" + name
}

// Close releases the object's handle; closing the file releases any left
// open.
func (o *Object) Close() {
	lock()
	defer unlock()
	o.close()
}

func (o *Object) close() {
	if o.id < 0 {
		return
	}
	switch C.H5Iget_type(o.id) {
	case C.H5I_GROUP:
		C.H5Gclose(o.id)
	case C.H5I_DATASET:
		C.H5Dclose(o.id)
	}
	C.H5Eclear2(C.H5E_DEFAULT)
	o.id = -1
}

// File is an open HDF5 file; its root group is "/".
type File struct {
	Group
	fid C.hid_t
}

// Create makes a new HDF5 file at path, replacing any file there, with
// the library's default (oldest, most widely readable) format.
func Create(path string) (*File, error) {
	return openFile(path, true)
}

// Open opens an HDF5 file for reading.
func Open(path string) (*File, error) {
	return openFile(path, false)
}

func openFile(path string, create bool) (*File, error) {
	lock()
	defer unlock()
	// Closing the file closes whatever is left open in it, so that an
	// object a caller forgot does not keep the file (and its lock) open.
	fapl := C.neurite_file_access()
	if fapl < 0 {
		return nil, fmt.Errorf("%s: %s", path, libError())
	}
	defer C.H5Pclose(fapl)
	C.H5Pset_fclose_degree(fapl, C.H5F_CLOSE_STRONG)
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var fid C.hid_t
	if create {
		fid = C.H5Fcreate(cpath, C.H5F_ACC_TRUNC, C.H5P_DEFAULT, fapl)
	} else {
		// Say plainly what is wrong with a file that is missing or not HDF5,
		// rather than the library's stack of messages.
		if fi, err := os.Stat(path); err != nil {
			return nil, err
		} else if fi.IsDir() {
			return nil, fmt.Errorf("%s is a folder, not an HDF5 file", path)
		}
		switch C.H5Fis_hdf5(cpath) {
		case 0:
			C.H5Eclear2(C.H5E_DEFAULT)
			return nil, fmt.Errorf("%s: not an HDF5 file", path)
		}
		fid = C.H5Fopen(cpath, C.H5F_ACC_RDONLY, fapl)
	}
	if fid < 0 {
		verb := "opening"
		if create {
			verb = "creating"
		}
		return nil, fmt.Errorf("%s: %s HDF5 file: %s", path, verb, libError())
	}
	root := C.CString("/")
	defer C.free(unsafe.Pointer(root))
	gid := C.H5Gopen2(fid, root, C.H5P_DEFAULT)
	if gid < 0 {
		err := fmt.Errorf("%s: opening the root group: %s", path, libError())
		C.H5Fclose(fid)
		return nil, err
	}
	return &File{Group: Group{Object{id: gid, file: path, path: "/"}}, fid: fid}, nil
}

// Close flushes and closes the file, and every object still open in it.
func (f *File) Close() error {
	lock()
	defer unlock()
	if f.fid < 0 {
		return nil
	}
	f.Group.close()
	rc := C.H5Fclose(f.fid)
	f.fid = -1
	if rc < 0 {
		return fmt.Errorf("%s: closing: %s", f.file, libError())
	}
	return nil
}

// Group is an HDF5 group.
type Group struct{ Object }

// validName rejects names that are not one link: "" and names with a
// slash, which the library would read as a path.
func validName(name string) error {
	if name == "" || name == "." || strings.Contains(name, "/") {
		return fmt.Errorf("bad object name %q", name)
	}
	return nil
}

// has reports whether g has a link called name. Called with the lock
// held.
func (g *Group) has(cname *C.char) bool {
	ok := C.H5Lexists(g.id, cname, C.H5P_DEFAULT) > 0
	C.H5Eclear2(C.H5E_DEFAULT)
	return ok
}

// CreateGroup makes a group called name in g.
func (g *Group) CreateGroup(name string) (*Group, error) {
	if err := validName(name); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", g.file, g.path, err)
	}
	lock()
	defer unlock()
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	id := C.H5Gcreate2(g.id, cname, C.H5P_DEFAULT, C.H5P_DEFAULT, C.H5P_DEFAULT)
	if id < 0 {
		return nil, g.errorf("creating group %s", name)
	}
	return &Group{Object{id: id, file: g.file, path: g.child(name)}}, nil
}

// ErrNotFound is wrapped by the errors of Group.OpenGroup, Group.Dataset and the attribute readers
// for an object that is not there.
var ErrNotFound = errors.New("not found")

// open opens the object name in g, checking first that it exists and is
// of the kind wanted (H5I_GROUP or H5I_DATASET).
func (g *Group) open(name string, kind C.H5I_type_t) (Object, error) {
	what := map[C.H5I_type_t]string{C.H5I_GROUP: "group", C.H5I_DATASET: "dataset"}[kind]
	if err := validName(name); err != nil {
		return Object{}, fmt.Errorf("%s: %s: %w", g.file, g.path, err)
	}
	lock()
	defer unlock()
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	o := Object{id: -1, file: g.file, path: g.child(name)}
	if !g.has(cname) {
		return o, fmt.Errorf("%s: no %s %s: %w", g.file, what, o.path, ErrNotFound)
	}
	id := C.H5Oopen(g.id, cname, C.H5P_DEFAULT)
	if id < 0 {
		return o, o.errorf("opening")
	}
	if C.H5Iget_type(id) != kind {
		C.H5Oclose(id)
		return o, fmt.Errorf("%s: %s is not a %s", g.file, o.path, what)
	}
	o.id = id
	return o, nil
}

// OpenGroup opens the group called name in g.
func (g *Group) OpenGroup(name string) (*Group, error) {
	o, err := g.open(name, C.H5I_GROUP)
	if err != nil {
		return nil, err
	}
	return &Group{o}, nil
}

// Names lists the names of the objects in g, in name order.
func (g *Group) Names() ([]string, error) {
	lock()
	defer unlock()
	var info C.H5G_info_t
	if C.H5Gget_info(g.id, &info) < 0 {
		return nil, g.errorf("listing")
	}
	dot := C.CString(".")
	defer C.free(unsafe.Pointer(dot))
	var names []string
	for i := C.hsize_t(0); i < info.nlinks; i++ {
		n := C.H5Lget_name_by_idx(g.id, dot, C.H5_INDEX_NAME, C.H5_ITER_INC, i, nil, 0, C.H5P_DEFAULT)
		if n < 0 {
			return nil, g.errorf("listing")
		}
		buf := make([]byte, n+1)
		C.H5Lget_name_by_idx(g.id, dot, C.H5_INDEX_NAME, C.H5_ITER_INC, i, (*C.char)(unsafe.Pointer(&buf[0])), C.size_t(n+1), C.H5P_DEFAULT)
		names = append(names, string(buf[:n]))
	}
	return names, nil
}

// Closed closes the group or dataset a create returned, when it
// succeeded, and returns the create's error: for objects written and
// not needed after.
func Closed[O interface{ Close() }](o O, err error) error {
	if err == nil {
		o.Close()
	}
	return err
}
