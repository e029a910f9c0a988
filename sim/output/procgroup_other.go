//go:build !unix

package output

import "os/exec"

// ownProcessGroup leaves cmd in Neurite's console group where there are
// no Unix process groups.
func ownProcessGroup(*exec.Cmd) {}
