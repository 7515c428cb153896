package workflow

import (
	"context"
	"fmt"

	"github.com/pkginstall/pkginstall/internal/project"
	"github.com/pkginstall/pkginstall/internal/pylock"
)

// ExportOptions are export's options.
type ExportOptions struct {
	Frozen bool // export pylock.toml as it is
	Locked bool // fail instead of re-locking a stale pylock.toml
	Select project.SelectOptions
}

// ExportResult is the lock's selection, for a requirements file.
type ExportResult struct {
	Lock     string // the lock file exported
	Packages []pylock.Exported
}

// Export returns the packages of the lock that the selection takes on any
// environment, with their markers and hashes. Without Frozen, a stale lock
// is re-locked first (with Locked: an error), as sync does.
func Export(ctx context.Context, t *Target, env Env, opts ExportOptions) (*ExportResult, error) {
	f, l, unlock, err := projectAndLock(ctx, t, env.Reporter)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if !opts.Frozen {
		_, p, err := readProject(f)
		if err != nil {
			return nil, err
		}
		if l, err = freshLock(ctx, t, env, f, p, l, opts.Locked, false); err != nil {
			return nil, err
		}
	}
	if l == nil {
		return nil, fmt.Errorf("%s does not exist; run pkginstall lock", DisplayPath(f.lock))
	}
	sel, err := selectFrom(l, opts.Select)
	if err != nil {
		return nil, err
	}
	pkgs, err := l.Export(f.lock, sel)
	if err != nil {
		return nil, err
	}
	return &ExportResult{Lock: f.lock, Packages: pkgs}, nil
}
