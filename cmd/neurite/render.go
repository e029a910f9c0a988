package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	flag "github.com/spf13/pflag"

	"neurite/app/pipeline"
	"neurite/views"
)

// renderCmd makes a video of a model's heatmap without a window.
func renderCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	video := fs.String("video", "", "write an MP4 (H.264, through ffmpeg)")
	gif := fs.String("gif", "", "write an animated GIF")
	fps := fs.Float64("fps", 30, "frames per second")
	speed := fs.Float64("speed", 10, "model ms per second of video")
	view := fs.String("view", "", "AZIMUTH,ELEVATION in degrees (default: the model's [view])")
	size := fs.String("size", "1280x720", "WIDTHxHEIGHT in pixels")
	from := fs.Float64("from", 0, "first model time shown (ms)")
	to := fs.Float64("to", 0, "last model time shown (ms; default tstop)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	backend := choiceFlag(fs, "backend", "", "auto, cpu or gpu (default: the model's run.backend)", "auto", "cpu", "gpu")
	sets := addSetFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: neurite render MODEL.toml|NETWORK.toml|CELL.swc --video out.mp4 [--gif out.gif] [--fps 30] [--view AZ,EL] [--size 1280x720] [--speed MS] [--from MS] [--to MS] [--set KEY=VALUE]")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	if err := oneArg(fs, "MODEL"); err != nil {
		return usageError(stderr, "render", "%v", err)
	}
	if *video == "" && *gif == "" {
		return usageError(stderr, "render", "give --video FILE.mp4 or --gif FILE.gif")
	}
	for _, out := range []struct{ flag, path, ext string }{{"video", *video, ".mp4"}, {"gif", *gif, ".gif"}} {
		if out.path == "" {
			continue
		}
		if err := outputFile(out.flag, out.path, out.ext); err != nil {
			return usageError(stderr, "render", "%v", err)
		}
	}
	if !(*fps > 0) {
		return usageError(stderr, "render", "--fps %g: give a positive number of frames per second", *fps)
	}
	if !(*speed > 0) {
		return usageError(stderr, "render", "--speed %g: give a positive number of model ms per second", *speed)
	}
	if fs.Changed("to") && !(*to > *from) {
		return usageError(stderr, "render", "--from %g --to %g: --to must be later than --from", *from, *to)
	}
	width, height, err := pipeline.ParseSize(*size)
	if err != nil {
		return usageError(stderr, "render", "--size: %v", err)
	}
	var az, el float64
	if *view != "" {
		a, e, ok := strings.Cut(*view, ",")
		var err1, err2 error
		az, err1 = strconv.ParseFloat(a, 64)
		el, err2 = strconv.ParseFloat(e, 64)
		if !ok || err1 != nil || err2 != nil || math.IsNaN(az+el) || math.IsInf(az+el, 0) {
			return usageError(stderr, "render", "--view %q: give AZIMUTH,ELEVATION in degrees, e.g. 30,10", *view)
		}
	}
	var render func(ctx context.Context, path string, o pipeline.VideoOptions, progress func(float64)) error
	var o pipeline.VideoOptions
	if pipeline.IsNetwork(fs.Arg(0)) {
		n, err := pipeline.LoadNetwork(fs.Arg(0), *sets...)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		net, err := pipeline.NewNetwork(n, *backend, 0)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		o = pipeline.VideoOptions{Camera: views.Camera{Zoom: 1}, Style: views.DefaultStyle()}
		render = func(ctx context.Context, path string, o pipeline.VideoOptions, progress func(float64)) error {
			return pipeline.RenderNetworkVideo(ctx, net, path, o, progress)
		}
	} else {
		m, err := loadSpec(fs.Arg(0), *sets...)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		if *backend != "" {
			m.Run.Backend = *backend
		}
		o = pipeline.VideoOptionsFor(m)
		render = func(ctx context.Context, path string, o pipeline.VideoOptions, progress func(float64)) error {
			return pipeline.RenderVideo(ctx, m, path, o, progress)
		}
	}
	said := false
	o.Notify = func(note string) {
		if !said {
			fmt.Fprintln(stderr, note)
			said = true
		}
	}
	o.FPS, o.Speed, o.From, o.To = *fps, *speed, *from, *to
	o.Width, o.Height = width, height
	if *view != "" {
		o.Camera.Azimuth, o.Camera.Elevation = az, el
	}
	ctx, cancel := interruptible()
	defer cancel()
	for _, path := range []string{*video, *gif} {
		if path == "" {
			continue
		}
		progress, finish := progressBar(stderr, 1, *quiet)
		err := render(ctx, path, o, func(f float64) {
			if progress != nil {
				progress(f)
			}
		})
		finish()
		switch {
		case errors.Is(err, context.Canceled):
			fmt.Fprintln(stderr, "interrupted; no video written")
			return 130
		case err != nil:
			fmt.Fprintln(stderr, err)
			return 1
		}
		fmt.Fprintf(stdout, "wrote %s\n", path)
	}
	return 0
}
