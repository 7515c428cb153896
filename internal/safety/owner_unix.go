//go:build unix

package safety

import (
	"io/fs"
	"syscall"
)

// hasOwners is true where files have owners and Unix modes.
const hasOwners = true

// fileOwner returns the uid owning the file fi describes.
func fileOwner(fi fs.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}
