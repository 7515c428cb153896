//go:build !unix

package safety

import "io/fs"

// hasOwners is false off Unix: only the kind of file is checked there
// (Windows owners and ACLs are a later issue).
const hasOwners = false

// fileOwner is unknown off Unix.
func fileOwner(fs.FileInfo) (int, bool) { return 0, false }
