package spec

import (
	"path/filepath"
	"strings"
)

// The biophysics a bare SWC file gets (see the README): NEURON's hh in the
// soma, a passive leak everywhere else, a current step into the soma.
const (
	SWCPasG     = 1e-4  // S/cm²
	SWCPasE     = -65.0 // mV
	SWCRa       = 100.0 // Ω·cm
	SWCStimAmp  = 1.0   // nA
	SWCStimFrom = 10.0  // ms
	SWCStimDur  = 100.0 // ms
	SWCTstop    = 150.0 // ms
	SWCSnapshot = 0.5   // ms
)

// ForSWC returns the model a bare SWC file stands for: Ra 100 Ω·cm, cm
// 1 µF/cm², d_lambda 0.1; hh with NEURON's defaults in the soma and pas
// (1e-4 S/cm², -65 mV) elsewhere; a 1 nA step into soma[0](0.5) from 10 to
// 110 ms; 150 ms at dt 0.025 ms; v recorded at the soma every 0.1 ms and
// snapshots every 0.5 ms.
func ForSWC(file string) *Model {
	m := bare(file, Morphology{SWC: filepath.Base(file)})
	m.Biophysics = []Biophysics{
		{Where: "all", Ra: ptr(SWCRa), Cm: ptr(1), Pas: SWCPas()},
		{Where: "soma", HH: &HH{}, Remove: []string{"pas"}},
	}
	return m
}

// SWCPas is the leak of a bare SWC file's cell.
func SWCPas() *Pas { return &Pas{G: ptr(SWCPasG), E: ptr(SWCPasE)} }

// bare is the model of a bare morphology file before its biophysics: the
// bare SWC file's stimulus, recording, snapshots and run.
func bare(file string, mo Morphology) *Model {
	dir := filepath.Dir(file)
	name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)), ".cell")
	return &Model{
		Name:       name,
		Morphology: mo,
		IClamps:    []IClamp{{Name: "stim", At: "soma[0](0.5)", Delay: SWCStimFrom, Dur: ptr(SWCStimDur), Amp: ptr(SWCStimAmp)}},
		Spikes:     &Spikes{At: "soma[0](0.5)", Threshold: ptr(0)},
		Records:    []Record{{Name: "v_soma", At: "soma[0](0.5)", Var: "v"}},
		Snapshots:  Snapshots{Interval: SWCSnapshot},
		Run:        Run{Tstop: ptr(SWCTstop), Dt: ptr(DefaultDt), RecordInterval: ptr(0.1), Method: Methods[0], Backend: Backends[0]},
		source:     source{file: file, dir: dir, open: osOpener(dir)},
	}
}

// IsSWC reports whether a file name looks like an SWC morphology.
func IsSWC(file string) bool { return strings.EqualFold(filepath.Ext(file), ".swc") }

// IsNeuroML reports whether a file name looks like a NeuroML 2 document
// (cell.nml, cell.cell.nml).
func IsNeuroML(file string) bool { return strings.EqualFold(filepath.Ext(file), ".nml") }

// ForNeuroML returns the model a bare NeuroML cell file stands for before
// its own biophysics: a bare SWC file's, with the file as its morphology,
// Ra and cm as there and no mechanism (compartments.NeuroMLModel adds
// what the file sets).
func ForNeuroML(file string) *Model {
	m := bare(file, Morphology{NeuroML: filepath.Base(file)})
	m.Biophysics = []Biophysics{{Where: "all", Ra: ptr(SWCRa), Cm: ptr(1)}}
	return m
}
