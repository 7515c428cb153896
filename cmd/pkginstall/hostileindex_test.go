package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pkginstall/pkginstall/internal/hostileindex"
	"github.com/pkginstall/pkginstall/internal/wheeltest"
)

// hostileEnv, set in the environment of a re-executed test binary, makes
// it run a hostile index server instead of the tests.
const hostileEnv = "PKGINSTALL_TEST_HOSTILE_INDEX"

// runHostileIndexIfAsked is called first by TestMain: in the child process
// it serves until its stdin closes, then exits.
func runHostileIndexIfAsked() {
	if os.Getenv(hostileEnv) != "1" {
		return
	}
	if err := hostileindex.Main(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "hostileindex:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// cmdHostileIndex starts a hostile index (internal/hostileindex) in another
// process (this test binary, re-executed) over the wheels of DIR, sets $NAME
// to its base URL, and logs its requests to $WORK/NAME.log. The server
// stops when the script ends.
//
//	hostileindex NAME DIR [-mode MODE] [other hostileindex flags]
func cmdHostileIndex(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: hostileindex NAME DIR [flags]")
	}
	name := args[0]
	base, stop, err := startHostileIndex(ts.MkAbs(args[1]), filepath.Join(ts.Getenv("WORK"), name+".log"), args[2:]...)
	ts.Check(err)
	ts.Defer(stop)
	ts.Setenv(name, base)
}

// startHostileIndex runs a hostile index over the wheels of dir, logging
// its requests to logPath, and returns its base URL and a function that
// stops it.
func startHostileIndex(dir, logPath string, flags ...string) (base string, stop func(), err error) {
	cmd := exec.Command(os.Args[0], append([]string{"-dir", dir, "-log", logPath}, flags...)...)
	cmd.Env = append(os.Environ(), hostileEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	stop = func() {
		stdin.Close()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
	lines := firstLine(stdout)
	select {
	case line := <-lines:
		base, ok := strings.CutPrefix(line, "listening ")
		if !ok {
			stop()
			return "", nil, fmt.Errorf("hostile index said %q", line)
		}
		return base, stop, nil
	case <-done:
		return "", nil, fmt.Errorf("hostile index exited")
	case <-time.After(20 * time.Second):
		stop()
		return "", nil, fmt.Errorf("hostile index did not start")
	}
}

// TestInterruptStalledDownload: Ctrl-C (SIGINT) ends an install whose
// download has stalled at once, long before --timeout, with an error and
// no .partial file left in the cache (issue 11 point 5).
func TestInterruptStalledDownload(t *testing.T) {
	py := python311(t)
	wheels := t.TempDir()
	if _, err := wheeltest.BuildFile(wheels, wheeltest.Spec{Name: "net-pkg", Version: "1.0",
		Files: []wheeltest.File{{Path: "net_pkg/__init__.py", Content: ""}}}); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(t.TempDir(), "index.log")
	base, stop, err := startHostileIndex(wheels, logPath, "-mode", "stall")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	home, proj := t.TempDir(), t.TempDir()
	cacheDir := filepath.Join(home, "cache")
	cmd := exec.Command(filepath.Join(binDir, "pkginstall"), "--python", py, "--timeout", "600",
		"--index-url", base+"/simple/", "install", "net-pkg")
	cmd.Dir = proj
	cmd.Env = append(os.Environ(), "HOME="+home, "PKGINSTALL_CACHE_DIR="+cacheDir, "NO_COLOR=1")
	var stderr lockedBuf
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Wait until the server holds the download stalled.
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if b, _ := os.ReadFile(logPath); strings.Contains(string(b), "STALL /files/net_pkg-1.0-py3-none-any.whl") {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the download never started; stderr:\n%s", stderr.String())
		}
	}
	time.Sleep(200 * time.Millisecond) // the client is now reading the body
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() == 0 {
			t.Errorf("exit: %v, want a failure", err)
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("SIGINT did not end the stalled install; stderr:\n%s", stderr.String())
	}
	t.Logf("stderr:\n%s", stderr.String())
	if !strings.Contains(stderr.String(), "error: ") || strings.Contains(stderr.String(), "goroutine ") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	filepath.WalkDir(cacheDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && (strings.HasSuffix(p, ".partial") || strings.Contains(p, "net_pkg")) {
			t.Errorf("left %s", p)
		}
		return nil
	})
	if _, err := os.Stat(filepath.Join(proj, "__pypackages__", "3.11", "lib", "net_pkg")); err == nil {
		t.Errorf("net_pkg installed")
	}
}
