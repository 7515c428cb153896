package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// winPath is the wine (Z:) path of a Linux path.
func winPath(p string) string { return "Z:" + strings.ReplaceAll(p, "/", `\`) }

// The end-to-end test of issue 14: the Windows build of pkginstall, under
// wine, installs a wheel with console, GUI and #!python scripts into a
// project whose interpreter is a stand-in python.exe (it answers the probe
// as CPython 3.12 for win-amd64, and otherwise records its argv, working
// directory and environment and exits with a chosen code). Then each
// launcher runs, with arguments holding spaces and quotes: the interpreter
// sees its script in Scripts\ (whose lib\ holds the package), the arguments
// exactly, and its exit code comes back. Then SPEC §6 on Windows: a
// __pypackages__ that Everyone may write into (wine shows o+w that way) is
// refused by install. .ci/wine.sh sets PKGINSTALL_WINE.
func TestWindowsBinaryUnderWine(t *testing.T) {
	wine := os.Getenv("PKGINSTALL_WINE")
	if wine == "" || runtime.GOOS != "linux" {
		t.Skip("PKGINSTALL_WINE not set (.ci/run sets it after installing wine64)")
	}
	dir := t.TempDir()
	pydir := filepath.Join(dir, "Py thon")
	exe := filepath.Join(dir, "pkginstall.exe")
	for _, b := range [][]string{
		{"-o", filepath.Join(pydir, "python.exe"), "../../scheme/testdata/fakepython"},
		{"-o", filepath.Join(pydir, "pythonw.exe"), "../../scheme/testdata/fakepython"},
		// winefallback: see winefallback_windows.go (wine lacks a call
		// os.Root removals use).
		{"-tags", "winefallback", "-ldflags=-checklinkname=0", "-o", exe, "."},
	} {
		cmd := exec.Command("go", append([]string{"build"}, b...)...)
		cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %v: %v\n%s", b, err, out)
		}
	}
	wheels := filepath.Join(dir, "wheels")
	os.MkdirAll(wheels, 0o755)
	whl, err := os.ReadFile("../../testdata/wheels/pkginstall_alldata-1.0-py3-none-any.whl")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(wheels, "pkginstall_alldata-1.0-py3-none-any.whl"), whl, 0o644)
	proj := filepath.Join(dir, "proj")
	os.MkdirAll(proj, 0o755)
	out := filepath.Join(dir, "out.json")
	run := func(wd string, code int, args ...string) (string, int) {
		t.Helper()
		os.Remove(out)
		cmd := exec.Command(wine, args...)
		cmd.Dir = wd
		cmd.Env = append(os.Environ(), "WINEDEBUG=-all", "FAKEPY_OUT="+winPath(out), "FAKEPY_EXIT="+strconv.Itoa(code),
			"PKGINSTALL_CACHE_DIR="+winPath(filepath.Join(dir, "cache")))
		b, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return string(b), ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(b), 0
	}
	install := []string{exe, "install", "--python", winPath(filepath.Join(pydir, "python.exe")), "--no-index", "-f", winPath(wheels), "pkginstall-alldata"}
	if msg, code := run(proj, 0, install...); code != 0 {
		t.Fatalf("install: exit %d\n%s", code, msg)
	}
	scripts := filepath.Join(proj, "__pypackages__", "3.12", "Scripts")
	if !exists(filepath.Join(scripts, "..", "lib", "pkginstall_alldata", "__init__.py")) {
		t.Fatal("the package is not in lib")
	}
	args := []string{"plain", "with space", `quo"te`, `a\b\`, "", "ünï"}
	for i, c := range []struct{ launcher, script, interp string }{
		{"alldata-cli.exe", "alldata-cli-script.py", "python.exe"},
		{"alldata-gui.exe", "alldata-gui-script.pyw", "pythonw.exe"},
		{"alldata-tool.exe", "alldata-tool-script.py", "python.exe"},
	} {
		want := []int{0, 5, 255}[i]
		msg, code := run(dir, want, append([]string{filepath.Join(scripts, c.launcher)}, args...)...)
		if code != want {
			t.Errorf("%s: exit %d, want %d\n%s", c.launcher, code, want, msg)
		}
		var got struct {
			Argv []string
			Cwd  string
		}
		b, err := os.ReadFile(out)
		if err != nil || json.Unmarshal(b, &got) != nil {
			t.Fatalf("%s: the interpreter did not run (%v)\n%s", c.launcher, err, msg)
		}
		wantArgv := append([]string{winPath(filepath.Join(pydir, c.interp)), winPath(filepath.Join(scripts, c.script))}, args...)
		if !slices.Equal(got.Argv, wantArgv) || !strings.EqualFold(got.Cwd, winPath(dir)) {
			t.Errorf("%s: argv %q in %s, want %q in %s", c.launcher, got.Argv, got.Cwd, wantArgv, winPath(dir))
		}
		body, _ := os.ReadFile(filepath.Join(scripts, c.script))
		if !strings.Contains(string(body), "*('..', 'lib',)") {
			t.Errorf("%s does not find lib beside Scripts", c.script)
		}
		if i == 0 {
			st, _ := os.Stat(filepath.Join(scripts, c.launcher))
			t.Logf("%s %s: %d bytes; the interpreter saw %q", c.launcher, strings.Join(args, " "), st.Size(), got.Argv)
		}
	}
	if exists(filepath.Join(scripts, "alldata-cli.cmd")) {
		t.Error("a .cmd wrapper was written")
	}
	// doctor reads the launchers' interpreters and knows their scripts;
	// of the wheel's scripts only the /bin/sh one is a problem on Windows.
	msg, _ := run(proj, 0, exe, "--python", winPath(filepath.Join(pydir, "python.exe")), "doctor")
	for _, l := range strings.Split(msg, "\n") {
		if strings.Contains(l, "alldata-cli") || strings.Contains(l, "alldata-gui") || strings.Contains(l, "-script.py") || strings.Contains(l, "unsafe") {
			t.Errorf("doctor: %s", l)
		}
	}
	if !strings.Contains(msg, `alldata-shell names the interpreter "/bin/sh"`) {
		t.Errorf("doctor does not flag the /bin/sh script:\n%s", msg)
	}

	// SPEC §6 in Windows terms, through the Windows binary.
	pp := filepath.Join(proj, "__pypackages__")
	os.Chmod(pp, 0o777)
	for _, cmd := range [][]string{{"doctor"}, {"run", "--", "python"}} {
		msg, code := run(proj, 0, append([]string{exe, "--python", winPath(filepath.Join(pydir, "python.exe"))}, cmd...)...)
		if code == 0 || !strings.Contains(msg, `\__pypackages__ is writable by Everyone`) || !strings.Contains(msg, " /remove:g *S-1-1-0") {
			t.Errorf("%s with a __pypackages__ Everyone may write into: exit %d\n%s", cmd[0], code, msg)
		}
	}
	os.Chmod(pp, 0o755)
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }
