//go:build !unix

package project

import "context"

// LockRoot is a no-op where flock does not exist: concurrent edits of one
// project are not serialised there.
func LockRoot(ctx context.Context, dir string, onWait func()) (unlock func(), err error) {
	return func() {}, nil
}
