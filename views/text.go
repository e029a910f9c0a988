package views

import (
	"fmt"
	"image"
	"image/color"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

var (
	fontMu   sync.Mutex
	fontData *opentype.Font // nil until first used: Go Regular
	faces    sync.Map       // size → font.Face
)

// textFont returns the font of every picture views draws, text on the
// cell and figures alike: Go Regular (a sans) unless UseFont chose another.
func textFont() *opentype.Font {
	fontMu.Lock()
	defer fontMu.Unlock()
	if fontData == nil {
		f, err := opentype.Parse(goregular.TTF)
		if err != nil {
			panic("views: the embedded Go font does not parse: " + err.Error())
		}
		fontData = f
	}
	return fontData
}

// UseFont sets the font of all text views draws from TrueType or OpenType
// data, for example the window theme's, so that pictures and window match.
// Call it before drawing.
func UseFont(data []byte) error {
	f, err := opentype.Parse(data)
	if err != nil {
		return fmt.Errorf("the font cannot be read: %w", err)
	}
	fontMu.Lock()
	fontData = f
	fontMu.Unlock()
	faces.Clear()
	registerSans(f)
	return nil
}

// face returns the Go Regular font at size points (72 dpi, so points are
// pixels).
func face(size float64) font.Face {
	if f, ok := faces.Load(size); ok {
		return f.(font.Face)
	}
	f, err := opentype.NewFace(textFont(), &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic("views: " + err.Error())
	}
	actual, _ := faces.LoadOrStore(size, f)
	return actual.(font.Face)
}

// Align places text horizontally about its anchor.
type Align int

const (
	Left Align = iota
	Center
	Right
)

// DrawText writes s in img with its baseline at y, aligned about x.
func DrawText(img *image.RGBA, x, y int, s string, size float64, c color.Color, align Align) {
	f := face(size)
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: f}
	w := d.MeasureString(s).Round()
	switch align {
	case Center:
		x -= w / 2
	case Right:
		x -= w
	}
	d.Dot = fixed.P(x, y)
	d.DrawString(s)
}

// TextWidth returns the width of s in pixels.
func TextWidth(s string, size float64) int {
	return font.MeasureString(face(size), s).Round()
}
