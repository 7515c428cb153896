package workflow

import (
	"context"
	"fmt"
	"os"

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
}

// installLock installs a lock with in, whose index client fetches the
// locked wheels.
func installLock(ctx context.Context, in *installer.Installer, rep Reporter, li lockInstall) (*installer.Result, error) {
	tx := &transaction{
		in:  in,
		rep: rep,
		plan: func(ctx context.Context) (*installer.Result, error) {
			return in.PlanLock(ctx, li.lock, installer.LockOptions{Path: li.path, Reinstall: li.reinstall, Requested: li.requested})
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
	Reinstall bool // reinstall even what is installed at the locked version
	Apply     ApplyOptions
}

// Sync makes the target exactly the lock: it installs what is missing and
// uninstalls what the lock does not list. Without Frozen, a pylock.toml
// that does not satisfy pyproject.toml (or a missing one) is re-locked
// first.
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
		if l == nil || len(p.problems(l, t)) > 0 {
			idx, err := env.newIndex(t)
			if err != nil {
				return nil, err
			}
			nl, err := resolveLock(ctx, t, env.installer(t, idx, ApplyOptions{}, false), p, l, false, false)
			if err != nil {
				return nil, err
			}
			if err := writeLock(env, f, nl); err != nil {
				return nil, err
			}
			l = nl
		}
	}
	idx, err := env.urlOnlyIndex(t)
	if err != nil {
		return nil, err
	}
	in := env.installer(t, idx, opts.Apply, opts.Reinstall)
	return installLock(ctx, in, env.Reporter, lockInstall{
		lock: l, path: f.lock, requested: requested, reinstall: opts.Reinstall,
		exact: true, hint: reinstallHint,
	})
}
