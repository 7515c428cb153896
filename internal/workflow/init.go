package workflow

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pkginstall/pkginstall/internal/fsutil"
	"github.com/pkginstall/pkginstall/internal/project"
)

// Init writes a minimal pyproject.toml at t.Root (the same one add writes
// when there is none: name from the folder, requires-python from the
// target interpreter, no dependencies) and returns its path. An existing
// pyproject.toml is never touched.
func Init(t *Target) (string, error) {
	path := filepath.Join(t.Root, "pyproject.toml")
	if _, err := os.Lstat(path); err == nil {
		return "", fmt.Errorf("%s already exists: nothing to initialise (pkginstall add NAME adds a dependency)", DisplayPath(path))
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	data := project.NewPyproject(filepath.Base(t.Root), fmt.Sprintf(">=%d.%d", t.Python.Major, t.Python.Minor))
	if err := fsutil.WriteFile(path, data, 0o644); err != nil {
		return "", err
	}
	return path, nil
}
