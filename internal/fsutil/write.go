package fsutil

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// KeepPerm, as the perm of a write, keeps the permission bits of the file
// being replaced, and gives a new file 0644.
const KeepPerm fs.FileMode = 0

// maxLinks is how many symbolic links a destination may go through.
const maxLinks = 255

// WriteFile atomically replaces name with data (see the package rules).
func WriteFile(name string, data []byte, perm fs.FileMode) error {
	return Write(name, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteIfChanged is WriteFile, except that it leaves name alone (mtime
// included) when it already holds exactly data. It reports whether it wrote.
func WriteIfChanged(name string, data []byte, perm fs.FileMode) (bool, error) {
	if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, data) {
		return false, nil
	}
	return true, WriteFile(name, data, perm)
}

// Write atomically replaces name with what fill writes. When fill fails,
// nothing is renamed and its error is returned, so fill can verify what it
// streamed (a hash, a size) and refuse it.
func Write(name string, perm fs.FileMode, fill func(io.Writer) error) (err error) {
	dest, err := resolve(name)
	if err != nil {
		return err
	}
	if perm == KeepPerm {
		perm = 0o644
		if fi, err := os.Stat(dest); err == nil {
			perm = fi.Mode().Perm()
		}
	}
	f, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".*.tmp")
	if err != nil {
		// Name the file the user knows, not the temporary one.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return &fs.PathError{Op: "write", Path: name, Err: pe.Err}
		}
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 64<<10)
	if err := fill(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Chmod(perm); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, dest)
}

// resolve follows name through symbolic links to the file to replace. A
// dangling link resolves to its missing target.
func resolve(name string) (string, error) {
	for range maxLinks {
		fi, err := os.Lstat(name)
		if errors.Is(err, fs.ErrNotExist) {
			return name, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return name, nil
		}
		target, err := os.Readlink(name)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(name), target)
		}
		name = target
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links", name)
}
