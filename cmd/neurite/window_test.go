package main

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"neurite/views"
)

// buildNeurite builds the binary under test, and the app beside it, into
// a temporary directory.
func buildNeurite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "neurite")
	out, err := exec.Command("go", "build", "-o", dir+"/", ".", "../neurite-app").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// screenshot starts the real binary with args on a virtual display (its
// own xvfb-run, so that it runs the same with or without an outer display),
// waits for the window and returns a screenshot of it.
func screenshot(t *testing.T, args string) image.Image {
	t.Helper()
	bin := buildNeurite(t)
	shot := filepath.Join(t.TempDir(), "shot.png")
	script := `
` + bin + ` open ` + args + ` &
pid=$!
for i in $(seq 1 150); do
	xwininfo -root -tree 2>/dev/null | grep -q '"Neurite' && break
	sleep 0.2
done
sleep 2
import -window root ` + shot + `
kill $pid
wait $pid 2>/dev/null
exit 0`
	cmd := exec.Command("xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "bash", "-c", script)
	cmd.Env = append(os.Environ(), "LANG=en_US.UTF-8")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xvfb-run: %v\n%s", err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal("no screenshot: ", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// count counts the pixels of a region near a colour.
func count(img image.Image, r image.Rectangle, c color.RGBA, tol int) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if nearRGB(img.At(x, y), c, tol) {
				n++
			}
		}
	}
	return n
}

// TestWindowShowsCell checks that the cell is drawn in the view area: the
// left ~70% below the toolbar, in viridis at about -65 mV at rest.
func TestWindowShowsCell(t *testing.T) {
	img := screenshot(t, "")
	if cell := count(img, image.Rect(0, 120, 840, 500), views.Viridis((-65.0+80)/120), 12); cell < 1500 {
		t.Errorf("only %d pixels of the resting cell in the view area of the screenshot", cell)
	}
}

// TestWindowShowsDynamics opens the Dynamics tab on the high-threshold
// I_Na,p + I_K model and checks that both nullclines (red V, blue n) are
// drawn in the phase plane, on the left half.
func TestWindowShowsDynamics(t *testing.T) {
	img := screenshot(t, "--dynamics inapk:high")
	plane := image.Rect(0, 180, 520, 760)
	red, blue := count(img, plane, color.RGBA{214, 39, 40, 255}, 40), count(img, plane, color.RGBA{31, 119, 180, 255}, 40)
	if red < 300 || blue < 300 {
		t.Errorf("%d pixels of the V-nullcline, %d of the n-nullcline in the phase plane", red, blue)
	}
}

func nearRGB(c color.Color, want color.RGBA, tol int) bool {
	r, g, b, _ := c.RGBA()
	d := func(x uint32, y uint8) int {
		v := int(x>>8) - int(y)
		if v < 0 {
			return -v
		}
		return v
	}
	return d(r, want.R) <= tol && d(g, want.G) <= tol && d(b, want.B) <= tol
}

// TestRenderVideo makes an MP4 and a GIF with neurite render, the cell
// simulated on the GPU, and checks the MP4 with ffprobe: codec, pixel
// format, size, frame count, duration.
func TestRenderVideo(t *testing.T) {
	dir := t.TempDir()
	mp4, gif := filepath.Join(dir, "cell.mp4"), filepath.Join(dir, "cell.gif")
	var code int
	var errs string
	onDevice(t, func() {
		code, _, errs = neurite("render", example, "--video", mp4, "--gif", gif, "--fps", "25", "--size", "320x240",
			"--view", "30,10", "--to", "12", "--speed", "10", "--quiet", "--backend", "gpu")
	})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.Count(errs, "backend: gpu (") != 1 {
		t.Errorf("the backend should be said once: %q", errs)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
		"-show_entries", "stream=codec_name,pix_fmt,width,height,nb_read_frames:format=duration",
		"-of", "default=nw=1", mp4).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		k, v, _ := strings.Cut(line, "=")
		got[k] = v
	}
	// 12 ms at 10 ms per second and 25 frames per second: frames at
	// 0, 0.4, ..., 12 ms, 31 of them, 1.24 s.
	for k, want := range map[string]string{"codec_name": "h264", "pix_fmt": "yuv420p", "width": "320", "height": "240", "nb_read_frames": "31"} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	if d, _ := strconv.ParseFloat(got["duration"], 64); d < 1.2 || d > 1.3 {
		t.Errorf("duration %v s, want 1.24", got["duration"])
	}
	g, err := os.Open(gif)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	cfg, format, err := image.DecodeConfig(g)
	if err != nil || format != "gif" || cfg.Width != 320 || cfg.Height != 240 {
		t.Errorf("gif: %v %s %dx%d", err, format, cfg.Width, cfg.Height)
	}
}

func TestRenderErrors(t *testing.T) {
	if code, _, errs := neurite("render", example, "--video", filepath.Join(t.TempDir(), "x.avi")); code != 2 || !strings.Contains(errs, "give a .mp4 file") {
		t.Errorf("avi: exit %d: %s", code, errs)
	}
	if code, _, _ := neurite("render", example); code != 2 {
		t.Errorf("no output: exit %d, want 2", code)
	}
	if code, _, errs := neurite("render", example, "--gif", filepath.Join(t.TempDir(), "x.gif"), "--view", "north"); code != 2 || !strings.Contains(errs, "AZIMUTH,ELEVATION") {
		t.Errorf("bad view: exit %d: %s", code, errs)
	}
}
