// C helpers for the cgo layer: see helpers.h.

#include <stdio.h>
#include "helpers.h"

hid_t neurite_type(int kind, int native) {
	switch (kind) {
	case 0: return native ? H5T_NATIVE_FLOAT : H5T_IEEE_F32LE;
	case 1: return native ? H5T_NATIVE_DOUBLE : H5T_IEEE_F64LE;
	case 2: return native ? H5T_NATIVE_INT8 : H5T_STD_I8LE;
	case 3: return native ? H5T_NATIVE_UINT8 : H5T_STD_U8LE;
	case 4: return native ? H5T_NATIVE_INT32 : H5T_STD_I32LE;
	case 5: return native ? H5T_NATIVE_UINT32 : H5T_STD_U32LE;
	case 6: return native ? H5T_NATIVE_INT64 : H5T_STD_I64LE;
	default: return native ? H5T_NATIVE_UINT64 : H5T_STD_U64LE;
	}
}
hid_t neurite_dataset_create(void) { return H5Pcreate(H5P_DATASET_CREATE); }
hid_t neurite_file_access(void) { return H5Pcreate(H5P_FILE_ACCESS); }

hid_t neurite_string_type(void) {
	hid_t t = H5Tcopy(H5T_C_S1);
	if (t < 0) return t;
	if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
		H5Tclose(t);
		return -1;
	}
	return t;
}

hid_t neurite_mem_string(hid_t ft) {
	H5T_cset_t cs = H5Tget_cset(ft);
	htri_t vlen = H5Tis_variable_str(ft);
	size_t size = H5Tget_size(ft);
	if (cs < 0 || vlen < 0 || size == 0) return -1;
	hid_t t = H5Tcopy(H5T_C_S1);
	if (t < 0) return t;
	if (H5Tset_size(t, vlen ? H5T_VARIABLE : size) < 0 || H5Tset_cset(t, cs) < 0 ||
	    (!vlen && H5Tset_strpad(t, H5T_STR_NULLPAD) < 0)) {
		H5Tclose(t);
		return -1;
	}
	return t;
}

herr_t neurite_set_ref_attr(hid_t loc, const char *name, const char *target) {
	hobj_ref_t ref;
	if (H5Rcreate(&ref, loc, target, H5R_OBJECT, -1) < 0) return -1;
	hid_t space = H5Screate(H5S_SCALAR);
	if (space < 0) return -1;
	hid_t a = H5Acreate2(loc, name, H5T_STD_REF_OBJ, space, H5P_DEFAULT, H5P_DEFAULT);
	H5Sclose(space);
	if (a < 0) return -1;
	herr_t rc = H5Awrite(a, H5T_STD_REF_OBJ, &ref);
	H5Aclose(a);
	return rc;
}

// neurite_walk keeps the first and last descriptions of the stack.
static herr_t neurite_walk(unsigned n, const H5E_error2_t *e, void *data) {
	neurite_err *r = data;
	const char *d = e->desc ? e->desc : "";
	if (r->n == 0) snprintf(r->first, sizeof r->first, "%s", d);
	snprintf(r->last, sizeof r->last, "%s", d);
	r->n++;
	return 0;
}

void neurite_error(neurite_err *r) {
	r->n = 0;
	r->first[0] = r->last[0] = 0;
	H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, neurite_walk, r);
	H5Eclear2(H5E_DEFAULT);
}

void neurite_quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
