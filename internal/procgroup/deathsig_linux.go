package procgroup

import (
	"os/exec"
	"syscall"
)

// DieWithParent makes the kernel end cmd if this process dies first, so an
// interrupted benchmark leaves no server behind.
func DieWithParent(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}
