package workflow

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/project"

	"github.com/pkginstall/pkginstall/internal/installer"
	"github.com/pkginstall/pkginstall/internal/pylock"
)

// lockInstall is an install of a lock (PlanLock, then the transaction).
type lockInstall struct {
	lock      *pylock.Lock
	path      string          // the lock file
	requested map[string]bool // names the project asks for (REQUESTED)
	reinstall bool
	dryRun    bool
	exact     bool         // uninstall what the lock does not list (sync)
	before    func() error // writes the project's files once every wheel is ready
	hint      string       // for a file conflict
	selection project.Selection
	self      string // the project folder, installed editable after the lock ("" for none)
}

// installProjectLock installs the project's lock l (li.lock) for the
// selection sel, with the project itself (editable) unless noProject:
// what install with no arguments and sync share once they have a lock.
func installProjectLock(ctx context.Context, t *Target, env Env, apply ApplyOptions, sel project.SelectOptions, noProject bool, li lockInstall) (*installer.Result, error) {
	var err error
	if li.selection, err = selectFrom(li.lock, sel); err != nil {
		return nil, err
	}
	idx, err := env.urlOnlyIndex(t)
	if err != nil {
		return nil, err
	}
	in := env.installer(t, idx, apply, li.reinstall)
	if li.self, err = selfInstaller(in, t, env, noProject); err != nil {
		return nil, err
	}
	return installLock(ctx, in, env.Reporter, li)
}

// installLock installs a lock with in, whose index client fetches the
// locked wheels.
func installLock(ctx context.Context, in *installer.Installer, rep Reporter, li lockInstall) (*installer.Result, error) {
	tx := &transaction{
		in:  in,
		rep: rep,
		plan: func(ctx context.Context) (*installer.Result, error) {
			res, err := in.PlanLock(ctx, li.lock, installer.LockOptions{Path: li.path, Reinstall: li.reinstall, Requested: li.requested, Selection: li.selection})
			if err == nil && li.self != "" {
				err = in.AddSource(ctx, res, li.self, true, li.reinstall)
			}
			return res, err
		},
		exact:  li.exact,
		dryRun: li.dryRun,
		before: li.before,
		hint:   li.hint,
	}
	return tx.run(ctx)
}

// SyncOptions are sync's options.
type SyncOptions struct {
	Frozen    bool // install pylock.toml as it is; never resolve, never read an index page
	Locked    bool // fail instead of re-locking when pylock.toml is stale
	Reinstall bool // reinstall even what is installed at the locked version
	Select    project.SelectOptions
	Apply     ApplyOptions
	NoProject bool // do not install the project itself (--no-project)
	// RememberPython records the target's interpreter in .python-version
	// (--python was given), once the sync succeeded.
	RememberPython bool
	// DryRun reports the plan (re-locking in memory when needed); nothing
	// is written.
	DryRun bool
}

// Sync makes the target exactly the lock's selection for its interpreter:
// it installs what is missing and uninstalls what the selection does not
// take. Without Frozen, a pylock.toml whose inputs changed (or a missing
// one) is re-locked first (with Locked: an error). A lock that does not
// cover the interpreter is an error, never rewritten.
func Sync(ctx context.Context, t *Target, env Env, opts SyncOptions) (*installer.Result, error) {
	f, l, unlock, err := projectAndLock(ctx, t, env.Reporter)
	if err != nil {
		return nil, err
	}
	defer unlock()
	requested := map[string]bool{}
	if opts.Frozen {
		if l == nil {
			return nil, fmt.Errorf("%s does not exist; run pkginstall lock (sync --frozen never resolves)", DisplayPath(f.lock))
		}
		if t.Pyproject.Exists {
			if data, err := os.ReadFile(f.pyproject); err == nil {
				if p, err := parseProject(f.pyproject, data); err == nil {
					requested = p.roots.Names
				}
			}
		}
	} else {
		_, p, err := readProject(f)
		if err != nil {
			return nil, err
		}
		requested = p.roots.Names
		if l, err = freshLock(ctx, t, env, f, p, l, opts.Locked, opts.DryRun); err != nil {
			return nil, err
		}
	}
	res, err := installProjectLock(ctx, t, env, opts.Apply, opts.Select, opts.NoProject, lockInstall{
		lock: l, path: f.lock, requested: requested, reinstall: opts.Reinstall,
		exact: true, hint: reinstallHint, dryRun: opts.DryRun,
	})
	if err == nil && opts.RememberPython && !opts.DryRun {
		err = rememberPython(t, env)
	}
	return res, err
}

// rememberPython writes t's interpreter to .python-version.
func rememberPython(t *Target, env Env) error {
	wrote, err := project.WritePythonVersion(t.Root, t.Python.Request())
	if wrote {
		env.Reporter.Debug("wrote %s: %s", project.PythonVersionFile, t.Python.Request())
	}
	return err
}

// freshLock returns l when it is up to date for p, else (unless locked,
// when that is an error) a new lock, written unless dryRun.
func freshLock(ctx context.Context, t *Target, env Env, f files, p *projectReqs, l *pylock.Lock, locked, dryRun bool) (*pylock.Lock, error) {
	var problems []string
	if l != nil {
		problems = p.problems(l, t, env, false)
		if len(problems) == 0 {
			return l, nil
		}
	}
	if locked {
		if l == nil {
			return nil, fmt.Errorf("%s does not exist, and --locked does not write it; run pkginstall lock", DisplayPath(f.lock))
		}
		return nil, fmt.Errorf("%s is stale (%s), and --locked does not re-lock; run pkginstall lock", DisplayPath(f.lock), strings.Join(problems, "; "))
	}
	idx, err := env.newIndex(t)
	if err != nil {
		return nil, err
	}
	nl, err := resolveLock(ctx, env.installer(t, idx, ApplyOptions{}, false), env, p, l, false, false)
	if err != nil {
		return nil, err
	}
	if dryRun {
		return nl, nil
	}
	if err := writeLock(env, f, nl); err != nil {
		return nil, err
	}
	return nl, nil
}

// selectFrom is the selection o makes among the extras and groups of l
// (its default-groups may be synthetic names, PEP 751).
func selectFrom(l *pylock.Lock, o project.SelectOptions) (project.Selection, error) {
	norm := func(xs []string) []string {
		out := make([]string, 0, len(xs))
		for _, x := range xs {
			out = append(out, pep508.NormalizeName(x))
		}
		return out
	}
	defaults := norm(l.DefaultGroups)
	groups := norm(l.DependencyGroups)
	for _, g := range defaults {
		if !slices.Contains(groups, g) {
			groups = append(groups, g)
		}
	}
	sort.Strings(groups)
	return project.Select(o, norm(l.Extras), groups, defaults)
}
