package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pkginstall/pkginstall/internal/wheeltest"
)

// binDir holds the pkginstall binary built once by TestMain: the scripts
// drive the real binary, as a user would.
var binDir string

func TestMain(m *testing.M) {
	runHostileIndexIfAsked()
	dir, err := os.MkdirTemp("", "pkginstall-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	// A __pypackages__ or pyproject.toml above the temporary directory would
	// become the project root of every test (SPEC §2): refuse to run.
	for d := os.TempDir(); ; d = filepath.Dir(d) {
		for _, m := range []string{"__pypackages__", "pyproject.toml"} {
			if _, err := os.Stat(filepath.Join(d, m)); err == nil {
				fmt.Fprintf(os.Stderr, "%s exists: it would capture the tests' projects; remove it\n", filepath.Join(d, m))
				os.Exit(1)
			}
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	exe := filepath.Join(dir, "pkginstall")
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	build := exec.Command("go", "build", "-o", exe, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building pkginstall:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// repoRoot is the module root (two levels above this package).
func repoRoot(t testing.TB) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(filepath.Dir(wd))
}

// python311 returns the path of a CPython 3.11 interpreter or skips.
func python311(t testing.TB) string {
	for _, name := range []string{"python3.11", "python3"} {
		p, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		// sys.executable, not a pyenv shim: a shim re-resolves (slowly)
		// on every run.
		out, err := exec.Command(p, "-c", "import sys; print(sys.version_info[:2] == (3, 11)); print(sys.executable)").Output()
		if f := strings.Fields(string(out)); err == nil && len(f) == 2 && f[0] == "True" {
			return f[1]
		}
	}
	t.Skip("no CPython 3.11 on PATH")
	return ""
}

func TestScripts(t *testing.T) {
	py := python311(t)
	root := repoRoot(t)
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			e.Setenv("PATH", binDir+string(os.PathListSeparator)+filepath.Dir(py)+string(os.PathListSeparator)+"/usr/bin:/bin")
			e.Setenv("PYTHON", py)
			e.Setenv("HOME", e.WorkDir)
			e.Setenv("PKGINSTALL_CACHE_DIR", filepath.Join(e.WorkDir, ".cache"))
			e.Setenv("WHEELS", filepath.Join(root, "testdata", "wheels"))
			e.Setenv("NO_COLOR", "1")
			if pr := os.Getenv("PYENV_ROOT"); pr != "" {
				e.Setenv("PYENV_ROOT", pr)
			}
			return nil
		},
		// [root]: the scripts that give files to another user (uid 65534)
		// need it.
		Condition: func(cond string) (bool, error) {
			if cond == "root" {
				return os.Getuid() == 0, nil
			}
			// [pyenv:3.12]: pyenv has that Python.
			if v, ok := strings.CutPrefix(cond, "pyenv:"); ok {
				return pyenvPythons()[v] != "", nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"httpserve": cmdHTTPServe,
			"mkwheel":   cmdMkwheel,
			// build_test.go: the build backends' index and sdists.
			"backends": cmdBackends,
			"mksdist":  cmdMksdist,
			// hostileindex_test.go: an index that lies or stalls.
			"hostileindex": cmdHostileIndex,
			// serve_cmds_test.go: the serve, download and offline scripts.
			"pkgserve":   serveCmds["pkgserve"],
			"stopserve":  serveCmds["stopserve"],
			"httpfail":   serveCmds["httpfail"],
			"closedport": serveCmds["closedport"],
		},
	})
}

// cmdHTTPServe starts `python3 -m http.server` over a directory in a separate
// process on a free loopback port and sets $INDEX to its simple/ URL and
// $SERVER to its base URL. The server is stopped when the script ends.
//
//	httpserve DIR
func cmdHTTPServe(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: httpserve DIR")
	}
	base, stop, err := startStaticServer(ts.Getenv("PYTHON"), ts.MkAbs(args[0]))
	ts.Check(err)
	ts.Defer(stop)
	ts.Setenv("SERVER", base)
	ts.Setenv("INDEX", base+"/simple/")
}

// startStaticServer runs `python -m http.server` over dir on a free
// loopback port in another process, and returns its base URL and a
// function that stops it.
func startStaticServer(py, dir string) (base string, stop func(), err error) {
	cmd := exec.Command(py, "-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory", dir, "0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop = func() { cmd.Process.Kill(); cmd.Wait() }
	lines := firstLine(stdout)
	select {
	case line := <-lines:
		// "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
		var host string
		var port int
		if _, err := fmt.Sscanf(line, "Serving HTTP on %s port %d", &host, &port); err != nil {
			stop()
			return "", nil, fmt.Errorf("unexpected http.server output %q", line)
		}
		return fmt.Sprintf("http://127.0.0.1:%d", port), stop, nil
	case <-time.After(20 * time.Second):
		stop()
		return "", nil, fmt.Errorf("http.server did not start")
	}
}

// firstLine delivers the first line a process prints (its address, once
// it listens) and keeps reading the rest so the process never blocks.
func firstLine(stdout io.Reader) <-chan string {
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
	}()
	return lines
}

// cmdMkwheel builds a wheel from a JSON wheeltest.Spec into a directory.
//
//	mkwheel DIR SPEC.json...
func cmdMkwheel(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: mkwheel DIR SPEC.json...")
	}
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o755))
	for _, specFile := range args[1:] {
		var spec wheeltest.Spec
		ts.Check(json.Unmarshal([]byte(ts.ReadFile(specFile)), &spec))
		_, err := wheeltest.BuildFile(dir, spec)
		ts.Check(err)
	}
}
