package installer

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pkginstall/pkginstall/cache"
	"github.com/pkginstall/pkginstall/internal/python"
	"github.com/pkginstall/pkginstall/internal/wheeltest"
	"github.com/pkginstall/pkginstall/scheme"
)

// TestWarmCompileStartsNoInterpreter: a --compile install from a cache
// whose trees hold every file's byte code, and know which file does not
// compile, starts no interpreter (the interpreter here is a wrapper that
// records being run), warns about that file as the first install did,
// lists the linked .pyc files in RECORD, and the interpreter imports
// them as they are. On the old code the warm install started interpreter
// workers and compiled bad.py again.
func TestWarmCompileStartsNoInterpreter(t *testing.T) {
	wheels, cacheDir := t.TempDir(), t.TempDir()
	py := pythonInfo(t)
	ch := addChange(t, wheels, spec("epsilon", "1.0",
		wheeltest.File{Path: "epsilon/__init__.py", Content: "from . import mod\n"},
		wheeltest.File{Path: "epsilon/mod.py", Content: "X = 1\n"},
		wheeltest.File{Path: "epsilon/bad.py", Content: "def (:\n"}))
	install := func(info *python.Info) (*Installer, *quietReporter) {
		t.Helper()
		in, rep := pipelineInstaller(t, cacheDir)
		in.Python, in.Compile, in.LinkMode = info, true, scheme.LinkHardlink
		if err := in.Install(context.Background(), &Result{Changes: []Change{ch}}, nil); err != nil {
			t.Fatal(err)
		}
		return in, rep
	}
	cold, coldRep := install(py)

	ran := filepath.Join(t.TempDir(), "ran")
	wrapper := filepath.Join(t.TempDir(), "python3")
	script := "#!/bin/sh\necho \"$@\" >> '" + ran + "'\nexec '" + py.Executable + "' \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	recording := *py
	recording.Executable = wrapper
	warm, warmRep := install(&recording)

	if b, err := os.ReadFile(ran); err == nil {
		t.Errorf("the warm --compile install ran the interpreter:\n%s", b)
	}
	if len(coldRep.warnings) != 1 || len(warmRep.warnings) != 1 {
		t.Fatalf("warnings: cold %q, warm %q; want one each", coldRep.warnings, warmRep.warnings)
	}
	if want := strings.ReplaceAll(coldRep.warnings[0], cold.Paths.Lib, warm.Paths.Lib); warmRep.warnings[0] != want || !strings.Contains(want, "bad.py") {
		t.Errorf("warm warning %q, want %q", warmRep.warnings[0], want)
	}

	checkRecord(t, warm.Paths, 2)

	sha, err := FileSHA256(ch.Candidate.Local)
	if err != nil {
		t.Fatal(err)
	}
	tag := warm.cacheTag()
	treePyc := pycPath(filepath.Join(cache.TreeDir(cacheDir, sha), "files", "epsilon", "mod.py"), tag)
	pyc := pycPath(filepath.Join(warm.Paths.Lib, "epsilon", "mod.py"), tag)
	before := listTree(t, filepath.Join(warm.Paths.Lib, "epsilon", "__pycache__"))
	// The interpreter loads the linked byte code and writes none.
	cmd := exec.Command(py.Executable, "-I", "-v", "-c", "import sys; sys.path.insert(0, sys.argv[1]); import epsilon.mod; print(epsilon.mod.__file__)", warm.Paths.Lib)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("import: %v\n%s", err, stderr.String())
	}
	if got := strings.TrimSpace(string(out)); !strings.HasPrefix(got, warm.Paths.Lib+string(filepath.Separator)) {
		t.Errorf("imported %s, not the project's", got)
	}
	if !strings.Contains(stderr.String(), "code object from '"+pyc+"'") {
		t.Errorf("the interpreter did not load %s:\n%s", pyc, stderr.String())
	}
	after := listTree(t, filepath.Join(warm.Paths.Lib, "epsilon", "__pycache__"))
	if strings.Join(before, "\n") != strings.Join(after, "\n") || !sameFile(pyc, treePyc) {
		t.Errorf("importing changed the byte code: %v, then %v", before, after)
	}
}

// TestWarmCompileRecordHashes: the first --compile install leaves the
// RECORD hashes of the byte code in the tree, and a later one lists the
// .pyc files with them; byte code replaced in the tree since (a new
// file: other size and mtime) is hashed again, so RECORD stays true.
func TestWarmCompileRecordHashes(t *testing.T) {
	wheels, cacheDir := t.TempDir(), t.TempDir()
	ch := addChange(t, wheels, spec("zeta", "1.0",
		wheeltest.File{Path: "zeta/__init__.py", Content: "from . import mod\n"},
		wheeltest.File{Path: "zeta/mod.py", Content: "X = 1\n"}))
	install := func() *Installer {
		t.Helper()
		in, _ := pipelineInstaller(t, cacheDir)
		in.Python, in.Compile, in.LinkMode = pythonInfo(t), true, scheme.LinkHardlink
		if err := in.Install(context.Background(), &Result{Changes: []Change{ch}}, nil); err != nil {
			t.Fatal(err)
		}
		return in
	}
	in := install()
	sha, err := FileSHA256(ch.Candidate.Local)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := cache.Lookup(cacheDir, sha)
	if err != nil {
		t.Fatal(err)
	}
	tag := in.cacheTag()
	treePyc := pycPath(tree.Path("zeta/mod.py"), tag)
	hashes := tree.PycHashes(tag)
	if h, _, err := scheme.RecordHash(treePyc); err != nil || len(hashes) != 2 || hashes["zeta/mod.py"].Hash != h {
		t.Fatalf("remembered hashes %v, want 2 with %s (%v)", hashes, h, err)
	}
	// Byte code replaced in the tree (by a rename, as py_compile does).
	b, err := os.ReadFile(treePyc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(treePyc+".new", append(b, 0), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(treePyc+".new", treePyc); err != nil {
		t.Fatal(err)
	}
	warm := install()
	rec := checkRecord(t, warm.Paths, 2)
	h, n, _ := scheme.RecordHash(treePyc)
	if line := fmt.Sprintf("zeta/__pycache__/%s,%s,%d\n", filepath.Base(treePyc), h, n); !strings.Contains(rec, line) {
		t.Errorf("RECORD lacks %q:\n%s", line, rec)
	}
	if tree.PycHashes(tag)["zeta/mod.py"].Hash != h {
		t.Errorf("the tree did not remember the new hash %s: %v", h, tree.PycHashes(tag))
	}
}

// checkRecord checks the one distribution installed in p (Verify) and
// that its RECORD lists pycs .pyc files with a hash; it returns RECORD.
func checkRecord(t *testing.T, p scheme.Paths, pycs int) string {
	t.Helper()
	ds, err := scheme.List(p)
	if err != nil || len(ds) != 1 {
		t.Fatal(ds, err)
	}
	if probs := ds[0].Verify(); len(probs) != 0 {
		t.Errorf("after compile: %v", probs)
	}
	rec, _ := os.ReadFile(filepath.Join(ds[0].DistInfo, "RECORD"))
	if n := strings.Count(string(rec), ".pyc,sha256="); n != pycs {
		t.Errorf("RECORD lists %d hashed .pyc files, want %d:\n%s", n, pycs, rec)
	}
	return string(rec)
}

// TestPrecompileKnowsItsByteCode: the precompiler hands compile what it
// learnt of a tree's __pycache__, including the byte code it wrote after
// reading the directory, so compile reads no __pycache__ again and finds
// every file compiled (on the old code compile read each directory a
// second time); the interpreter compile gets cannot run, and need not.
func TestPrecompileKnowsItsByteCode(t *testing.T) {
	info := pythonInfo(t)
	p, rs, tree := installDemo(t, info)
	in := &Installer{Paths: p, Python: info, Reporter: &quietReporter{}, Compile: true, CacheDir: t.TempDir()}
	pc := in.startPrecompile(context.Background())
	pc.tree(tree)
	known := pc.wait()
	var srcs int
	for _, f := range tree.Files() {
		if !strings.HasSuffix(f.Name, ".py") {
			continue
		}
		srcs++
		dir, name := filepath.Split(pycPath(tree.Path(f.Name), in.cacheTag()))
		if !known.dirs[dir][name] {
			t.Errorf("the precompiler wrote %s%s but does not know it", dir, name)
		}
	}
	if srcs == 0 {
		t.Fatal("no source in the demo tree")
	}
	broken := *info
	broken.Executable = filepath.Join(t.TempDir(), "no-python")
	in.Python = &broken
	if err := in.compile(context.Background(), rs, []scheme.Source{tree}, known); err != nil {
		t.Fatalf("compile after the precompiler ran an interpreter: %v", err)
	}
	checkRecord(t, p, srcs)
}
