package installer

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pkginstall/pkginstall/cache"
	"github.com/pkginstall/pkginstall/internal/wheeltest"
	"github.com/pkginstall/pkginstall/scheme"
)

// addChange is the plan's line that adds the local wheel of spec, built
// into dir.
func addChange(t *testing.T, dir string, spec wheeltest.Spec) Change {
	t.Helper()
	path, err := wheeltest.BuildFile(dir, spec)
	if err != nil {
		t.Fatal(err)
	}
	c, err := directCandidate("", "", path)
	if err != nil {
		t.Fatal(err)
	}
	return Change{Action: Add, Name: c.Name, Version: c.Version.String(), Candidate: c}
}

// pipelineInstaller installs into a new project, through the cache dir.
func pipelineInstaller(t *testing.T, cacheDir string) (*Installer, *quietReporter) {
	t.Helper()
	info := testInfo()
	p, err := scheme.NewPaths(t.TempDir(), info, scheme.LayoutVersion)
	if err != nil {
		t.Fatal(err)
	}
	rep := &quietReporter{}
	return &Installer{Paths: p, Python: info, CacheDir: cacheDir, Reporter: rep, Jobs: 1}, rep
}

// listTree lists every path under dir with its content, for comparisons.
func listTree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.Type().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel += " " + string(b)
		}
		out = append(out, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// editInPlace writes into the installed file name in place (the cache
// tree's inode when it is hard-linked), as an editor or a patch would,
// and moves its mtime on.
func editInPlace(t *testing.T, name string) {
	t.Helper()
	if err := os.WriteFile(name, []byte("EDITED!!"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Second)
	_ = os.Chtimes(name, later, later)
}

func spec(name, version string, files ...wheeltest.File) wheeltest.Spec {
	return wheeltest.Spec{Name: name, Version: version, Files: files}
}

// TestFailureMidPipelineLeavesTarget: wheels are staged in the target as
// they become ready; when a later one fails (a member whose content does
// not match RECORD), the ones already staged are dropped and the target
// is exactly as it was, without a staging directory.
func TestFailureMidPipelineLeavesTarget(t *testing.T) {
	wheels := t.TempDir()
	in, _ := pipelineInstaller(t, t.TempDir())
	first := &Result{Changes: []Change{addChange(t, wheels, spec("alpha", "1.0", wheeltest.File{Path: "alpha.py", Content: "v1"}))}}
	if err := in.Install(context.Background(), first, nil); err != nil {
		t.Fatal(err)
	}
	before := listTree(t, in.Paths.PyPackages)
	upgrade := addChange(t, wheels, spec("alpha", "2.0", wheeltest.File{Path: "alpha.py", Content: "v2"}))
	upgrade.Action, upgrade.OldVersion = Upgrade, "1.0"
	bad := spec("gamma", "1.0", wheeltest.File{Path: "gamma.py", Content: "g"})
	bad.Hostile.BadHash = []string{"gamma.py"}
	res := &Result{Changes: []Change{
		upgrade, // Jobs is 1: staged first, in order
		addChange(t, wheels, spec("beta", "1.0", wheeltest.File{Path: "beta/__init__.py", Content: "b"})),
		addChange(t, wheels, bad),
	}}
	ran := false
	err := in.Install(context.Background(), res, func() error { ran = true; return nil })
	if err == nil || !strings.Contains(err.Error(), "gamma") {
		t.Fatalf("install with a bad wheel last: %v", err)
	}
	if ran {
		t.Error("before ran although a wheel failed")
	}
	if after := listTree(t, in.Paths.PyPackages); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Errorf("a failed install changed the target:\nbefore %q\nafter  %q", before, after)
	}
}

// TestChangedCacheTreeIsUnpackedAgain: a cached tree whose file was
// written in place through a hard link (SPEC §6: the per-file check of
// the cache) is noticed while staging, unpacked again from its wheel and
// staged again, with a warning; the install gets the wheel's content.
func TestChangedCacheTreeIsUnpackedAgain(t *testing.T) {
	wheels, cacheDir := t.TempDir(), t.TempDir()
	ch := addChange(t, wheels, spec("delta", "1.0", wheeltest.File{Path: "delta.py", Content: "original"}))
	in1, _ := pipelineInstaller(t, cacheDir)
	in1.LinkMode = scheme.LinkHardlink
	if err := in1.Install(context.Background(), &Result{Changes: []Change{ch}}, nil); err != nil {
		t.Fatal(err)
	}
	editInPlace(t, filepath.Join(in1.Paths.Lib, "delta.py"))

	in2, rep := pipelineInstaller(t, cacheDir)
	in2.LinkMode = scheme.LinkHardlink
	ch2 := addChange(t, wheels, spec("delta", "1.0", wheeltest.File{Path: "delta.py", Content: "original"}))
	if err := in2.Install(context.Background(), &Result{Changes: []Change{ch2}}, nil); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(in2.Paths.Lib, "delta.py")); err != nil || string(b) != "original" {
		t.Errorf("installed from a changed tree: %q %v", b, err)
	}
	if len(rep.warnings) != 1 || !strings.Contains(rep.warnings[0], "unpacking it again") {
		t.Errorf("warnings %q, want one about the tree unpacked again", rep.warnings)
	}
}

// TestCompileWhileStaging: with --compile, the .py files of a tree staged
// by hard links are byte-compiled into the tree while the run goes on;
// the install links that byte code, lists it in RECORD, and warns once
// about a file that does not compile (the precompiler's failure, which
// the tree remembers, gives the warning after the commit).
func TestCompileWhileStaging(t *testing.T) {
	wheels, cacheDir := t.TempDir(), t.TempDir()
	in, rep := pipelineInstaller(t, cacheDir)
	in.Python = pythonInfo(t)
	in.Compile, in.LinkMode = true, scheme.LinkHardlink
	ch := addChange(t, wheels, spec("epsilon", "1.0",
		wheeltest.File{Path: "epsilon/__init__.py", Content: "from . import mod\n"},
		wheeltest.File{Path: "epsilon/mod.py", Content: "X = 1\n"},
		wheeltest.File{Path: "epsilon/bad.py", Content: "def (:\n"}))
	sha, err := FileSHA256(ch.Candidate.Local)
	if err != nil {
		t.Fatal(err)
	}
	treePyc := pycPath(filepath.Join(cache.TreeDir(cacheDir, sha), "files", "epsilon", "mod.py"), in.cacheTag())
	// Compiling starts before the commit: the tree's byte code appears
	// while the run is still before it (on the old code it came after).
	before := func() error {
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if _, err := os.Stat(treePyc); err == nil {
				return nil
			}
		}
		t.Error("no byte code in the tree before the commit")
		return nil
	}
	if err := in.Install(context.Background(), &Result{Changes: []Change{ch}}, before); err != nil {
		t.Fatal(err)
	}
	if len(rep.warnings) != 1 || !strings.Contains(rep.warnings[0], "cannot byte-compile") || !strings.Contains(rep.warnings[0], "bad.py") {
		t.Errorf("warnings %q, want one for bad.py", rep.warnings)
	}
	pycs, _ := filepath.Glob(filepath.Join(in.Paths.Lib, "epsilon", "__pycache__", "*.pyc"))
	if len(pycs) != 2 {
		t.Fatalf("byte code %v, want __init__ and mod", pycs)
	}
	if !sameFile(treePyc, filepath.Join(in.Paths.Lib, "epsilon", "__pycache__", filepath.Base(treePyc))) {
		t.Errorf("the installed byte code of mod.py is not the tree's %s", treePyc)
	}
	checkRecord(t, in.Paths, 2)
}

// TestSymlinkModeRelativeCacheDir: with a relative cache directory
// (--cache-dir .cache, PKGINSTALL_CACHE_DIR=.cache), symlink mode still
// links each package to its tree by an absolute path, so the links
// resolve from lib/ (on the old code they held the relative path, which
// dangled the moment they were made).
func TestSymlinkModeRelativeCacheDir(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	in, _ := pipelineInstaller(t, ".cache")
	in.LinkMode = scheme.LinkSymlink
	ch := addChange(t, t.TempDir(), spec("eta", "1.0", wheeltest.File{Path: "eta/__init__.py", Content: "E = 1\n"}))
	if err := in.Install(context.Background(), &Result{Changes: []Change{ch}}, nil); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(in.Paths.Lib, "eta")
	target, err := os.Readlink(link)
	if err != nil {
		t.Fatalf("lib/eta is not a symlink: %v", err)
	}
	if !filepath.IsAbs(target) || !strings.HasPrefix(target, filepath.Join(dir, ".cache")) {
		t.Errorf("lib/eta -> %s, want an absolute path into %s", target, filepath.Join(dir, ".cache"))
	}
	if b, err := os.ReadFile(filepath.Join(link, "__init__.py")); err != nil || string(b) != "E = 1\n" {
		t.Errorf("through the link: %q %v", b, err)
	}
	ds, err := scheme.List(in.Paths)
	if err != nil || len(ds) != 1 {
		t.Fatal(ds, err)
	}
	if len(ds[0].DanglingLinks) != 0 || len(ds[0].Verify()) != 0 {
		t.Errorf("dangling %v, problems %v", ds[0].DanglingLinks, ds[0].Verify())
	}
}

// TestSymlinkModeCompileFailure: when byte-compiling fails after the
// commit of a symlink-mode install (the interpreter cannot run, an
// interrupt), the install is in place all the same, so the trees it
// links are sealed again and recorded in the cache: prune keeps them
// (on the old code neither happened, and a prune could leave the
// project's links dangling).
func TestSymlinkModeCompileFailure(t *testing.T) {
	wheels, cacheDir := t.TempDir(), t.TempDir()
	in, _ := pipelineInstaller(t, cacheDir)
	in.Python.Executable = filepath.Join(t.TempDir(), "no-python")
	in.Compile, in.LinkMode = true, scheme.LinkSymlink
	ch := addChange(t, wheels, spec("theta", "1.0", wheeltest.File{Path: "theta/__init__.py", Content: "T = 1\n"}))
	sha, err := FileSHA256(ch.Candidate.Local)
	if err != nil {
		t.Fatal(err)
	}
	err = in.Install(context.Background(), &Result{Changes: []Change{ch}}, nil)
	if err == nil || !strings.Contains(err.Error(), "byte-compiling") {
		t.Fatalf("install with an interpreter that cannot run: %v", err)
	}
	if fi, err := os.Lstat(filepath.Join(in.Paths.Lib, "theta")); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("lib/theta is not the committed symlink: %v", err)
	}
	files := filepath.Join(cache.TreeDir(cacheDir, sha), "files")
	if fi, err := os.Lstat(files); err != nil || fi.Mode().Perm() != 0o555 {
		t.Errorf("the linked tree is not sealed again: %v %v", fi.Mode(), err)
	}
	if lp := cache.Linking(cacheDir, false); len(lp) != 1 || lp[0].Lib != in.Paths.Lib {
		t.Errorf("Linking = %+v, want %s", lp, in.Paths.Lib)
	}
	if _, err := cache.Prune(cacheDir, 0, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(in.Paths.Lib, "theta", "__init__.py")); err != nil {
		t.Errorf("prune removed the tree the project links: %v", err)
	}
}

// TestSymlinkModeChecksUnsealedTree: a tree that hard-linked projects
// could write into before any project linked it by symlink (it is not
// sealed yet) is checked file by file before symlink mode exposes it; an
// edit made through a hard link is noticed and the tree unpacked again,
// as in the per-file modes (on the old code the symlinked project got
// the edited file, unchecked).
func TestSymlinkModeChecksUnsealedTree(t *testing.T) {
	wheels, cacheDir := t.TempDir(), t.TempDir()
	in1, _ := pipelineInstaller(t, cacheDir)
	in1.LinkMode = scheme.LinkHardlink
	ch := addChange(t, wheels, spec("iota", "1.0", wheeltest.File{Path: "iota/__init__.py", Content: "original"}))
	if err := in1.Install(context.Background(), &Result{Changes: []Change{ch}}, nil); err != nil {
		t.Fatal(err)
	}
	editInPlace(t, filepath.Join(in1.Paths.Lib, "iota", "__init__.py"))

	in2, rep := pipelineInstaller(t, cacheDir)
	in2.LinkMode = scheme.LinkSymlink
	ch2 := addChange(t, wheels, spec("iota", "1.0", wheeltest.File{Path: "iota/__init__.py", Content: "original"}))
	if err := in2.Install(context.Background(), &Result{Changes: []Change{ch2}}, nil); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(filepath.Join(in2.Paths.Lib, "iota")); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("lib/iota is not a symlink: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(in2.Paths.Lib, "iota", "__init__.py")); err != nil || string(b) != "original" {
		t.Errorf("linked a changed tree: %q %v", b, err)
	}
	if len(rep.warnings) != 1 || !strings.Contains(rep.warnings[0], "unpacking it again") {
		t.Errorf("warnings %q, want one about the tree unpacked again", rep.warnings)
	}
}
