package fsutil

import (
	"io/fs"
	"os"
	"path/filepath"
)

// RemoveAll is os.RemoveAll that also removes trees with read-only
// directories (the cache's sealed trees, see package cache): when a plain
// removal fails, it makes every directory under p writable (0755, parents
// first) and tries again. Root ignores the modes; anyone else needs this.
func RemoveAll(p string) error {
	if err := os.RemoveAll(p); err == nil {
		return nil
	}
	_ = WritableDirs(p)
	return os.RemoveAll(p)
}

// WritableDirs makes every directory under p (p included) 0755, parents
// first, so that what they hold can be removed or added to.
func WritableDirs(p string) error {
	return filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.Chmod(q, 0o755)
		}
		return nil
	})
}
