package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// serveCmds are the testscript commands of the serve, download and offline
// scripts.
var serveCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"pkgserve":   cmdPkgServe,
	"stopserve":  cmdStopServe,
	"httpfail":   cmdHTTPFail,
	"closedport": cmdClosedPort,
}

// lockedBuf collects a process's stderr while it runs.
type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type runningServe struct {
	cmd  *exec.Cmd
	log  *lockedBuf
	done chan error
}

var servers sync.Map // *testscript.TestScript -> *runningServe

// cmdPkgServe starts `pkginstall serve --addr 127.0.0.1:0 DIR` in the
// background and sets $INDEX (its simple/ URL) and $SERVER (its base URL).
// stopserve stops it; otherwise it is killed when the script ends.
//
//	pkgserve DIR
func cmdPkgServe(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: pkgserve DIR")
	}
	cmd := exec.Command(filepath.Join(binDir, "pkginstall"), "serve", "--addr", "127.0.0.1:0", ts.MkAbs(args[0]))
	cmd.Env = os.Environ()
	cmd.Env = append(cmd.Env, "NO_COLOR=1")
	pr, pw, err := os.Pipe()
	ts.Check(err)
	cmd.Stderr = pw
	ts.Check(cmd.Start())
	pw.Close()
	rs := &runningServe{cmd: cmd, log: &lockedBuf{}, done: make(chan error, 1)}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			rs.log.Write([]byte(line + "\n"))
			if u, ok := strings.CutPrefix(line, "index URL: "); ok {
				select {
				case urls <- u:
				default:
				}
			}
		}
	}()
	go func() { rs.done <- cmd.Wait() }()
	servers.Store(ts, rs)
	ts.Defer(func() {
		cmd.Process.Kill()
		<-rs.done
		servers.Delete(ts)
	})
	select {
	case u := <-urls:
		ts.Setenv("INDEX", u)
		ts.Setenv("SERVER", strings.TrimSuffix(u, "/simple/"))
	case err := <-rs.done:
		rs.done <- err
		ts.Fatalf("pkginstall serve exited: %v\n%s", err, rs.log.String())
	case <-time.After(20 * time.Second):
		ts.Fatalf("pkginstall serve did not start:\n%s", rs.log.String())
	}
}

// cmdStopServe sends SIGINT to the server started by pkgserve, expects it
// to exit 0 within a few seconds, and writes what it printed to FILE.
//
//	stopserve FILE
func cmdStopServe(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: stopserve FILE")
	}
	v, ok := servers.Load(ts)
	if !ok {
		ts.Fatalf("no server running")
	}
	rs := v.(*runningServe)
	ts.Check(rs.cmd.Process.Signal(syscall.SIGINT))
	select {
	case err := <-rs.done:
		rs.done <- err
		// Let the reader goroutine take the last lines.
		time.Sleep(100 * time.Millisecond)
		ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(rs.log.String()), 0o644))
		if err != nil {
			ts.Fatalf("serve exited with %v after SIGINT:\n%s", err, rs.log.String())
		}
	case <-time.After(10 * time.Second):
		ts.Fatalf("serve did not stop after SIGINT")
	}
}

// cmdHTTPFail starts, in a separate Python process, a server that answers
// every request with the given status, and sets $FAILINDEX to its simple/
// URL with a user name and password in it (which must never be printed).
//
//	httpfail STATUS
func cmdHTTPFail(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: httpfail STATUS")
	}
	code := `import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(int(sys.argv[1]))
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
`
	cmd := exec.Command(ts.Getenv("PYTHON"), "-c", code, args[0])
	stdout, err := cmd.StdoutPipe()
	ts.Check(err)
	ts.Check(cmd.Start())
	ts.Defer(func() { cmd.Process.Kill(); cmd.Wait() })
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			port <- sc.Text()
		}
	}()
	select {
	case p := <-port:
		ts.Setenv("FAILINDEX", fmt.Sprintf("http://user:s3cret@127.0.0.1:%s/simple/", strings.TrimSpace(p)))
	case <-time.After(20 * time.Second):
		ts.Fatalf("failing server did not start")
	}
}

// cmdClosedPort sets $CLOSED to a simple/ URL on a loopback port nobody
// listens on.
//
//	closedport
func cmdClosedPort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: closedport")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	addr := ln.Addr().String()
	ln.Close()
	ts.Setenv("CLOSED", "http://user:s3cret@"+addr+"/simple/")
}
