// Package assets embeds what Neurite ships with: the example models (each
// reproducing a reference case) with their morphologies, and the icon.
package assets

import (
	"embed"
	"io/fs"
	"path"
	"slices"
	"strings"
)

//go:embed models icon.png
var FS embed.FS

// Example is the model the app opens with: a CA1 pyramidal cell.
const Example = "models/swc_cell_A.toml"

// Icon is the application icon (PNG).
func Icon() []byte {
	b, err := FS.ReadFile("icon.png")
	if err != nil {
		panic("assets: icon missing from the embedded files: " + err.Error())
	}
	return b
}

// Models lists the embedded example models of cells.
func Models() []string { return examples(false) }

// Networks lists the embedded example networks.
func Networks() []string { return examples(true) }

// examples lists the example model files (models/*.toml) that are
// networks, or those that are not. A network file has a [[population]]
// table.
func examples(networks bool) []string {
	entries, err := fs.Glob(FS, "models/*.toml")
	if err != nil {
		panic(err)
	}
	slices.Sort(entries)
	var out []string
	for _, e := range entries {
		data, err := FS.ReadFile(e)
		if err != nil {
			panic(err)
		}
		isNet := false
		for line := range strings.Lines(string(data)) {
			if strings.TrimSpace(line) == "[[population]]" {
				isNet = true
				break
			}
		}
		if isNet == networks {
			out = append(out, e)
		}
	}
	return out
}

// Name returns a model's name without directory or extension.
func Name(model string) string {
	base := path.Base(model)
	return base[:len(base)-len(path.Ext(base))]
}
