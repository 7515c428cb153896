package scheme

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// helloWheel has a console script printing where its module came from,
// and a .pth file adding a directory that holds another module.
func helloWheel() *memSource {
	return &memSource{project: "hello", version: "1.0", files: []memFile{
		{name: "hello/__init__.py", data: `import os, sys

def main():
    import extra
    print("file=" + __file__)
    print("extra=" + extra.__file__)
    print("argv0=" + sys.argv[0])
    print("args=" + ",".join(sys.argv[1:]))
    print("cwd=" + os.getcwd())
    lib = os.path.dirname(os.path.dirname(__file__))
    print("libpos=%d" % sys.path.index(lib))
    print("pthpos=%d" % sys.path.index(os.path.join(lib, "extra_dir")))
    sp = [i for i, p in enumerate(sys.path) if os.path.basename(p) == "site-packages"]
    print("before_site=%s" % (not sp or sys.path.index(lib) < sp[0]))
    print("bin_on_path=%s" % any(p.endswith(os.sep + "bin") for p in sys.path))
    return 3
`},
		{name: "hello.pth", data: "extra_dir\n"},
		{name: "extra_dir/extra.py", data: "X = 1\n"},
		{name: "hello-1.0.data/scripts/hello-data", data: "#!python\nimport sys\nprint('data script', sys.argv[1:])\n"},
	}, eps: []EntryPoint{{Name: "hello", Module: "hello", Attr: "main", Group: GroupConsole}}}
}

// runScript runs a script from dir with an empty environment.
func runScript(t *testing.T, script, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(script, args...)
	cmd.Dir = dir
	cmd.Env = []string{}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %s: %v", script, err)
	}
	return out.String(), errb.String(), code
}

func outputField(out, key string) string {
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, key+"="); ok {
			return v
		}
	}
	return "<missing " + key + ">"
}

func TestConsoleScriptRuns(t *testing.T) {
	info := realPython(t)
	p := newProject(t, info)
	mustInstall(t, p, info, helloWheel(), InstallOptions{})
	elsewhere := t.TempDir()

	check := func(p Paths, script string) {
		t.Helper()
		out, errOut, code := runScript(t, script, elsewhere, "a b", "c")
		if code != 3 {
			t.Fatalf("exit status %d, want 3; stdout %q stderr %q", code, out, errOut)
		}
		lib, _ := filepath.EvalSymlinks(p.Lib)
		if f := outputField(out, "file"); !strings.HasPrefix(f, lib+string(filepath.Separator)) {
			t.Errorf("module loaded from %s, not under %s", f, lib)
		}
		if f := outputField(out, "extra"); f != filepath.Join(lib, "extra_dir", "extra.py") {
			t.Errorf(".pth module loaded from %s", f)
		}
		if a := outputField(out, "args"); a != "a b,c" {
			t.Errorf("args = %q", a)
		}
		if a := outputField(out, "argv0"); a != script {
			t.Errorf("argv0 = %q, want %q", a, script)
		}
		if c := outputField(out, "cwd"); c != elsewhere {
			t.Errorf("cwd = %q", c)
		}
		libpos, pthpos := outputField(out, "libpos"), outputField(out, "pthpos")
		if libpos == "0" || pthpos == "" || len(libpos) != 1 || len(pthpos) != 1 || pthpos[0] != libpos[0]+1 {
			t.Errorf("sys.path: lib at %s (want after the standard library), .pth entry at %s (want right after lib)", libpos, pthpos)
		}
		if outputField(out, "before_site") != "True" || outputField(out, "bin_on_path") != "False" {
			t.Errorf("sys.path order wrong:\n%s", out)
		}
	}
	check(p, filepath.Join(p.Bin, "hello"))

	// A symlink to the script elsewhere still finds the project.
	link := filepath.Join(t.TempDir(), "hello-link")
	if err := os.Symlink(filepath.Join(p.Bin, "hello"), link); err != nil {
		t.Fatal(err)
	}
	out, _, code := runScript(t, link, elsewhere)
	if code != 3 || !strings.Contains(outputField(out, "file"), p.Lib) {
		t.Errorf("through a symlink: status %d, output %q", code, out)
	}

	// The data script had its "#!python" rewritten.
	out, errOut, code := runScript(t, filepath.Join(p.Bin, "hello-data"), elsewhere, "x")
	if code != 0 || out != "data script ['x']\n" {
		t.Errorf("data script: status %d, stdout %q, stderr %q", code, out, errOut)
	}

	// Move the whole project: the script still works from its new place.
	moved := p.Project + "-moved"
	if err := os.Rename(p.Project, moved); err != nil {
		t.Fatal(err)
	}
	mp, err := NewPaths(moved, info, LayoutVersion)
	if err != nil {
		t.Fatal(err)
	}
	check(mp, filepath.Join(mp.Bin, "hello"))
}

func TestConsoleScriptRefusesUnsafeTarget(t *testing.T) {
	info := realPython(t)
	p := newProject(t, info)
	mustInstall(t, p, info, helloWheel(), InstallOptions{})
	for _, dir := range []string{p.PyPackages, p.Target} {
		fi, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, fi.Mode().Perm()|0o002); err != nil {
			t.Fatal(err)
		}
		out, errOut, code := runScript(t, filepath.Join(p.Bin, "hello"), t.TempDir())
		if code != 1 || out != "" {
			t.Errorf("%s world-writable: status %d, stdout %q; want 1 and nothing", dir, code, out)
		}
		if !strings.Contains(errOut, "error: hello: refusing to use its packages: "+dir+" is writable by other users") {
			t.Errorf("stderr %q does not explain", errOut)
		}
		if err := os.Chmod(dir, fi.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	// Group-writable is fine (umask 002).
	if err := os.Chmod(p.Target, 0o775); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runScript(t, filepath.Join(p.Bin, "hello"), t.TempDir()); code != 3 {
		t.Errorf("group-writable target refused: %d %s", code, errOut)
	}
}

func TestTrampolineScriptRuns(t *testing.T) {
	info := *realPython(t)
	// An interpreter path with a space and longer than a shebang allows.
	dir := filepath.Join(t.TempDir(), "with space", strings.Repeat("d", 120))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "python3")
	if err := os.Symlink(info.Executable, exe); err != nil {
		t.Fatal(err)
	}
	info.Executable = exe
	p := newProject(t, &info)
	mustInstall(t, p, &info, helloWheel(), InstallOptions{})
	head := readFile(t, filepath.Join(p.Bin, "hello"))
	if !strings.HasPrefix(head, "#!/bin/sh\n'''exec' '"+exe+"' \"$0\" \"$@\"\n' '''\n") {
		t.Fatalf("launcher does not start with a trampoline:\n%.300s", head)
	}
	out, errOut, code := runScript(t, filepath.Join(p.Bin, "hello"), t.TempDir(), "z")
	if code != 3 || outputField(out, "args") != "z" {
		t.Errorf("trampoline launcher: status %d, stdout %q, stderr %q", code, out, errOut)
	}
	out, errOut, code = runScript(t, filepath.Join(p.Bin, "hello-data"), t.TempDir())
	if code != 0 || out != "data script []\n" {
		t.Errorf("trampoline data script: status %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestShebang(t *testing.T) {
	tests := []struct {
		exe, want string
	}{
		{"/usr/bin/python3", "#!/usr/bin/python3\n"},
		{"/" + strings.Repeat("a", 123), "#!/" + strings.Repeat("a", 123) + "\n"}, // 127 bytes with the newline
		{"/" + strings.Repeat("a", 124), "#!/bin/sh\n'''exec' '/" + strings.Repeat("a", 124) + "' \"$0\" \"$@\"\n' '''\n"},
		{"/a b/python", "#!/bin/sh\n'''exec' '/a b/python' \"$0\" \"$@\"\n' '''\n"},
	}
	for _, tt := range tests {
		got, err := Shebang(tt.exe)
		if err != nil || string(got) != tt.want {
			t.Errorf("Shebang(%q) = %q, %v; want %q", tt.exe, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "python3", "/it's/python", "/a\nb"} {
		if got, err := Shebang(bad); err == nil {
			t.Errorf("Shebang(%q) = %q, want an error", bad, got)
		}
	}
}

func TestWriteLauncherQuotes(t *testing.T) {
	b, err := WriteLauncher(Launcher{Interpreter: "/usr/bin/python3", Dist: "x 1\n import os", Name: "x", Module: "mödule", Attr: "a.b", LibRel: "../lib", TargetRel: "..", PyPackagesRel: "../.."})
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`importlib.import_module('m\u00f6dule')`, `'a.b'.split(".")`, `os.path.join(here, *('..', 'lib',))`, "# x from x 1  import os: a launcher"} {
		if !strings.Contains(s, want) {
			t.Errorf("launcher lacks %q:\n%s", want, s)
		}
	}
	for _, bad := range []Launcher{{Module: "os; x", Attr: "a"}, {Module: "a", Attr: "b c"}, {Module: "1a", Attr: "b"}, {Module: "a..b", Attr: "c"}} {
		bad.Interpreter = "/usr/bin/python3"
		if _, err := WriteLauncher(bad); err == nil {
			t.Errorf("WriteLauncher(%s:%s) succeeded", bad.Module, bad.Attr)
		}
	}
}

// RunBootstrap names the project's directories as Python literals: a
// space, a quote and a non-ASCII letter in the path survive, and the
// sitecustomize it writes, alone on PYTHONPATH under an empty
// environment, makes the project's packages importable from lib/.
func TestRunBootstrapPaths(t *testing.T) {
	info := realPython(t)
	dir := filepath.Join(t.TempDir(), `a b'c"é`)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p, err := NewPaths(dir, info, LayoutVersion)
	if err != nil {
		t.Fatal(err)
	}
	mustInstall(t, p, info, helloWheel(), InstallOptions{})
	boot := filepath.Join(p.Target, ".pkginstall-run")
	if err := os.MkdirAll(boot, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(boot, "sitecustomize.py"), RunBootstrap(p), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(info.Executable, "-c", "import hello, sys; print(hello.__file__); print(any(p.endswith(\".pkginstall-run\") for p in sys.path))")
	cmd.Env = []string{"PYTHONPATH=" + boot}
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	want := filepath.Join(p.Lib, "hello", "__init__.py") + "\nFalse\n"
	if err != nil || string(out) != want {
		t.Errorf("python: %v\n%s\nwant:\n%s", err, out, want)
	}
}
