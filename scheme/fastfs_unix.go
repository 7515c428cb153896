//go:build unix

package scheme

import (
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// dirHandle is an open directory of the target. Operations on its direct
// children go through the descriptor (openat, renameat, linkat), so the
// path is walked once, when the handle is opened through the os.Root, and
// never again. Names given to its methods are single path elements.
type dirHandle struct {
	root *os.Root
	rel  string
	f    *os.File // nil when fd was opened directly
	fd   int
}

func openDir(root *os.Root, rel string) (*dirHandle, error) {
	f, err := root.Open(rel)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.IsDir() {
		f.Close()
		return nil, &os.PathError{Op: "open", Path: rel, Err: unix.ENOTDIR}
	}
	return &dirHandle{root: root, rel: rel, f: f, fd: int(f.Fd())}, nil
}

func (d *dirHandle) close() {
	if d.f != nil {
		d.f.Close()
		return
	}
	_ = unix.Close(d.fd)
}

// create makes a new file name (never following a symlink, never
// truncating an existing file).
func (d *dirHandle) create(name string, perm os.FileMode) (*os.File, error) {
	fd, err := unix.Openat(d.fd, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, uint32(perm.Perm()))
	if err != nil {
		return nil, &os.PathError{Op: "create", Path: d.rel + "/" + name, Err: err}
	}
	return os.NewFile(uintptr(fd), d.rel+"/"+name), nil
}

// lstat stats child name without following a symlink.
func (d *dirHandle) exists(name string) (bool, error) {
	var st unix.Stat_t
	err := unix.Fstatat(d.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, unix.ENOENT) {
		return false, nil
	}
	return false, &os.PathError{Op: "lstat", Path: d.rel + "/" + name, Err: err}
}

// renameTo renames child name of d to child newName of to.
func (d *dirHandle) renameTo(name string, to *dirHandle, newName string) error {
	if err := unix.Renameat(d.fd, name, to.fd, newName); err != nil {
		return &os.LinkError{Op: "rename", Old: d.rel + "/" + name, New: to.rel + "/" + newName, Err: err}
	}
	return nil
}

// link hard-links the file at src (an absolute path outside the target)
// as child name.
func (d *dirHandle) link(src, name string) error {
	if err := unix.Linkat(unix.AT_FDCWD, src, d.fd, name, 0); err != nil {
		return &os.LinkError{Op: "link", Old: src, New: d.rel + "/" + name, Err: err}
	}
	return nil
}

// sourceDir is an open directory of a LinkSource (outside the target),
// opened only to link from it: the last one a batch linked from.
// Its zero value holds nothing; close it.
type sourceDir struct {
	path string // with its trailing separator
	fd   int
	open bool
}

func (s *sourceDir) close() {
	if s.open {
		_ = unix.Close(s.fd)
		s.open = false
	}
}

// linkFrom hard-links the file at src (an absolute path outside the
// target) as child name, through s's handle of src's directory (opened,
// or replaced, when src lies elsewhere): the kernel walks src's directory
// path once per directory, not once per file. With s nil, or when the
// directory cannot be opened, it links by path (link), which reports the
// error.
func (d *dirHandle) linkFrom(s *sourceDir, src, name string) error {
	if s == nil {
		return d.link(src, name)
	}
	dir, base := filepath.Split(src)
	if !s.open || s.path != dir {
		s.close()
		fd, err := unix.Open(dir, sourceDirFlags, 0)
		if err != nil {
			return d.link(src, name)
		}
		s.path, s.fd, s.open = dir, fd, true
	}
	if err := unix.Linkat(s.fd, base, d.fd, name, 0); err != nil {
		return &os.LinkError{Op: "link", Old: src, New: d.rel + "/" + name, Err: err}
	}
	return nil
}

// clone makes child name a copy-on-write clone of src (FICLONE), or fails
// with errNoClone where the file system cannot.
func (d *dirHandle) clone(src, name string, perm os.FileMode) error {
	in, out, err := openPair(d, src, name, perm)
	if err != nil {
		return err
	}
	defer in.Close()
	err = cloneFile(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = unix.Unlinkat(d.fd, name, 0)
		return err
	}
	return nil
}

// devOf returns the device of the file at name.
func devOf(name string) (uint64, bool) {
	var st unix.Stat_t
	if err := unix.Stat(name, &st); err != nil {
		return 0, false
	}
	return uint64(st.Dev), true
}

// linkUnsupported reports whether err means "this file system (pair)
// cannot do that kind of link", as opposed to a real failure.
func linkUnsupported(err error) bool {
	return errors.Is(err, errNoClone) || errors.Is(err, unix.EXDEV) || errors.Is(err, unix.EOPNOTSUPP) ||
		errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.EPERM) || errors.Is(err, unix.EMLINK) ||
		errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOTTY)
}

// mkdir creates the directory child name.
func (d *dirHandle) mkdir(name string) error {
	if err := unix.Mkdirat(d.fd, name, 0o755); err != nil {
		return &os.PathError{Op: "mkdir", Path: d.rel + "/" + name, Err: err}
	}
	return nil
}

// child opens the directory child name, never through a symlink.
func (d *dirHandle) child(name string) (*dirHandle, error) {
	fd, err := unix.Openat(d.fd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: d.rel + "/" + name, Err: err}
	}
	return &dirHandle{root: d.root, rel: d.rel + "/" + name, fd: fd}, nil
}

// handleBudget is how many directory handles a run may keep open at once.
func handleBudget() int {
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil || rl.Cur < 256 {
		return 0
	}
	return int(min(rl.Cur/4, 4096))
}

// stat returns the size and mtime (ns) of child name, not following a
// symlink.
func (d *dirHandle) stat(name string) (size, mtime int64, err error) {
	var st unix.Stat_t
	if err := unix.Fstatat(d.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return 0, 0, &os.PathError{Op: "lstat", Path: d.rel + "/" + name, Err: err}
	}
	return st.Size, st.Mtim.Nano(), nil
}

// symlink makes child name a symbolic link to target.
func (d *dirHandle) symlink(target, name string) error {
	if err := unix.Symlinkat(target, d.fd, name); err != nil {
		return &os.LinkError{Op: "symlink", Old: target, New: d.rel + "/" + name, Err: err}
	}
	return nil
}
