package scheme

import (
	"io/fs"
	"os"
	"path/filepath"
)

// SafetyDirs lists the directories SPEC §6 audits, in the order
// safety.Audit walks them: __pypackages__, the target, lib/ and bin/.
func (p Paths) SafetyDirs() []string {
	return []string{p.PyPackages, p.Target, p.Lib, p.Bin}
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
