// Package views turns recorded data into pictures: pure functions from
// data to pixels (image.RGBA), usable alike by the app, the command line
// and exporters, and testable without a display.
package views
