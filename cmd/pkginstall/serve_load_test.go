package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pkginstall/pkginstall/serve"
)

// statusLog counts the statuses in serve's request log.
type statusLog struct {
	mu     sync.Mutex
	counts map[string]int
	bad    []string
}

func (l *statusLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range strings.Split(strings.TrimSpace(string(p)), "\n") {
		// "2026/01/02 15:04:05 127.0.0.1 GET /simple/x/ 200 1234 1ms"
		f := strings.Fields(line)
		if len(f) < 6 {
			continue
		}
		st := f[5]
		l.counts[st]++
		if !strings.HasPrefix(st, "2") && st != "304" {
			l.bad = append(l.bad, line)
		}
	}
	return len(p), nil
}

// loadRun is one load test: clients × `pkginstall install reqs` at once,
// each into its own project with its own cache, from one serve.Server.
type loadRun struct {
	wheels  string
	clients int
	reqs    []string
	timeout time.Duration
}

func (lr loadRun) run(t *testing.T) {
	py := python311(t)
	log := &statusLog{counts: map[string]int{}}
	srv, err := serve.New(lr.wheels, serve.Options{Log: log, Warn: func(m string) { t.Logf("serve: warning: %s", m) }})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0") // loopback only
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), lr.timeout)
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	indexURL := "http://" + ln.Addr().String() + "/simple/"

	tmp := t.TempDir()
	type result struct {
		d   time.Duration
		err error
		out string
	}
	results := make([]result, lr.clients)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range lr.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			proj := filepath.Join(tmp, fmt.Sprintf("client%02d", i))
			if err := os.MkdirAll(proj, 0o755); err != nil {
				results[i].err = err
				return
			}
			args := append([]string{"--python", py, "--cache-dir", filepath.Join(proj, ".cache"), "--no-progress",
				"install", "--index-url", indexURL}, lr.reqs...)
			cmd := exec.CommandContext(ctx, filepath.Join(binDir, "pkginstall"), args...)
			cmd.Dir = proj
			cmd.Env = append(os.Environ(), "NO_COLOR=1", "HOME="+proj, "PKGINSTALL_PYTHON=", "VIRTUAL_ENV=")
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			t0 := time.Now()
			err := cmd.Run()
			results[i] = result{d: time.Since(t0), err: err, out: out.String()}
		}()
	}
	wg.Wait()
	total := time.Since(start)
	cancel()
	if err := <-served; err != nil {
		t.Errorf("serve: %v", err)
	}

	var ds []time.Duration
	failures := 0
	for i, r := range results {
		if r.err != nil {
			failures++
			t.Errorf("client %d: %v\n%s", i, r.err, r.out)
		}
		ds = append(ds, r.d)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	log.mu.Lock()
	defer log.mu.Unlock()
	for _, b := range log.bad {
		t.Errorf("serve answered: %s", b)
	}
	t.Logf("%d clients × install %s: total %s, per client min %s median %s max %s; %d failed; %d requests %v",
		lr.clients, strings.Join(lr.reqs, " "), total.Round(time.Millisecond), ds[0].Round(time.Millisecond),
		ds[len(ds)/2].Round(time.Millisecond), ds[len(ds)-1].Round(time.Millisecond), failures, srv.Requests(), log.counts)
}

// TestServeLoadLight: five clients install the demo wheels from one
// server at once. Always on (small enough for CI's two cores).
func TestServeLoadLight(t *testing.T) {
	dir := t.TempDir()
	for _, fn := range []string{"pkginstall_demo-1.0-py3-none-any.whl", "pkginstall_demo_dep-1.0-py3-none-any.whl", "pkginstall_alldata-1.0-py3-none-any.whl"} {
		b, err := os.ReadFile(filepath.Join(repoRoot(t), "testdata", "wheels", fn))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fn), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	loadRun{wheels: dir, clients: 5, reqs: []string{"pkginstall-demo", "pkginstall-alldata"}, timeout: 2 * time.Minute}.run(t)
}

// TestServeLoadHeavy: 30 clients install the 55-distribution set at once.
// Opt-in: PKGINSTALL_LOADTEST=1 and PKGINSTALL_LOADTEST_WHEELS=DIR, a
// folder holding the wheels (the files/ folder that
// `mkwheelhouse OUT --add-wheels /usr/share/python-wheels` writes).
func TestServeLoadHeavy(t *testing.T) {
	if os.Getenv("PKGINSTALL_LOADTEST") != "1" {
		t.Skip("set PKGINSTALL_LOADTEST=1 and PKGINSTALL_LOADTEST_WHEELS=DIR to run")
	}
	dir := os.Getenv("PKGINSTALL_LOADTEST_WHEELS")
	if dir == "" {
		t.Fatal("PKGINSTALL_LOADTEST_WHEELS must name a folder of wheels")
	}
	loadRun{
		wheels:  dir,
		clients: 30,
		reqs:    []string{"boto3", "flask", "sympy", "networkx", "pydantic", "moto", "ipython", "jsonschema"},
		timeout: 10 * time.Minute,
	}.run(t)
}
