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
	installed := filepath.Join(in1.Paths.Lib, "delta.py")
	if err := os.WriteFile(installed, []byte("EDITED!!"), 0o644); err != nil { // in place: the tree's inode when hard-linked
		t.Fatal(err)
	}
	later := time.Now().Add(time.Second)
	_ = os.Chtimes(installed, later, later)

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
