package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
	wheels := t.TempDir()
	if _, err := wheeltest.BuildFile(wheels, wheeltest.Spec{Name: "net-pkg", Version: "1.0",
		Files: []wheeltest.File{{Path: "net_pkg/__init__.py", Content: ""}}}); err != nil {
		t.Fatal(err)
	}
	_, code, stderr := interruptInstall(t, wheels, "stall", "STALL", "net-pkg")
	if code == 0 || !strings.Contains(stderr, "error: ") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}
