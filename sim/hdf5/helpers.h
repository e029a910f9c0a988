// Helpers for the cgo layer over libhdf5.
#ifndef NEURITE_HDF5_HELPERS_H
#define NEURITE_HDF5_HELPERS_H
#include <hdf5.h>

// The library's predefined types and property classes are macros that
// read globals after H5open; cgo cannot expand them, so these helpers do.
hid_t neurite_type(int kind, int native);
hid_t neurite_dataset_create(void);
hid_t neurite_file_access(void);

// neurite_set_ref_attr writes attribute name on loc as an object
// reference to target (path in loc's file), as hdmf's VectorIndex target.
herr_t neurite_set_ref_attr(hid_t loc, const char *name, const char *target);

// The variable-length UTF-8 string type h5py gives Python strings.
hid_t neurite_string_type(void);

// neurite_mem_string is the type to read strings of stored type ft into:
// the C library's (a char* each, or bytes of the stored size padded with
// NULs) in ft's character set, never a copy of ft, which a damaged file
// can make claim any layout.
hid_t neurite_mem_string(hid_t ft);

// The error stack, from the call the caller made (first) to where the
// library found the trouble (last); neurite_error fills it and clears the
// stack.
typedef struct { char first[256]; char last[256]; int n; } neurite_err;
void neurite_error(neurite_err *r);

// neurite_quiet stops the library printing error stacks.
void neurite_quiet(void);
#endif
