package spec

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/pelletier/go-toml/v2"

	"neurite/sim/output"
)

// Marshal writes the model as a TOML document that Parse reads back to the
// same model.
func (m *Model) Marshal() ([]byte, error) {
	body, err := toml.Marshal(m)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("# Neurite model file (units: ms, mV, µm, nA, µS, S/cm², µF/cm², Ω·cm, °C)\n\n")
	b.Write(body)
	return b.Bytes(), nil
}

// Clone returns an independent copy of the model, reading its files from
// the same place.
func (m *Model) Clone() *Model {
	data, err := m.Marshal()
	if err != nil {
		panic(fmt.Sprintf("spec: marshalling a checked model: %v", err))
	}
	c := &Model{}
	if err := toml.Unmarshal(data, c); err != nil {
		panic(fmt.Sprintf("spec: reading back a marshalled model: %v", err))
	}
	c.source = m.source
	c.Mods = m.Mods // read once, never changed
	return c
}

// SaveAs writes the model to path atomically and makes path its home: a
// morphology file it names is referred to relative to the new place, and
// copied beside it when the model came from embedded files.
func (m *Model) SaveAs(file string) error {
	dir := filepath.Dir(file)
	c := m.Clone()
	// relocate names a file the model refers to from the new place: the
	// same name, copied out beside it, where the model came from
	// embedded files (copy, a single file's base name, or a pattern's
	// matches under the same relative path); else the path from the new
	// place.
	relocate := func(name string, flat bool) (string, error) {
		switch {
		case m.embedded:
			names := []string{name}
			if !flat {
				var err error
				if names, err = m.glob(name); err != nil {
					return "", err
				}
			}
			for _, n := range names {
				target := filepath.Join(dir, n)
				if flat {
					target = filepath.Join(dir, filepath.Base(n))
				}
				if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
					return "", err
				}
				if err := m.copyOut(n, target); err != nil {
					return "", err
				}
			}
			if flat {
				return filepath.Base(name), nil
			}
			return name, nil
		case filepath.IsAbs(name):
			return name, nil
		}
		abs, err := filepath.Abs(filepath.Join(m.dir, name))
		if err != nil {
			return "", err
		}
		newDir, err := filepath.Abs(dir)
		if err != nil {
			return "", err
		}
		if rel, err := filepath.Rel(newDir, abs); err == nil {
			return rel, nil
		}
		return abs, nil
	}
	for _, f := range []struct{ from, to *string }{{&m.Morphology.SWC, &c.Morphology.SWC}, {&m.Morphology.NeuroML, &c.Morphology.NeuroML}} {
		if *f.from != "" {
			var err error
			if *f.to, err = relocate(*f.from, true); err != nil {
				return err
			}
		}
	}
	for k, pattern := range m.Mechanisms {
		var err error
		if c.Mechanisms[k], err = relocate(pattern, false); err != nil {
			return err
		}
	}
	data, err := c.Marshal()
	if err != nil {
		return err
	}
	if err := output.WriteFile(file, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
		return err
	}
	m.Morphology.SWC, m.Morphology.NeuroML, m.Mechanisms = c.Morphology.SWC, c.Morphology.NeuroML, c.Mechanisms
	m.file, m.dir, m.open, m.glob, m.embedded, m.keys, m.sets = file, dir, osOpener(dir), osGlob(dir), false, nil, nil
	return nil
}

// copyOut copies a file the model refers to out of its file system.
func (m *Model) copyOut(name, target string) error {
	if _, err := os.Stat(target); err == nil {
		return nil
	}
	r, err := m.open(name)
	if err != nil {
		return err
	}
	defer r.Close()
	return output.WriteFile(target, func(w io.Writer) error { _, err := io.Copy(w, r); return err })
}
