package scheme

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// CheckSafeDir applies SPEC §6 to one directory that is about to go on
// sys.path: it must be owned by the current user or root, and not writable
// by others (group-writable is fine: many systems use umask 002). A
// missing directory is safe (there is nothing in it to import).
func CheckSafeDir(dir string) error {
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.Mode().Perm()&0o002 != 0 {
		return fmt.Errorf("%s is writable by others (mode %04o); fix it with: chmod o-w %s", dir, st.Mode().Perm(), dir)
	}
	if owner, ok := fileOwner(st); ok {
		uid := os.Getuid()
		if owner != uid && owner != 0 {
			return fmt.Errorf("%s is owned by uid %d, not by you (uid %d) or root", dir, owner, uid)
		}
	}
	return nil
}

// RemoveIfPristine removes p's __pypackages__ when it holds nothing but what
// creating it wrote (.gitignore, the lock file, empty directories): what a
// failed first install leaves behind. Anything else keeps it in place.
func RemoveIfPristine(p Paths) {
	pristine := true
	filepath.WalkDir(p.PyPackages, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			pristine = false
			return filepath.SkipAll
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(p.PyPackages, path)
		if rel != ".gitignore" && rel != LockName {
			pristine = false
			return filepath.SkipAll
		}
		return nil
	})
	if pristine {
		os.RemoveAll(p.PyPackages)
	}
}
