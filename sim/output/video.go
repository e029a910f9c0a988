package output

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// Video receives frames of equal size and writes them as a video file.
type Video interface {
	Frame(img *image.RGBA) error
	// Commit finishes the file and puts it in place; Abort throws it away.
	Commit() error
	Abort()
}

// HaveFFmpeg reports whether ffmpeg is on the PATH (for MP4).
func HaveFFmpeg() bool {
	_, err := exec.LookPath("ffmpeg")
	return err == nil
}

// CreateVideo starts a video at path: H.264 MP4 (yuv420p, which ordinary
// players open) through ffmpeg for ".mp4", an animated GIF for ".gif".
// Width and height must be even for MP4.
func CreateVideo(path string, w, h int, fps float64) (Video, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".mp4":
		if !HaveFFmpeg() {
			return nil, errors.New("MP4 needs ffmpeg on the PATH (apt-get install ffmpeg); write a .gif instead")
		}
		if w%2 != 0 || h%2 != 0 {
			return nil, fmt.Errorf("MP4 frames must have even sides, not %d×%d", w, h)
		}
		return startFFmpeg(path, w, h, fps)
	case ".gif":
		// The file is started now, so that a directory that cannot be
		// written is reported before the frames are made.
		f, err := Create(path)
		if err != nil {
			return nil, err
		}
		return &gifVideo{f: f, delay: max(2, int(100/fps+0.5))}, nil
	}
	return nil, fmt.Errorf("%s: unknown video format (use .mp4 or .gif)", path)
}

// ffmpegVideo pipes raw RGBA frames into ffmpeg, which writes a temporary
// file renamed into place on Commit.
type ffmpegVideo struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	tmp    string
	final  string
	stderr strings.Builder
}

func startFFmpeg(path string, w, h int, fps float64) (*ffmpegVideo, error) {
	if err := startBeside(path); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".part-*.mp4")
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", path, cause(err))
	}
	tmp.Close()
	v := &ffmpegVideo{tmp: tmp.Name(), final: path}
	v.cmd = exec.Command("ffmpeg", "-y", "-loglevel", "error",
		"-f", "rawvideo", "-pix_fmt", "rgba", "-s", fmt.Sprintf("%dx%d", w, h), "-r", fmt.Sprint(fps), "-i", "-",
		"-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4", v.tmp)
	v.cmd.Stderr = &v.stderr
	ownProcessGroup(v.cmd)
	if v.stdin, err = v.cmd.StdinPipe(); err != nil {
		os.Remove(v.tmp)
		return nil, err
	}
	if err := v.cmd.Start(); err != nil {
		os.Remove(v.tmp)
		return nil, err
	}
	return v, nil
}

func (v *ffmpegVideo) Frame(img *image.RGBA) error {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := img.Pix[img.PixOffset(b.Min.X, y):img.PixOffset(b.Max.X, y)]
		if _, err := v.stdin.Write(row); err != nil {
			return fmt.Errorf("ffmpeg: %v %s", err, v.stderr.String())
		}
	}
	return nil
}

func (v *ffmpegVideo) Commit() error {
	v.stdin.Close()
	if err := v.cmd.Wait(); err != nil {
		os.Remove(v.tmp)
		return fmt.Errorf("ffmpeg: %v %s", err, v.stderr.String())
	}
	err := syncFile(v.tmp)
	if err == nil {
		err = os.Chmod(v.tmp, 0o644)
	}
	if err == nil {
		err = rename(v.tmp, v.final)
	}
	if err != nil {
		os.Remove(v.tmp)
		return fmt.Errorf("writing %s: %w", v.final, cause(err))
	}
	return nil
}

func (v *ffmpegVideo) Abort() {
	v.stdin.Close()
	v.cmd.Process.Kill()
	v.cmd.Wait()
	os.Remove(v.tmp)
}

// gifVideo keeps paletted frames and encodes them on Commit (image/gif
// writes a whole animation at once).
type gifVideo struct {
	f      *File
	delay  int // hundredths of a second per frame
	frames gif.GIF
}

// plan9Lookup maps colours, 5 bits a channel, to their nearest entry of the
// Plan 9 palette: searching the palette for every pixel (what image/draw
// does) takes a second a frame.
var plan9Lookup = sync.OnceValue(func() *[1 << 15]uint8 {
	var lut [1 << 15]uint8
	for i := range lut {
		r, g, b := uint8(i>>10)<<3|4, uint8(i>>5&31)<<3|4, uint8(i&31)<<3|4
		lut[i] = uint8(color.Palette(palette.Plan9).Index(color.RGBA{r, g, b, 255}))
	}
	return &lut
})

func (v *gifVideo) Frame(img *image.RGBA) error {
	lut := plan9Lookup()
	b := img.Bounds()
	p := image.NewPaletted(b, palette.Plan9)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		src := img.Pix[img.PixOffset(b.Min.X, y):]
		dst := p.Pix[p.PixOffset(b.Min.X, y):]
		for x := range b.Dx() {
			r, g, bl := src[4*x]>>3, src[4*x+1]>>3, src[4*x+2]>>3
			dst[x] = lut[int(r)<<10|int(g)<<5|int(bl)]
		}
	}
	v.frames.Image = append(v.frames.Image, p)
	v.frames.Delay = append(v.frames.Delay, v.delay)
	return nil
}

func (v *gifVideo) Commit() error {
	if err := gif.EncodeAll(v.f, &v.frames); err != nil {
		v.f.Abort()
		return v.f.fail(err)
	}
	return v.f.Commit()
}

func (v *gifVideo) Abort() {
	v.frames = gif.GIF{}
	v.f.Abort()
}

// syncFile puts a file that another process wrote (ffmpeg's) on the disk
// before it is renamed into place, as File does with its own.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0) // Windows flushes only a file open for writing
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}
