// Package assets embeds what Neurite ships with: the example models (each
// reproducing a reference case) with their morphologies, and the icon.
package assets

import (
	"embed"
	"io/fs"
	"path"
	"slices"
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

// Models lists the embedded example models.
func Models() []string {
	entries, err := fs.Glob(FS, "models/*.toml")
	if err != nil {
		panic(err)
	}
	slices.Sort(entries)
	return entries
}

// Name returns a model's name without directory or extension.
func Name(model string) string {
	base := path.Base(model)
	return base[:len(base)-len(path.Ext(base))]
}
