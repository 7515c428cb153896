package cache

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pkginstall/pkginstall/cache/layout"
)

// mkfiles creates each name (a trailing slash makes a directory) under dir.
func mkfiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		p := filepath.Join(dir, n)
		if n[len(n)-1] == '/' {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Issue 11 point 8: a directory that is not a cache loses nothing, to clean
// or to prune, even when its entries look like the old guard's buckets.
func TestCleanAndPruneRefuseForeignDirectories(t *testing.T) {
	for name, files := range map[string][]string{
		"home":            {".bashrc", ".ssh/id_ed25519", "my-vacation.jpg"},
		"dotfiles only":   {".bashrc", ".ssh/id_ed25519"},
		"bucket and more": {"unpacked-v1/ab/x", "my-vacation.jpg"},
		"bad tag":         {"CACHEDIR.TAG", "wheels-v1/x"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			mkfiles(t, dir, files...)
			var nc *layout.NotACacheError
			if err := Clean(dir); !errors.As(err, &nc) || nc.Dir != dir {
				t.Errorf("Clean: %v, want a NotACacheError naming %s", err, dir)
			}
			if _, err := Prune(dir, 0, time.Now().Add(1000*time.Hour)); !errors.As(err, &nc) {
				t.Errorf("Prune: %v, want a NotACacheError", err)
			}
			for _, f := range files {
				if !exists(filepath.Join(dir, f)) {
					t.Errorf("%s was removed", f)
				}
			}
		})
	}
}

// A tagged cache loses its buckets only; what someone put beside them stays.
func TestCleanRemovesOnlyBuckets(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	if err := layout.MkdirAll(dir, filepath.Join(dir, layout.PagesBucket)); err != nil {
		t.Fatal(err)
	}
	mkfiles(t, dir, "simple-v1/ab/page", "wheels-v1/ab/x.whl", "notes.txt")
	if err := Clean(dir); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 || !exists(filepath.Join(dir, "notes.txt")) || !exists(filepath.Join(dir, layout.TagName)) {
		t.Errorf("left %v, want notes.txt and the tag", ents)
	}
}

// A cache of an older pkginstall (no tag, only buckets) is adopted.
func TestCleanAdoptsUntaggedCache(t *testing.T) {
	dir := t.TempDir()
	mkfiles(t, dir, "simple-v1/ab/page", "wheels-v1/.tmp/", "unpacked-v1/ab/x/wheel.json", "interpreters-v1/k.json", "metadata-v1/url/ab/c")
	if _, err := Prune(dir, time.Hour, time.Now()); err != nil {
		t.Fatalf("Prune: %v", err)
	}
	if err := Clean(dir); err != nil || exists(dir) {
		t.Fatalf("Clean: %v (exists %v)", err, exists(dir))
	}
}
