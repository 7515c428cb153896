package workflow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pkginstall/pkginstall/internal/fsutil"
	"github.com/pkginstall/pkginstall/internal/installer"
	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/project"
	"github.com/pkginstall/pkginstall/internal/pylock"
	"github.com/pkginstall/pkginstall/internal/redact"
)

// AddOptions are add's options.
type AddOptions struct {
	Reqs  []pep508.Requirement // what to add, as given
	Texts []string             // each requirement's text as given (trimmed)
	Where project.Where        // the array to add to
	Pre   bool                 // allow pre-releases
	Apply ApplyOptions
	// DryRun resolves and reports the plan; nothing is written.
	DryRun bool
	// RememberPython records the target's interpreter in .python-version
	// (--python was given), once the add succeeded.
	RememberPython bool
	// KeepCredentials records a direct reference's URL in pyproject.toml
	// with the user:password it was given with. By default they are left
	// out (and a warning says so): they are used, in memory, for this run
	// only, and later runs take them from .netrc.
	KeepCredentials bool
	// Dirs are local project folders to add, recorded as
	// "name @ file:///${PROJECT_ROOT}/…" (project.LocalReference).
	Dirs []string
	// EditableDirs are added as Dirs are, installed editable, their names
	// recorded in [tool.pkginstall] editable.
	EditableDirs  []string
	editableNames []string
}

// Add records requirements in pyproject.toml (creating a minimal one when
// there is none), locks and installs. A bare name is recorded as
// name>=<resolved version>. pyproject.toml and pylock.toml are written
// only once every wheel is ready.
func Add(ctx context.Context, t *Target, env Env, opts AddOptions) (*installer.Result, error) {
	unlock, err := lockProject(ctx, t, env.Reporter)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := addDirs(ctx, t, env, &opts); err != nil {
		return nil, err
	}
	f := filesOf(t)
	orig, created, where, err := readForAdd(t, f, opts.Where)
	if err != nil {
		return nil, err
	}
	opts.Texts, env = withoutCredentials(opts, env)
	edit := func(final map[int]string) ([]byte, error) {
		data := orig
		for i, s := range opts.Texts {
			if fs, ok := final[i]; ok {
				s = fs
			}
			var err error
			if data, err = project.AddRequirement(f.pyproject, data, where, s); err != nil {
				return nil, err
			}
		}
		for _, n := range opts.editableNames {
			var err error
			if data, err = project.AddRequirement(f.pyproject, data, project.Where{Editable: true}, n); err != nil {
				return nil, err
			}
		}
		return data, nil
	}
	data, err := edit(nil)
	if err != nil {
		return nil, err
	}
	p, err := parseProject(f.pyproject, data)
	if err != nil {
		return nil, err
	}
	in, prev, err := installerAndLock(t, env, f)
	if err != nil {
		return nil, err
	}
	l, err := resolveLock(ctx, in, env, p, prev, false, opts.Pre)
	if err != nil {
		return nil, err
	}
	final := lowerBounds(opts.Reqs, l)
	if len(final) > 0 {
		if data, err = edit(final); err != nil {
			return nil, err
		}
		if p, err = parseProject(f.pyproject, data); err != nil {
			return nil, err
		}
		l.Requirements, l.Inputs = p.roots.Strings, p.inputs(env).Lines
	}
	in.LinkMode, in.Compile = opts.Apply.LinkMode, opts.Apply.Compile
	// The default selection, and the group or extra added to.
	so := project.SelectOptions{}
	if where.Group != "" {
		so.Groups = []string{where.Group}
	}
	if where.Optional != "" {
		so.Extras = []string{where.Optional}
	}
	sel, err := selectFrom(l, so)
	if err != nil {
		return nil, err
	}
	return installLock(ctx, in, env.Reporter, lockInstall{
		lock: l, path: f.lock, requested: p.roots.Names, hint: syncReinstallHint, selection: sel, dryRun: opts.DryRun,
		before: func() error {
			if err := fsutil.WriteFile(f.pyproject, data, fsutil.KeepPerm); err != nil {
				return err
			}
			if opts.RememberPython {
				if err := rememberPython(t, env); err != nil {
					return err
				}
			}
			if created {
				env.Reporter.Created(f.pyproject)
			}
			for i, s := range opts.Texts {
				if fs, ok := final[i]; ok {
					s = fs
				}
				env.Reporter.Added(s, where)
			}
			return writeLock(env, f, l)
		},
	})
}

// withoutCredentials returns the texts add records: without the
// credentials of their URLs unless opts.KeepCredentials (a warning says
// which were left out, and where to keep them instead). Either way env's
// index client is told the credentials, so this run can use them.
func withoutCredentials(opts AddOptions, env Env) ([]string, Env) {
	texts := slices.Clone(opts.Texts)
	env.Index.Trusted = slices.Clone(env.Index.Trusted) // env is the caller's copy; its slice is not
	for i, q := range opts.Reqs {
		if q.URL == "" || !redact.HasUserinfo(q.URL) {
			continue
		}
		env.Index.Trusted = append(env.Index.Trusted, q.URL)
		if opts.KeepCredentials {
			continue
		}
		texts[i] = redact.StripRequirement(texts[i])
		env.Reporter.Warn(fmt.Sprintf("recording %s without the credentials in its URL (they are used for this run only); put them in ~/.netrc, or add again with --keep-credentials to write them into pyproject.toml", redact.Requirement(opts.Texts[i])))
	}
	return texts, env
}

// addDirs turns opts.Dirs into requirements: each folder is built once
// (the wheel is cached for the install) to learn its project name.
func addDirs(ctx context.Context, t *Target, env Env, opts *AddOptions) error {
	if len(opts.Dirs)+len(opts.EditableDirs) == 0 {
		return nil
	}
	idx, err := env.newIndex(t)
	if err != nil {
		return err
	}
	in := env.installer(t, idx, opts.Apply, false)
	for i, dir := range append(slices.Clone(opts.Dirs), opts.EditableDirs...) {
		editable := i >= len(opts.Dirs)
		c, err := in.SourceCandidate(ctx, dir, editable)
		if err != nil {
			return err
		}
		if editable {
			opts.editableNames = append(opts.editableNames, c.Name)
		}
		text := c.Name + " @ " + project.LocalReference(t.Root, c.SourceDir)
		r, err := pep508.ParseRequirement(text)
		if err != nil {
			return err
		}
		opts.Reqs = append(opts.Reqs, r)
		opts.Texts = append(opts.Texts, text)
	}
	return nil
}

// readForAdd reads pyproject.toml, or makes a minimal one (created), and
// gives w the spelling the file already uses. PEP 621: a field listed in
// dynamic must not be given statically.
func readForAdd(t *Target, f files, w project.Where) (data []byte, created bool, _ project.Where, _ error) {
	data, err := os.ReadFile(f.pyproject)
	if errors.Is(err, os.ErrNotExist) {
		data = project.NewPyproject(filepath.Base(t.Root), fmt.Sprintf(">=%d.%d", t.Python.Major, t.Python.Minor))
		pp, err := project.Parse(f.pyproject, data)
		if err != nil {
			return nil, false, w, err
		}
		return data, true, pp.Spelling(w), nil
	}
	if err != nil {
		return nil, false, w, err
	}
	pp, err := project.Parse(f.pyproject, data)
	if err != nil {
		return nil, false, w, err
	}
	field := "dependencies"
	if w.Optional != "" {
		field = "optional-dependencies"
	}
	if w.Group == "" && slices.Contains(pp.Project.Dynamic, field) {
		return nil, false, w, fmt.Errorf("%s: [project] %s is dynamic (computed by the build backend), so pkginstall cannot add to it; add to a --group instead, or make it static", DisplayPath(f.pyproject), field)
	}
	return data, false, pp.Spelling(w), nil
}

// lowerBounds are the texts to record for the bare names among reqs (by
// index): name>=<the version l locks>.
func lowerBounds(reqs []pep508.Requirement, l *pylock.Lock) map[int]string {
	final := map[int]string{}
	for i, q := range reqs {
		if q.URL != "" || q.Specifier.String() != "" {
			continue
		}
		// The lowest version locked: a universal lock may hold several
		// (one per environment that needs another), and every one must
		// stay allowed.
		name := pep508.NormalizeName(q.Name)
		var low *pep440.Version
		for _, p := range l.Packages {
			if v, err := pep440.Parse(p.Version); err == nil && pep508.NormalizeName(p.Name) == name && (low == nil || v.Compare(*low) < 0) {
				low = &v
			}
		}
		if low == nil {
			continue
		}
		if spec, err := pep440.ParseSpecifierSet(">=" + low.String()); err == nil {
			b := q
			b.Specifier = spec
			final[i] = b.String()
		}
	}
	return final
}

// installerAndLock makes the target's installer, with an index client,
// and reads its current pylock.toml (nil when there is none): what
// re-locking starts from.
func installerAndLock(t *Target, env Env, f files) (*installer.Installer, *pylock.Lock, error) {
	idx, err := env.newIndex(t)
	if err != nil {
		return nil, nil, err
	}
	prev, err := readLock(f)
	if err != nil {
		return nil, nil, err
	}
	return env.installer(t, idx, ApplyOptions{}, false), prev, nil
}

// RemoveOptions are remove's options.
type RemoveOptions struct {
	Names []string      // distribution names
	Where project.Where // the array to remove them from
	Apply ApplyOptions
	// DryRun resolves and reports the plan; nothing is written.
	DryRun bool
}

// Remove takes distributions out of pyproject.toml, re-locks, and
// uninstalls what the new lock does not list.
func Remove(ctx context.Context, t *Target, env Env, opts RemoveOptions) (*installer.Result, error) {
	unlock, err := lockProject(ctx, t, env.Reporter)
	if err != nil {
		return nil, err
	}
	defer unlock()
	f := filesOf(t)
	data, p, err := readProject(f)
	if err != nil {
		return nil, err
	}
	where := p.pp.Spelling(opts.Where)
	for _, n := range opts.Names {
		r, err := pep508.ParseRequirement(n)
		if err != nil {
			return nil, err
		}
		var removed bool
		data, removed, err = project.RemoveRequirement(f.pyproject, data, where, r.Name)
		if err != nil {
			return nil, err
		}
		if !removed {
			return nil, fmt.Errorf("%s is not in %s of %s%s", n, where, DisplayPath(f.pyproject), elsewhere(f.pyproject, data, r.Name))
		}
	}
	if p, err = parseProject(f.pyproject, data); err != nil {
		return nil, err
	}
	in, prev, err := installerAndLock(t, env, f)
	if err != nil {
		return nil, err
	}
	l := newLock(p, env)
	if len(p.roots.Reqs) > 0 {
		if l, err = resolveLock(ctx, in, env, p, prev, false, false); err != nil {
			return nil, err
		}
	}
	in.LinkMode, in.Compile = opts.Apply.LinkMode, opts.Apply.Compile
	sel, err := selectFrom(l, project.SelectOptions{})
	if err != nil {
		return nil, err
	}
	return installLock(ctx, in, env.Reporter, lockInstall{
		lock: l, path: f.lock, requested: p.roots.Names, exact: true, hint: syncReinstallHint, selection: sel, dryRun: opts.DryRun,
		before: func() error {
			if err := fsutil.WriteFile(f.pyproject, data, fsutil.KeepPerm); err != nil {
				return err
			}
			for _, n := range opts.Names {
				env.Reporter.Dropped(n, where)
			}
			return writeLock(env, f, l)
		},
	})
}

// elsewhere names the other arrays that list name, as a hint.
func elsewhere(path string, data []byte, name string) string {
	pp, err := project.Parse(path, data)
	if err != nil {
		return ""
	}
	var hints []string
	for _, l := range project.ListedIn(data, pp, name) {
		hints = append(hints, fmt.Sprintf("%s (use %s)", l.Where, l.Flag))
	}
	if len(hints) == 0 {
		return ""
	}
	return "; it is in " + strings.Join(hints, ", ")
}
