package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/pkginstall/pkginstall/internal/fileerr"
	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/project"
	"github.com/pkginstall/pkginstall/internal/python"
	"github.com/pkginstall/pkginstall/internal/workflow"
	"github.com/pkginstall/pkginstall/scheme"
	ucli "github.com/urfave/cli/v2"
)

// target is everything a command needs to know about where packages go.
type target struct {
	g         *Globals
	root      string
	pyproject *project.Pyproject
	py        *python.Info
	layout    string
	paths     scheme.Paths
}

// resolveTarget finds the project root, reads pyproject.toml, finds and
// probes the interpreter (SPEC §3) and computes the scheme paths (SPEC §2).
// targetOnly is the start of a command that takes no arguments and works
// on the target: the arguments checked, then the globals and the target.
func (a *app) targetOnly(c *ucli.Context) (*target, error) {
	if c.NArg() > 0 {
		return nil, usagef("%s takes no arguments", c.Command.Name)
	}
	_, t, err := a.globalsAndTarget(c)
	return t, err
}

// formatAndTarget is targetOnly for a command with --format text|json.
func (a *app) formatAndTarget(c *ucli.Context) (string, *target, error) {
	format, err := formatFlag(c)
	if err != nil {
		return "", nil, err
	}
	t, err := a.targetOnly(c)
	return format, t, err
}

// globalsAndTarget reads the global flags and finds the project, the
// interpreter and the target directory they name: the start of every
// command that works on a target.
func (a *app) globalsAndTarget(c *ucli.Context) (*Globals, *target, error) {
	g, err := a.globals(c)
	if err != nil {
		return nil, nil, err
	}
	t, err := a.resolveTarget(c.Context, g)
	if err != nil {
		return nil, nil, err
	}
	return g, t, nil
}

func (a *app) resolveTarget(ctx context.Context, g *Globals) (*target, error) {
	t := &target{g: g}
	if g.Project != "" {
		st, err := os.Stat(g.Project)
		if err != nil || !st.IsDir() {
			return nil, usagef("--project %s: not a directory", g.Project)
		}
		t.root = g.Project
	} else {
		cwd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		t.root = project.FindRoot(cwd, g.MaxDepth)
	}
	pp, err := project.Load(t.root)
	if err != nil {
		return nil, err
	}
	t.pyproject = pp

	py, err := a.projectPython(ctx, g, t.root, pp)
	if err != nil {
		return nil, err
	}
	t.py = py
	a.ui.debugf("python %s (%s %s)", py.Executable, py.Implementation, py.Version)

	t.layout = firstNonEmpty(g.Layout, pp.Tool.Pkginstall.Layout, "version")
	if t.layout != "version" && t.layout != "platform" {
		var l, c int
		if data, err := os.ReadFile(pp.Path); err == nil {
			l, c, _ = project.Locate(data, "[tool.pkginstall]", regexp.MustCompile(`(?m)^\s*layout\s*=`))
		}
		return nil, fileerr.Errorf(pp.Path, l, c, "[tool.pkginstall] layout must be \"version\" or \"platform\", not %q", t.layout)
	}
	paths, err := scheme.NewPaths(t.root, py, t.layout)
	if err != nil {
		return nil, err
	}
	t.paths = paths
	return t, nil
}

// workflow is the target as the workflows take it.
func (t *target) workflow() *workflow.Target {
	return &workflow.Target{Root: t.root, Pyproject: t.pyproject, Python: t.py, Paths: t.paths}
}

// projectPython finds the project's interpreter: --python,
// $PKGINSTALL_PYTHON, .python-version, [tool.pkginstall] python, the
// active virtual environment's; else the first that satisfies
// requires-python (python3, then python3.X on PATH and pyenv's versions,
// newest first); else python3.
func (a *app) projectPython(ctx context.Context, g *Globals, root string, pp *project.Pyproject) (*python.Info, error) {
	getenv := a.env.Getenv
	pinned, err := project.ReadPythonVersion(root)
	if err != nil {
		return nil, err
	}
	spec := firstNonEmpty(g.Python, getenv("PKGINSTALL_PYTHON"))
	if spec == "" && pinned != "" {
		py, err := python.Find(ctx, pinned, g.CacheDir)
		if err != nil {
			file := filepath.Join(root, project.PythonVersionFile)
			return nil, fmt.Errorf("%s asks for Python %s, which is not installed here (%v); install it (pyenv install %s), or choose another with pkginstall --python VERSION sync, which rewrites %s",
				workflow.DisplayPath(file), pinned, err, pinned, project.PythonVersionFile)
		}
		return py, nil
	}
	spec = firstNonEmpty(spec, pp.Tool.Pkginstall.Python)
	if venv := getenv("VIRTUAL_ENV"); venv != "" {
		a.ui.warnf("a virtual environment is active (%s); packages still go to %s", venv, filepath.Join(root, "__pypackages__"))
		if spec == "" {
			if _, err := os.Stat(filepath.Join(venv, "bin", "python")); err == nil {
				spec = filepath.Join(venv, "bin", "python")
			}
		}
	}
	if spec != "" {
		return python.Find(ctx, spec, g.CacheDir)
	}
	if rp := pp.Project.RequiresPython; rp != "" {
		if set, err := pep440.ParseSpecifierSet(rp); err == nil {
			return python.FindSatisfying(ctx, "python3", "a Python that satisfies requires-python "+rp, func(info *python.Info) string {
				if v, err := pep440.Parse(info.Version); err == nil && set.Contains(v, true) {
					return ""
				}
				return fmt.Sprintf("is %s, and the project requires Python %s", info.Version, rp)
			}, g.CacheDir)
		}
	}
	return python.Find(ctx, "python3", g.CacheDir)
}
