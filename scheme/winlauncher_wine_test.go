package scheme

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
	"time"
)

// wine returns the wine64 program named by $PKGINSTALL_WINE (set by .ci/run
// once it has prepared a wine prefix), or skips.
func wine(t *testing.T) string {
	t.Helper()
	w := os.Getenv("PKGINSTALL_WINE")
	if w == "" || runtime.GOOS != "linux" {
		t.Skip("PKGINSTALL_WINE not set (.ci/run sets it after installing wine64)")
	}
	return w
}

// winPath is the wine (Z:) path of a Linux path.
func winPath(p string) string { return "Z:" + strings.ReplaceAll(p, "/", `\`) }

type fakeRun struct {
	Argv []string
	Cwd  string
	Env  []string
}

// The end-to-end test of issue 14 on the scheme's side: a wheel with
// console, GUI and #!python scripts installed for a Windows interpreter
// (fakepython.exe standing in for python.exe), then each launcher run under
// wine with arguments holding spaces and quotes, from another directory,
// before and after the project moves: the interpreter gets the right
// script (whose lib\ is the target's), the arguments exactly, the
// caller's working directory, and its exit code comes back.
func TestWindowsLaunchersUnderWine(t *testing.T) {
	w := wine(t)
	dir := t.TempDir()
	pydir := filepath.Join(dir, "Py thon")
	os.MkdirAll(pydir, 0o755)
	build := exec.Command("go", "build", "-o", filepath.Join(pydir, "python.exe"), "./testdata/fakepython")
	build.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build fakepython: %v\n%s", err, out)
	}
	b, _ := os.ReadFile(filepath.Join(pydir, "python.exe"))
	os.WriteFile(filepath.Join(pydir, "pythonw.exe"), b, 0o755)

	info := winInfo()
	info.Executable = winPath(filepath.Join(pydir, "python.exe"))
	p := newProject(t, info)
	src := &memSource{project: "w", version: "1",
		files: []memFile{{name: "w/__init__.py", data: "def main(): pass\n"}, {name: "w-1.data/scripts/tool.py", data: "#!python\nprint(1)\n"}},
		eps:   []EntryPoint{{Group: GroupConsole, Name: "w-cli", Module: "w", Attr: "main"}, {Group: GroupGUI, Name: "w-gui", Module: "w", Attr: "main"}}}
	mustInstall(t, p, info, src, InstallOptions{})

	args := []string{"plain", "with space", `quo"te`, `back\slash\`, "", "ünï"}
	run := func(bin, exe, script, interp string, code int) {
		t.Helper()
		out := filepath.Join(dir, "out.json")
		os.Remove(out)
		cmd := exec.Command(w, append([]string{filepath.Join(bin, exe)}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "WINEDEBUG=-all", "FAKEPY_OUT="+winPath(out), "FAKEPY_EXIT="+strconv.Itoa(code))
		msg, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); !ok && err != nil || ok && ee.ExitCode() != code || err == nil && code != 0 {
			t.Fatalf("%s: exit %v, want %d\n%s", exe, err, code, msg)
		}
		var got fakeRun
		data, err := os.ReadFile(out)
		if err != nil || json.Unmarshal(data, &got) != nil {
			t.Fatalf("%s: the interpreter did not run (%v)\n%s", exe, err, msg)
		}
		want := append([]string{winPath(filepath.Join(pydir, interp)), winPath(filepath.Join(bin, script))}, args...)
		if !slices.Equal(got.Argv, want) {
			t.Errorf("%s: argv %q, want %q", exe, got.Argv, want)
		}
		if !strings.EqualFold(got.Cwd, winPath(dir)) {
			t.Errorf("%s: cwd %s, want %s", exe, got.Cwd, winPath(dir))
		}
		if !slices.ContainsFunc(got.Env, func(e string) bool { return strings.HasPrefix(e, "FAKEPY_EXIT=") }) {
			t.Errorf("%s: the environment was not passed", exe)
		}
		// The script it was given finds lib\ beside Scripts\.
		body := readFile(t, filepath.Join(bin, script))
		if !strings.Contains(body, "*('..', 'lib',)") || !exists(filepath.Join(bin, "..", "lib", "w", "__init__.py")) {
			t.Errorf("%s: %s does not lead to the target's lib", exe, script)
		}
	}
	for i, c := range []struct{ exe, script, interp string }{
		{"w-cli.exe", "w-cli-script.py", "python.exe"},
		{"w-gui.exe", "w-gui-script.pyw", "pythonw.exe"},
		{"tool.exe", "tool-script.py", "python.exe"},
	} {
		run(p.Bin, c.exe, c.script, c.interp, []int{0, 3, 255}[i])
	}
	// The project moves: the launcher finds its script from where it is.
	moved := filepath.Join(dir, "moved project")
	if err := os.Rename(p.Project, moved); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(moved, strings.TrimPrefix(p.Bin, p.Project))
	run(bin, "w-cli.exe", "w-cli-script.py", "python.exe", 7)
	st, _ := os.Stat(filepath.Join(bin, "w-cli.exe"))
	t.Logf("w-cli.exe is %d bytes", st.Size())

	// Ctrl-C: wine turns SIGINT into a console Ctrl-C event for the process
	// it is sent to. The stand-in python alone dies of it; the launcher
	// ignores it, leaves the decision to the child (which on Windows gets
	// the event itself, being on the same console) and still returns the
	// child's exit code.
	interrupted := func(prog string) (int, string) {
		t.Helper()
		cmd := exec.Command(w, prog)
		cmd.Env = append(os.Environ(), "WINEDEBUG=-all", "FAKEPY_OUT="+winPath(filepath.Join(dir, "ctrlc.json")), "FAKEPY_EXIT=9", "FAKEPY_SLEEP_MS=4000")
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Second)
		cmd.Process.Signal(os.Interrupt)
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), out.String()
		}
		return 0, out.String()
	}
	if code, _ := interrupted(filepath.Join(pydir, "python.exe")); code == 9 {
		t.Log("SIGINT does not reach a wine program as Ctrl-C here: the Ctrl-C check proves nothing")
	}
	if code, msg := interrupted(filepath.Join(bin, "w-cli.exe")); code != 9 {
		t.Errorf("launcher interrupted: exit %d, want the child's 9\n%s", code, msg)
	}

	// The interpreter is gone: a clear message and exit status 127.
	if err := os.Remove(filepath.Join(pydir, "python.exe")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(w, filepath.Join(bin, "w-cli.exe"))
	cmd.Env = append(os.Environ(), "WINEDEBUG=-all")
	msg, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 127 ||
		!strings.Contains(string(msg), "error: pkginstall launcher: cannot start the interpreter recorded at install time: "+info.Executable) {
		t.Errorf("missing interpreter: %v\n%s", err, msg)
	}
}
