//go:build !unix

package procgroup

import "os/exec"

// ownGroup leaves cmd's default cancel (ending the child itself): there
// are no process groups to signal here.
func ownGroup(*exec.Cmd) {}
