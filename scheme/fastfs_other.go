//go:build !unix

package scheme

import (
	"errors"
	"io/fs"
	"os"
	"path"
)

// dirHandle is an open directory of the target; without openat-style
// calls every operation goes through the os.Root with the joined path.
type dirHandle struct {
	root *os.Root
	rel  string
}

func openDir(root *os.Root, rel string) (*dirHandle, error) {
	fi, err := root.Stat(rel)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, &os.PathError{Op: "open", Path: rel, Err: errors.New("not a directory")}
	}
	return &dirHandle{root: root, rel: rel}, nil
}

func (d *dirHandle) close() {}

func (d *dirHandle) create(name string, perm os.FileMode) (*os.File, error) {
	return d.root.OpenFile(path.Join(d.rel, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
}

func (d *dirHandle) exists(name string) (bool, error) {
	_, err := d.root.Lstat(path.Join(d.rel, name))
	if err == nil {
		return true, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return false, err
}

func (d *dirHandle) renameTo(name string, to *dirHandle, newName string) error {
	return d.root.Rename(path.Join(d.rel, name), path.Join(to.rel, newName))
}

func (d *dirHandle) link(src, name string) error {
	return &os.LinkError{Op: "link", Old: src, New: path.Join(d.rel, name), Err: errNoClone}
}

// sourceDir stands for an open directory of a LinkSource; here hard links
// go by path.
type sourceDir struct{}

func (s *sourceDir) close() {}

// linkFrom hard-links the file at src as child name.
func (d *dirHandle) linkFrom(_ *sourceDir, src, name string) error { return d.link(src, name) }

func (d *dirHandle) clone(src, name string, perm os.FileMode) error {
	return &os.LinkError{Op: "clone", Old: src, New: path.Join(d.rel, name), Err: errNoClone}
}

func devOf(name string) (uint64, bool) { return 0, false }

func linkUnsupported(err error) bool { return errors.Is(err, errNoClone) }

func (d *dirHandle) mkdir(name string) error {
	return d.root.Mkdir(path.Join(d.rel, name), 0o755)
}

func (d *dirHandle) child(name string) (*dirHandle, error) {
	return openDir(d.root, path.Join(d.rel, name))
}

// handleBudget is how many directory handles a run may keep open at once.
func handleBudget() int { return 1 << 20 }

func (d *dirHandle) stat(name string) (size, mtime int64, err error) {
	fi, err := d.root.Lstat(path.Join(d.rel, name))
	if err != nil {
		return 0, 0, err
	}
	return fi.Size(), fi.ModTime().UnixNano(), nil
}

func (d *dirHandle) symlink(target, name string) error {
	return d.root.Symlink(target, path.Join(d.rel, name))
}
