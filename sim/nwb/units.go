// Package nwb writes a run's spike times as an NWB 2 file
// (Neurodata Without Borders, nwb-schema 2.6.0): the file-level datasets
// and groups every NWB file has, and a Units table whose rows are the
// run's neurons (or cells), with their spike times in seconds as NWB
// requires.
//
// The Units table is an hdmf DynamicTable laid out as pynwb writes it:
//
//	/units                     attributes neurodata_type Units, namespace core, colnames [spike_times], description, object_id
//	/units/id                  int64, the neuron ids (ElementIdentifiers)
//	/units/spike_times         float64, every unit's spike times one unit after another (s; VectorData)
//	/units/spike_times_index   uint64, where each unit's spike times end (VectorIndex; target: spike_times)
//
// Debian 12 does not package pynwb; the tests check the layout against
// the schema with h5py (testdata/check_nwb.py), and read the file with
// pynwb too where it is installed.
package nwb

import (
	"crypto/rand"
	"fmt"
	"time"

	"neurite/sim/hdf5"
)

// Version is the NWB schema version the files follow.
const Version = "2.6.0"

// Units is what a Units file holds.
type Units struct {
	// Identifier names the file uniquely; SessionDescription says what
	// the run was.
	Identifier, SessionDescription string
	// Start is when the run started: NWB's session_start_time and
	// timestamps_reference_time, the zero of spike times.
	Start time.Time
	// IDs are the units' ids (Neurite's neuron ids), and SpikeTimes[k]
	// unit k's spike times (ms, as Neurite records them; written in s).
	IDs        []int64
	SpikeTimes [][]float64
}

// WriteUnits writes u as an NWB file at path. It writes the file at path
// directly: callers that need it atomic write to a temporary name and
// rename it (see sim/output).
func WriteUnits(path string, u Units) error {
	if len(u.IDs) != len(u.SpikeTimes) {
		return fmt.Errorf("%s: %d unit ids for %d spike trains", path, len(u.IDs), len(u.SpikeTimes))
	}
	f, err := hdf5.Create(path)
	if err != nil {
		return err
	}
	if err := write(f, u); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// isoTime is how NWB writes times: ISO 8601 with the time zone.
func isoTime(t time.Time) string { return t.Format("2006-01-02T15:04:05.000000-07:00") }

// typed marks an object as an instance of an NWB or hdmf type.
func typed(o *hdf5.Object, namespace, typ string) error {
	id, err := objectID()
	if err != nil {
		return err
	}
	for _, kv := range [][2]string{{"namespace", namespace}, {"neurodata_type", typ}, {"object_id", id}} {
		if err := o.SetAttr(kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}

// objectID is a random (version 4) UUID, as hdmf gives every object.
func objectID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:]), nil
}

func write(f *hdf5.File, u Units) error {
	if err := typed(&f.Object, "core", "NWBFile"); err != nil {
		return err
	}
	if err := f.SetAttr("nwb_version", Version); err != nil {
		return err
	}
	start := isoTime(u.Start)
	for _, ds := range []struct {
		name, value string
		scalar      bool
	}{
		{"identifier", u.Identifier, true},
		{"session_description", u.SessionDescription, true},
		{"session_start_time", start, true},
		{"timestamps_reference_time", start, true},
		{"file_create_date", isoTime(time.Now()), false},
	} {
		if err := hdf5.Closed(hdf5.WriteStrings(&f.Group, ds.name, []string{ds.value}, ds.scalar)); err != nil {
			return err
		}
	}
	for _, name := range []string{"acquisition", "analysis", "general", "processing"} {
		if err := hdf5.Closed(f.CreateGroup(name)); err != nil {
			return err
		}
	}
	stim, err := f.CreateGroup("stimulus")
	if err != nil {
		return err
	}
	defer stim.Close()
	for _, name := range []string{"presentation", "templates"} {
		if err := hdf5.Closed(stim.CreateGroup(name)); err != nil {
			return err
		}
	}
	return writeUnits(f, u)
}

func writeUnits(f *hdf5.File, u Units) error {
	g, err := f.CreateGroup("units")
	if err != nil {
		return err
	}
	defer g.Close()
	if err := typed(&g.Object, "core", "Units"); err != nil {
		return err
	}
	if err := g.SetAttr("colnames", []string{"spike_times"}); err != nil {
		return err
	}
	if err := g.SetAttr("description", "spike times of a Neurite run"); err != nil {
		return err
	}
	ids, err := hdf5.Write(g, "id", u.IDs)
	if err != nil {
		return err
	}
	err = typed(&ids.Object, "hdmf-common", "ElementIdentifiers")
	ids.Close()
	if err != nil {
		return err
	}
	var times []float64
	index := make([]uint64, 0, len(u.SpikeTimes))
	for _, train := range u.SpikeTimes {
		for _, t := range train {
			times = append(times, t/1000)
		}
		index = append(index, uint64(len(times)))
	}
	st, err := hdf5.Write(g, "spike_times", times)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := typed(&st.Object, "hdmf-common", "VectorData"); err != nil {
		return err
	}
	if err := st.SetAttr("description", "the spike times for each unit in seconds"); err != nil {
		return err
	}
	si, err := hdf5.Write(g, "spike_times_index", index)
	if err != nil {
		return err
	}
	defer si.Close()
	if err := typed(&si.Object, "hdmf-common", "VectorIndex"); err != nil {
		return err
	}
	if err := si.SetAttr("description", "Index for VectorData 'spike_times'"); err != nil {
		return err
	}
	return si.SetRef("target", &st.Object)
}
