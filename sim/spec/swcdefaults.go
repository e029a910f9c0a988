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
	f := func(x float64) *float64 { return &x }
	dir := filepath.Dir(file)
	name := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	return &Model{
		Name:       name,
		Morphology: Morphology{SWC: filepath.Base(file)},
		Biophysics: []Biophysics{
			{Where: "all", Ra: f(SWCRa), Cm: f(1), Pas: &Pas{G: f(SWCPasG), E: f(SWCPasE)}},
			{Where: "soma", HH: &HH{}, Remove: []string{"pas"}},
		},
		IClamps:   []IClamp{{Name: "stim", At: "soma[0](0.5)", Delay: SWCStimFrom, Dur: f(SWCStimDur), Amp: f(SWCStimAmp)}},
		Spikes:    &Spikes{At: "soma[0](0.5)", Threshold: f(0)},
		Records:   []Record{{Name: "v_soma", At: "soma[0](0.5)", Var: "v"}},
		Snapshots: Snapshots{Interval: SWCSnapshot},
		Run:       Run{Tstop: f(SWCTstop), Dt: f(DefaultDt), RecordInterval: f(0.1), Method: Methods[0], Backend: Backends[0]},
		source:    source{file: file, dir: dir, open: osOpener(dir)},
	}
}

// IsSWC reports whether a file name looks like an SWC morphology.
func IsSWC(file string) bool { return strings.EqualFold(filepath.Ext(file), ".swc") }

// IsNeuroML reports whether a file name looks like a NeuroML 2 document
// (cell.nml, cell.cell.nml).
func IsNeuroML(file string) bool { return strings.EqualFold(filepath.Ext(file), ".nml") }

// ForNeuroML returns the model a bare NeuroML cell file stands for before
// its own biophysics: ForSWC's, with the file as its morphology and
// without hh (compartments.NeuroMLModel adds what the file sets).
func ForNeuroML(file string) *Model {
	m := ForSWC(file)
	m.Morphology = Morphology{NeuroML: filepath.Base(file)}
	m.Name = strings.TrimSuffix(m.Name, ".cell")
	m.Biophysics = m.Biophysics[:1]
	return m
}
