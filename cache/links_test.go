package cache

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pkginstall/pkginstall/cache/layout"
	"github.com/pkginstall/pkginstall/internal/fsutil"
)

// TestSealAndPruneLinked: a sealed tree is read-only throughout; Prune
// keeps a tree a recorded lib/ links, whatever its age, and removes it
// (read-only as it is) and forgets the record once nothing links it.
func TestSealAndPruneLinked(t *testing.T) {
	dir := t.TempDir()
	sha := shaOf(t, demo)
	tree, err := Unpack(dir, sha, openWheel(t, demo), 0)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second is a no-op
		if err := tree.Seal(); err != nil {
			t.Fatal(err)
		}
	}
	_ = filepath.WalkDir(filepath.Join(tree.Dir(), layout.TreeFiles), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := d.Info()
		if want := fs.FileMode(0o444); d.IsDir() && fi.Mode().Perm() != 0o555 || !d.IsDir() && fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v after Seal", p, fi.Mode())
		}
		return nil
	})

	lib := filepath.Join(t.TempDir(), "lib")
	if err := os.Mkdir(lib, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(lib, "pkginstall_demo")
	if err := os.Symlink(tree.Path("pkginstall_demo"), link); err != nil {
		t.Fatal(err)
	}
	if err := RecordLinks(dir, lib); err != nil {
		t.Fatal(err)
	}
	got := Linking(dir, false)
	if len(got) != 1 || got[0].Lib != lib || len(got[0].Trees) != 1 || got[0].Trees[0] != sha {
		t.Fatalf("Linking: %+v", got)
	}
	later := time.Now().Add(1000 * time.Hour)
	if st, err := Prune(dir, time.Hour, later); err != nil || st.Trees != 0 {
		t.Fatalf("prune of a linked tree: %+v, %v", st, err)
	}
	if _, err := Lookup(dir, sha); err != nil {
		t.Fatalf("linked tree pruned: %v", err)
	}
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if st, err := Prune(dir, time.Hour, later.Add(1000*time.Hour)); err != nil || st.Trees != 1 {
		t.Fatalf("prune of an unlinked tree: %+v, %v", st, err)
	}
	if exists(tree.Dir()) || exists(layout.LinkRecord(dir, lib)) {
		t.Error("the tree or its link record is still there")
	}
}

// TestSealedTreeAsUser: for a user other than root an edit of a sealed
// tree, also through a symlink as --link-mode symlink makes them, fails,
// the interpreter imports through the symlink (__file__ is the link's
// path) without writing byte code into the tree, and Clean still removes
// the tree. As root the check runs as nobody through setpriv (when it
// exists), with a copy of this test binary.
func TestSealedTreeAsUser(t *testing.T) {
	if dir := os.Getenv("PKGINSTALL_SEALED_HELPER"); dir != "" {
		sealedAsUser(t, dir)
		return
	}
	base, err := os.MkdirTemp("", "sealed")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fsutil.RemoveAll(base) })
	dir := filepath.Join(base, "cache")
	tree, err := Unpack(dir, shaOf(t, demo), openWheel(t, demo), 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := tree.Seal(); err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(base, "lib")
	if err := os.Mkdir(lib, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(tree.Path("pkginstall_demo"), filepath.Join(lib, "pkginstall_demo")); err != nil {
		t.Fatal(err)
	}
	if os.Getuid() != 0 {
		sealedAsUser(t, dir)
		return
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("root, and no setpriv to run as another user")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(base, "cache.test")
	b, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("chown", "-R", "65534:65534", base).CombinedOutput(); err != nil {
		t.Fatalf("chown: %v %s", err, out)
	}
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	// A system interpreter nobody may run (pyenv's lie under /root).
	if py := "/usr/bin/python3"; exists(py) {
		// The demo imports its dependency, which a stub stands for.
		probe := "import sys; sys.path.insert(0, sys.argv[1]); sys.modules['pkginstall_demo_dep'] = type(sys)('dep'); import pkginstall_demo; print(pkginstall_demo.__file__)"
		out, err := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", py, "-I", "-c", probe, lib).CombinedOutput()
		if want := filepath.Join(lib, "pkginstall_demo", "__init__.py"); err != nil || strings.TrimSpace(string(out)) != want {
			t.Errorf("import as nobody: %v %q, want __file__ %s", err, out, want)
		}
		if exists(tree.Path("pkginstall_demo/__pycache__")) {
			t.Error("the interpreter wrote byte code into the sealed tree")
		}
	} else {
		t.Log("no /usr/bin/python3: the import as nobody is not checked")
	}
	cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", bin, "-test.run=^TestSealedTreeAsUser$", "-test.v")
	cmd.Env = append(os.Environ(), "PKGINSTALL_SEALED_HELPER="+dir, "HOME="+base)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
	t.Logf("as nobody:\n%s", out)
}

// sealedAsUser runs as a user other than root on the sealed cache dir.
func sealedAsUser(t *testing.T, dir string) {
	if os.Getuid() == 0 {
		t.Fatal("running as root")
	}
	tree, err := Lookup(dir, shaOf(t, demo))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{tree.Path("pkginstall_demo/__init__.py"), filepath.Join(filepath.Dir(dir), "lib", "pkginstall_demo", "__init__.py")} {
		if f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0); err == nil {
			f.Close()
			t.Errorf("sealed %s opened for writing", name)
		}
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(dir), "lib", "pkginstall_demo", "new.py"), nil, 0o644); err == nil {
		t.Error("a file created through the symlink")
	}
	if err := os.WriteFile(tree.Path("pkginstall_demo/new.py"), nil, 0o644); err == nil {
		t.Error("a file created in a sealed directory")
	}
	if err := os.MkdirAll(tree.Path("pkginstall_demo/__pycache__"), 0o755); err == nil {
		t.Error("__pycache__ created in a sealed directory")
	}
	if err := Clean(dir); err != nil || exists(dir) {
		t.Errorf("Clean of a sealed tree: %v", err)
	}
}
