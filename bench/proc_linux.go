package main

import (
	"os/exec"
	"syscall"
	"time"
)

// setDeathSignal makes the kernel end cmd if this process dies first, so an
// interrupted benchmark leaves no index server behind.
func setDeathSignal(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}

// setProcessGroup runs cmd in a process group of its own, so that a timeout
// or an interrupt ends the command together with whatever it started.
func setProcessGroup(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	cmd.WaitDelay = 5 * time.Second
}

// mountTmpfs mounts a tmpfs at dir (root only).
func mountTmpfs(dir string) error {
	if syscall.Geteuid() != 0 {
		return errNotRoot
	}
	return syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=50%,mode=0755")
}

// unmount unmounts dir.
func unmount(dir string) error { return syscall.Unmount(dir, 0) }
