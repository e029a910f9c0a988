package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Unsaved reports whether the model has changed since it was opened or
// last saved (the view and the speed, saved with it, are not counted).
func (ex *Explorer) Unsaved() bool { return len(ex.history) != ex.savedDepth }

// RequestQuit closes the window (File → Quit, Ctrl-Q, the window's close
// button); with unsaved changes it first asks whether to save them.
func (ex *Explorer) RequestQuit() {
	if !ex.Unsaved() {
		ex.quit()
		return
	}
	var d *dialog.CustomDialog
	answer := func(then func()) func() {
		return func() {
			d.Hide()
			then()
		}
	}
	save := widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), answer(func() { ex.saveThen(ex.quit) }))
	save.Importance = widget.HighImportance
	dontSave := widget.NewButton("Don't Save", answer(ex.quit))
	cancel := widget.NewButton("Cancel", answer(func() {}))
	d = dialog.NewCustomWithoutButtons("Save changes to "+ex.sess.Model.Name+"?",
		widget.NewLabel("The changes made since it was opened or saved are lost if not saved."), ex.win)
	d.SetButtons([]fyne.CanvasObject{cancel, dontSave, save})
	d.Show()
}
