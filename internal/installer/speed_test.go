package installer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pkginstall/pkginstall/cache"
	"github.com/pkginstall/pkginstall/internal/python"
	"github.com/pkginstall/pkginstall/scheme"
	"github.com/pkginstall/pkginstall/wheel"
)

const demoWheel = "../../testdata/wheels/pkginstall_demo-1.0-py3-none-any.whl"

type quietReporter struct{ warnings []string }

func (r *quietReporter) Waiting(string)                    {}
func (r *quietReporter) Resolved(int, time.Duration)       {}
func (r *quietReporter) Fetched(*Candidate, bool)          {}
func (r *quietReporter) Installed([]Change, time.Duration) {}
func (r *quietReporter) Warn(msg string)                   { r.warnings = append(r.warnings, msg) }
func (r *quietReporter) Debug(string, ...any)              {}
func (r *quietReporter) Plan([]Change, bool)               {}

// installDemo unpacks the demo wheel into a cache and installs it from
// the tree (hard-linked where possible) into a fresh project.
func installDemo(t *testing.T, info *python.Info) (scheme.Paths, []*scheme.Result, *cache.Tree) {
	t.Helper()
	b, err := os.ReadFile(demoWheel)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	w, err := wheel.Open(demoWheel)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	tree, err := cache.Unpack(t.TempDir(), hex.EncodeToString(sum[:]), w, 0)
	if err != nil {
		t.Fatal(err)
	}
	p, rs := installTree(t, info, tree)
	return p, rs, tree
}

// installTree installs tree into a fresh project.
func installTree(t *testing.T, info *python.Info, tree *cache.Tree) (scheme.Paths, []*scheme.Result) {
	t.Helper()
	p, err := scheme.NewPaths(t.TempDir(), info, scheme.LayoutVersion)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := scheme.InstallAll(context.Background(), p, info, []scheme.Job{{Source: tree}}, scheme.InstallOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p, rs
}

func testInfo() *python.Info {
	return &python.Info{Executable: "/usr/bin/python3", Implementation: "cpython", Major: 3, Minor: 11, Platform: "linux-x86_64", OS: "linux"}
}

func TestNoopManifest(t *testing.T) {
	p, _, _ := installDemo(t, testInfo())
	key := RequestKey("a", "b")
	if UpToDate(p, key) {
		t.Fatal("up to date without a manifest")
	}
	if err := WriteManifest(p, key); err != nil {
		t.Fatal(err)
	}
	if !UpToDate(p, key) {
		t.Fatal("not up to date right after WriteManifest")
	}
	if UpToDate(p, RequestKey("a", "c")) || UpToDate(p, RequestKey("ab")) {
		t.Error("another request counts as up to date")
	}
	// Another distribution appears: lib/ changes.
	if err := os.Mkdir(filepath.Join(p.Lib, "other-1.dist-info"), 0o755); err != nil {
		t.Fatal(err)
	}
	if UpToDate(p, key) {
		t.Error("up to date after lib/ changed")
	}
	if err := os.Remove(filepath.Join(p.Lib, "other-1.dist-info")); err != nil {
		t.Fatal(err)
	}
	if err := WriteManifest(p, key); err != nil {
		t.Fatal(err)
	}
	// A RECORD rewritten (reinstall, compile) changes its mtime.
	rec := filepath.Join(p.Lib, "pkginstall_demo-1.0.dist-info", "RECORD")
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(rec, later, later); err != nil {
		t.Fatal(err)
	}
	if UpToDate(p, key) {
		t.Error("up to date after RECORD changed")
	}
	if err := WriteManifest(p, key); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(p.Target, scheme.JournalName), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if UpToDate(p, key) {
		t.Error("up to date with a pending journal")
	}
}

// pythonInfo is testInfo with the python3 on PATH, or skips the test.
func pythonInfo(t *testing.T) *python.Info {
	exe, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	info := testInfo()
	info.Executable = exe
	return info
}

// TestCompileFromCache: a second --compile install from the same tree
// compiles nothing: its .pyc files are the tree's, linked (on the old
// code each install compiled its own).
func TestCompileFromCache(t *testing.T) {
	info := pythonInfo(t)
	exe := info.Executable
	p, rs, tree := installDemo(t, info)
	in := &Installer{Paths: p, Python: info, Reporter: &quietReporter{}}
	if err := in.compile(context.Background(), rs, []scheme.Source{tree}, nil); err != nil {
		t.Fatal(err)
	}
	// A second project from the same tree; its interpreter cannot compile.
	p2, rs2 := installTree(t, info, tree)
	broken := *info
	broken.Executable = filepath.Join(t.TempDir(), "no-python")
	in2 := &Installer{Paths: p2, Python: &broken, Reporter: &quietReporter{}}
	if err := in2.compile(context.Background(), rs2, []scheme.Source{tree}, nil); err != nil {
		t.Fatalf("a --compile install from a tree with byte code ran the interpreter: %v", err)
	}
	pycs, _ := filepath.Glob(filepath.Join(p2.Lib, "pkginstall_demo", "__pycache__", "*.pyc"))
	treePycs, _ := filepath.Glob(filepath.Join(tree.Dir(), "files", "pkginstall_demo", "__pycache__", "*.pyc"))
	if len(pycs) != 2 || len(treePycs) != 2 || !sameFile(pycs[0], treePycs[0]) {
		t.Fatalf("byte code %v, tree's %v", pycs, treePycs)
	}
	ds, err := scheme.List(p2)
	if err != nil || len(ds) != 1 {
		t.Fatal(ds, err)
	}
	if probs := ds[0].Verify(); len(probs) != 0 {
		t.Errorf("after compile: %v", probs)
	}
	// The byte code is valid for the installed sources: the interpreter's
	// own checks (magic number, source mtime and size) accept it.
	srcs, _ := filepath.Glob(filepath.Join(p2.Lib, "pkginstall_demo", "*.py"))
	check := `
import sys, os, importlib.util, importlib._bootstrap_external as be
for src in sys.argv[1:]:
    data = open(importlib.util.cache_from_source(src), "rb").read()
    if be._classify_pyc(data, src, {}) & 1 == 0:
        st = os.stat(src)
        be._validate_timestamp_pyc(data, int(st.st_mtime), st.st_size, src, {})
`
	if out, err := exec.Command(exe, append([]string{"-I", "-c", check}, srcs...)...).CombinedOutput(); err != nil || len(srcs) != 2 {
		t.Errorf("the linked byte code is not valid for %v: %s %v", srcs, out, err)
	}
}

// TestCompileReadOnlyCache: when the tree's byte code cannot be written
// (here its __pycache__ is a file; a read-only cache for a user), the
// installed file is compiled in place, without a warning (on the first
// version of the tree cache, every file was a "cannot byte-compile"
// warning and had no .pyc).
func TestCompileReadOnlyCache(t *testing.T) {
	info := pythonInfo(t)
	p, rs, tree := installDemo(t, info)
	if err := os.WriteFile(filepath.Join(tree.Dir(), "files", "pkginstall_demo", "__pycache__"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	rep := &quietReporter{}
	in := &Installer{Paths: p, Python: info, Reporter: rep}
	if err := in.compile(context.Background(), rs, []scheme.Source{tree}, nil); err != nil {
		t.Fatal(err)
	}
	pycs, _ := filepath.Glob(filepath.Join(p.Lib, "pkginstall_demo", "__pycache__", "*.pyc"))
	if len(pycs) != 2 || len(rep.warnings) != 0 {
		t.Fatalf("byte code %v, warnings %v", pycs, rep.warnings)
	}
	ds, err := scheme.List(p)
	if err != nil || len(ds) != 1 {
		t.Fatal(ds, err)
	}
	if probs := ds[0].Verify(); len(probs) != 0 {
		t.Errorf("after compile: %v", probs)
	}
}

func TestCompile(t *testing.T) {
	info := pythonInfo(t)
	p, rs, tree := installDemo(t, info)
	rep := &quietReporter{}
	in := &Installer{Paths: p, Python: info, Reporter: rep}
	if err := in.compile(context.Background(), rs, []scheme.Source{tree}, nil); err != nil {
		t.Fatal(err)
	}
	pycs, _ := filepath.Glob(filepath.Join(p.Lib, "pkginstall_demo", "__pycache__", "*.pyc"))
	if len(pycs) != 2 {
		t.Fatalf("byte code: %v (warnings %v)", pycs, rep.warnings)
	}
	ds, err := scheme.List(p)
	if err != nil || len(ds) != 1 {
		t.Fatal(ds, err)
	}
	listed := 0
	for _, f := range ds[0].Files {
		if strings.HasSuffix(f.Path, ".pyc") {
			listed++
		}
	}
	if listed != 2 {
		t.Errorf("RECORD lists %d .pyc files, want 2", listed)
	}
	if probs := ds[0].Verify(); len(probs) != 0 {
		t.Errorf("after compile: %v", probs)
	}
	// The byte code is the cache tree's (compiled there, linked here), and
	// compiling added nothing else to the tree.
	treePycs, _ := filepath.Glob(filepath.Join(tree.Dir(), "files", "pkginstall_demo", "__pycache__", "*.pyc"))
	if len(treePycs) != 2 || !sameFile(treePycs[0], pycs[0]) {
		t.Errorf("byte code in the cache tree: %v, linked: %v", treePycs, pycs)
	}
	if ents, _ := os.ReadDir(filepath.Join(tree.Dir(), "files", "pkginstall_demo")); len(ents) != 3 {
		t.Errorf("compiling wrote into the cache: %v", ents)
	}
	// Uninstalling removes the byte code with the rest.
	if err := scheme.Uninstall(context.Background(), p, "pkginstall-demo"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(p.Lib, "pkginstall_demo")); !os.IsNotExist(err) {
		t.Errorf("package directory left: %v", err)
	}
}

// treeDigest hashes every file (path, mode, content) under dir.
func treeDigest(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fi, _ := e.Info()
		sum := sha256.Sum256(data)
		b.WriteString(p + " " + fi.Mode().String() + " " + hex.EncodeToString(sum[:]) + "\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestOperationsNeverChangeTheCache: installing from an unpacked tree
// (hard links where the file system allows), reinstalling, replacing a
// file by rename (as editors that save safely do) and uninstalling leave
// the cache's tree as it was.
func TestOperationsNeverChangeTheCache(t *testing.T) {
	info := testInfo()
	p, _, tree := installDemo(t, info)
	before := treeDigest(t, tree.Dir())
	for _, mode := range []scheme.LinkMode{scheme.LinkHardlink, scheme.LinkAuto, scheme.LinkCopy} {
		if _, err := scheme.InstallAll(context.Background(), p, info, []scheme.Job{{Source: tree}}, scheme.InstallOptions{LinkMode: mode}); err != nil {
			t.Fatal(err)
		}
	}
	init := filepath.Join(p.Lib, "pkginstall_demo", "__init__.py")
	if err := os.WriteFile(init+".new", []byte("edited\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(init+".new", init); err != nil {
		t.Fatal(err)
	}
	if err := scheme.Uninstall(context.Background(), p, "pkginstall-demo"); err != nil {
		t.Fatal(err)
	}
	if after := treeDigest(t, tree.Dir()); after != before {
		t.Errorf("the cache changed:\n%s\nwas:\n%s", after, before)
	}
}

// sameFile reports whether a and b are one file (a hard link).
func sameFile(a, b string) bool {
	fa, err := os.Lstat(a)
	if err != nil {
		return false
	}
	fb, err := os.Lstat(b)
	return err == nil && os.SameFile(fa, fb)
}
