package hdf5_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"neurite/sim/hdf5"
	"neurite/sim/hdf5/h5pytest"
)

// writeSample writes a file with one of everything the package writes.
func writeSample(t *testing.T, path string) {
	t.Helper()
	f, err := hdf5.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	g, err := f.CreateGroup("g")
	if err != nil {
		t.Fatal(err)
	}
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	check(hdf5.Closed(hdf5.Write(g, "f64", []float64{1.5, -2, 3e300})))
	check(hdf5.Closed(hdf5.Write(g, "f32", []float32{1, 2, 3, 4, 5, 6}, 2, 3)))
	check(hdf5.Closed(hdf5.Write(g, "u64", []uint64{0, 1 << 63})))
	check(hdf5.Closed(hdf5.Write(g, "i32", []int32{-7})))
	check(hdf5.Closed(hdf5.WriteStrings(g, "name", []string{"Neurite µm"}, true)))
	check(hdf5.Closed(hdf5.WriteStrings(g, "names", []string{"a", "bc"}, false)))
	s, err := hdf5.CreateStream[float64](g, "stream", 2, 3)
	check(err)
	check(s.Append([]float64{1, 2, 3, 4}))
	check(s.Append([]float64{5, 6, 7, 8, 9, 10}))
	check(hdf5.SetNumber(f, "magic", uint32(0x0A7A)))
	check(hdf5.SetNumbers(f, "version", []uint32{0, 1}))
	check(g.SetAttr("text", "hello"))
	check(g.SetAttr("texts", []string{"x", "yz"}))
	check(g.SetAttr("sorting", hdf5.Enum{Names: []string{"none", "by_id", "by_time"}, Value: 2}))
	check(hdf5.SetNumber(g, "pi", 3.25))
	check(hdf5.SetNumber(g, "pi", 3.5)) // replaces
	check(s.SetRef("target", &g.Object))
	check(f.Close())
}

// TestH5pyReads checks the file written as h5py reads it: values, dtypes
// and attributes.
func TestH5pyReads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sample.h5")
	writeSample(t, path)
	tree := h5pytest.Dump(t, path)
	datasets := []struct {
		path, dtype string
		shape       []int
		value       any
	}{
		{"/g/f64", "<f8", []int{3}, []any{1.5, -2.0, 3e300}},
		{"/g/f32", "<f4", []int{2, 3}, []any{[]any{1.0, 2.0, 3.0}, []any{4.0, 5.0, 6.0}}},
		{"/g/u64", "<u8", []int{2}, []any{0.0, float64(uint64(1) << 63)}},
		{"/g/i32", "<i4", []int{1}, []any{-7.0}},
		{"/g/name", "str:utf-8:vlen", []int{}, "Neurite µm"},
		{"/g/names", "str:utf-8:vlen", []int{2}, []any{"a", "bc"}},
		{"/g/stream", "<f8", []int{5, 2}, []any{[]any{1.0, 2.0}, []any{3.0, 4.0}, []any{5.0, 6.0}, []any{7.0, 8.0}, []any{9.0, 10.0}}},
	}
	for _, d := range datasets {
		n, ok := tree[d.path]
		if !ok || n.Kind != "dataset" {
			t.Errorf("%s: missing", d.path)
			continue
		}
		if n.Dtype != d.dtype || !reflect.DeepEqual(append([]int{}, n.Shape...), d.shape) || !reflect.DeepEqual(n.Value, d.value) {
			t.Errorf("%s: h5py reads %s %v %v, want %s %v %v", d.path, n.Dtype, n.Shape, n.Value, d.dtype, d.shape, d.value)
		}
	}
	attrs := []struct {
		path, name, dtype string
		value             any
	}{
		{"/", "magic", "<u4", 2682.0},
		{"/", "version", "<u4", []any{0.0, 1.0}},
		{"/g", "text", "str:utf-8:vlen", "hello"},
		{"/g", "texts", "str:utf-8:vlen", []any{"x", "yz"}},
		{"/g", "sorting", "|i1", map[string]any{"enum": map[string]any{"none": 0.0, "by_id": 1.0, "by_time": 2.0}, "value": 2.0}},
		{"/g", "pi", "<f8", 3.5},
		{"/g/stream", "target", "|O", map[string]any{"ref": "/g"}},
	}
	for _, a := range attrs {
		n := tree[a.path]
		if got := n.Attrs[a.name]; !reflect.DeepEqual(got, a.value) || n.AttrDtypes[a.name] != a.dtype {
			t.Errorf("%s attribute %s: h5py reads %v (%s), want %v (%s)", a.path, a.name, got, n.AttrDtypes[a.name], a.value, a.dtype)
		}
	}
}

// TestRoundTrip reads back what writeSample wrote.
func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sample.h5")
	writeSample(t, path)
	f, err := hdf5.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := f.OpenGroup("g")
	if err != nil {
		t.Fatal(err)
	}
	names, err := g.Names()
	if want := []string{"f32", "f64", "i32", "name", "names", "stream", "u64"}; err != nil || !reflect.DeepEqual(names, want) {
		t.Errorf("Names = %v, %v; want %v", names, err, want)
	}
	open := func(name string) *hdf5.Dataset {
		t.Helper()
		d, err := g.Dataset(name)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(d.Close)
		return d
	}
	if v, err := hdf5.Read[float64](open("f32")); err != nil || !reflect.DeepEqual(v, []float64{1, 2, 3, 4, 5, 6}) {
		t.Errorf("f32 as float64 = %v, %v", v, err)
	}
	if v, err := hdf5.Read[uint64](open("u64")); err != nil || !reflect.DeepEqual(v, []uint64{0, 1 << 63}) {
		t.Errorf("u64 = %v, %v", v, err)
	}
	if v, err := hdf5.Read[int64](open("i32")); err != nil || !reflect.DeepEqual(v, []int64{-7}) {
		t.Errorf("i32 as int64 = %v, %v", v, err)
	}
	if shape, err := open("stream").Shape(); err != nil || !reflect.DeepEqual(shape, []int{5, 2}) {
		t.Errorf("stream shape = %v, %v", shape, err)
	}
	if v, err := hdf5.ReadStrings(open("name")); err != nil || !reflect.DeepEqual(v, []string{"Neurite µm"}) {
		t.Errorf("name = %q, %v", v, err)
	}
	if v, err := g.AttrString("sorting"); err != nil || v != "by_time" {
		t.Errorf("sorting = %q, %v", v, err)
	}
	if v, err := g.AttrStrings("texts"); err != nil || !reflect.DeepEqual(v, []string{"x", "yz"}) {
		t.Errorf("texts = %q, %v", v, err)
	}
	if v, err := hdf5.Attr[int64](&f.Object, "version"); err != nil || !reflect.DeepEqual(v, []int64{0, 1}) {
		t.Errorf("version = %v, %v", v, err)
	}
	if _, err := hdf5.Read[float64](open("name")); err == nil || !strings.Contains(err.Error(), "holds strings, not numbers") {
		t.Errorf("reading strings as numbers: %v", err)
	}
}

// TestBadFiles checks that damaged or unexpected input gives an error
// naming the file and what is wrong.
func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.h5")
	writeSample(t, good)
	whole, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.h5")
	text := filepath.Join(dir, "text.h5")
	empty := filepath.Join(dir, "empty.h5")
	for path, data := range map[string][]byte{truncated: whole[:len(whole)/2], text: []byte("t_ms,v\n0,1\n"), empty: nil} {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		path, want string
	}{
		{truncated, "truncated file"},
		{text, "not an HDF5 file"},
		{empty, "not an HDF5 file"},
		{filepath.Join(dir, "missing.h5"), "no such file"},
	} {
		f, err := hdf5.Open(c.path)
		if err == nil {
			f.Close()
			t.Errorf("%s: opened", filepath.Base(c.path))
			continue
		}
		if !strings.Contains(err.Error(), c.path) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q, want the path and %q", filepath.Base(c.path), err, c.want)
		}
	}
	f, err := hdf5.Open(good)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Dataset("nothing"); !errors.Is(err, hdf5.ErrNotFound) || !strings.Contains(err.Error(), good+": no dataset /nothing") {
		t.Errorf("missing dataset: %v", err)
	}
	if _, err := f.Dataset("g"); err == nil || !strings.Contains(err.Error(), "/g is not a dataset") {
		t.Errorf("group as dataset: %v", err)
	}
	if _, err := f.AttrString("nothing"); !errors.Is(err, hdf5.ErrNotFound) {
		t.Errorf("missing attribute: %v", err)
	}
	if _, err := f.OpenGroup("a/b"); err == nil || !strings.Contains(err.Error(), `bad object name "a/b"`) {
		t.Errorf("path as name: %v", err)
	}
}

// BenchmarkSpikeArrays writes a million spike times and node ids, as
// whole datasets (as h5py writes NumPy arrays) and appended in chunks of
// 2^17 (as sim/sonata streams a run).
func BenchmarkSpikeArrays(b *testing.B) {
	const n = 1_000_000
	times, ids := make([]float64, n), make([]uint64, n)
	for i := range times {
		times[i], ids[i] = float64(i)*1e-3, uint64(i%1000)
	}
	path := filepath.Join(b.TempDir(), "spikes.h5")
	write := func(b *testing.B, add func(g *hdf5.Group) error) {
		for b.Loop() {
			f, err := hdf5.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			if err := add(&f.Group); err != nil {
				b.Fatal(err)
			}
			if err := f.Close(); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("whole", func(b *testing.B) {
		write(b, func(g *hdf5.Group) error {
			if err := hdf5.Closed(hdf5.Write(g, "timestamps", times)); err != nil {
				return err
			}
			return hdf5.Closed(hdf5.Write(g, "node_ids", ids))
		})
	})
	b.Run("stream", func(b *testing.B) {
		write(b, func(g *hdf5.Group) error {
			ts, err := hdf5.CreateStream[float64](g, "timestamps", 0, 1<<17)
			if err != nil {
				return err
			}
			ns, err := hdf5.CreateStream[uint64](g, "node_ids", 0, 1<<17)
			if err != nil {
				return err
			}
			for k := 0; k < n; k += 1 << 17 {
				end := min(n, k+1<<17)
				if err := ts.Append(times[k:end]); err != nil {
					return err
				}
				if err := ns.Append(ids[k:end]); err != nil {
					return err
				}
			}
			return nil
		})
	})
}
