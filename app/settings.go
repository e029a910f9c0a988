package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"neurite/sim/output"
)

// appID names Neurite to Fyne and the desktop.
const appID = "org.neurite.app"

// newFyneApp creates the Fyne app with its preferences kept in memory.
//
// Fyne 2.7 stores the preferences of an app created with an ID in one
// JSON file, which it rewrites in place (truncated, then written) at every
// exit and reloads whenever anything in its folder changes. A Neurite
// starting, or running, while another one quit could read that file empty
// and print "Preferences load error: EOF"; one killed while writing left
// it empty for every later start. Fyne persists preferences only for an
// app that has an ID when it is created, so the ID is given just after
// (for the app's storage and the desktop); what the explorer keeps between
// runs is in a file of its own, replaced atomically (settings below).
func newFyneApp() fyne.App {
	// A name, so that Fyne does not look for a FyneApp.toml for the ID.
	fyneapp.SetMetadata(fyne.AppMetadata{Name: "Neurite"})
	a := fyneapp.NewWithID("")
	fyneapp.SetMetadata(fyne.AppMetadata{ID: appID, Name: "Neurite"})
	return a
}

// settings are what the explorer keeps between runs.
type settings struct {
	Recent []string `json:"recent,omitempty"` // files opened or saved, most recent first
	// TracesSplit is the share of the cell view in the height it shares
	// with the traces.
	TracesSplit float64 `json:"traces_split,omitempty"`
}

const maxRecent = 10

// settingsPath is where the settings are kept: neurite/settings.json in
// the user's configuration folder ($XDG_CONFIG_HOME, ~/.config).
func settingsPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "neurite", "settings.json"), nil
}

// loadSettings reads the settings; none yet is no error.
func loadSettings() (settings, error) {
	var s settings
	path, err := settingsPath()
	if err != nil {
		return s, err
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return settings{}, fmt.Errorf("%s is not a settings file Neurite wrote (%v); it will be replaced", path, err)
	}
	return s, nil
}

// updateSettings changes the settings on disk: read, changed, written
// whole under a temporary name and renamed into place.
func updateSettings(change func(s *settings)) error {
	path, err := settingsPath()
	if err != nil {
		return err
	}
	s, _ := loadSettings() // an unreadable file is replaced
	change(&s)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return output.WriteFile(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	})
}

// addRecent puts a file at the top of the recent files.
func addRecent(file string) error {
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	return updateSettings(func(s *settings) {
		list := slices.DeleteFunc(s.Recent, func(f string) bool { return f == abs })
		list = append([]string{abs}, list...)
		s.Recent = list[:min(len(list), maxRecent)]
	})
}

// recentFiles lists the recent files, most recent first.
func recentFiles() []string {
	s, _ := loadSettings()
	return s.Recent
}

// startInRecentFolder opens a file dialog in the folder of the most recent
// file, if there is one.
func startInRecentFolder(d *dialog.FileDialog) {
	recent := recentFiles()
	if len(recent) == 0 {
		return
	}
	if dir, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(recent[0]))); err == nil {
		d.SetLocation(dir)
	}
}
