// Package app is Neurite's desktop workstation, built with Fyne: it owns the
// windows, the user's actions and the threads that run simulations in the
// background; the numerics live in compartments and the pictures in views.
package app
