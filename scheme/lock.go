package scheme

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pkginstall/pkginstall/internal/fsutil"
)

// Lock takes the exclusive lock of p's __pypackages__ (the file
// __pypackages__/.pkginstall.lock, created with the directory and its
// .gitignore when missing), through fsutil.Lock. When another process (or
// another Lock call in this one) holds it, Lock calls onWait once, so the
// CLI can say "waiting for another pkginstall on ...", then blocks until
// the lock is free or ctx is done. The returned function releases the lock.
func Lock(ctx context.Context, p Paths, onWait func()) (unlock func(), err error) {
	if err := mkdirPyPackages(p); err != nil {
		return nil, err
	}
	return fsutil.Lock(ctx, filepath.Join(p.PyPackages, LockName), onWait)
}

// mkdirPyPackages creates __pypackages__ with its .gitignore when missing.
func mkdirPyPackages(p Paths) error {
	if p.PyPackages == "" || !filepath.IsAbs(p.PyPackages) {
		return fmt.Errorf("%s directory %q is not an absolute path", PyPackagesDir, p.PyPackages)
	}
	_, err := os.Lstat(p.PyPackages)
	if err == nil {
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %w", p.PyPackages, err)
	}
	if err := os.MkdirAll(p.PyPackages, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", p.PyPackages, err)
	}
	if err := os.WriteFile(filepath.Join(p.PyPackages, ".gitignore"), []byte("*\n"), 0o644); err != nil {
		return fmt.Errorf("create %s: %w", p.PyPackages, err)
	}
	return nil
}
