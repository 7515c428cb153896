package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pkginstall/pkginstall/internal/wheelhouse"
)

// The 55-distribution set of the issues and benchmarks.
var bigSet = []string{"boto3", "flask", "sympy", "networkx", "pydantic", "moto", "ipython", "jsonschema"}

var (
	wheelhouseOnce sync.Once
	wheelhouseDir  string
	wheelhouseErr  error
)

// realWheelhouse builds the real wheelhouse (the interpreter's installed
// distributions as wheels and a static index, with the project's own
// internal/wheelhouse) once per test binary, or skips.
func realWheelhouse(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the real wheelhouse takes a while to build")
	}
	py := python311(t)
	wheelhouseOnce.Do(func() {
		// Inside binDir, which TestMain removes at the end.
		dir, err := os.MkdirTemp(binDir, "wheelhouse-")
		if err != nil {
			wheelhouseErr = err
			return
		}
		opts := wheelhouse.Options{Python: py, Force: true}
		if _, err := os.Stat("/usr/share/python-wheels"); err == nil {
			opts.AddWheels = []string{"/usr/share/python-wheels"}
		}
		if _, err := wheelhouse.Build(context.Background(), dir, opts); err != nil {
			wheelhouseErr = fmt.Errorf("building the wheelhouse: %v", err)
			return
		}
		wheelhouseDir = dir
	})
	if wheelhouseErr != nil {
		t.Fatal(wheelhouseErr)
	}
	return wheelhouseDir
}

// staticServer serves dir with python's http.server in another process and
// returns the simple/ URL.
func staticServer(t *testing.T, dir string) string {
	t.Helper()
	base, stop, err := startStaticServer(python311(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return base + "/simple/"
}

// cleanInterpreter returns a CPython 3.11 that does not have the big set's
// projects installed (Debian's own), or "".
func cleanInterpreter() string {
	for _, p := range []string{"/usr/bin/python3.11"} {
		if err := exec.Command(p, "-c", "import sys\ntry:\n import boto3\nexcept ImportError:\n sys.exit(0)\nsys.exit(1)").Run(); err == nil {
			return p
		}
	}
	return ""
}

// TestRealWheelhouse installs the 55-distribution set from a plain static
// server and checks: the versions are exactly pip's, the packages import
// from __pypackages__, and a second run fetches nothing and changes nothing.
func TestRealWheelhouse(t *testing.T) {
	wh := realWheelhouse(t)
	index := staticServer(t, wh)
	py := python311(t)

	// pip is the oracle for what the set resolves to.
	report := filepath.Join(t.TempDir(), "pip.json")
	pip := exec.Command(py, "-m", "pip", "install", "--isolated", "--no-cache-dir", "--disable-pip-version-check",
		"-q", "--dry-run", "--ignore-installed", "--report", report, "--index-url", index)
	pip.Args = append(pip.Args, bigSet...)
	if out, err := pip.CombinedOutput(); err != nil {
		t.Fatalf("pip: %v\n%s", err, out)
	}
	var rep struct {
		Install []struct {
			Metadata     struct{ Name, Version string } `json:"metadata"`
			DownloadInfo struct{ URL string }           `json:"download_info"`
		} `json:"install"`
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	var want, urls []string
	for _, it := range rep.Install {
		want = append(want, norm(it.Metadata.Name)+"=="+it.Metadata.Version)
		urls = append(urls, it.DownloadInfo.URL)
	}
	sort.Strings(want)

	target := cleanInterpreter()
	if target == "" {
		target = py
	}
	proj := t.TempDir()
	cache := filepath.Join(t.TempDir(), "cache")
	env := []string{"PKGINSTALL_CACHE_DIR=" + cache, "HOME=" + t.TempDir()}
	args := append([]string{"--python", target, "install", "--index-url", index}, bigSet...)
	code, _, stderr := runPkginstall(t, proj, env, args...)
	if code != 0 {
		t.Fatalf("install: exit %d\n%s", code, stderr)
	}
	_, out, _ := runPkginstall(t, proj, env, "--python", target, "freeze")
	var got []string
	for _, line := range strings.Fields(out) {
		name, ver, _ := strings.Cut(line, "==")
		got = append(got, norm(name)+"=="+ver)
	}
	sort.Strings(got)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("resolution differs from pip's\n got: %v\nwant: %v", got, want)
	}
	if len(got) != 55 {
		t.Errorf("%d distributions, want 55", len(got))
	}

	// lib/ holds exactly what pip --target makes of the same wheels. This
	// comes before any import: some machines append their CA to certifi's
	// cacert.pem when certifi is imported (a .pth hook), in place.
	comparePipTarget(t, py, filepath.Join(proj, "__pypackages__", "3.11"), urls)

	// They import from __pypackages__ (for an interpreter that lacks them).
	code, out, stderr = runPkginstall(t, proj, env, "--python", target, "run", "python", "-c",
		"import boto3, flask, sympy, networkx, pydantic, moto, IPython, jsonschema, yaml, pydantic_core\n"+
			"for m in (boto3, flask, sympy, networkx, pydantic, moto, IPython, jsonschema, yaml, pydantic_core): print(m.__file__)")
	if code != 0 {
		t.Fatalf("imports failed: %s", stderr)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.Contains(line, filepath.Join(proj, "__pypackages__", "3.11", "lib")) {
			t.Errorf("imported from outside __pypackages__: %s", line)
		}
	}

	// A second run fetches nothing and changes nothing.
	before := snapshot(t, filepath.Join(proj, "__pypackages__"))
	cacheBefore := snapshot(t, cache)
	code, _, stderr = runPkginstall(t, proj, append(env, "PKGINSTALL_OFFLINE_CHECK=1"), args...)
	if code != 0 {
		t.Fatalf("second install: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "Nothing to install") {
		t.Errorf("second run did something:\n%s", stderr)
	}
	if after := snapshot(t, filepath.Join(proj, "__pypackages__")); after != before {
		t.Errorf("second run changed __pypackages__")
	}
	if after := snapshot(t, cache); after != cacheBefore {
		t.Errorf("second run changed the cache (downloaded something)")
	}
}

// TestUnsatisfiable checks that impossible requests end with exit 1, an
// explanation naming the packages, and nothing on disk.
func TestUnsatisfiable(t *testing.T) {
	wh := realWheelhouse(t)
	index := staticServer(t, wh)
	py := python311(t)
	for _, tc := range []struct {
		reqs []string
		want []string
	}{
		{[]string{"flask<1", "werkzeug>=3"}, []string{"flask", "error: "}},
		{[]string{"moto[all]"}, []string{"moto", "error: "}},
		{[]string{"no-such-project-here"}, []string{"no-such-project-here", "not found"}},
		{[]string{"flask>=99"}, []string{"flask", "3.1.3"}},
	} {
		t.Run(strings.Join(tc.reqs, " "), func(t *testing.T) {
			proj := t.TempDir()
			env := []string{"PKGINSTALL_CACHE_DIR=" + filepath.Join(t.TempDir(), "cache"), "HOME=" + t.TempDir()}
			args := append([]string{"--python", py, "install", "--index-url", index}, tc.reqs...)
			code, stdout, stderr := runPkginstall(t, proj, env, args...)
			if code != 1 {
				t.Errorf("exit %d, want 1\n%s%s", code, stdout, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stderr, "goroutine ") {
				t.Errorf("stack trace:\n%s", stderr)
			}
			if ents, _ := os.ReadDir(proj); len(ents) != 0 {
				t.Errorf("wrote %d entries into the project", len(ents))
			}
			t.Logf("%s", stderr)
		})
	}
}

func norm(name string) string {
	name = strings.ToLower(name)
	return strings.NewReplacer("_", "-", ".", "-").Replace(name)
}

// snapshot lists every file under dir with its size and mtime.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var sb strings.Builder
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return nil
		}
		if strings.HasSuffix(p, ".pkginstall.lock") {
			return nil
		}
		fmt.Fprintf(&sb, "%s %d %d %v\n", p, info.Size(), info.ModTime().UnixNano(), info.Mode())
		return nil
	})
	return sb.String()
}

// comparePipTarget installs the wheels at urls with
// pip install --no-deps --no-compile --target and checks that every file
// pip put into its target equals the file at the same path under
// target/lib, and that lib has no file pip lacks. pip --target also moves
// the scheme's bin/ and data directories into its target: entries whose
// first component is a directory beside our lib/ are compared there
// instead. Files pip and pkginstall write themselves (INSTALLER, RECORD,
// REQUESTED, direct_url.json) and scripts (different launchers by design)
// are left out.
func comparePipTarget(t *testing.T, py, target string, urls []string) {
	t.Helper()
	pipDir := filepath.Join(t.TempDir(), "pip-target")
	pip := exec.Command(py, append([]string{"-m", "pip", "install", "--isolated", "--no-cache-dir",
		"--disable-pip-version-check", "-q", "--no-deps", "--no-compile", "--target", pipDir}, urls...)...)
	if out, err := pip.CombinedOutput(); err != nil {
		t.Fatalf("pip --target: %v\n%s", err, out)
	}
	skip := func(rel string) bool {
		base := filepath.Base(rel)
		if strings.HasSuffix(filepath.Dir(rel), ".dist-info") {
			switch base {
			case "INSTALLER", "RECORD", "REQUESTED", "direct_url.json":
				return true
			}
		}
		first, _, _ := strings.Cut(rel, string(filepath.Separator))
		return first == "bin"
	}
	pipFiles := treeHashes(t, pipDir)
	ours := treeHashes(t, filepath.Join(target, "lib"))
	compared := 0
	for rel, h := range pipFiles {
		if skip(rel) {
			continue
		}
		first, _, _ := strings.Cut(rel, string(filepath.Separator))
		got, ok := ours[rel]
		if !ok && first != "lib" {
			if fi, err := os.Stat(filepath.Join(target, first)); err == nil && fi.IsDir() {
				got, ok = fileHash(t, filepath.Join(target, rel)), true
			}
		}
		switch {
		case !ok:
			t.Errorf("pip --target has %s, __pypackages__ does not", rel)
		case got != h:
			t.Errorf("%s differs from pip's", rel)
		}
		compared++
	}
	for rel := range ours {
		if _, ok := pipFiles[rel]; !ok && !skip(rel) {
			t.Errorf("lib/%s is not in pip's --target", rel)
		}
	}
	if compared < 10000 {
		t.Errorf("compared only %d files with pip's; expected the whole set", compared)
	}
	t.Logf("%d files equal pip's --target", compared)
}

// treeHashes maps each regular file under dir (relative path) to its
// sha256, skipping __pycache__ directories.
func treeHashes(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "__pycache__" {
			return filepath.SkipDir
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		m[rel] = fileHash(t, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func fileHash(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
