package sonata

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary read a spike report apart
// (ReadSpikesApart runs the binary again).
func TestMain(m *testing.M) {
	if Child() {
		return
	}
	os.Exit(m.Run())
}

// TestReadSpikesApart: read in a child process, a report gives what
// ReadSpikes gives, a refusal the same error, and a damaged report on
// which libhdf5 loops (testdata/hangs.h5: four bytes of neurodamus.h5
// changed) an error naming the file when the child runs out of time,
// this process unharmed.
func TestReadSpikesApart(t *testing.T) {
	for _, name := range []string{"neurodamus.h5", "mismatch.h5"} {
		path := filepath.Join("testdata", name)
		want, werr := ReadSpikes(path)
		got, err := ReadSpikesApart(path)
		if !reflect.DeepEqual(got, want) || fmt.Sprint(err) != fmt.Sprint(werr) {
			t.Errorf("%s apart: %v, %v; in process: %v, %v", name, got, err, want, werr)
		}
	}
	// testdata/crashes.h5: neurodamus.h5 with a few bytes changed, on
	// which libhdf5 crashes (the child, not this process).
	if _, err := ReadSpikesApart("testdata/crashes.h5"); err == nil || !strings.Contains(err.Error(), "testdata/crashes.h5: libhdf5 crashed reading it (") {
		t.Errorf("the crashing report: %v", err)
	}
	defer func(d time.Duration) { apartTimeout = d }(apartTimeout)
	apartTimeout = 2 * time.Second
	_, err := ReadSpikesApart("testdata/hangs.h5")
	if err == nil || !strings.Contains(err.Error(), "testdata/hangs.h5: libhdf5 did not finish reading it in 2s: the file is damaged") {
		t.Errorf("the hanging report: %v", err)
	}
}
