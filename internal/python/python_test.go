package python

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/pkginstall/pkginstall/cache/layout"
)

// realPython returns python3 on PATH that answers the probe, or skips.
func realPython(t *testing.T) *Info {
	t.Helper()
	info, err := Find(context.Background(), "python3", "")
	if err != nil {
		t.Skipf("no working python3 on PATH: %v", err)
	}
	return info
}

func TestProbeRealPython(t *testing.T) {
	info := realPython(t)
	if info.Major != 3 || info.Minor < 4 {
		t.Errorf("version %d.%d, want 3.x", info.Major, info.Minor)
	}
	if !filepath.IsAbs(info.Executable) {
		t.Errorf("Executable %q is not absolute", info.Executable)
	}
	if want := fmt.Sprintf("%d.%d.%d", info.Major, info.Minor, info.Micro); !strings.HasPrefix(info.Version, want) {
		t.Errorf("Version %q does not start with %q", info.Version, want)
	}
	if info.PointerBits != 32 && info.PointerBits != 64 {
		t.Errorf("PointerBits = %d", info.PointerBits)
	}
	for _, k := range []string{"os_name", "sys_platform", "platform_machine", "platform_python_implementation",
		"platform_release", "platform_system", "platform_version", "python_version",
		"python_full_version", "implementation_name", "implementation_version"} {
		if _, ok := info.Markers[k]; !ok {
			t.Errorf("marker %s missing", k)
		}
	}
	if got, want := info.Markers["python_version"], fmt.Sprintf("%d.%d", info.Major, info.Minor); got != want {
		t.Errorf("python_version marker = %q, want %q", got, want)
	}
	if info.OS != runtime.GOOS {
		t.Errorf("OS = %q, want %q", info.OS, runtime.GOOS)
	}
	if info.Implementation == "cpython" && info.ExtSuffix == "" {
		t.Errorf("ExtSuffix empty for cpython")
	}
	if runtime.GOOS == "linux" {
		if info.Libc == "" || info.LibcVersion == "" {
			t.Errorf("libc not detected on linux: %q %q", info.Libc, info.LibcVersion)
		}
		if info.ELF == nil || info.ELF.Class != info.PointerBits {
			t.Errorf("ELF = %+v, want class %d", info.ELF, info.PointerBits)
		}
	}
}

// writeScript writes an executable shell script.
func writeScript(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
}

func needSh(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("shell scripts")
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
}

func TestProbeCache(t *testing.T) {
	needSh(t)
	real := realPython(t)
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	counter := filepath.Join(dir, "count")
	wrapper := filepath.Join(dir, "wrapped-python")
	writeScript(t, wrapper, fmt.Sprintf("echo run >> '%s'\nexec '%s' \"$@\"\n", counter, real.Executable))

	runs := func() int {
		b, _ := os.ReadFile(counter)
		return strings.Count(string(b), "run")
	}
	ctx := context.Background()
	a, err := Probe(ctx, wrapper, cache)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Probe(ctx, wrapper, cache)
	if err != nil {
		t.Fatal(err)
	}
	if n := runs(); n != 1 {
		t.Errorf("interpreter ran %d times for two probes, want 1", n)
	}
	if a.Version != b.Version || a.Executable != b.Executable || a.Markers["platform_version"] != b.Markers["platform_version"] {
		t.Errorf("cached answer differs: %+v vs %+v", a, b)
	}
	entries, _ := filepath.Glob(filepath.Join(cache, layout.InterpretersBucket, "*.json"))
	if len(entries) != 1 {
		t.Errorf("cache entries = %v, want one", entries)
	}

	// Without a cache directory every probe runs the interpreter.
	if _, err := Probe(ctx, wrapper, ""); err != nil {
		t.Fatal(err)
	}
	if n := runs(); n != 2 {
		t.Errorf("runs = %d after an uncached probe, want 2", n)
	}

	// Changing the file (size and mtime) invalidates the entry.
	writeScript(t, wrapper, fmt.Sprintf("echo run >> '%s'\n# changed\nexec '%s' \"$@\"\n", counter, real.Executable))
	if _, err := Probe(ctx, wrapper, cache); err != nil {
		t.Fatal(err)
	}
	if n := runs(); n != 3 {
		t.Errorf("runs = %d after changing the interpreter, want 3", n)
	}

	// A corrupt entry is ignored, not trusted.
	for _, e := range entries {
		os.WriteFile(e, []byte("{garbage"), 0o644)
	}
	writeScript(t, wrapper, fmt.Sprintf("echo run >> '%s'\nexec '%s' \"$@\"\n", counter, real.Executable))
	if _, err := Probe(ctx, wrapper, cache); err != nil {
		t.Fatal(err)
	}
}

func TestProbePyenvShimNotCached(t *testing.T) {
	needSh(t)
	real := realPython(t)
	// "system" cannot be resolved without pyenv: the shim itself runs.
	t.Setenv("PYENV_VERSION", "system")
	dir := t.TempDir()
	counter := filepath.Join(dir, "count")
	shim := filepath.Join(dir, "python3")
	writeScript(t, shim, fmt.Sprintf("# exec pyenv exec python3\necho run >> '%s'\nexec '%s' \"$@\"\n", counter, real.Executable))
	for range 2 {
		if _, err := Probe(context.Background(), shim, filepath.Join(dir, "cache")); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(counter)
	if n := strings.Count(string(b), "run"); n != 2 {
		t.Errorf("pyenv shim ran %d times, want 2 (never cached)", n)
	}
}

func TestProbeErrors(t *testing.T) {
	needSh(t)
	dir := t.TempDir()
	ctx := context.Background()
	shim := filepath.Join(dir, "python3.99")
	writeScript(t, shim, "echo 'pyenv: python3.99: command not found' >&2\nexit 127\n")
	notJSON := filepath.Join(dir, "notpython")
	writeScript(t, notJSON, "echo hello\n")
	for _, tc := range []struct{ path, want string }{
		{shim, "command not found"},
		{notJSON, "not JSON"},
		{filepath.Join(dir, "missing"), "no such file"},
		{dir, "is a directory"},
	} {
		_, err := Probe(ctx, tc.path, dir)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Probe(%s) = %v, want error containing %q", filepath.Base(tc.path), err, tc.want)
		}
		var pe *ProbeError
		if !errors.As(err, &pe) {
			t.Errorf("Probe(%s) error %T is not *ProbeError", filepath.Base(tc.path), err)
		}
	}
	if _, err := Probe(ctx, "no-such-python-program", ""); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("Probe(bare unknown name) = %v", err)
	}
	if _, err := Find(ctx, filepath.Join(dir, "missing"), ""); err == nil || !strings.HasPrefix(err.Error(), `python "`) {
		t.Errorf("Find(missing path) = %v", err)
	}
}

// TestFindSkipsRefusingShim puts a shim that exits 127 ahead of a working
// interpreter on PATH: Find must skip it.
func TestFindSkipsRefusingShim(t *testing.T) {
	needSh(t)
	real := realPython(t)
	shims, good := t.TempDir(), t.TempDir()
	name := fmt.Sprintf("python%d.%d", real.Major, real.Minor)
	writeScript(t, filepath.Join(shims, name), "echo \"pyenv: $0: command not found\" >&2\nexit 127\n")
	writeScript(t, filepath.Join(good, name), fmt.Sprintf("exec '%s' \"$@\"\n", real.Executable))
	t.Setenv("PATH", shims+string(os.PathListSeparator)+good)
	t.Setenv("PYENV_ROOT", t.TempDir())

	cache := t.TempDir() // a failed probe is never cached: the shim is re-run each time
	for _, spec := range []string{name, fmt.Sprintf("%d.%d", real.Major, real.Minor), fmt.Sprintf("%d.%d.%d", real.Major, real.Minor, real.Micro)} {
		info, err := Find(context.Background(), spec, cache)
		if err != nil {
			t.Errorf("Find(%q): %v", spec, err)
			continue
		}
		if info.Minor != real.Minor {
			t.Errorf("Find(%q) = %s", spec, info.Version)
		}
	}

	// Only the shim: not found, and the error names the spec and the shim.
	t.Setenv("PATH", shims)
	_, err := Find(context.Background(), name, "")
	var nf *NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("Find with only a refusing shim = %v, want *NotFoundError", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, fmt.Sprintf("python %q not found: ", name)) || !strings.Contains(msg, "command not found") {
		t.Errorf("error = %q", msg)
	}
}

func TestFindVersionMismatch(t *testing.T) {
	needSh(t)
	real := realPython(t)
	bin := t.TempDir()
	writeScript(t, filepath.Join(bin, "python3"), fmt.Sprintf("exec '%s' \"$@\"\n", real.Executable))
	t.Setenv("PATH", bin)
	t.Setenv("PYENV_ROOT", t.TempDir())
	spec := fmt.Sprintf("3.%d", real.Minor+50)
	_, err := Find(context.Background(), spec, "")
	if err == nil || !strings.Contains(err.Error(), "not "+spec) {
		t.Errorf("Find(%q) = %v, want a version mismatch", spec, err)
	}
	if _, err := Find(context.Background(), "no-such-python-anywhere", ""); err == nil {
		t.Error("Find(unknown command) succeeded")
	}
}

// TestFindPyenv uses the real pyenv installation when there is one.
func TestFindPyenv(t *testing.T) {
	root := os.Getenv("PYENV_ROOT")
	if root == "" {
		home, _ := os.UserHomeDir()
		root = filepath.Join(home, ".pyenv")
	}
	entries, err := os.ReadDir(filepath.Join(root, "versions"))
	if err != nil {
		t.Skip("no pyenv versions")
	}
	t.Setenv("PATH", t.TempDir()) // only pyenv can answer
	tested := 0
	for _, e := range entries {
		m := pyenvCPythonRE.FindStringSubmatch(e.Name())
		if m == nil || m[1] != "3" || m[4] != "" || m[2] < "8" && len(m[2]) == 1 {
			continue
		}
		spec := m[1] + "." + m[2] + m[5]
		info, err := Find(context.Background(), spec, t.TempDir())
		if err != nil {
			t.Errorf("Find(%q): %v", spec, err)
			continue
		}
		if got := fmt.Sprintf("%d.%d", info.Major, info.Minor); got != m[1]+"."+m[2] || info.FreeThreaded != (m[5] != "") {
			t.Errorf("Find(%q) = %s (free-threaded %v)", spec, info.Version, info.FreeThreaded)
		}
		if !strings.HasPrefix(info.Executable, root) {
			t.Errorf("Find(%q).Executable = %s, want under %s", spec, info.Executable, root)
		}
		tested++
	}
	if tested == 0 {
		t.Skip("no pyenv CPython 3.8+ versions")
	}
}

func TestDefault(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	venvPython := filepath.Join("/venv", "bin", "python")
	if runtime.GOOS == "windows" {
		venvPython = filepath.Join("/venv", "Scripts", "python.exe")
	}
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{nil, "python3"},
		{map[string]string{"VIRTUAL_ENV": "/venv"}, venvPython},
		{map[string]string{"VIRTUAL_ENV": "/venv", "PKGINSTALL_PYTHON": "3.12"}, "3.12"},
		{map[string]string{"PKGINSTALL_PYTHON": "/opt/py"}, "/opt/py"},
	} {
		if got := Default(env(tc.env)); got != tc.want {
			t.Errorf("Default(%v) = %q, want %q", tc.env, got, tc.want)
		}
	}
}

func TestParseVersionSpec(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // impl + " " + version, "" for not a version
	}{
		{"3", "cpython 3"},
		{"3.12", "cpython 3.12"},
		{"3.11.7", "cpython 3.11.7"},
		{"3.13t", "cpython 3.13t"},
		{"python3.12", "cpython 3.12"},
		{"pypy3.10", "pypy 3.10"},
		{"PyPy3", "pypy 3"},
		{"python", ""},
		{"python3-config", ""},
		{"3.", ""},
		{"3..1", ""},
		{"jython2.7", ""},
	} {
		v, ok := parseVersionSpec(tc.in)
		got := ""
		if ok {
			got = v.impl + " " + v.String()
		}
		if got != tc.want {
			t.Errorf("parseVersionSpec(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseMuslVersion(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"musl libc (x86_64)\nVersion 1.2.3\nDynamic Program Loader\n", "1.2"},
		{"\n  musl libc (aarch64)\n\n  Version 1.1.24\n", "1.1"},
		{"glibc\nVersion 2.3\n", ""},
		{"musl libc\n", ""},
		{"", ""},
	} {
		if got := parseMuslVersion(tc.in); got != tc.want {
			t.Errorf("parseMuslVersion(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMarkerEnvIsACopy(t *testing.T) {
	info := &Info{Markers: map[string]string{"os_name": "posix"}}
	m := info.MarkerEnv()
	m["extra"] = "x"
	if _, ok := info.Markers["extra"]; ok {
		t.Error("MarkerEnv returned the Info's own map")
	}
	if m["os_name"] != "posix" {
		t.Errorf("MarkerEnv = %v", m)
	}
	if (&Info{}).MarkerEnv() == nil {
		t.Error("MarkerEnv of an empty Info is nil")
	}
}

func TestNormalizeOS(t *testing.T) {
	for in, want := range map[string]string{"linux": "linux", "linux2": "linux", "win32": "windows", "darwin": "darwin", "freebsd14": "freebsd", "cygwin": "cygwin"} {
		if got := normalizeOS(in); got != want {
			t.Errorf("normalizeOS(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDispatchesThroughPyenv(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	os.WriteFile(plain, []byte("#!/bin/sh\nexec /home/u/.pyenv/versions/3.12.1/bin/python3 \"$@\"\n"), 0o755)
	shim := filepath.Join(dir, "shim")
	os.WriteFile(shim, []byte("#!/usr/bin/env bash\nset -e\nexec \"/home/u/.pyenv/libexec/pyenv\" exec \"$program\" \"$@\"\n"), 0o755)
	if dispatchesThroughPyenv(plain) {
		t.Error("a script that merely names a pyenv path counts as a shim")
	}
	if !dispatchesThroughPyenv(shim) {
		t.Error("pyenv shim not recognised")
	}
	if root := os.Getenv("PYENV_ROOT"); root != "" {
		if real := filepath.Join(root, "shims", "python3"); isExecutable(real) && !dispatchesThroughPyenv(real) {
			t.Errorf("installed shim %s not recognised", real)
		}
	}
}
