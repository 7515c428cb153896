//go:build !linux

package scheme

import "os"

// cloneFile is only implemented on Linux (FICLONE); elsewhere clone mode
// falls back like an unsupported file system.
func cloneFile(out, in *os.File) error {
	return &os.LinkError{Op: "clone", Old: in.Name(), New: out.Name(), Err: errNoClone}
}
