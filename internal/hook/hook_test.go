package hook

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pkginstall/pkginstall/internal/safety"
)

var (
	pyOnce  sync.Once
	pyFound []string
)

// interpreters returns the distinct Python interpreters found in every PATH
// directory and under $PYENV_ROOT/versions, as real paths.
func interpreters(t *testing.T) []string {
	t.Helper()
	pyOnce.Do(func() { pyFound = findInterpreters() })
	if len(pyFound) == 0 {
		t.Skip("no Python interpreter found")
	}
	return pyFound
}

// modern returns an interpreter the hook works with (3.7 or later).
func modern(t *testing.T) string {
	t.Helper()
	for _, py := range interpreters(t) {
		if major, minor, _ := pyFacts(t, py); major == 3 && minor >= 7 {
			return py
		}
	}
	t.Skip("no Python 3.7 or later found")
	return ""
}

func findInterpreters() []string {
	var cands []string
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		for _, pat := range []string{"python2.7", "python3", "python3.[0-9]", "python3.[0-9][0-9]"} {
			ms, _ := filepath.Glob(filepath.Join(dir, pat))
			cands = append(cands, ms...)
		}
	}
	if root := os.Getenv("PYENV_ROOT"); root != "" {
		for _, pat := range []string{"versions/*/bin/python3", "versions/*/bin/python2"} {
			ms, _ := filepath.Glob(filepath.Join(root, pat))
			cands = append(cands, ms...)
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, c := range cands {
		r, err := filepath.EvalSymlinks(c)
		if err != nil || seen[r] {
			continue
		}
		seen[r] = true
		// A pyenv shim is a shell script: ask for the real executable.
		b, err := exec.Command(c, "-c", "import sys; print(sys.executable)").Output()
		if err != nil {
			continue
		}
		exe := strings.TrimSpace(string(b))
		if r2, err := filepath.EvalSymlinks(exe); err == nil {
			exe = r2
		}
		if exe == "" || (seen[exe] && exe != r) {
			continue
		}
		seen[exe] = true
		out = append(out, exe)
	}
	return out
}

// pyFacts asks an interpreter for its version tuple and its version-layout
// target name (computed here independently of the hook).
func pyFacts(t *testing.T, py string) (major, minor int, target string) {
	t.Helper()
	const code = `import sys
impl = getattr(sys, "implementation", None)
name = impl.name if impl else "cpython"
v = "%d.%d" % sys.version_info[:2]
try:
    import sysconfig
    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        v += "t"
except Exception:
    pass
if name != "cpython":
    v = name + v
sys.stdout.write("%d %d %s\n" % (sys.version_info[0], sys.version_info[1], v))
`
	b, err := exec.Command(py, "-c", code).Output()
	if err != nil {
		t.Fatalf("%s: %v", py, err)
	}
	f := strings.Fields(string(b))
	if len(f) != 3 {
		t.Fatalf("%s: unexpected output %q", py, b)
	}
	major, err1 := strconv.Atoi(f[0])
	minor, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil {
		t.Fatalf("%s: unexpected output %q", py, b)
	}
	return major, minor, f[2]
}

// probe prints where hookprobe was imported from, or MISSING.
const probe = `import sys
try:
    import hookprobe
    sys.stdout.write("FOUND " + hookprobe.__file__ + "\n")
except ImportError:
    sys.stdout.write("MISSING\n")
try:
    import hookpth
    sys.stdout.write("PTH " + hookpth.__file__ + "\n")
except ImportError:
    pass
`

type world struct {
	hookDir, proj, sub, out, lib string
	inScript, outScript          string
}

// newWorld lays out a hook directory, a project with target name tname
// holding hookprobe.py (and a .pth file adding another directory), a
// subfolder, and a directory outside the project.
func newWorld(t *testing.T, tname string) *world {
	t.Helper()
	base := t.TempDir()
	if r, err := filepath.EvalSymlinks(base); err == nil {
		base = r
	}
	w := &world{
		hookDir: filepath.Join(base, "data", "pkginstall", "hook"),
		proj:    filepath.Join(base, "proj"),
		out:     filepath.Join(base, "out"),
	}
	w.sub = filepath.Join(w.proj, "src", "deep")
	w.lib = filepath.Join(w.proj, "__pypackages__", tname, "lib")
	for _, d := range []string{w.sub, w.out, w.lib, filepath.Join(w.proj, "pthdir")} {
		must(t, os.MkdirAll(d, 0o755))
	}
	must(t, Install(w.hookDir))
	// A project without packages above both: whatever lies above the
	// temporary directory (a stray /tmp/__pypackages__) cannot matter.
	write(t, filepath.Join(base, "pyproject.toml"), "")
	write(t, filepath.Join(w.lib, "hookprobe.py"), "")
	write(t, filepath.Join(w.lib, "extra.pth"), "../../../pthdir\n")
	write(t, filepath.Join(w.proj, "pthdir", "hookpth.py"), "")
	w.inScript = filepath.Join(w.sub, "inside.py")
	w.outScript = filepath.Join(w.out, "outside.py")
	write(t, w.inScript, probe)
	write(t, w.outScript, probe)
	return w
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, name, data string) {
	t.Helper()
	must(t, os.WriteFile(name, []byte(data), 0o644))
}

// run runs py in dir with the hook on PYTHONPATH and returns stdout, stderr.
func (w *world) run(t *testing.T, py, dir string, env []string, args ...string) (string, string) {
	t.Helper()
	cmd := exec.Command(py, args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), "PYTHONPATH="+w.hookDir)
	cmd.Env = append(cmd.Env, env...)
	var so, se strings.Builder
	cmd.Stdout, cmd.Stderr = &so, &se
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v in %s: %v\n%s", py, args, dir, err, se.String())
	}
	return so.String(), se.String()
}

func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "PYTHON") || k == "PKGINSTALL_HOOK" {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func TestHookRules(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX paths")
	}
	pys := interpreters(t)
	if testing.Short() {
		pys = []string{modern(t)}
	}
	for _, py := range pys {
		major, minor, tname := pyFacts(t, py)
		t.Run(strings.ReplaceAll(strings.TrimPrefix(py, "/"), "/", "_"), func(t *testing.T) {
			w := newWorld(t, tname)
			found := "FOUND " + filepath.Join(w.lib, "hookprobe.py")
			if major < 3 || minor < 7 && major == 3 {
				// The hook must parse and stay quiet where it cannot work.
				so, se := w.run(t, py, w.proj, nil, "-c", probe)
				if !strings.Contains(so, "MISSING") || se != "" {
					t.Errorf("old Python: stdout %q stderr %q, want MISSING and no stderr", so, se)
				}
				if major == 3 && minor >= 5 {
					// It still runs the sitecustomize it shadows.
					other := t.TempDir()
					write(t, filepath.Join(other, "sitecustomize.py"), "import sys\nsys.stdout.write('OTHER RAN\\n')\n")
					so, se := w.run(t, py, w.proj, []string{"PYTHONPATH=" + w.hookDir + string(os.PathListSeparator) + other}, "-c", "pass")
					if so != "OTHER RAN\n" || se != "" {
						t.Errorf("old Python chaining: stdout %q stderr %q", so, se)
					}
				}
				return
			}
			cases := []struct {
				name string
				dir  string
				env  []string
				args []string
				want bool
			}{
				{"cwd -c", w.proj, nil, []string{"-c", probe}, true},
				{"subfolder -c", w.sub, nil, []string{"-c", probe}, true},
				{"outside -c", w.out, nil, []string{"-c", probe}, false},
				{"stdin", w.proj, nil, []string{"-"}, true},
				{"-m", w.sub, nil, []string{"-m", "inside"}, true},
				{"script inside run from outside", w.out, nil, []string{w.inScript}, true},
				{"script inside run relatively", w.proj, nil, []string{"src/deep/inside.py"}, true},
				{"script outside run from inside", w.proj, nil, []string{w.outScript}, false},
				{"-I", w.proj, nil, []string{"-I", "-c", probe}, false},
				{"PKGINSTALL_HOOK=0", w.proj, []string{"PKGINSTALL_HOOK=0"}, []string{"-c", probe}, false},
			}
			if major == 3 && minor >= 11 {
				cases = append(cases,
					struct {
						name string
						dir  string
						env  []string
						args []string
						want bool
					}{"-P", w.proj, nil, []string{"-P", "-c", probe}, false},
					struct {
						name string
						dir  string
						env  []string
						args []string
						want bool
					}{"PYTHONSAFEPATH", w.proj, []string{"PYTHONSAFEPATH=1"}, []string{"-c", probe}, false},
				)
			}
			for _, c := range cases {
				var so, se string
				if c.name == "stdin" {
					cmd := exec.Command(py, c.args...)
					cmd.Dir, cmd.Env = c.dir, append(cleanEnv(), "PYTHONPATH="+w.hookDir)
					cmd.Stdin = strings.NewReader(probe)
					b, err := cmd.Output()
					must(t, err)
					so = string(b)
				} else {
					so, se = w.run(t, py, c.dir, c.env, c.args...)
				}
				if got := strings.Contains(so, found); got != c.want {
					t.Errorf("%s: sees the project = %v, want %v\nstdout: %s\nstderr: %s", c.name, got, c.want, so, se)
				}
				if c.want && !strings.Contains(so, "PTH "+filepath.Join(w.proj, "pthdir", "hookpth.py")) {
					t.Errorf("%s: the .pth file in lib/ was not processed:\n%s", c.name, so)
				}
				if se != "" {
					t.Errorf("%s: unexpected stderr %q", c.name, se)
				}
			}
		})
	}
}

// TestHookSysPath checks where lib/ lands: after the standard library,
// before site-packages, and the hook's own directory is gone.
func TestHookSysPath(t *testing.T) {
	py := modern(t)
	_, _, tname := pyFacts(t, py)
	w := newWorld(t, tname)
	so, _ := w.run(t, py, w.proj, nil, "-c", `import sys, os
for p in sys.path: print(p)`)
	lines := strings.Split(strings.TrimSpace(so), "\n")
	li, si, stdlib := -1, -1, -1
	for i, l := range lines {
		switch {
		case l == w.lib:
			li = i
		case si < 0 && (strings.HasSuffix(l, "site-packages") || strings.HasSuffix(l, "dist-packages")):
			si = i
		case stdlib < 0 && strings.HasSuffix(l, "lib-dynload"):
			stdlib = i
		case l == w.hookDir:
			t.Errorf("the hook directory stays on sys.path: %q", lines)
		}
	}
	if li < 0 || (si >= 0 && li > si) || (stdlib >= 0 && li < stdlib) {
		t.Errorf("lib/ at %d, stdlib at %d, first site-packages at %d in %q", li, stdlib, si, lines)
	}
}

// TestHookRefusesUnsafe: a world-writable or foreign-owned __pypackages__
// is not used, and a warning on stderr says why.
func TestHookRefusesUnsafe(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions")
	}
	py := modern(t)
	_, _, tname := pyFacts(t, py)
	w := newWorld(t, tname)
	target := filepath.Dir(w.lib)
	for _, d := range []string{filepath.Dir(target), target, w.lib} {
		must(t, os.Chmod(d, 0o777))
		so, se := w.run(t, py, w.proj, nil, "-c", probe)
		if !strings.Contains(so, "MISSING") || !strings.Contains(se, "warning: pkginstall: not using") || !strings.Contains(se, d+" is writable by other users") {
			t.Errorf("world-writable %s: stdout %q stderr %q", d, so, se)
		}
		must(t, os.Chmod(d, 0o755))
	}
	// Group-writable is fine (umask 002).
	must(t, os.Chmod(target, 0o775))
	if so, se := w.run(t, py, w.proj, nil, "-c", probe); !strings.Contains(so, "FOUND") || se != "" {
		t.Errorf("group-writable target refused: %q %q", so, se)
	}
	if os.Getuid() == 0 {
		must(t, os.Chown(target, 65534, -1))
		so, se := w.run(t, py, w.proj, nil, "-c", probe)
		if !strings.Contains(so, "MISSING") || !strings.Contains(se, "owned by uid 65534") {
			t.Errorf("foreign-owned target: stdout %q stderr %q", so, se)
		}
	}
}

// TestHookProjectRoot: a nearer pyproject.toml is a project of its own
// (SPEC §2); the platform layout is found when there is no version one;
// the search stops 8 levels up.
func TestHookProjectRoot(t *testing.T) {
	py := modern(t)
	_, _, tname := pyFacts(t, py)
	w := newWorld(t, tname)
	write(t, filepath.Join(w.sub, "pyproject.toml"), "[project]\nname = 'x'\n")
	if so, _ := w.run(t, py, w.sub, nil, "-c", probe); !strings.Contains(so, "MISSING") {
		t.Errorf("nested project without __pypackages__ sees the outer one: %q", so)
	}
	must(t, os.Remove(filepath.Join(w.sub, "pyproject.toml")))

	deep := filepath.Join(w.proj, "1", "2", "3", "4", "5", "6", "7", "8")
	must(t, os.MkdirAll(filepath.Join(deep, "9"), 0o755))
	if so, _ := w.run(t, py, deep, nil, "-c", probe); !strings.Contains(so, "FOUND") {
		t.Errorf("8 levels down: %q", so)
	}
	if so, _ := w.run(t, py, filepath.Join(deep, "9"), nil, "-c", probe); !strings.Contains(so, "MISSING") {
		t.Errorf("9 levels down: %q", so)
	}

	plat, err := exec.Command(py, "-c", `import sys, sysconfig
print("cp%d%d%s-%s" % (sys.version_info[0], sys.version_info[1], getattr(sys, "abiflags", ""), sysconfig.get_platform().replace("-", "_").replace(".", "_")))`).Output()
	must(t, err)
	target := filepath.Dir(w.lib)
	platTarget := filepath.Join(filepath.Dir(target), strings.TrimSpace(string(plat)))
	must(t, os.Rename(target, platTarget))
	so, _ := w.run(t, py, w.proj, nil, "-c", probe)
	if !strings.Contains(so, "FOUND "+filepath.Join(platTarget, "lib", "hookprobe.py")) {
		t.Errorf("platform layout %s not found: %q", platTarget, so)
	}
}

// TestHookChains: a sitecustomize later on the path still runs, once, and
// one in lib/ never does.
func TestHookChains(t *testing.T) {
	py := modern(t)
	_, _, tname := pyFacts(t, py)
	w := newWorld(t, tname)
	other := t.TempDir()
	write(t, filepath.Join(other, "sitecustomize.py"), "import sys\nsys.stdout.write('OTHER RAN\\n')\nOTHER = 1\n")
	write(t, filepath.Join(w.lib, "sitecustomize.py"), "import sys\nsys.stdout.write('LIB RAN\\n')\n")
	so, se := w.run(t, py, w.proj, []string{"PYTHONPATH=" + w.hookDir + string(os.PathListSeparator) + other}, "-c",
		probe+"import sitecustomize\nprint('MOD OTHER' if getattr(sitecustomize, 'OTHER', 0) else 'MOD HOOK')\n")
	if strings.Count(so, "OTHER RAN") != 1 || strings.Contains(so, "LIB RAN") || !strings.Contains(so, "FOUND") || !strings.Contains(so, "MOD OTHER") || se != "" {
		t.Errorf("chaining: stdout %q stderr %q", so, se)
	}
}

func TestInstallRefusesUnsafeDir(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions")
	}
	d := filepath.Join(t.TempDir(), "hook")
	must(t, Install(d))
	must(t, Install(d)) // idempotent
	b, err := os.ReadFile(filepath.Join(d, FileName))
	must(t, err)
	if string(b) != string(Sitecustomize) {
		t.Error("hook file content differs")
	}
	must(t, os.Chmod(d, 0o777))
	if err := Install(d); err == nil || !strings.Contains(err.Error(), "writable by other users") {
		t.Errorf("Install into a world-writable dir: %v", err)
	}
	if err := Install("relative/dir"); err == nil {
		t.Error("Install accepted a relative directory")
	}
}

// TestCode runs the POSIX shell code in every shell found, twice, and checks
// PYTHONPATH gets the hook directory once, before what was there.
func TestCode(t *testing.T) {
	dir := "/tmp/it's a dir"
	code, err := Code("bash", dir)
	must(t, err)
	for _, sh := range []string{"bash", "sh", "dash", "zsh"} {
		p, err := exec.LookPath(sh)
		if err != nil {
			continue
		}
		for _, start := range []string{"", "/a:/b"} {
			cmd := exec.Command(p, "-c", `set -u; eval "$CODE"; eval "$CODE"; printf '%s\n' "$PYTHONPATH"; sh -c 'printf "%s\n" "$PYTHONPATH"'`)
			cmd.Env = append(cleanEnv(), "CODE="+code)
			if start != "" {
				cmd.Env = append(cmd.Env, "PYTHONPATH="+start)
			}
			b, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", sh, err, b)
			}
			want := dir
			if start != "" {
				want += ":" + start
			}
			if got := strings.Split(strings.TrimSpace(string(b)), "\n"); len(got) != 2 || got[0] != want || got[1] != want {
				t.Errorf("%s from %q: PYTHONPATH %q, want %q (exported)", sh, start, got, want)
			}
		}
	}
	if p, err := exec.LookPath("fish"); err == nil {
		code, err := Code("fish", dir)
		must(t, err)
		cmd := exec.Command(p, "-c", "eval $CODE; eval $CODE; sh -c 'printf \"%s\\n\" \"$PYTHONPATH\"'")
		cmd.Env = append(cleanEnv(), "CODE="+code)
		b, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(b)) != dir {
			t.Errorf("fish: %q %v", b, err)
		}
	}
	for _, sh := range []string{"zsh", "fish", "powershell", "pwsh", "sh"} {
		c, err := Code(sh, dir)
		if err != nil || !strings.Contains(c, "PYTHONPATH") {
			t.Errorf("Code(%q): %q %v", sh, c, err)
		}
	}
	if c, _ := Code("powershell", dir); !strings.Contains(c, "'/tmp/it''s a dir'") {
		t.Errorf("powershell quoting: %s", c)
	}
	if _, err := Code("tcsh", dir); err == nil {
		t.Error("Code accepted an unknown shell")
	}
	if _, err := Code("bash", "/a\nb"); err == nil {
		t.Error("Code accepted a newline in the directory")
	}
}

// The hook carries the one bootstrap (the marker line of hook.py is
// replaced by it), not a copy of its own.
func TestSitecustomizeHasBootstrap(t *testing.T) {
	s := string(Sitecustomize)
	if !strings.Contains(s, safety.Bootstrap) || strings.Contains(s, "@BOOTSTRAP@") {
		t.Fatal("the hook does not embed safety.Bootstrap")
	}
	if strings.Index(s, "def _pkginstall_use(") > strings.Index(s, "def _pkginstall_setup(") {
		t.Error("the bootstrap comes after the code that calls it")
	}
}
