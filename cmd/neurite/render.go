package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	flag "github.com/spf13/pflag"

	"neurite/app/pipeline"
)

// renderCmd makes a video of a model's heatmap without a window.
func renderCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	video := fs.String("video", "", "write an MP4 (H.264, through ffmpeg)")
	gif := fs.String("gif", "", "write an animated GIF")
	fps := fs.Float64("fps", 30, "frames per second")
	speed := fs.Float64("speed", 10, "model ms per second of video")
	view := fs.String("view", "", "AZIMUTH,ELEVATION in degrees (default: the model's [view])")
	size := fs.String("size", "1280x720", "WIDTHxHEIGHT in pixels")
	from := fs.Float64("from", 0, "first model time shown (ms)")
	to := fs.Float64("to", 0, "last model time shown (ms; default tstop)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	backend := fs.String("backend", "", "auto, cpu or gpu (default: the model's run.backend)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: neurite render MODEL.toml|CELL.swc --video out.mp4 [--gif out.gif] [--fps 30] [--view AZ,EL] [--size 1280x720] [--speed MS] [--from MS] [--to MS]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 || (*video == "" && *gif == "") {
		fs.Usage()
		return 2
	}
	m, err := pipeline.LoadModel(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if *backend != "" {
		m.Run.Backend = *backend
	}
	o := pipeline.VideoOptionsFor(m)
	said := false
	o.Notify = func(note string) {
		if !said {
			fmt.Fprintln(stderr, note)
			said = true
		}
	}
	o.FPS, o.Speed, o.From, o.To = *fps, *speed, *from, *to
	if o.Width, o.Height, err = pipeline.ParseSize(*size); err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if *view != "" {
		az, el, ok := strings.Cut(*view, ",")
		a, err1 := strconv.ParseFloat(az, 64)
		e, err2 := strconv.ParseFloat(el, 64)
		if !ok || err1 != nil || err2 != nil {
			fmt.Fprintf(stderr, "--view %q: give AZIMUTH,ELEVATION in degrees, e.g. 30,10\n", *view)
			return 2
		}
		o.Camera.Azimuth, o.Camera.Elevation = a, e
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	for _, path := range []string{*video, *gif} {
		if path == "" {
			continue
		}
		progress, finish := progressBar(stderr, 1, *quiet)
		err := pipeline.RenderVideo(ctx, m, path, o, func(f float64) {
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
