//go:build unix

package main

import (
	"os"
	"runtime"
	"syscall"
)

// syncDisks flushes dirty pages, so every run starts with none left by the
// run before.
func syncDisks() { syscall.Sync() }

// maxRSS is the peak resident set of a finished process in bytes, or 0
// when the system does not say.
func maxRSS(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return int64(ru.Maxrss) // bytes there
	}
	return int64(ru.Maxrss) * 1024 // kilobytes on Linux and the BSDs
}
