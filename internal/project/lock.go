package project

import (
	"context"
	"fmt"

	"github.com/pkginstall/pkginstall/internal/fsutil"
)

// LockRoot takes the exclusive lock of the project root directory
// (fsutil.Lock: the directory itself on Unix, which creates nothing), so
// that two pkginstall processes editing one project's pyproject.toml and
// pylock.toml take turns instead of losing each other's edits. onWait is
// called once when another process holds it. The returned function
// releases it.
func LockRoot(ctx context.Context, dir string, onWait func()) (unlock func(), err error) {
	unlock, err = fsutil.Lock(ctx, dir, onWait)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("waiting for the lock of project %s: %w", dir, ctx.Err())
		}
		return nil, fmt.Errorf("lock project %s: %w", dir, err)
	}
	return unlock, nil
}
