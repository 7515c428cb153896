// Package wintest is test support for the Windows builds of the tests,
// which CI runs under wine (.ci/run). It owns one workaround: Debian's
// wine 8.0 lacks the file-disposition call that os.RemoveAll and os.Root
// removals use in Go 1.26 ("Invalid function"), which breaks t.TempDir's
// clean-up; TempDir here falls back to removing one file at a time, which
// wine supports. On real Windows and elsewhere it is t.TempDir.
package wintest

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TempDir is t.TempDir with a clean-up that also works under wine.
func TempDir(t testing.TB) string {
	t.Helper()
	if runtime.GOOS != "windows" {
		return t.TempDir()
	}
	name := strings.Map(func(r rune) rune {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return r
		}
		return '_'
	}, t.Name())
	dir, err := os.MkdirTemp("", name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := RemoveAll(dir); err != nil {
			t.Errorf("TempDir clean-up: %v", err)
		}
	})
	return dir
}

// RemoveAll is os.RemoveAll, falling back to os.Remove of every entry,
// deepest first, when that fails.
func RemoveAll(dir string) error {
	err := os.RemoveAll(dir)
	if err == nil {
		return nil
	}
	var all []string
	filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		all = append(all, p)
		return nil
	})
	slices.Reverse(all)
	for _, p := range all {
		if rerr := os.Remove(p); rerr != nil && !os.IsNotExist(rerr) {
			return rerr
		}
	}
	return nil
}
