package fsutil

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/gofrs/flock"
)

// DirLockName is the file a lock on a directory takes where a directory
// itself cannot be locked (Windows).
const DirLockName = ".pkginstall-dir.lock"

// lockPoll is how often a waiting Lock retries.
const lockPoll = 100 * time.Millisecond

// Lock takes the exclusive lock of name (a file, created when missing, or
// a directory). When another process (or another Lock in this one) holds
// it, Lock calls onWait once, then blocks until the lock is free or ctx is
// done. The returned function releases the lock.
func Lock(ctx context.Context, name string, onWait func()) (unlock func(), err error) {
	fl, err := newFlock(name)
	if err != nil {
		return nil, err
	}
	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", fl.Path(), err)
	}
	if !ok {
		if onWait != nil {
			onWait()
		}
		ok, err = fl.TryLockContext(ctx, lockPoll)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return nil, fmt.Errorf("waiting for lock %s: %w", fl.Path(), ctxErr)
			}
			return nil, fmt.Errorf("lock %s: %w", fl.Path(), err)
		}
		if !ok {
			return nil, fmt.Errorf("lock %s: not acquired", fl.Path())
		}
	}
	return func() { _ = fl.Close() }, nil
}

// TryLock takes the exclusive lock of name (as Lock does) if it is free,
// and reports whether it did; unlock is nil when it did not.
func TryLock(name string) (unlock func(), ok bool, err error) {
	fl, err := newFlock(name)
	if err != nil {
		return nil, false, err
	}
	ok, err = fl.TryLock()
	if err != nil {
		return nil, false, fmt.Errorf("lock %s: %w", fl.Path(), err)
	}
	if !ok {
		return nil, false, nil
	}
	return func() { _ = fl.Close() }, true, nil
}

// newFlock prepares the lock of name: the file itself, or for a directory
// the directory (Unix) or DirLockName inside it (Windows).
func newFlock(name string) (*flock.Flock, error) {
	fi, err := os.Stat(name)
	if err == nil && fi.IsDir() {
		if runtime.GOOS == "windows" {
			return flock.New(filepath.Join(name, DirLockName)), nil
		}
		// Opened read-only and never created: flock(2) works on any
		// open file, directories included.
		return flock.New(name, flock.SetFlag(os.O_RDONLY)), nil
	}
	return flock.New(name), nil
}
