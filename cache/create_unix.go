//go:build unix

package cache

import (
	"os"

	"golang.org/x/sys/unix"
)

// createFile makes the new file name (never following a symlink, never
// replacing a file) holding b, and returns its mtime (Unix ns). It makes
// the few system calls the work needs: openat, write, fstat, close. (An
// *os.File adds fcntl and epoll calls per file, a fifth of the system
// calls of an unpack.)
func createFile(name string, perm os.FileMode, b []byte) (mtime int64, err error) {
	fd, err := unix.Open(name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, uint32(perm.Perm()))
	for err == unix.EINTR {
		fd, err = unix.Open(name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, uint32(perm.Perm()))
	}
	if err != nil {
		return 0, &os.PathError{Op: "create", Path: name, Err: err}
	}
	defer func() {
		if cerr := unix.Close(fd); cerr != nil && err == nil {
			err = &os.PathError{Op: "close", Path: name, Err: cerr}
		}
	}()
	for len(b) > 0 {
		n, err := unix.Write(fd, b)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, &os.PathError{Op: "write", Path: name, Err: err}
		}
		b = b[n:]
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return 0, &os.PathError{Op: "fstat", Path: name, Err: err}
	}
	return st.Mtim.Nano(), nil
}
