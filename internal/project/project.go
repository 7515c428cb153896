// Package project finds a project's root and reads the parts of its
// pyproject.toml that pkginstall uses ([project], [dependency-groups] and
// [tool.pkginstall]), edits its requirement arrays in place, and serialises
// the commands that rewrite the project's files.
//
// Rules: the root is the nearest ancestor of the working directory (itself
// included, at most MaxDepth levels up) that holds pyproject.toml or
// __pypackages__, else the working directory (SPEC §2). A pyproject.toml that
// does not parse is an error naming FILE:LINE:COL. The project's roots are
// [project].dependencies, every extra and every PEP 735 group (include-group
// followed, no cycles, names compared normalised); group and extra names are
// project-name shaped and keep the spelling the file already uses. An
// install takes [project].dependencies (unless --only-group) and the default
// groups ([tool.pkginstall] default-groups, else "dev" when the project has
// it), plus the groups and extras asked for; naming one the project does not
// have is an error. The project's interpreter request is the first line of
// .python-version that is not a comment.
package project

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	toml "github.com/pelletier/go-toml/v2"

	"github.com/pkginstall/pkginstall/internal/fileerr"
)

// DefaultMaxDepth is how many levels up FindRoot looks by default.
const DefaultMaxDepth = 8

// FindRoot returns the project root for the working directory cwd.
func FindRoot(cwd string, maxDepth int) string {
	dir := filepath.Clean(cwd)
	for i := 0; i <= maxDepth; i++ {
		for _, marker := range []string{"pyproject.toml", "__pypackages__"} {
			if _, err := os.Stat(filepath.Join(dir, marker)); err == nil {
				return dir
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return cwd
}

// Settings is [tool.pkginstall].
type Settings struct {
	Python string `toml:"python"`
	Layout string `toml:"layout"`
	// Environments narrow the environments a lock supports (markers, as
	// uv's environments); none: every default one.
	Environments []string `toml:"environments"`
	// RequiredEnvironments must each have a wheel of every locked
	// package (uv's required-environments).
	RequiredEnvironments []string `toml:"required-environments"`
	// DefaultGroups are the groups installed by default; nil: ["dev"].
	DefaultGroups []string `toml:"default-groups"`
	// NoBuild refuses to build any distribution from source (--no-build).
	NoBuild bool `toml:"no-build"`
	// Package, when false, does not install the project itself.
	Package *bool `toml:"package"`
	// Editable names the local projects ("name @ file:///…" requirements)
	// installed editable.
	Editable []string `toml:"editable"`
}

// BuildSystem is pyproject.toml's [build-system] (PEP 517/518).
type BuildSystem struct {
	Requires     []string `toml:"requires"`
	BuildBackend string   `toml:"build-backend"`
	BackendPath  []string `toml:"backend-path"`
}

// Pyproject is what pkginstall reads from pyproject.toml.
type Pyproject struct {
	Path    string
	Exists  bool
	Project struct {
		Name                 string              `toml:"name"`
		Version              string              `toml:"version"`
		RequiresPython       string              `toml:"requires-python"`
		Dependencies         []string            `toml:"dependencies"`
		OptionalDependencies map[string][]string `toml:"optional-dependencies"`
		Dynamic              []string            `toml:"dynamic"`
	} `toml:"project"`
	DependencyGroups map[string][]any `toml:"dependency-groups"`
	BuildSystem      *BuildSystem     `toml:"build-system"`
	Tool             struct {
		Pkginstall Settings `toml:"pkginstall"`
	} `toml:"tool"`
}

// IsPackage reports whether the project at root is itself installed by
// sync and install (editable): [tool.pkginstall] package decides when
// set; else it is when pyproject.toml has a [build-system], or a [project]
// name whose package is there (src/NAME, NAME/ or NAME.py, with the
// name's dashes as underscores).
func (p *Pyproject) IsPackage(root string) bool {
	if !p.Exists {
		return false
	}
	if v := p.Tool.Pkginstall.Package; v != nil {
		return *v
	}
	if p.BuildSystem != nil {
		return true
	}
	if p.Project.Name == "" {
		return false
	}
	mod := strings.ReplaceAll(strings.ReplaceAll(strings.ToLower(p.Project.Name), "-", "_"), ".", "_")
	for _, c := range []string{filepath.Join("src", mod), mod, mod + ".py"} {
		if _, err := os.Stat(filepath.Join(root, c)); err == nil {
			return true
		}
	}
	return false
}

// Load reads root/pyproject.toml. A missing file is not an error: Exists is false.
func Load(root string) (*Pyproject, error) {
	p := &Pyproject{Path: filepath.Join(root, "pyproject.toml")}
	data, err := os.ReadFile(p.Path)
	if errors.Is(err, os.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	return Parse(p.Path, data)
}

// Decode unmarshals TOML data into v, turning errors into *fileerr.Error.
func Decode(path string, data []byte, v any) error {
	err := toml.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		return fileerr.New(path, line, col, DecodeErrorMessage(de))
	}
	var se *toml.StrictMissingError
	if errors.As(err, &se) {
		return fileerr.New(path, 0, 0, se.Error())
	}
	return fileerr.New(path, 0, 0, err.Error())
}
