package project

// The project's interpreter: .python-version at the project root (uv's and
// pyenv's convention), which `--python` on add and sync writes and every
// later command reads.

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/pkginstall/pkginstall/internal/fsutil"
)

// PythonVersionFile is the file name of the project's interpreter request.
const PythonVersionFile = ".python-version"

// ReadPythonVersion returns the first request in root/.python-version (a
// line that is neither empty nor a # comment), "" when there is no file.
func ReadPythonVersion(root string) (string, error) {
	data, err := os.ReadFile(filepath.Join(root, PythonVersionFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			return line, nil
		}
	}
	return "", nil
}

// WritePythonVersion records request in root/.python-version, unless it
// already says so; it reports whether it wrote.
func WritePythonVersion(root, request string) (bool, error) {
	if old, err := ReadPythonVersion(root); err == nil && old == request {
		return false, nil
	}
	return true, fsutil.WriteFile(filepath.Join(root, PythonVersionFile), []byte(request+"\n"), fsutil.KeepPerm)
}
