package workflow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pkginstall/pkginstall/internal/installer"
	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/project"
	"github.com/pkginstall/pkginstall/internal/pylock"
)

// projectReqs is what a lock covers, read from pyproject.toml.
type projectReqs struct {
	pp    *project.Pyproject
	roots *project.Roots
}

// reqs are every root as installer requirements, with their origin.
func (p *projectReqs) reqs(onlyProject bool) []installer.Req {
	var out []installer.Req
	for _, r := range p.roots.Reqs {
		if onlyProject && !r.Project {
			continue
		}
		out = append(out, installer.Req{Req: r.Req, Origin: fmt.Sprintf("%s (%s)", DisplayPath(p.pp.Path), r.Where)})
	}
	return out
}

// requirements are every root's requirement.
func (p *projectReqs) requirements() []pep508.Requirement {
	out := make([]pep508.Requirement, 0, len(p.roots.Reqs))
	for _, r := range p.roots.Reqs {
		out = append(out, r.Req)
	}
	return out
}

// problems says how l fails to satisfy the project for t's interpreter.
func (p *projectReqs) problems(l *pylock.Lock, t *Target) []string {
	return l.Problems(p.requirements(), t.Python)
}

// readProject reads pyproject.toml (which must exist) and its roots.
func readProject(f files) ([]byte, *projectReqs, error) {
	data, err := os.ReadFile(f.pyproject)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("no pyproject.toml in %s (pkginstall add creates one)", filepath.Dir(f.pyproject))
	}
	if err != nil {
		return nil, nil, err
	}
	p, err := parseProject(f.pyproject, data)
	if err != nil {
		return nil, nil, err
	}
	return data, p, nil
}

// parseProject decodes pyproject.toml's text (data, read from path) and
// gathers its requirements.
func parseProject(path string, data []byte) (*projectReqs, error) {
	pp, err := project.Parse(path, data)
	if err != nil {
		return nil, err
	}
	r, err := project.ReadRoots(data, pp)
	if err != nil {
		return nil, err
	}
	return &projectReqs{pp: pp, roots: r}, nil
}

// LockOptions are lock's options.
type LockOptions struct {
	Check   bool // change nothing: say whether pylock.toml satisfies pyproject.toml
	Upgrade bool // take the newest allowed versions, not the locked ones
	Pre     bool // allow pre-releases
}

// LockState is what Lock found or did.
type LockState int

// The states of a lock.
const (
	LockWritten   LockState = iota // pylock.toml was (re)written
	LockUpToDate                   // it satisfies pyproject.toml already; nothing written
	LockSatisfied                  // Check: it satisfies pyproject.toml
	LockStale                      // Check: it does not (Problems say why)
	LockMissing                    // Check: there is no pylock.toml
)

// LockResult is what Lock did.
type LockResult struct {
	Path     string
	State    LockState
	Problems []string // LockStale: how the lock fails pyproject.toml
	Packages int      // LockWritten: how many packages it locks
}

// Lock resolves the project and writes pylock.toml, unless the lock
// satisfies pyproject.toml already (and Upgrade is not set). With Check it
// only compares.
func Lock(ctx context.Context, t *Target, env Env, opts LockOptions) (*LockResult, error) {
	unlock, err := lockProject(ctx, t, env.Reporter)
	if err != nil {
		return nil, err
	}
	defer unlock()
	f := filesOf(t)
	_, p, err := readProject(f)
	if err != nil {
		return nil, err
	}
	old, err := readLock(f)
	if err != nil {
		return nil, err
	}
	res := &LockResult{Path: f.lock}
	if opts.Check {
		switch {
		case old == nil:
			res.State = LockMissing
		default:
			res.Problems = p.problems(old, t)
			res.State = LockSatisfied
			if len(res.Problems) > 0 {
				res.State = LockStale
			}
		}
		return res, nil
	}
	if old != nil && !opts.Upgrade && len(p.problems(old, t)) == 0 && old.Requirements != nil {
		res.State = LockUpToDate
		return res, nil
	}
	idx, err := env.newIndex(t)
	if err != nil {
		return nil, err
	}
	in := env.installer(t, idx, ApplyOptions{}, false)
	l, err := resolveLock(ctx, t, in, p, old, opts.Upgrade, opts.Pre)
	if err != nil {
		return nil, err
	}
	if err := writeLock(env, f, l); err != nil {
		return nil, err
	}
	res.State, res.Packages = LockWritten, len(l.Packages)
	return res, nil
}

// writeLock writes pylock.toml and says so.
func writeLock(env Env, f files, l *pylock.Lock) error {
	if err := pylock.WriteFile(f.lock, l); err != nil {
		return err
	}
	env.Reporter.Locked(len(l.Packages), f.lock)
	return nil
}

// newLock is an empty lock of the project for t's interpreter.
func newLock(t *Target, p *projectReqs) *pylock.Lock {
	return &pylock.Lock{
		LockVersion:    pylock.Version,
		Environments:   []string{pylock.EnvironmentMarker(t.Python)},
		RequiresPython: p.pp.Project.RequiresPython,
		CreatedBy:      pylock.CreatedBy,
		Requirements:   append([]string{}, p.roots.Strings...),
	}
}

// resolveLock resolves the roots and builds the lock (nothing is written).
// Unless upgrading, the versions of the previous lock (prev, may be nil)
// are kept when the new requirements allow them all: the roots are first
// resolved with those versions as constraints, and only if that fails
// without them.
func resolveLock(ctx context.Context, t *Target, in *installer.Installer, p *projectReqs, prev *pylock.Lock, upgrade, pre bool) (*pylock.Lock, error) {
	if rp := p.pp.Project.RequiresPython; rp != "" {
		spec, err := pep440.ParseSpecifierSet(rp)
		v, verr := pep440.Parse(t.Python.Version)
		if err == nil && verr == nil && !spec.Contains(v, true) {
			return nil, fmt.Errorf("%s: the project requires Python %s, and %s is %s (choose another with --python)", DisplayPath(p.pp.Path), rp, t.Python.Executable, t.Python.Version)
		}
	}
	req := &installer.Request{Reqs: p.reqs(false), Upgrade: upgrade, Pre: pre}
	var res *installer.Result
	var err error
	if prev != nil && !upgrade && len(prev.Packages) > 0 {
		keep := *req
		for _, pkg := range prev.Packages {
			if pkg.Version == "" {
				continue
			}
			c, err := pep508.ParseRequirement(pkg.Name + "==" + pkg.Version)
			if err != nil {
				continue
			}
			keep.Constraints = append(keep.Constraints, installer.Req{Req: c, Origin: pylock.FileName})
		}
		res, _, err = in.Plan(ctx, &keep)
		if err != nil {
			in.Reporter.Debug("the locked versions do not fit the requirements any more (%v); resolving afresh", err)
			res = nil
		}
	}
	if res == nil {
		res, _, err = in.Plan(ctx, req)
		if err != nil {
			return nil, err
		}
	}
	pkgs, err := in.LockPackages(ctx, res)
	if err != nil {
		return nil, err
	}
	l := newLock(t, p)
	l.Packages = pkgs
	return l, nil
}
