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
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	// After Close: some systems set the mtime when the handle closes.
	fi, err := os.Lstat(name)
	if err != nil {
		return 0, err
	}
	return fi.ModTime().UnixNano(), nil
}
