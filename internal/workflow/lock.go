package workflow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/pkginstall/pkginstall/internal/fileerr"
	"github.com/pkginstall/pkginstall/internal/redact"

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
		req := r.Req
		req.URL = project.ExpandRoot(req.URL, filepath.Dir(p.pp.Path))
		out = append(out, installer.Req{Req: req, Origin: fmt.Sprintf("%s (%s)", DisplayPath(p.pp.Path), r.Where),
			Editable: req.URL != "" && p.pp.IsEditable(req.Name)})
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

// problems says how l fails to satisfy the project: for a lock pkginstall
// wrote, which inputs changed (nothing of the interpreter counts); for
// another tool's lock, whether t's interpreter gets every requirement.
//
// Index settings count only for lock and lock --check (byIndex), and only
// when the command names its index: an install from the lock reads no
// index page, so the index it would use does not make the lock stale.
func (p *projectReqs) problems(l *pylock.Lock, t *Target, env Env, byIndex bool) []string {
	if l.CreatedBy == pylock.CreatedBy || l.Inputs != nil {
		in := p.inputs(env)
		in.CompareIndex = in.CompareIndex && byIndex
		return l.Changes(in)
	}
	return l.Problems(p.requirements(), t.Python)
}

// admits refuses an interpreter that requires-python excludes.
func (p *projectReqs) admits(t *Target) error {
	rp := p.pp.Project.RequiresPython
	if rp == "" {
		return nil
	}
	spec, err := pep440.ParseSpecifierSet(rp)
	v, verr := pep440.Parse(t.Python.Version)
	if err == nil && verr == nil && !spec.Contains(v, true) {
		return fmt.Errorf("%s: the project requires Python %s, and %s is %s (choose another with --python)", DisplayPath(p.pp.Path), rp, t.Python.Executable, t.Python.Version)
	}
	return nil
}

// inputs are what a lock of the project is made from.
func (p *projectReqs) inputs(env Env) pylock.Inputs {
	in := pylock.Inputs{
		Requirements:   p.roots.Strings,
		RequiresPython: p.pp.Project.RequiresPython,
		CompareIndex:   env.IndexExplicit,
	}
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			in.Lines = append(in.Lines, s)
		}
	}
	for _, r := range p.roots.Reqs {
		req := redact.StripRequirement(r.Req.String()) // no credentials in the lock
		switch {
		case r.Extra != "":
			add("extra " + r.Extra + ": " + req)
		case r.Group != "":
			add("group " + r.Group + ": " + req)
		default:
			add("dependencies: " + req)
		}
	}
	st := p.pp.Tool.Pkginstall
	for _, e := range st.Environments {
		add("environments: " + e)
	}
	for _, e := range st.RequiredEnvironments {
		add("required-environments: " + e)
	}
	_, groups := p.pp.ExtrasAndGroups()
	for _, g := range project.DefaultGroupsOf(p.pp, groups) {
		add("default-groups: " + g)
	}
	o := env.Index
	if o.NoIndex {
		add("no-index")
	} else {
		add("index: " + redact.Strip(o.IndexURL))
		for _, u := range o.ExtraIndexURLs {
			add("extra-index-url: " + redact.Strip(u))
		}
	}
	for _, u := range o.FindLinks {
		add("find-links: " + redact.Strip(u))
	}
	sort.Strings(in.Lines)
	return in
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
	DryRun  bool // resolve and say what would be written; write nothing
	// UpgradePackages take their newest allowed versions; every other
	// package keeps its locked version where it can (uv's
	// --upgrade-package).
	UpgradePackages []string
}

// LockState is what Lock found or did.
type LockState int

// The states of a lock.
const (
	LockWritten    LockState = iota // pylock.toml was (re)written
	LockUpToDate                    // it satisfies pyproject.toml already; nothing written
	LockSatisfied                   // Check: it satisfies pyproject.toml
	LockStale                       // Check: it does not (Problems say why)
	LockMissing                     // Check: there is no pylock.toml
	LockWouldWrite                  // DryRun: pylock.toml would be (re)written
)

// LockResult is what Lock did.
type LockResult struct {
	Path     string
	State    LockState
	Problems []string     // LockStale: how the lock fails pyproject.toml
	Packages int          // LockWritten: how many packages it locks
	Changes  []LockChange // LockWritten, LockWouldWrite: versions that differ from the old lock
}

// LockChange is one package whose locked version changed ("" when it was
// not locked, or is no longer).
type LockChange struct {
	Name, Old, New string
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
			res.Problems = p.problems(old, t, env, true)
			res.State = LockSatisfied
			if len(res.Problems) > 0 {
				res.State = LockStale
			}
		}
		return res, nil
	}
	if old != nil && !opts.Upgrade && len(opts.UpgradePackages) == 0 && len(p.problems(old, t, env, true)) == 0 && old.Inputs != nil {
		res.State = LockUpToDate
		return res, nil
	}
	idx, err := env.newIndex(t)
	if err != nil {
		return nil, err
	}
	in := env.installer(t, idx, ApplyOptions{}, false)
	l, err := resolveLock(ctx, in, env, p, withoutPackages(old, opts.UpgradePackages), opts.Upgrade, opts.Pre)
	if err != nil {
		return nil, err
	}
	res.Changes = lockChanges(old, l)
	if opts.DryRun {
		res.State, res.Packages = LockWouldWrite, len(l.Packages)
		return res, nil
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

// newLock is an empty lock of the project: for every environment it
// supports, with its extras, groups and inputs.
func newLock(p *projectReqs, env Env) *pylock.Lock {
	extras, groups := p.pp.ExtrasAndGroups()
	in := p.inputs(env)
	envs := p.pp.Tool.Pkginstall.Environments
	if len(envs) == 0 {
		for _, pl := range installer.UniversalPlatforms {
			envs = append(envs, fmt.Sprintf("sys_platform == '%s' and platform_machine == '%s'", pl.System, pl.Machine))
		}
	}
	return &pylock.Lock{
		LockVersion:      pylock.Version,
		Environments:     append([]string{}, envs...),
		RequiresPython:   p.pp.Project.RequiresPython,
		Extras:           extras,
		DependencyGroups: groups,
		DefaultGroups:    project.DefaultGroupsOf(p.pp, groups),
		CreatedBy:        pylock.CreatedBy,
		Requirements:     append([]string{}, p.roots.Strings...),
		Inputs:           in.Lines,
	}
}

// markers parses the markers of a [tool.pkginstall] setting.
func markers(p *projectReqs, key string, ss []string) ([]*pep508.Marker, error) {
	var out []*pep508.Marker
	for _, s := range ss {
		m, err := pep508.ParseMarker(s)
		if err != nil {
			data, _ := os.ReadFile(p.pp.Path)
			l, c, _ := project.Locate(data, "[tool.pkginstall]", regexp.MustCompile(`(?m)^\s*`+regexp.QuoteMeta(key)+`\s*=`))
			return nil, fileerr.Errorf(p.pp.Path, l, c, "[tool.pkginstall] %s: %q: %v", key, s, err)
		}
		out = append(out, m)
	}
	return out, nil
}

// resolveLock resolves the roots for every supported environment and
// builds the lock (nothing is written). Unless upgrading, the versions of
// the previous lock (prev, may be nil) are preferred where allowed. A
// locked package without a wheel for an environment is a warning, or an
// error for an environment that [tool.pkginstall] required-environments
// names.
func resolveLock(ctx context.Context, in *installer.Installer, env Env, p *projectReqs, prev *pylock.Lock, upgrade, pre bool) (*pylock.Lock, error) {
	st := p.pp.Tool.Pkginstall
	narrow, err := markers(p, "environments", st.Environments)
	if err != nil {
		return nil, err
	}
	required, err := markers(p, "required-environments", st.RequiredEnvironments)
	if err != nil {
		return nil, err
	}
	envs, err := installer.Environments(p.pp.Project.RequiresPython, narrow)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", DisplayPath(p.pp.Path), err)
	}
	var roots []installer.UniversalRoot
	for i, r := range p.reqs(false) {
		pr := p.roots.Reqs[i]
		roots = append(roots, installer.UniversalRoot{Req: r, Extra: pr.Extra, Group: pr.Group})
	}
	prefer := map[string]pep440.Version{}
	if prev != nil && !upgrade {
		for _, pkg := range prev.Packages {
			if v, err := pep440.Parse(pkg.Version); err == nil {
				n := pep508.NormalizeName(pkg.Name)
				if old, ok := prefer[n]; !ok || v.Compare(old) > 0 {
					prefer[n] = v
				}
			}
		}
	}
	rs, err := in.ResolveUniversal(ctx, envs, roots, pre, prefer)
	if err != nil {
		return nil, err
	}
	pkgs, missing, err := in.UniversalPackages(ctx, envs, rs)
	if err != nil {
		return nil, err
	}
	var fatal []string
	var warn []installer.MissingWheel
	for _, m := range missing {
		if installer.HoldsAny(required, m.Env.Python) && len(required) > 0 {
			fatal = append(fatal, m.Error())
			continue
		}
		warn = append(warn, m)
	}
	for _, s := range installer.SummarizeMissing(warn) {
		env.Reporter.Warn(s)
	}
	if len(fatal) > 0 {
		return nil, fmt.Errorf("a required environment has no wheel (%s required-environments):\n  %s", DisplayPath(p.pp.Path), strings.Join(fatal, "\n  "))
	}
	l := newLock(p, env)
	l.Packages = pkgs
	return l, nil
}

// withoutPackages is l without the packages named (normalised), so that
// resolution prefers the locked versions of all the others only.
func withoutPackages(l *pylock.Lock, names []string) *pylock.Lock {
	if l == nil || len(names) == 0 {
		return l
	}
	drop := map[string]bool{}
	for _, n := range names {
		drop[pep508.NormalizeName(n)] = true
	}
	cp := *l
	cp.Packages = nil
	for _, pkg := range l.Packages {
		if !drop[pep508.NormalizeName(pkg.Name)] {
			cp.Packages = append(cp.Packages, pkg)
		}
	}
	return &cp
}

// lockChanges lists the packages whose versions differ between old (nil:
// none) and l, by name. A package locked at several versions (one per
// environment) shows them joined by ", ".
func lockChanges(old, l *pylock.Lock) []LockChange {
	versions := func(lk *pylock.Lock) map[string]string {
		out := map[string]string{}
		if lk == nil {
			return out
		}
		sets := map[string][]string{}
		for _, pkg := range lk.Packages {
			n := pep508.NormalizeName(pkg.Name)
			if !slices.Contains(sets[n], pkg.Version) {
				sets[n] = append(sets[n], pkg.Version)
			}
		}
		for n, vs := range sets {
			sort.Strings(vs)
			out[n] = strings.Join(vs, ", ")
		}
		return out
	}
	before, after := versions(old), versions(l)
	var out []LockChange
	for n, v := range after {
		if before[n] != v {
			out = append(out, LockChange{Name: n, Old: before[n], New: v})
		}
	}
	for n, v := range before {
		if _, ok := after[n]; !ok {
			out = append(out, LockChange{Name: n, Old: v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// UpgradeOptions are upgrade's options.
type UpgradeOptions struct {
	Names  []string // the packages to upgrade; none: every package
	Pre    bool
	DryRun bool
	Apply  ApplyOptions
}

// Upgrade re-locks the project taking the newest allowed versions of
// Names (of everything without Names) and syncs the target to the new
// lock (DryRun: only says what the lock would change). The LockResult's
// Changes say what moved.
func Upgrade(ctx context.Context, t *Target, env Env, opts UpgradeOptions) (*LockResult, error) {
	if !t.Pyproject.Exists {
		return nil, fmt.Errorf("no pyproject.toml in %s: upgrade works on a project; for loose packages use pkginstall install -U NAME", t.Root)
	}
	res, err := Lock(ctx, t, env, LockOptions{Upgrade: len(opts.Names) == 0, UpgradePackages: opts.Names, Pre: opts.Pre, DryRun: opts.DryRun})
	if err != nil {
		return nil, err
	}
	if opts.DryRun {
		return res, nil // the lock's changes are what would change
	}
	if _, err := Sync(ctx, t, env, SyncOptions{Apply: opts.Apply, Locked: true}); err != nil {
		return res, err
	}
	return res, nil
}
