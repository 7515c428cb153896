package cache

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/pkginstall/pkginstall/cache/layout"
)

// TestTreeNotes: what a tree remembers about its byte code (members that
// do not compile, hashes of .pyc files) is read back per cache tag, merged
// by later additions, limited to the tree's members, read as nothing when
// damaged, and found again by a later Lookup; Discard drops it with the
// tree.
func TestTreeNotes(t *testing.T) {
	dir, sha := t.TempDir(), shaOf(t, demo)
	tr, err := Unpack(dir, sha, openWheel(t, demo), 0)
	if err != nil {
		t.Fatal(err)
	}
	const tag = "cpython-311"
	if got := tr.NoCompile(tag); got != nil {
		t.Errorf("NoCompile of a new tree: %v", got)
	}
	if err := tr.RememberNoCompile(tag, map[string]string{"pkginstall_demo/__init__.py": "bad", "../x.py": "not a member"}); err != nil {
		t.Fatal(err)
	}
	if err := tr.RememberNoCompile(tag, map[string]string{"pkginstall_demo/__main__.py": "worse"}); err != nil {
		t.Fatal(err)
	}
	h := PycHash{Hash: "sha256=abc", Size: 3, MTime: 42}
	if err := tr.RememberPycHashes(tag, map[string]PycHash{"pkginstall_demo/__main__.py": h}); err != nil {
		t.Fatal(err)
	}
	again, err := Lookup(dir, sha)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"pkginstall_demo/__init__.py": "bad", "pkginstall_demo/__main__.py": "worse"}
	if got := again.NoCompile(tag); !reflect.DeepEqual(got, want) {
		t.Errorf("NoCompile = %v, want %v", got, want)
	}
	if got := again.PycHashes(tag); !reflect.DeepEqual(got, map[string]PycHash{"pkginstall_demo/__main__.py": h}) {
		t.Errorf("PycHashes = %v", got)
	}
	if got := again.NoCompile("cpython-312"); got != nil {
		t.Errorf("another interpreter's list: %v", got)
	}
	if err := os.WriteFile(filepath.Join(tr.Dir(), layout.TreeNoCompile(tag)), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := again.NoCompile(tag); got != nil {
		t.Errorf("a damaged list reads as %v", got)
	}
	if err := again.Discard(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(tr.Dir(), layout.TreeBytecodeHashes(tag))); !os.IsNotExist(err) {
		t.Errorf("the notes outlive the tree: %v", err)
	}
}
