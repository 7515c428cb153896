//go:build unix

package hook

import (
	"fmt"
	"os"
	"syscall"
)

// checkDir refuses a hook directory writable by others or owned by someone
// other than the user or root.
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if fi.Mode().Perm()&0o002 != 0 {
		return fmt.Errorf("refusing hook directory %s: it is writable by other users (mode %04o); fix it with: chmod o-w %s", dir, fi.Mode().Perm(), dir)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		if uid := os.Getuid(); int(st.Uid) != uid && st.Uid != 0 {
			return fmt.Errorf("refusing hook directory %s: it is owned by uid %d, not by you or root", dir, st.Uid)
		}
	}
	return nil
}
