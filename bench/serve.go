package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pkginstall/pkginstall/internal/procgroup"
)

// Media types of the simple repository API (PEP 691).
const (
	mediaJSON = "application/vnd.pypi.simple.v1+json"
	mediaHTML = "application/vnd.pypi.simple.v1+html"
)

// indexServer serves a wheelhouse (internal/wheelhouse) as a static index:
// every file under root as it is, except that a request for /simple/ or
// /simple/<project>/ whose Accept header prefers PEP 691 JSON is answered
// with simple-json/.../index.json. Each request first waits delay, like a
// distant index would. Connections are kept alive and, as Go always does for
// TCP, Nagle's algorithm is off.
type indexServer struct {
	root     string
	delay    time.Duration
	files    http.Handler
	requests atomic.Int64
}

func newIndexServer(root string, delay time.Duration) *indexServer {
	return &indexServer{root: root, delay: delay, files: http.FileServer(http.Dir(root))}
}

// requestsPath answers with the number of requests served so far (itself
// not counted, not delayed), so the harness can count each run's requests.
const requestsPath = "/-/requests"

func (s *indexServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == requestsPath {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintln(w, s.requests.Load())
		return
	}
	s.requests.Add(1)
	if s.delay > 0 {
		t := time.NewTimer(s.delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := path.Clean("/" + r.URL.Path)
	if p == "/simple" || strings.HasPrefix(p, "/simple/") {
		w.Header().Add("Vary", "Accept")
		// As PyPI's pages say: a client may use them for ten minutes
		// without asking again.
		w.Header().Set("Cache-Control", "max-age=600, public")
		if preferJSON(r.Header.Get("Accept")) {
			s.serveJSON(w, r, strings.TrimPrefix(p, "/simple"))
			return
		}
	}
	s.files.ServeHTTP(w, r)
}

// serveJSON answers /simple<rel>/ with simple-json<rel>/index.json.
func (s *indexServer) serveJSON(w http.ResponseWriter, r *http.Request, rel string) {
	if !strings.HasSuffix(r.URL.Path, "/") {
		http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
		return
	}
	if strings.Count(rel, "/") > 1 {
		http.NotFound(w, r)
		return
	}
	name := filepath.Join(s.root, "simple-json", filepath.FromSlash(rel), "index.json")
	f, err := os.Open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", mediaJSON)
	http.ServeContent(w, r, "index.json", st.ModTime(), f)
}

// preferJSON reports whether an Accept header asks for PEP 691 JSON at least
// as strongly as for HTML. "*/*" and a missing header count for HTML only,
// as a static server would answer them.
func preferJSON(accept string) bool {
	var qJSON, qHTML float64
	if strings.TrimSpace(accept) == "" {
		return false
	}
	for _, part := range strings.Split(accept, ",") {
		fields := strings.Split(part, ";")
		media := strings.ToLower(strings.TrimSpace(fields[0]))
		q := 1.0
		for _, param := range fields[1:] {
			k, v, ok := strings.Cut(strings.TrimSpace(param), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0
				}
				q = f
			}
		}
		switch media {
		case mediaJSON, "application/vnd.pypi.simple.latest+json":
			qJSON = max(qJSON, q)
		case mediaHTML, "application/vnd.pypi.simple.latest+html", "text/html", "*/*":
			qHTML = max(qHTML, q)
		}
	}
	return qJSON > 0 && qJSON >= qHTML
}

// serveMain runs the index server in this process until ctx ends. It prints
// the base URL of the index ("http://127.0.0.1:PORT/simple/") as its first
// line on stdout, and the number of requests served on stderr at the end.
func serveMain(ctx context.Context, dir, addr string, delay time.Duration) error {
	if _, err := os.Stat(filepath.Join(dir, "simple", "index.html")); err != nil {
		return fmt.Errorf("serve %s: not a wheelhouse (no simple/index.html)", dir)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	h := newIndexServer(dir, delay)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 30 * time.Second, IdleTimeout: 5 * time.Minute}
	fmt.Printf("http://%s/simple/\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		fmt.Fprintf(os.Stderr, "bench serve: %d requests\n", h.requests.Load())
		return nil
	}
}

// server is a running index server subprocess.
type server struct {
	URL   string
	cmd   *exec.Cmd
	delay time.Duration
	done  chan error
	stop  sync.Once
}

// startServer runs this program again with -serve, in its own process, and
// waits for it to print its URL.
func startServer(ctx context.Context, dir string, delay time.Duration) (*server, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("start server: %w", err)
	}
	cmd := exec.CommandContext(ctx, exe, "-serve", "-wheelhouse", dir, "-addr", "127.0.0.1:0", "-delay", delay.String())
	cmd.Stderr = os.Stderr
	procgroup.DieWithParent(cmd)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("start server: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start server: %w", err)
	}
	s := &server{cmd: cmd, delay: delay, done: make(chan error, 1)}
	lines := make(chan string, 1)
	go func() {
		br := bufio.NewReader(out)
		line, _ := br.ReadString('\n')
		lines <- strings.TrimSpace(line)
		_, _ = io.Copy(io.Discard, br)
	}()
	go func() { s.done <- cmd.Wait() }()
	select {
	case line := <-lines:
		if !strings.HasPrefix(line, "http://") {
			s.Stop()
			return nil, fmt.Errorf("start server: unexpected first line %q", line)
		}
		s.URL = line
	case err := <-s.done:
		return nil, fmt.Errorf("start server: exited before listening: %v", err)
	case <-time.After(30 * time.Second):
		s.Stop()
		return nil, errors.New("start server: no URL after 30s")
	}
	if err := checkServer(ctx, s.URL); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// checkServer asks the server for the project list in both formats.
func checkServer(ctx context.Context, url string) error {
	for _, accept := range []string{"text/html", mediaJSON} {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Accept", accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return fmt.Errorf("index server %s: %w", url, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		ct := resp.Header.Get("Content-Type")
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("index server %s: status %s for Accept %s", url, resp.Status, accept)
		}
		if accept == mediaJSON && ct != mediaJSON {
			return fmt.Errorf("index server %s: answered %q to a PEP 691 request", url, ct)
		}
	}
	return nil
}

// requestCount asks the server at index URL how many requests it has
// served; -1 if it cannot tell.
func requestCount(ctx context.Context, url string) int64 {
	base := strings.TrimSuffix(strings.TrimSuffix(url, "/"), "/simple")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+requestsPath, nil)
	if err != nil {
		return -1
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64))
	if err != nil || resp.StatusCode != http.StatusOK {
		return -1
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// Stop ends the server process (by its own pid) and waits for it.
func (s *server) Stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	s.stop.Do(func() {
		_ = s.cmd.Process.Signal(os.Interrupt)
		select {
		case <-s.done:
		case <-time.After(3 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
}
