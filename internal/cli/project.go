package cli

// The project workflow: add, remove, lock, sync, and `install` with no
// arguments.
//
// The lock covers the union of [project].dependencies, every extra of
// [project.optional-dependencies] and every PEP 735 dependency group,
// resolved together for the target interpreter; sync installs all of it.
// [tool.pkginstall] requirements in pylock.toml records those
// requirements, so `lock --check` can tell that pyproject.toml changed.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/pkginstall/pkginstall/index"
	"github.com/pkginstall/pkginstall/internal/installer"
	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/project"
	"github.com/pkginstall/pkginstall/internal/pylock"
	"github.com/pkginstall/pkginstall/internal/safety"
	"github.com/pkginstall/pkginstall/scheme"
)

func (a *app) addCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "add",
		Usage:     "add requirements to pyproject.toml, lock and install them",
		UsageText: "pkginstall add REQ... [--group G | --optional EXTRA]",
		Description: `Records each REQ in [project].dependencies (or the dependency group G, or the
extra EXTRA), creating a minimal pyproject.toml if there is none; a bare name
is recorded as name>=<resolved version>. Then writes pylock.toml and installs.`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "group", Usage: "add to the PEP 735 dependency group `G`"},
			&ucli.StringFlag{Name: "optional", Usage: "add to the extra `EXTRA` of [project.optional-dependencies]"},
			&ucli.BoolFlag{Name: "pre", Usage: "allow pre-releases"},
		},
		Action: a.runAdd,
	}
}

func (a *app) removeCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "remove",
		Usage:     "remove requirements from pyproject.toml, re-lock, uninstall what nothing needs",
		UsageText: "pkginstall remove NAME... [--group G | --optional EXTRA]",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "group", Usage: "remove from the PEP 735 dependency group `G`"},
			&ucli.StringFlag{Name: "optional", Usage: "remove from the extra `EXTRA`"},
		},
		Action: a.runRemove,
	}
}

func (a *app) lockCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "lock",
		Usage:     "resolve the project and write pylock.toml (PEP 751)",
		UsageText: "pkginstall lock [--upgrade] [--check]",
		Description: `Resolves [project].dependencies, every extra and every dependency group
together for the target interpreter and writes pylock.toml with every wheel of
each locked version. --check changes nothing: it exits 1 when pylock.toml does
not satisfy pyproject.toml.`,
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "upgrade", Aliases: []string{"U"}, Usage: "take the newest allowed versions, not the installed ones"},
			&ucli.BoolFlag{Name: "check", Usage: "exit 1 if pylock.toml does not satisfy pyproject.toml; write nothing"},
			&ucli.BoolFlag{Name: "pre", Usage: "allow pre-releases"},
		},
		Action: a.runLock,
	}
}

func (a *app) syncCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "sync",
		Usage:     "make __pypackages__ exactly the lock: install what is missing, remove the rest",
		UsageText: "pkginstall sync [--frozen]",
		Description: `Without --frozen, a pylock.toml that no longer satisfies pyproject.toml (or a
missing one) is re-locked first. With --frozen the lock is used as it is and no
index is asked for anything: each wheel comes from its URL in the lock and is
checked against the lock's sha256.`,
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "frozen", Usage: "install pylock.toml as it is; never resolve, never read an index page"},
			&ucli.BoolFlag{Name: "reinstall", Usage: "reinstall even what is installed at the locked version"},
		},
		Action: a.runSync,
	}
}

// where reads --group/--optional.
func whereFlags(c *ucli.Context) (project.Where, error) {
	w := project.Where{Group: c.String("group"), Optional: c.String("optional")}
	if w.Group != "" && w.Optional != "" {
		return w, usagef("--group and --optional cannot be used together")
	}
	for _, f := range []string{"group", "optional"} {
		// PEP 735 group names and PEP 685 extra names are project-name
		// shaped; an empty one would silently mean [project].dependencies.
		if c.IsSet(f) && !validGroupName.MatchString(c.String(f)) {
			return w, usagef("--%s %q is not a valid name (letters, digits, and . _ - inside)", f, c.String(f))
		}
	}
	return w, nil
}

var validGroupName = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9._-]*[a-z0-9])?$`)

// spellingOf makes w use the spelling pyproject.toml already has for its
// group or extra (names compare normalised, PEP 685 and 735); a new one is
// written normalised.
func spellingOf(w project.Where, path string, data []byte) project.Where {
	pp, err := decodePyproject(path, data)
	if err != nil {
		return w
	}
	pick := func(name string, keys []string) string {
		n := pep508.NormalizeName(name)
		for _, k := range keys {
			if pep508.NormalizeName(k) == n {
				return k
			}
		}
		return n
	}
	if w.Group != "" {
		var keys []string
		for k := range pp.DependencyGroups {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		w.Group = pick(w.Group, keys)
	}
	if w.Optional != "" {
		var keys []string
		for k := range pp.Project.OptionalDependencies {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		w.Optional = pick(w.Optional, keys)
	}
	return w
}

// projectFiles are the project's pyproject.toml and pylock.toml.
type projectFiles struct {
	pyproject string
	lock      string
}

func filesOf(t *target) projectFiles {
	return projectFiles{
		pyproject: filepath.Join(t.root, "pyproject.toml"),
		lock:      filepath.Join(t.root, pylock.FileName),
	}
}

// displayPath is p relative to the working directory when that is shorter.
func displayPath(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, p); err == nil && len(r) < len(p) {
			return r
		}
	}
	return p
}

// roots are the requirements a lock covers, from a decoded pyproject.
type roots struct {
	reqs    []installer.Req
	strs    []string        // sorted, deduplicated canonical strings
	names   map[string]bool // normalised names (requested)
	project []installer.Req // [project].dependencies only
}

// projectRoots collects [project].dependencies, every extra and every
// group (following include-group). data is the file's text, for positions.
func projectRoots(path string, data []byte, pp *project.Pyproject) (*roots, error) {
	if rp := pp.Project.RequiresPython; rp != "" {
		if _, err := pep440.ParseSpecifierSet(rp); err != nil {
			if l, c, ok := project.Locate(data, "", regexp.MustCompile(`(?m)^\s*requires-python\s*=`)); ok {
				return nil, &project.ParseError{Path: path, Line: l, Col: c, Msg: fmt.Sprintf("[project] requires-python %q: %v", rp, err)}
			}
			return nil, fmt.Errorf("%s: [project] requires-python %q: %v", path, rp, err)
		}
	}
	r := &roots{names: map[string]bool{}}
	seen := map[string]bool{}
	add := func(s, where string, isProject bool) error {
		req, err := pep508.ParseRequirement(s)
		if err != nil {
			line, col := positionOf(data, s)
			if line > 0 {
				return &project.ParseError{Path: path, Line: line, Col: col, Msg: fmt.Sprintf("%s: %v", where, err)}
			}
			return fmt.Errorf("%s: %s: %v", path, where, err)
		}
		ir := installer.Req{Req: req, Origin: fmt.Sprintf("%s (%s)", displayPath(path), where)}
		r.reqs = append(r.reqs, ir)
		if isProject {
			r.project = append(r.project, ir)
		}
		r.names[pep508.NormalizeName(req.Name)] = true
		if cs := req.String(); !seen[cs] {
			seen[cs] = true
			r.strs = append(r.strs, cs)
		}
		return nil
	}
	for _, s := range pp.Project.Dependencies {
		if err := add(s, "[project] dependencies", true); err != nil {
			return nil, err
		}
	}
	extras := make([]string, 0, len(pp.Project.OptionalDependencies))
	for e := range pp.Project.OptionalDependencies {
		extras = append(extras, e)
	}
	sort.Strings(extras)
	for _, e := range extras {
		for _, s := range pp.Project.OptionalDependencies[e] {
			if err := add(s, "extra "+e, false); err != nil {
				return nil, err
			}
		}
	}
	groups := map[string][]any{}
	var gnames []string
	for g, v := range pp.DependencyGroups {
		n := pep508.NormalizeName(g)
		if _, dup := groups[n]; dup {
			return nil, fmt.Errorf("%s: [dependency-groups] names %s twice", path, n)
		}
		groups[n] = v
		gnames = append(gnames, n)
	}
	sort.Strings(gnames)
	var expand func(g string, stack []string) ([]string, error)
	expand = func(g string, stack []string) ([]string, error) {
		for _, s := range stack {
			if s == g {
				return nil, fmt.Errorf("%s: [dependency-groups] %s includes itself (%s)", path, g, strings.Join(append(stack, g), " -> "))
			}
		}
		entries, ok := groups[g]
		if !ok {
			where := path
			if l, c, ok := project.Locate(data, "[dependency-groups]", regexp.MustCompile(`include-group\s*=\s*["']`+regexp.QuoteMeta(g)+`["']`)); ok {
				where = fmt.Sprintf("%s:%d:%d", path, l, c)
			}
			return nil, fmt.Errorf("%s: [dependency-groups] %s is included but not defined", where, g)
		}
		var out []string
		for _, e := range entries {
			switch v := e.(type) {
			case string:
				out = append(out, v)
			case map[string]any:
				inc, ok := v["include-group"].(string)
				if !ok || len(v) != 1 {
					return nil, fmt.Errorf("%s: [dependency-groups] %s: an entry must be a string or {include-group = \"NAME\"}", path, g)
				}
				more, err := expand(pep508.NormalizeName(inc), append(stack, g))
				if err != nil {
					return nil, err
				}
				out = append(out, more...)
			default:
				return nil, fmt.Errorf("%s: [dependency-groups] %s: an entry must be a string or {include-group = \"NAME\"}", path, g)
			}
		}
		return out, nil
	}
	for _, g := range gnames {
		reqs, err := expand(g, nil)
		if err != nil {
			return nil, err
		}
		for _, s := range reqs {
			if err := add(s, "group "+g, false); err != nil {
				return nil, err
			}
		}
	}
	sort.Strings(r.strs)
	return r, nil
}

// positionOf finds the line and column of the quoted string s in data.
func positionOf(data []byte, s string) (int, int) {
	for _, q := range []string{`"` + s + `"`, `'` + s + `'`} {
		if i := bytes.Index(data, []byte(q)); i >= 0 {
			line := bytes.Count(data[:i], []byte("\n")) + 1
			col := i - bytes.LastIndexByte(data[:i], '\n')
			return line, col
		}
	}
	return 0, 0
}

// decodePyproject parses pyproject.toml data.
func decodePyproject(path string, data []byte) (*project.Pyproject, error) {
	pp := &project.Pyproject{Path: path, Exists: true}
	if err := project.Decode(path, data, pp); err != nil {
		return nil, err
	}
	return pp, nil
}

// readProject reads pyproject.toml (which must exist) and its roots.
func readProject(files projectFiles) ([]byte, *project.Pyproject, *roots, error) {
	data, err := os.ReadFile(files.pyproject)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil, fmt.Errorf("no pyproject.toml in %s (pkginstall add creates one)", filepath.Dir(files.pyproject))
	}
	if err != nil {
		return nil, nil, nil, err
	}
	pp, r, err := parseProject(files.pyproject, data)
	if err != nil {
		return nil, nil, nil, err
	}
	return data, pp, r, nil
}

// parseProject decodes pyproject.toml's text (data, read from path) and
// gathers its requirements.
func parseProject(path string, data []byte) (*project.Pyproject, *roots, error) {
	pp, err := decodePyproject(path, data)
	if err != nil {
		return nil, nil, err
	}
	r, err := projectRoots(path, data, pp)
	if err != nil {
		return nil, nil, err
	}
	return pp, r, nil
}

// installerAndLock makes the target's installer and reads its current
// pylock.toml (nil when there is none): what re-locking starts from.
func (a *app) installerAndLock(g *Globals, t *target, files projectFiles) (*installer.Installer, *pylock.Lock, error) {
	idx, err := a.newIndex(g)
	if err != nil {
		return nil, nil, err
	}
	prev, err := readLock(files)
	if err != nil {
		return nil, nil, err
	}
	return a.newInstaller(t, idx), prev, nil
}

// readLock reads pylock.toml; nil, nil when there is none.
func readLock(files projectFiles) (*pylock.Lock, error) {
	l, err := pylock.ReadFile(files.lock)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return l, err
}

// newInstaller makes the installer of a target with an index client.
func (a *app) newInstaller(t *target, idx *index.Client) *installer.Installer {
	return &installer.Installer{
		Paths:    t.paths,
		Python:   t.py,
		Index:    idx,
		CacheDir: t.g.CacheDir,
		Reporter: a.reporter(),
	}
}

// urlOnlyIndex is a client that knows no index and no find-links: it can
// only fetch files by URL. Installing a lock uses it, so no project page
// is ever read.
func (a *app) urlOnlyIndex(g *Globals) (*index.Client, error) {
	return index.New(index.Options{NoIndex: true, Offline: g.Offline, CacheDir: g.CacheDir, Logger: a.ui.logger()})
}

// resolveLock resolves the roots and builds the lock (nothing is written).
// Unless upgrading, the versions of the previous lock (prev, may be nil)
// are kept when the new requirements allow them all: the roots are first
// resolved with those versions as constraints, and only if that fails
// without them.
func (a *app) resolveLock(ctx context.Context, t *target, in *installer.Installer, pp *project.Pyproject, r *roots, prev *pylock.Lock, upgrade, pre bool) (*pylock.Lock, error) {
	if rp := pp.Project.RequiresPython; rp != "" {
		spec, err := pep440.ParseSpecifierSet(rp)
		v, verr := pep440.Parse(t.py.Version)
		if err == nil && verr == nil && !spec.Contains(v, true) {
			return nil, fmt.Errorf("%s: the project requires Python %s, and %s is %s (choose another with --python)", displayPath(pp.Path), rp, t.py.Executable, t.py.Version)
		}
	}
	req := &installer.Request{Reqs: append([]installer.Req(nil), r.reqs...), Upgrade: upgrade, Pre: pre}
	var res *installer.Result
	var err error
	if prev != nil && !upgrade && len(prev.Packages) > 0 {
		keep := *req
		for _, p := range prev.Packages {
			if p.Version == "" {
				continue
			}
			c, err := pep508.ParseRequirement(p.Name + "==" + p.Version)
			if err != nil {
				continue
			}
			keep.Constraints = append(keep.Constraints, installer.Req{Req: c, Origin: pylock.FileName})
		}
		res, _, err = in.Plan(ctx, &keep)
		if err != nil {
			a.ui.debugf("the locked versions do not fit the requirements any more (%v); resolving afresh", err)
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
	l := &pylock.Lock{
		LockVersion:    pylock.Version,
		Environments:   []string{installer.EnvironmentMarker(t.py)},
		RequiresPython: pp.Project.RequiresPython,
		CreatedBy:      pylock.CreatedBy,
		Packages:       pkgs,
		Requirements:   r.strs,
	}
	return l, nil
}

// lockProblems says how the lock fails to satisfy the roots (none: it does).
func lockProblems(l *pylock.Lock, r *roots, t *target) []string {
	var out []string
	if ok, why := installer.EnvironmentMatches(l, t.py); !ok {
		out = append(out, why)
	}
	if l.Requirements != nil || l.CreatedBy == pylock.CreatedBy {
		have := map[string]bool{}
		for _, s := range l.Requirements {
			have[s] = true
		}
		// A changed requirement (six -> six>=1.17) is one finding, not an
		// added and a removed one.
		reqName := func(s string) string {
			if r, err := pep508.ParseRequirement(s); err == nil {
				return pep508.NormalizeName(r.Name)
			}
			return s
		}
		want := map[string]bool{}
		dropped := map[string][]string{}
		for _, s := range l.Requirements {
			dropped[reqName(s)] = append(dropped[reqName(s)], s)
		}
		for _, s := range r.strs {
			want[s] = true
		}
		changed := map[string]bool{}
		for _, s := range r.strs {
			if have[s] {
				continue
			}
			var was []string
			for _, old := range dropped[reqName(s)] {
				if !want[old] {
					was = append(was, old)
					changed[old] = true
				}
			}
			if len(was) > 0 {
				out = append(out, fmt.Sprintf("pyproject.toml now requires %s, and the lock was made for %s", s, strings.Join(was, ", ")))
			} else {
				out = append(out, fmt.Sprintf("pyproject.toml requires %s, which the lock was not made for", s))
			}
		}
		for _, s := range l.Requirements {
			if !want[s] && !changed[s] {
				out = append(out, fmt.Sprintf("pyproject.toml no longer requires %s", s))
			}
		}
	}
	env := map[string]string{}
	for k, v := range t.py.Markers {
		env[k] = v
	}
	env["extra"] = ""
	locked := map[string]string{}
	for _, p := range l.Packages {
		locked[pep508.NormalizeName(p.Name)] = p.Version
	}
	for _, q := range r.reqs {
		if q.Req.Marker != nil {
			if ok, err := q.Req.Marker.Evaluate(env); err == nil && !ok {
				continue
			}
		}
		name := pep508.NormalizeName(q.Req.Name)
		v, ok := locked[name]
		if !ok {
			out = append(out, fmt.Sprintf("%s is not in the lock", q.Req.String()))
			continue
		}
		if q.Req.URL != "" || v == "" {
			continue
		}
		if pv, err := pep440.Parse(v); err == nil && !q.Req.Specifier.Contains(pv, true) {
			out = append(out, fmt.Sprintf("pyproject.toml requires %s, but the lock has %s %s", q.Req.String(), name, v))
		}
	}
	return dedupe(out)
}

func (a *app) runLock(c *ucli.Context) error {
	if c.NArg() > 0 {
		return usagef("lock takes no arguments")
	}
	g, t, unlockProject, err := a.lockedProject(c)
	if err != nil {
		return err
	}
	defer unlockProject()
	files := filesOf(t)
	_, pp, r, err := readProject(files)
	if err != nil {
		return err
	}
	old, err := readLock(files)
	if err != nil {
		return err
	}
	if c.Bool("check") {
		if old == nil {
			return &exitError{code: ExitFailure, err: fmt.Errorf("%s does not exist; run pkginstall lock", displayPath(files.lock))}
		}
		if problems := lockProblems(old, r, t); len(problems) > 0 {
			return &exitError{code: ExitFailure, err: fmt.Errorf("%s does not satisfy pyproject.toml: %s; run pkginstall lock", displayPath(files.lock), strings.Join(problems, "; "))}
		}
		a.ui.infof("%s satisfies pyproject.toml", displayPath(files.lock))
		return nil
	}
	if old != nil && !c.Bool("upgrade") && len(lockProblems(old, r, t)) == 0 && old.Requirements != nil {
		a.ui.infof("%s is up to date", displayPath(files.lock))
		return nil
	}
	idx, err := a.newIndex(g)
	if err != nil {
		return err
	}
	in := a.newInstaller(t, idx)
	l, err := a.resolveLock(c.Context, t, in, pp, r, old, c.Bool("upgrade"), c.Bool("pre"))
	if err != nil {
		return err
	}
	if err := pylock.WriteFile(files.lock, l); err != nil {
		return err
	}
	a.ui.infof("Locked %d package%s in %s", len(l.Packages), plural(len(l.Packages)), displayPath(files.lock))
	return nil
}

func (a *app) runSync(c *ucli.Context) error {
	if c.NArg() > 0 {
		return usagef("sync takes no arguments")
	}
	g, t, unlockProject, err := a.lockedProject(c)
	if err != nil {
		return err
	}
	defer unlockProject()
	files := filesOf(t)
	l, err := readLock(files)
	if err != nil {
		return err
	}
	requested := map[string]bool{}
	if c.Bool("frozen") {
		if l == nil {
			return fmt.Errorf("%s does not exist; run pkginstall lock (sync --frozen never resolves)", displayPath(files.lock))
		}
		if t.pyproject.Exists {
			if data, err := os.ReadFile(files.pyproject); err == nil {
				if _, r, err := parseProject(files.pyproject, data); err == nil {
					requested = r.names
				}
			}
		}
	} else {
		_, pp, r, err := readProject(files)
		if err != nil {
			return err
		}
		requested = r.names
		if l == nil || len(lockProblems(l, r, t)) > 0 {
			idx, err := a.newIndex(g)
			if err != nil {
				return err
			}
			nl, err := a.resolveLock(c.Context, t, a.newInstaller(t, idx), pp, r, l, false, false)
			if err != nil {
				return err
			}
			if err := pylock.WriteFile(files.lock, nl); err != nil {
				return err
			}
			a.ui.infof("Locked %d package%s in %s", len(nl.Packages), plural(len(nl.Packages)), displayPath(files.lock))
			l = nl
		}
	}
	idx, err := a.urlOnlyIndex(g)
	if err != nil {
		return err
	}
	in := a.newInstaller(t, idx)
	in.Overwrite = c.Bool("reinstall")
	res, err := in.PlanLock(c.Context, l, installer.LockOptions{Path: files.lock, Reinstall: c.Bool("reinstall"), Requested: requested})
	if err != nil {
		return err
	}
	return a.applyLock(c.Context, in, res, true, nil)
}

// applyLock installs a plan made by PlanLock: fetch and verify every wheel,
// then (after before, which may write files) install them in one
// transaction and, when exact, uninstall what the lock does not list.
func (a *app) applyLock(ctx context.Context, in *installer.Installer, res *installer.Result, exact bool, before func() error) error {
	if err := safety.CheckTarget(in.Paths.SafetyDirs()...); err != nil {
		return err
	}
	if _, err := os.Stat(in.Paths.PyPackages); err == nil {
		unlock, err := scheme.Lock(ctx, in.Paths, func() { in.Reporter.Waiting(in.Paths.PyPackages) })
		if err != nil {
			return err
		}
		err = scheme.Recover(in.Paths)
		unlock()
		if err != nil {
			return err
		}
	}
	wheels, err := in.Prepare(ctx, res)
	if err != nil {
		return err
	}
	defer func() {
		for _, w := range wheels {
			w.Close()
		}
	}()
	if before != nil {
		if err := before(); err != nil {
			return err
		}
	}
	var removals []installer.Change
	if exact {
		for _, ch := range res.Changes {
			if ch.Action == installer.Remove {
				removals = append(removals, ch)
			}
		}
	}
	if len(wheels) == 0 && len(removals) == 0 {
		in.Reporter.Installed(nil, 0)
		return nil
	}
	_, statErr := os.Stat(in.Paths.PyPackages)
	fresh := errors.Is(statErr, os.ErrNotExist)
	unlock, err := scheme.Lock(ctx, in.Paths, func() { in.Reporter.Waiting(in.Paths.PyPackages) })
	if err != nil {
		return err
	}
	defer unlock()
	if len(wheels) > 0 {
		if err := in.Apply(ctx, res, wheels); err != nil {
			if fresh {
				scheme.RemoveIfPristine(in.Paths)
			}
			return err
		}
	}
	if len(removals) > 0 {
		a.ui.infof("Removed %d package%s", len(removals), plural(len(removals)))
	}
	for _, ch := range removals {
		if err := scheme.Uninstall(ctx, in.Paths, ch.Name); err != nil {
			return fmt.Errorf("uninstalling %s: %w", ch.Name, err)
		}
		a.ui.infof(" - %s==%s", ch.Name, ch.OldVersion)
	}
	a.warnUnmet(in)
	return nil
}

// writeFileAtomic replaces name with data, keeping its permissions. A
// symlink is followed: its target is replaced, the link stays a link.
func writeFileAtomic(name string, data []byte) error {
	if real, err := filepath.EvalSymlinks(name); err == nil {
		name = real
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(name); err == nil {
		mode = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".pkginstall-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

func (a *app) runAdd(c *ucli.Context) error {
	args := c.Args().Slice()
	if len(args) == 0 {
		return usagef("add needs at least one requirement")
	}
	where, err := whereFlags(c)
	if err != nil {
		return err
	}
	var reqs []pep508.Requirement
	for _, arg := range args {
		r, err := pep508.ParseRequirement(strings.TrimSpace(arg))
		if err != nil {
			return usagef("%v", err)
		}
		reqs = append(reqs, r)
	}
	g, t, unlockProject, err := a.lockedProject(c)
	if err != nil {
		return err
	}
	defer unlockProject()
	files := filesOf(t)
	orig, err := os.ReadFile(files.pyproject)
	created := false
	if errors.Is(err, os.ErrNotExist) {
		orig = project.NewPyproject(filepath.Base(t.root), fmt.Sprintf(">=%d.%d", t.py.Major, t.py.Minor))
		created = true
	} else if err != nil {
		return err
	} else if pp, err := decodePyproject(files.pyproject, orig); err != nil {
		return err
	} else {
		// PEP 621: a field listed in dynamic must not be given statically.
		field := "dependencies"
		if where.Optional != "" {
			field = "optional-dependencies"
		}
		if where.Group == "" && slices.Contains(pp.Project.Dynamic, field) {
			return fmt.Errorf("%s: [project] %s is dynamic (computed by the build backend), so pkginstall cannot add to it; add to a --group instead, or make it static", displayPath(files.pyproject), field)
		}
	}
	where = spellingOf(where, files.pyproject, orig)
	edit := func(final map[int]string) ([]byte, error) {
		data := orig
		for i, arg := range args {
			s := strings.TrimSpace(arg)
			if f, ok := final[i]; ok {
				s = f
			}
			var err error
			data, err = project.AddRequirement(files.pyproject, data, where, s)
			if err != nil {
				return nil, err
			}
		}
		return data, nil
	}
	data, err := edit(nil)
	if err != nil {
		return err
	}
	pp, r, err := parseProject(files.pyproject, data)
	if err != nil {
		return err
	}
	in, prev, err := a.installerAndLock(g, t, files)
	if err != nil {
		return err
	}
	l, err := a.resolveLock(c.Context, t, in, pp, r, prev, false, c.Bool("pre"))
	if err != nil {
		return err
	}
	// A bare name is recorded as name>=<resolved version>.
	final := map[int]string{}
	for i, q := range reqs {
		if q.URL != "" || q.Specifier.String() != "" {
			continue
		}
		name := pep508.NormalizeName(q.Name)
		for _, p := range l.Packages {
			if p.Name == name && p.Version != "" {
				b := q
				spec, err := pep440.ParseSpecifierSet(">=" + p.Version)
				if err != nil {
					break
				}
				b.Specifier = spec
				final[i] = b.String()
			}
		}
	}
	if len(final) > 0 {
		if data, err = edit(final); err != nil {
			return err
		}
		if _, r, err = parseProject(files.pyproject, data); err != nil {
			return err
		}
		l.Requirements = r.strs
	}
	res, err := in.PlanLock(c.Context, l, installer.LockOptions{Path: files.lock, Requested: r.names})
	if err != nil {
		return err
	}
	return a.applyLock(c.Context, in, res, false, func() error {
		if err := writeFileAtomic(files.pyproject, data); err != nil {
			return err
		}
		if created {
			a.ui.infof("Created %s", displayPath(files.pyproject))
		}
		for i, arg := range args {
			s := strings.TrimSpace(arg)
			if f, ok := final[i]; ok {
				s = f
			}
			a.ui.infof("Added %s to %s", s, where)
		}
		if err := pylock.WriteFile(files.lock, l); err != nil {
			return err
		}
		a.ui.infof("Locked %d package%s in %s", len(l.Packages), plural(len(l.Packages)), displayPath(files.lock))
		return nil
	})
}

func (a *app) runRemove(c *ucli.Context) error {
	names := c.Args().Slice()
	if len(names) == 0 {
		return usagef("remove needs at least one name")
	}
	where, err := whereFlags(c)
	if err != nil {
		return err
	}
	g, t, unlockProject, err := a.lockedProject(c)
	if err != nil {
		return err
	}
	defer unlockProject()
	files := filesOf(t)
	data, _, _, err := readProject(files)
	if err != nil {
		return err
	}
	where = spellingOf(where, files.pyproject, data)
	for _, n := range names {
		r, err := pep508.ParseRequirement(n)
		if err != nil || r.Specifier.String() != "" || r.URL != "" || r.Marker != nil || len(r.Extras) > 0 {
			return usagef("remove takes distribution names, not %q", n)
		}
		var removed bool
		data, removed, err = project.RemoveRequirement(files.pyproject, data, where, r.Name)
		if err != nil {
			return err
		}
		if !removed {
			return fmt.Errorf("%s is not in %s of %s%s", n, where, displayPath(files.pyproject), elsewhere(files.pyproject, data, r.Name))
		}
	}
	pp, r, err := parseProject(files.pyproject, data)
	if err != nil {
		return err
	}
	in, prev, err := a.installerAndLock(g, t, files)
	if err != nil {
		return err
	}
	var l *pylock.Lock
	if len(r.reqs) == 0 {
		l = &pylock.Lock{LockVersion: pylock.Version, Environments: []string{installer.EnvironmentMarker(t.py)},
			RequiresPython: pp.Project.RequiresPython, CreatedBy: pylock.CreatedBy, Requirements: []string{}}
	} else if l, err = a.resolveLock(c.Context, t, in, pp, r, prev, false, false); err != nil {
		return err
	}
	res, err := in.PlanLock(c.Context, l, installer.LockOptions{Path: files.lock, Requested: r.names})
	if err != nil {
		return err
	}
	return a.applyLock(c.Context, in, res, true, func() error {
		if err := writeFileAtomic(files.pyproject, data); err != nil {
			return err
		}
		for _, n := range names {
			a.ui.infof("Removed %s from %s", n, where)
		}
		if err := pylock.WriteFile(files.lock, l); err != nil {
			return err
		}
		a.ui.infof("Locked %d package%s in %s", len(l.Packages), plural(len(l.Packages)), displayPath(files.lock))
		return nil
	})
}

// installProject is `install` with no requirements: the project, from
// pylock.toml when it satisfies pyproject.toml (or always with --frozen),
// else by resolving [project].dependencies.
func (a *app) installProject(c *ucli.Context, g *Globals, req *installer.Request) error {
	t, err := a.resolveTarget(c.Context, g)
	if err != nil {
		return err
	}
	unlockProject, err := a.lockProject(c.Context, t)
	if err != nil {
		return err
	}
	defer unlockProject()
	files := filesOf(t)
	frozen := c.Bool("frozen")
	if !t.pyproject.Exists && !frozen {
		return usagef("install needs requirements, wheel files or -r FILE, or a pyproject.toml in the project (none in %s)", t.root)
	}
	l, err := readLock(files)
	if err != nil {
		return err
	}
	var r *roots
	if t.pyproject.Exists {
		if _, _, r, err = readProject(files); err != nil {
			return err
		}
	}
	useLock := l != nil && (frozen || r == nil || len(lockProblems(l, r, t)) == 0)
	if frozen && l == nil {
		return fmt.Errorf("%s does not exist; run pkginstall lock (--frozen never resolves)", displayPath(files.lock))
	}
	if useLock {
		idx, err := a.urlOnlyIndex(g)
		if err != nil {
			return err
		}
		in := a.newInstaller(t, idx)
		requested := map[string]bool{}
		if r != nil {
			requested = r.names
		}
		res, err := in.PlanLock(c.Context, l, installer.LockOptions{Path: files.lock, Reinstall: req.Reinstall, Requested: requested})
		if err != nil {
			return err
		}
		if req.DryRun {
			in.Reporter.Plan(withoutRemovals(res.Changes), true)
			return nil
		}
		return a.applyLock(c.Context, in, res, false, nil)
	}
	req.Reqs = r.project
	idx, err := a.newIndex(g)
	if err != nil {
		return err
	}
	_, err = a.install(c.Context, a.newInstaller(t, idx), req)
	return err
}

// elsewhere names the other arrays that list name, as a hint.
func elsewhere(path string, data []byte, name string) string {
	pp, err := decodePyproject(path, data)
	if err != nil {
		return ""
	}
	var hints []string
	try := func(w project.Where, flag string) {
		if _, removed, err := project.RemoveRequirement(path, data, w, name); err == nil && removed {
			hints = append(hints, fmt.Sprintf("%s (use %s)", w, flag))
		}
	}
	try(project.Where{}, "no --group or --optional")
	var keys []string
	for k := range pp.DependencyGroups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		try(project.Where{Group: k}, "--group "+k)
	}
	keys = keys[:0]
	for k := range pp.Project.OptionalDependencies {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		try(project.Where{Optional: k}, "--optional "+k)
	}
	if len(hints) == 0 {
		return ""
	}
	return "; it is in " + strings.Join(hints, ", ")
}

func withoutRemovals(chs []installer.Change) []installer.Change {
	var out []installer.Change
	for _, ch := range chs {
		if ch.Action != installer.Remove {
			out = append(out, ch)
		}
	}
	return out
}

// lockedProject is globalsAndTarget followed by lockProject: the start of
// every command that edits the project's files.
func (a *app) lockedProject(c *ucli.Context) (*Globals, *target, func(), error) {
	g, t, err := a.globalsAndTarget(c)
	if err != nil {
		return nil, nil, nil, err
	}
	unlock, err := a.lockProject(c.Context, t)
	if err != nil {
		return nil, nil, nil, err
	}
	return g, t, unlock, nil
}

// lockProject serialises the commands that read and rewrite the project's
// pyproject.toml and pylock.toml (add, remove, lock, sync, install of the
// project), so that concurrent runs do not lose each other's edits.
func (a *app) lockProject(ctx context.Context, t *target) (func(), error) {
	return project.LockRoot(ctx, t.root, func() {
		a.ui.infof("Waiting for another pkginstall working on %s", t.root)
	})
}
