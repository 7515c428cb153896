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
	Tool             struct {
		Pkginstall Settings `toml:"pkginstall"`
	} `toml:"tool"`
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
