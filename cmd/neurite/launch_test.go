package main

import (
	"bytes"
	"os"
	"os/exec"
	"slices"
	"testing"
)

func TestAppEnv(t *testing.T) {
	for _, c := range []struct {
		env        []string
		languageEn bool
	}{
		{[]string{"LANG=C.UTF-8"}, true},
		{[]string{"LANG=POSIX.UTF-8"}, true},
		{[]string{"LC_ALL=C.utf8", "LANG=de_DE.UTF-8"}, true},
		{[]string{"LANG=C"}, false},                      // Fyne reads plain C as no locale
		{[]string{"LANG=en_GB.UTF-8"}, false},            // parsable
		{[]string{"LANG=C.UTF-8", "LANGUAGE=fr"}, false}, // the user's choice stands
		{nil, false},
	} {
		got := slices.Contains(appEnv(c.env), "LANGUAGE=en")
		if got != c.languageEn {
			t.Errorf("%v: LANGUAGE=en added %v, want %v", c.env, got, c.languageEn)
		}
	}
}

// TestHeadlessQuietUnderCLocale: under Debian's default locale the
// headless commands print only their own output (they do not link Fyne,
// whose start-up complains of the locale), and so does the app.
func TestHeadlessQuietUnderCLocale(t *testing.T) {
	bin := buildNeurite(t)
	for _, args := range [][]string{{"version"}, {"check", "../../assets/models/ball_and_stick.toml"}, {"open", "--help"}} {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "LANG=C.UTF-8", "LC_ALL=", "LANGUAGE=")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if err != nil || stdout.Len() == 0 || stderr.Len() != 0 {
			t.Errorf("neurite %v: %v, stdout %d bytes, stderr %q", args, err, stdout.Len(), stderr.String())
		}
	}
}
