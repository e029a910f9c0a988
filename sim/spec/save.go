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
	return c
}

// SaveAs writes the model to path atomically and makes path its home: a
// morphology file it names is referred to relative to the new place, and
// copied beside it when the model came from embedded files.
func (m *Model) SaveAs(file string) error {
	dir := filepath.Dir(file)
	c := m.Clone()
	if swc := m.Morphology.SWC; swc != "" {
		switch {
		case m.embedded:
			target := filepath.Join(dir, filepath.Base(swc))
			if err := m.copyOut(swc, target); err != nil {
				return err
			}
			c.Morphology.SWC = filepath.Base(swc)
		case !filepath.IsAbs(swc):
			abs, err := filepath.Abs(filepath.Join(m.dir, swc))
			if err != nil {
				return err
			}
			newDir, err := filepath.Abs(dir)
			if err != nil {
				return err
			}
			if rel, err := filepath.Rel(newDir, abs); err == nil {
				c.Morphology.SWC = rel
			} else {
				c.Morphology.SWC = abs
			}
		}
	}
	data, err := c.Marshal()
	if err != nil {
		return err
	}
	if err := output.WriteFile(file, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
		return err
	}
	m.Morphology.SWC = c.Morphology.SWC
	m.file, m.dir, m.open, m.embedded, m.keys, m.sets = file, dir, osOpener(dir), false, nil, nil
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
