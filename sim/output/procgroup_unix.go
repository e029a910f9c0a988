//go:build unix

package output

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup starts cmd in a process group of its own: a Ctrl-C at
// the terminal then reaches Neurite, which aborts the video, and not
// ffmpeg, whose death would show as a broken pipe before the interrupt
// does.
func ownProcessGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }
