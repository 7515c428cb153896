package cli

import (
	"context"
	"os"
	"path/filepath"
	"regexp"

	"github.com/pkginstall/pkginstall/internal/fileerr"
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

	// The interpreter: --python, $PKGINSTALL_PYTHON, [tool.pkginstall]
	// python, the active virtual environment's, then python3 on PATH.
	getenv := a.env.Getenv
	spec := firstNonEmpty(g.Python, getenv("PKGINSTALL_PYTHON"), pp.Tool.Pkginstall.Python)
	if venv := getenv("VIRTUAL_ENV"); venv != "" {
		a.ui.warnf("a virtual environment is active (%s); packages still go to %s", venv, filepath.Join(t.root, "__pypackages__"))
		if spec == "" {
			if _, err := os.Stat(filepath.Join(venv, "bin", "python")); err == nil {
				spec = filepath.Join(venv, "bin", "python")
			}
		}
	}
	if spec == "" {
		spec = "python3"
	}
	py, err := python.Find(ctx, spec, g.CacheDir)
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
