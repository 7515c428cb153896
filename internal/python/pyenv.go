package python

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
)

// resolvePyenvShim returns the interpreter a pyenv shim would run, found
// the way pyenv chooses a version (PYENV_VERSION, then the nearest
// .python-version upwards from the working directory, then
// $PYENV_ROOT/version), so that the real interpreter can be probed — and
// its probe cached — instead of going through the shim (which starts a
// shell and pyenv itself, often a second or more). It returns "" when the
// choice is "system" or the version's interpreter is missing: the caller
// then runs the shim.
func resolvePyenvShim(shim string, getenv func(string) string) string {
	name := filepath.Base(shim)
	root := getenv("PYENV_ROOT")
	if root == "" {
		root = filepath.Dir(filepath.Dir(shim)) // <root>/shims/<name>
	}
	versions := pyenvVersions(root, getenv)
	for _, v := range versions {
		if v == "system" || v == "" || strings.ContainsAny(v, `/\`) || v == ".." {
			return ""
		}
		p := filepath.Join(root, "versions", v, "bin", name)
		if isExecutable(p) {
			return p
		}
	}
	return ""
}

// pyenvVersions lists the selected versions, in pyenv's order of precedence.
func pyenvVersions(root string, getenv func(string) string) []string {
	if v := getenv("PYENV_VERSION"); v != "" {
		return strings.Split(v, ":")
	}
	if dir, err := os.Getwd(); err == nil {
		for {
			if vs := readVersionFile(filepath.Join(dir, ".python-version")); vs != nil {
				return vs
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	if vs := readVersionFile(filepath.Join(root, "version")); vs != nil {
		return vs
	}
	return []string{"system"}
}

// readVersionFile reads a pyenv version file: one version per line or
// separated by spaces, '#' comments; nil when missing or empty.
func readVersionFile(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		out = append(out, strings.Fields(line)...)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
