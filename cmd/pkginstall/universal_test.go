package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pkginstall/pkginstall/internal/installer"
	"github.com/pkginstall/pkginstall/internal/project"
	"github.com/pkginstall/pkginstall/internal/pylock"
	"github.com/pkginstall/pkginstall/internal/python"
	"github.com/pkginstall/pkginstall/internal/tags"
	"github.com/pkginstall/pkginstall/internal/wheeltest"
	"github.com/pkginstall/pkginstall/serve"
)

// universalIndex is a test index with platform- and version-specific
// dependencies: Windows-only and macOS-only packages, a backport for old
// Pythons, a package that needs another version before 3.10, a binary
// (abi3) package for every platform, and one with wheels for Linux and
// macOS only and no sdist.
func universalIndex(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	pure := func(name, version string, deps ...string) wheeltest.Spec {
		return wheeltest.Spec{Name: name, Version: version, RequiresDist: deps,
			Files: []wheeltest.File{{Path: name + "/__init__.py", Content: fmt.Sprintf("V = %q\n", version)}}}
	}
	specs := []wheeltest.Spec{
		pure("app", "1.0",
			`winonly; sys_platform == "win32"`,
			`maconly; sys_platform == "darwin"`,
			`backport; python_version < "3.11"`,
			`numish<2; python_version < "3.10"`,
			`numish>=1; python_version >= "3.10"`,
			`native>=1`,
			`ypin<2; sys_platform == "win32"`,
			`ypin`),
		pure("ypin", "1.0"), pure("ypin", "2.0"),
		pure("winonly", "1.0"), pure("maconly", "1.0"), pure("backport", "1.0"),
		pure("numish", "1.0"),
		pure("devtool", "1.0", "helper"), pure("testtool", "1.0", "helper"), pure("helper", "1.0"),
		pure("socksy", "1.0"),
	}
	n2 := pure("numish", "2.0")
	n2.RequiresPython = ">=3.10"
	specs = append(specs, n2)
	for _, plat := range []string{"manylinux_2_17_x86_64", "manylinux_2_17_aarch64", "macosx_11_0_x86_64", "macosx_11_0_arm64", "win_amd64", "win_arm64"} {
		s := pure("native", "1.0")
		s.Tag, s.Platlib = "cp38-abi3-"+plat, true
		specs = append(specs, s)
	}
	only := pure("nativeonly", "1.0")
	only.Tag, only.Platlib = "py3-none-manylinux_2_17_x86_64.manylinux_2_17_aarch64.macosx_11_0_x86_64.macosx_11_0_arm64", true
	specs = append(specs, only)
	for _, s := range specs {
		if _, err := wheeltest.BuildFile(dir, s); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const universalPyproject = `[project]
name = "uni"
version = "1.0"
requires-python = ">=3.8"
dependencies = ["app", "nativeonly"]

[project.optional-dependencies]
socks = ["socksy"]

[dependency-groups]
dev = ["devtool"]
test = ["testtool"]
`

// pyenvPythons are pyenv's CPython interpreters by "3.X" (newest patch).
func pyenvPythons() map[string]string {
	root := os.Getenv("PYENV_ROOT")
	if root == "" {
		home, _ := os.UserHomeDir()
		root = filepath.Join(home, ".pyenv")
	}
	out := map[string]string{}
	for _, minor := range []int{8, 9, 10, 11, 12, 13} {
		m, _ := filepath.Glob(filepath.Join(root, "versions", fmt.Sprintf("3.%d.*", minor), "bin", fmt.Sprintf("python3.%d", minor)))
		sort.Strings(m)
		if len(m) > 0 {
			out[fmt.Sprintf("3.%d", minor)] = m[len(m)-1]
		}
	}
	return out
}

// serveIndex serves dir with serve.Server and returns its simple/ URL.
func serveIndex(t *testing.T, dir string) string {
	srv, err := serve.New(dir, serve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
		}
		srv.Close()
	})
	return "http://" + ln.Addr().String() + "/simple/"
}

// pkginstall runs the binary in dir and returns its stderr (and stdout).
func pkginstall(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(filepath.Join(binDir, "pkginstall"), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "HOME="+dir, "PKGINSTALL_PYTHON=", "VIRTUAL_ENV=",
		"PKGINSTALL_CACHE_DIR="+filepath.Join(dir, ".cache"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func mustRun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := pkginstall(t, dir, args...)
	if err != nil {
		t.Fatalf("pkginstall %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// checkInstalled is run by each interpreter: the distributions in its
// __pypackages__ target are exactly argv[1] (name-version, comma
// separated), and each imports from there.
const checkInstalled = `import os, sys
lib = os.path.abspath(os.path.join("__pypackages__", "%d.%d" % sys.version_info[:2], "lib"))
got = sorted(d[:-len(".dist-info")].lower() for d in os.listdir(lib) if d.endswith(".dist-info"))
want = sorted(sys.argv[1].split(","))
assert got == want, (got, want)
sys.path.insert(0, lib)
for nv in want:
    m = __import__(nv.split("-")[0])
    assert os.path.abspath(m.__file__).startswith(lib + os.sep), m.__file__
print("ok")
`

// TestUniversalLock: one lock, made on Linux with 3.11 or 3.12 (byte for
// byte the same), installs on every interpreter here exactly what that
// interpreter needs, and agrees with download --platform for Windows and
// macOS.
func TestUniversalLock(t *testing.T) {
	pys := pyenvPythons()
	if len(pys) < 3 || pys["3.11"] == "" || pys["3.12"] == "" {
		t.Skipf("needs pyenv's 3.11, 3.12 and one more (have %v)", pys)
	}
	indexURL := serveIndex(t, universalIndex(t))
	proj := t.TempDir()
	if err := os.WriteFile(filepath.Join(proj, "pyproject.toml"), []byte(universalPyproject), 0o644); err != nil {
		t.Fatal(err)
	}
	lockPath := filepath.Join(proj, "pylock.toml")

	out := mustRun(t, proj, "--python", pys["3.11"], "--index-url", indexURL, "lock")
	if !strings.Contains(out, "warning: nativeonly 1.0 has no wheel for Windows x86_64, Windows arm64 (Python 3.8, 3.9, 3.10, 3.11, 3.12, 3.13, 3.14), and no sdist to build") {
		t.Errorf("lock does not warn of nativeonly on Windows:\n%s", out)
	}
	with311, _ := os.ReadFile(lockPath)
	os.Remove(lockPath)
	mustRun(t, proj, "--python", pys["3.12"], "--index-url", indexURL, "lock")
	with312, _ := os.ReadFile(lockPath)
	if !bytes.Equal(with311, with312) {
		t.Fatalf("the lock differs with 3.11 and 3.12:\n--- 3.11\n%s\n--- 3.12\n%s", with311, with312)
	}
	for _, v := range []string{"3.11", "3.12"} {
		mustRun(t, proj, "--python", pys[v], "--index-url", indexURL, "lock", "--check")
	}
	l, err := pylock.Parse(lockPath, with311)
	if err != nil {
		t.Fatal(err)
	}
	markers := map[string]string{}
	for _, p := range l.Packages {
		markers[p.Name+"-"+p.Version] = p.Marker
	}
	for nv, want := range map[string]string{
		"app-1.0":      "",
		"numish-1.0":   "python_version < '3.10'",
		"numish-2.0":   "python_version >= '3.10'",
		"backport-1.0": "python_version < '3.11'",
		"winonly-1.0":  "sys_platform == 'win32'",
		"maconly-1.0":  "sys_platform == 'darwin'",
		"devtool-1.0":  "'dev' in dependency_groups",
		"helper-1.0":   "'dev' in dependency_groups or 'test' in dependency_groups",
		"socksy-1.0":   "'socks' in extras",
		// Windows needs ypin<2; every other platform takes it too (one
		// version across platforms where it can be, as uv).
		"ypin-1.0": "",
	} {
		if got, ok := markers[nv]; !ok || got != want {
			t.Errorf("%s: marker %q (locked: %v), want %q", nv, got, ok, want)
		}
	}

	if _, ok := markers["ypin-2.0"]; ok {
		t.Errorf("ypin 2.0 is locked too: the platforms did not unify on 1.0")
	}

	// Each interpreter: exactly its set, doctor clean, the lock untouched
	// by a sync that may re-lock (it covers every one of them).
	common := []string{"app-1.0", "native-1.0", "nativeonly-1.0", "devtool-1.0", "helper-1.0", "ypin-1.0"}
	tested := 0
	for _, v := range []string{"3.8", "3.9", "3.10", "3.11", "3.12", "3.13"} {
		py := pys[v]
		if py == "" {
			continue
		}
		tested++
		want := append([]string{}, common...)
		if v == "3.8" || v == "3.9" {
			want = append(want, "numish-1.0")
		} else {
			want = append(want, "numish-2.0")
		}
		if v == "3.8" || v == "3.9" || v == "3.10" {
			want = append(want, "backport-1.0")
		}
		mustRun(t, proj, "--python", py, "--index-url", "http://127.0.0.1:9/simple/", "sync", "--frozen")
		cmd := exec.Command(py, "-I", "-c", checkInstalled, strings.Join(want, ","))
		cmd.Dir = proj
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("Python %s: %v\n%s", v, err, b)
		}
		mustRun(t, proj, "--python", py, "doctor")
		mustRun(t, proj, "--python", py, "--index-url", indexURL, "sync")
		if now, _ := os.ReadFile(lockPath); !bytes.Equal(now, with311) {
			t.Fatalf("sync with Python %s rewrote the lock", v)
		}
	}
	if tested < 3 {
		t.Errorf("only %d interpreters tested", tested)
	}

	// Windows and macOS: the lock's selection is what download --platform
	// resolves for the same roots (nativeonly aside: no Windows wheel), the
	// same packages at the same versions, except ypin, which the lock
	// unifies on the 1.0 Windows needs where one platform alone takes 2.0.
	unified := func(name, version string) string {
		if name == "ypin" {
			return name
		}
		return name + "-" + version
	}
	for _, tc := range []struct{ platform, version string }{
		{"win_amd64", "3.12"}, {"macosx_14_0_arm64", "3.9"}, {"win_arm64", "3.8"}, {"macosx_14_0_x86_64", "3.13"},
	} {
		roots := []string{"app", "devtool"}
		if !strings.HasPrefix(tc.platform, "win") {
			roots = append(roots, "nativeonly")
		}
		dest := filepath.Join(t.TempDir(), "d")
		mustRun(t, proj, append([]string{"download", "--index-url", indexURL, "-d", dest, "--python-version", tc.version, "--platform", tc.platform}, roots...)...)
		ents, _ := os.ReadDir(dest)
		var got []string
		for _, e := range ents {
			wn, err := tags.ParseWheelFilename(e.Name())
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, unified(wn.Name, wn.Version))
		}
		info, err := installer.TargetInfo(installer.TargetSpec{PythonVersion: tc.version, Platform: tc.platform}, nil)
		if err != nil {
			t.Fatal(err)
		}
		idx, err := l.Selected(lockPath, info, project.Selection{Groups: []string{"dev"}})
		if err != nil {
			t.Fatal(err)
		}
		var locked []string
		for _, i := range idx {
			if p := l.Packages[i]; p.Name != "nativeonly" || !strings.HasPrefix(tc.platform, "win") {
				locked = append(locked, unified(p.Name, p.Version))
			}
		}
		sort.Strings(got)
		sort.Strings(locked)
		if strings.Join(got, " ") != strings.Join(locked, " ") {
			t.Errorf("%s %s: download resolves %v, the lock selects %v", tc.platform, tc.version, got, locked)
		}
	}

	if ok, why := l.Admits(mustInfo(t, "win_amd64", "3.12")); !ok {
		t.Errorf("the lock does not cover Windows: %s", why)
	}
}

func mustInfo(t *testing.T, platform, version string) *python.Info {
	info, err := installer.TargetInfo(installer.TargetSpec{PythonVersion: version, Platform: platform}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return info
}
