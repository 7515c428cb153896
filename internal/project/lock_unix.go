//go:build unix

package project

import (
	"context"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// LockRoot takes an exclusive advisory lock (flock) on the project root
// directory itself, so that two pkginstall processes editing one project's
// pyproject.toml and pylock.toml take turns instead of losing each other's
// edits. Nothing is created: the lock lives on the directory. onWait is
// called once when another process holds it. The returned function
// releases it.
func LockRoot(ctx context.Context, dir string, onWait func()) (unlock func(), err error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("lock project %s: %w", dir, err)
	}
	fd := int(f.Fd())
	waited := false
	for {
		err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return func() { _ = unix.Flock(fd, unix.LOCK_UN); f.Close() }, nil
		}
		if err != unix.EWOULDBLOCK && err != unix.EINTR {
			f.Close()
			return nil, fmt.Errorf("lock project %s: %w", dir, err)
		}
		if !waited && onWait != nil {
			onWait()
			waited = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for the lock of project %s: %w", dir, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
