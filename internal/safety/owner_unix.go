//go:build unix

package safety

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// hasOwners is true where files have owners and access rules.
const hasOwners = true

// owner reports path (a directory, or a link when link) owned by someone
// other than the user or root.
func (a *auditor) owner(path string, fi fs.FileInfo, link bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	owner, uid := int(st.Uid), os.Getuid()
	if owner == uid || owner == 0 {
		return
	}
	fix := fmt.Sprintf("chown -R %d %s (if you trust its content; otherwise delete it and reinstall)", uid, ShellArg(path))
	if link {
		fix = fmt.Sprintf("chown -h %d %s (if you trust where it points; otherwise delete it)", uid, ShellArg(path))
	}
	a.add(Finding{Kind: OtherOwner, Path: path,
		Reason: fmt.Sprintf("is owned by uid %d, not by you (uid %d) or root", owner, uid),
		Fix:    fix})
}

// writable reports the directory r writable by other users (the mode's
// o+w bit; group-writable is fine).
func (a *auditor) writable(r string, fi fs.FileInfo) {
	if fi.Mode().Perm()&0o002 != 0 {
		a.add(Finding{Kind: OthersWrite, Path: r,
			Reason: fmt.Sprintf("is writable by other users (mode %s)", Mode(fi.Mode())),
			Fix:    "chmod o-w " + ShellArg(r)})
	}
}
