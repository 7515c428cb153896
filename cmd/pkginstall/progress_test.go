package main

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pkginstall/pkginstall/internal/wheeltest"
)

// slowWheels builds a wheel of about size bytes (incompressible, stored)
// for each name into a new directory and returns it.
func slowWheels(t *testing.T, size int, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, name := range names {
		blob := make([]byte, size)
		for i := range blob {
			blob[i] = byte(rng.Uint32())
		}
		mod := strings.ReplaceAll(name, "-", "_")
		if _, err := wheeltest.BuildFile(dir, wheeltest.Spec{Name: name, Version: "1.0", Files: []wheeltest.File{
			{Path: mod + "/__init__.py", Content: ""},
			{Path: mod + "/blob.bin", Content: string(blob), Store: true},
		}}); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// pkginstallCmd is the binary run in a new project with its own HOME and
// cache (returned too).
func pkginstallCmd(t *testing.T, args ...string) (cmd *exec.Cmd, proj, cacheDir string) {
	home, proj := t.TempDir(), t.TempDir()
	cacheDir = filepath.Join(home, "cache")
	cmd = exec.Command(filepath.Join(binDir, "pkginstall"), args...)
	cmd.Dir = proj
	cmd.Env = append(os.Environ(), "HOME="+home, "PKGINSTALL_CACHE_DIR="+cacheDir, "CI=", "TERM=xterm")
	return cmd, proj, cacheDir
}

// inTerminal runs cmd with a pseudo-terminal as its stdin, stdout and
// stderr (util-linux script(1)) and returns what the terminal showed.
func inTerminal(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("no script(1) to give the command a terminal")
	}
	var line []string
	for _, a := range cmd.Args {
		line = append(line, "'"+strings.ReplaceAll(a, "'", `'\''`)+"'")
	}
	// script's terminal has no size (its stdin is no terminal): give it
	// one, as a terminal window has.
	tty := exec.Command(script, "-qefc", "stty cols 100 rows 30; "+strings.Join(line, " "), "/dev/null")
	tty.Dir, tty.Env = cmd.Dir, cmd.Env
	var out bytes.Buffer
	tty.Stdout, tty.Stderr = &out, &out
	if err := tty.Run(); err != nil {
		t.Fatalf("%v: %v\n%s", cmd.Args, err, out.String())
	}
	return out.String()
}

// TestProgressOnlyOnTerminal: on a terminal, a slow install shows the live
// display (a bar for the packages with the bytes received, a bar of its own
// for a large wheel) and ends with the phase times; piped, or with
// --no-progress, the same install prints only the lines.
func TestProgressOnlyOnTerminal(t *testing.T) {
	py := python311(t)
	wheels := slowWheels(t, 700<<10, "big-pkg", "small-pkg")
	base, stop, err := startHostileIndex(wheels, filepath.Join(t.TempDir(), "index.log"), "-mode", "slow")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	args := []string{"--python", py, "--index-url", base + "/simple/", "install", "big-pkg", "small-pkg"}

	cmd, _, _ := pkginstallCmd(t, args...)
	shown := inTerminal(t, cmd)
	for _, want := range []string{"Preparing", "received", "big_pkg-1.0-py3-none-any.whl", "\x1b[", "Prepared 2 packages in", "Installed 2 packages in"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the terminal did not show %q:\n%q", want, shown)
		}
	}

	cmd, _, _ = pkginstallCmd(t, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	piped := stderr.String()
	if strings.Contains(piped, "\x1b") || strings.Contains(piped, "Preparing") || !strings.Contains(piped, "Prepared 2 packages in") {
		t.Errorf("piped stderr:\n%q", piped)
	}

	cmd, _, _ = pkginstallCmd(t, append([]string{"--no-progress"}, args...)...)
	if quiet := inTerminal(t, cmd); strings.Contains(quiet, "\x1b[") || strings.Contains(quiet, "Preparing") {
		t.Errorf("--no-progress on a terminal:\n%q", quiet)
	}
}

// interruptInstall runs `pkginstall install names...` against a hostile
// index in mode over wheels, sends SIGINT once the server logs "MARK
// /files/<first wheel>" (MARK: STALL or SLOW) and 300 ms more have passed,
// and returns how long the exit took, the exit status and stderr. It
// checks that nothing of the wheels is left in the cache (no .partial, no
// wheel, no unpacked tree) nor installed in the project.
func interruptInstall(t *testing.T, wheels, mode, mark string, names ...string) (time.Duration, int, string) {
	t.Helper()
	py := python311(t)
	logPath := filepath.Join(t.TempDir(), "index.log")
	base, stop, err := startHostileIndex(wheels, logPath, "-mode", mode)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	cmd, proj, cacheDir := pkginstallCmd(t, append([]string{"--python", py, "--timeout", "600",
		"--index-url", base + "/simple/", "install"}, names...)...)
	var stderr lockedBuf
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	first := strings.ReplaceAll(names[0], "-", "_") + "-1.0-py3-none-any.whl"
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if b, _ := os.ReadFile(logPath); strings.Contains(string(b), mark+" /files/"+first) {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the download never started; stderr:\n%s", stderr.String())
		}
	}
	time.Sleep(300 * time.Millisecond) // the client is now reading the bodies
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	var took time.Duration
	code := 0
	select {
	case err := <-exited:
		took = time.Since(sent)
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("SIGINT did not end the install; stderr:\n%s", stderr.String())
	}
	t.Logf("exit %d after %v; stderr:\n%s", code, took, stderr.String())
	if strings.Contains(stderr.String(), "goroutine ") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	filepath.WalkDir(cacheDir, func(p string, d os.DirEntry, err error) error {
		for _, name := range names {
			if err == nil && (strings.HasSuffix(p, ".partial") || strings.Contains(p, strings.ReplaceAll(name, "-", "_"))) {
				t.Errorf("left %s", p)
			}
		}
		return nil
	})
	for _, name := range names {
		if _, err := os.Stat(filepath.Join(proj, "__pypackages__", "3.11", "lib", strings.ReplaceAll(name, "-", "_"))); err == nil {
			t.Errorf("%s installed", name)
		}
	}
	return took, code, stderr.String()
}

// TestInterruptDuringDownloads: Ctrl-C while several wheels are arriving
// ends the run within 0.5 s with status 130 and "error: interrupted",
// leaving nothing in the cache or the project (issue 16).
func TestInterruptDuringDownloads(t *testing.T) {
	wheels := slowWheels(t, 2<<20, "dl-a", "dl-b", "dl-c", "dl-d")
	took, code, stderr := interruptInstall(t, wheels, "slow", "SLOW", "dl-a", "dl-b", "dl-c", "dl-d")
	if code != 130 || !strings.Contains(stderr, "error: interrupted") {
		t.Errorf("exit %d, stderr:\n%s; want 130 and error: interrupted", code, stderr)
	}
	if took > 500*time.Millisecond {
		t.Errorf("the exit took %v after SIGINT, want at most 0.5s", took)
	}
}
