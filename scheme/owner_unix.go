//go:build unix

package scheme

import (
	"io/fs"
	"syscall"
)

// fileOwner returns the uid owning a file.
func fileOwner(st fs.FileInfo) (int, bool) {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(sys.Uid), true
}
