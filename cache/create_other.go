//go:build !unix

package cache

import "os"

// createFile makes the new file name (never replacing a file) holding b,
// and returns its mtime (Unix ns).
func createFile(name string, perm os.FileMode, b []byte) (int64, error) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return 0, err
	}
	_, err = f.Write(b)
	return closeMTime(f, err)
}
