//go:build !linux

package main

import (
	"os/exec"
	"time"
)

// setDeathSignal does nothing where the kernel has no parent-death signal.
func setDeathSignal(*exec.Cmd) {}

// setProcessGroup only bounds the wait for the command's output pipes.
func setProcessGroup(cmd *exec.Cmd) { cmd.WaitDelay = 5 * time.Second }

// mountTmpfs is Linux-only here.
func mountTmpfs(string) error { return errNotRoot }

func unmount(string) error { return nil }
