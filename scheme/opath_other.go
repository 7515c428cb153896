//go:build unix && !linux

package scheme

import "golang.org/x/sys/unix"

// sourceDirFlags open a directory only to name files relative to it.
const sourceDirFlags = unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC
