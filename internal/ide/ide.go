// Package ide makes editors and notebooks see a project's __pypackages__
// (issue 16): the settings that put the target's lib/ (and the paths its
// .pth files add, which Pylance and pyright do not read) on the analysis
// path and keep __pypackages__ out of indexing, and a Jupyter kernel spec
// that starts the target interpreter through run's bootstrap.
//
// Rules it owns: settings files are merged, never replaced (only the keys
// named here change; a file that is not JSON is an error, left alone);
// paths under the project are written relative to it; a kernel spec's
// name is "pkginstall-" and the project folder's normalised name.
package ide

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/pkginstall/pkginstall/internal/fsutil"
	"github.com/pkginstall/pkginstall/internal/python"
	"github.com/pkginstall/pkginstall/scheme"
)

// Target is what the settings are made from.
type Target struct {
	Paths  scheme.Paths
	Python *python.Info
}

// AnalysisPaths are lib/ and the directories its .pth files add, in that
// order, relative to the project when under it.
func (t Target) AnalysisPaths() ([]string, error) {
	paths := []string{t.Paths.Lib}
	ents, err := os.ReadDir(t.Paths.Lib)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	var pths []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".pth") && e.Type().IsRegular() {
			pths = append(pths, e.Name())
		}
	}
	sort.Strings(pths) // site.py's order
	for _, name := range pths {
		paths = append(paths, pthDirs(filepath.Join(t.Paths.Lib, name), t.Paths.Lib)...)
	}
	seen := map[string]bool{}
	var out []string
	for _, p := range paths {
		if r := t.rel(p); !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out, nil
}

// pthDirs are the existing directories a .pth file adds, as site.py reads
// it: one path per line, relative to lib; "#" comments and "import" lines
// skipped.
func pthDirs(file, lib string) []string {
	b, err := fsutil.ReadRegular(file, 1<<20)
	if err != nil {
		return nil
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), " \t\r")
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "import ") || strings.HasPrefix(line, "import\t") {
			continue
		}
		p := line
		if !filepath.IsAbs(p) {
			p = filepath.Join(lib, p)
		}
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			out = append(out, filepath.Clean(p))
		}
	}
	return out
}

// rel is p relative to the project (forward slashes), or p when outside.
func (t Target) rel(p string) string {
	if r, err := filepath.Rel(t.Paths.Project, p); err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(r)
	}
	return p
}

// mergeJSON sets keys in the JSON object file (created when missing),
// keeping every other key; it reports whether the file changed.
func mergeJSON(file string, set map[string]any) (bool, error) {
	obj := map[string]any{}
	b, err := os.ReadFile(file)
	switch {
	case err == nil && len(bytes.TrimSpace(b)) > 0:
		if err := json.Unmarshal(b, &obj); err != nil {
			return false, fmt.Errorf("%s is not plain JSON (comments?): %v; add the settings by hand or remove the file", file, err)
		}
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return false, err
	}
	for k, v := range set {
		obj[k] = v
	}
	out, err := json.MarshalIndent(obj, "", "  ")
	if err != nil {
		return false, err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return false, err
	}
	return fsutil.WriteIfChanged(file, append(out, '\n'), fsutil.KeepPerm)
}

// excluded are the globs every setting keeps out of indexing.
var excluded = []string{"**/__pypackages__", "**/node_modules", "**/.*"}

// Pyright writes pyrightconfig.json at the project root: extraPaths,
// exclude, and the target's Python version. It returns the file.
func Pyright(t Target) (string, error) {
	paths, err := t.AnalysisPaths()
	if err != nil {
		return "", err
	}
	file := filepath.Join(t.Paths.Project, "pyrightconfig.json")
	_, err = mergeJSON(file, map[string]any{
		"extraPaths":    paths,
		"exclude":       excluded,
		"pythonVersion": fmt.Sprintf("%d.%d", t.Python.Major, t.Python.Minor),
	})
	return file, err
}

// VSCode writes .vscode/settings.json: Pylance's extraPaths and exclude,
// the target interpreter, and __pypackages__ out of search and watching.
func VSCode(t Target) (string, error) {
	paths, err := t.AnalysisPaths()
	if err != nil {
		return "", err
	}
	file := filepath.Join(t.Paths.Project, ".vscode", "settings.json")
	_, err = mergeJSON(file, map[string]any{
		"python.analysis.extraPaths":    paths,
		"python.analysis.exclude":       excluded,
		"python.defaultInterpreterPath": t.Python.Executable,
		"files.watcherExclude":          map[string]bool{"**/__pypackages__/**": true},
		"search.exclude":                map[string]bool{"**/__pypackages__": true},
	})
	return file, err
}

var unsafeName = regexp.MustCompile(`[^a-z0-9._-]+`)

// KernelName is the kernel spec's name for the project.
func KernelName(project string) string {
	n := strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(filepath.Base(project)), "-"), "-.")
	if n == "" {
		n = "project"
	}
	return "pkginstall-" + n
}

// Jupyter writes the kernel spec dataDir/kernels/<KernelName>/kernel.json:
// the target interpreter running ipykernel with PYTHONPATH set to boot,
// the directory of run's bootstrap (scheme.RunBootstrap), so the kernel
// sees the project's packages exactly as `pkginstall run python` does.
// It returns the spec's directory.
func Jupyter(t Target, boot, dataDir string) (string, error) {
	dir := filepath.Join(dataDir, "kernels", KernelName(t.Paths.Project))
	spec := map[string]any{
		"argv":         []string{t.Python.Executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"},
		"display_name": fmt.Sprintf("Python %d.%d (%s, __pypackages__)", t.Python.Major, t.Python.Minor, filepath.Base(t.Paths.Project)),
		"language":     "python",
		"env":          map[string]string{"PYTHONPATH": boot},
		"metadata":     map[string]any{"pkginstall": map[string]string{"project": t.Paths.Project, "target": t.Paths.Target}},
	}
	out, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	_, err = fsutil.WriteIfChanged(filepath.Join(dir, "kernel.json"), append(out, '\n'), 0o644)
	return dir, err
}

// JupyterDataDir is where Jupyter looks for the user's kernel specs:
// $JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter, else
// ~/.local/share/jupyter (Linux; ~/Library/Jupyter on macOS).
func JupyterDataDir(getenv func(string) string, goos string) string {
	if d := getenv("JUPYTER_DATA_DIR"); d != "" {
		return d
	}
	home := getenv("HOME")
	if goos == "darwin" {
		return filepath.Join(home, "Library", "Jupyter")
	}
	if goos == "windows" {
		return filepath.Join(getenv("APPDATA"), "jupyter")
	}
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "jupyter")
	}
	return filepath.Join(home, ".local", "share", "jupyter")
}
