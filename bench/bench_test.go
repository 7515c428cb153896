package main

import (
	"context"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestPreferJSON(t *testing.T) {
	for _, tc := range []struct {
		accept string
		want   bool
	}{
		{"", false},
		{"*/*", false},
		{"text/html", false},
		{mediaJSON, true},
		{"application/vnd.pypi.simple.latest+json", true},
		// pip 23
		{"application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01", true},
		{"application/vnd.pypi.simple.v1+json;q=0.2, text/html", false},
		{"text/html;q=0.5, application/vnd.pypi.simple.v1+json;q=0.5", true},
		{"application/vnd.pypi.simple.v1+json;q=0", false},
		{"application/vnd.pypi.simple.v1+json;q=bogus, text/html;q=0.1", false},
		{"APPLICATION/VND.PYPI.SIMPLE.V1+JSON", true},
	} {
		if got := preferJSON(tc.accept); got != tc.want {
			t.Errorf("preferJSON(%q) = %v, want %v", tc.accept, got, tc.want)
		}
	}
}

// wheelhouse writes the two pages of a one-project index.
func wheelhouse(t *testing.T) string {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"simple/index.html":               "<a href=\"demo/\">demo</a>",
		"simple/demo/index.html":          "<a href=\"../../files/demo-1.0-py3-none-any.whl\">demo</a>",
		"simple-json/index.json":          `{"projects":[{"name":"demo"}]}`,
		"simple-json/demo/index.json":     `{"name":"demo","files":[]}`,
		"files/demo-1.0-py3-none-any.whl": "zip",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestIndexServer(t *testing.T) {
	h := newIndexServer(wheelhouse(t), 0)
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tc := range []struct {
		path, accept string
		status       int
		ctype, body  string
	}{
		{"/simple/", "", 200, "text/html", "demo/"},
		{"/simple/demo/", "text/html", 200, "text/html", "../../files/"},
		{"/simple/demo/", mediaJSON, 200, mediaJSON, `"name":"demo"`},
		{"/simple/", mediaJSON, 200, mediaJSON, `"projects"`},
		{"/simple/demo", mediaJSON, 301, "", ""},
		{"/simple/nope/", mediaJSON, 404, "", ""},
		{"/simple/../../../etc/passwd", mediaJSON, 404, "", ""},
		{"/files/demo-1.0-py3-none-any.whl", mediaJSON, 200, "", "zip"},
	} {
		req, _ := http.NewRequest("GET", srv.URL+tc.path, nil)
		if tc.accept != "" {
			req.Header.Set("Accept", tc.accept)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("GET %s (Accept %q): status %d, want %d", tc.path, tc.accept, resp.StatusCode, tc.status)
			continue
		}
		if tc.ctype != "" && !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.ctype) {
			t.Errorf("GET %s (Accept %q): Content-Type %q, want %q", tc.path, tc.accept, resp.Header.Get("Content-Type"), tc.ctype)
		}
		if !strings.Contains(string(body), tc.body) {
			t.Errorf("GET %s (Accept %q): body %q lacks %q", tc.path, tc.accept, body, tc.body)
		}
	}
	req, _ := http.NewRequest("POST", srv.URL+"/simple/", nil)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", resp.StatusCode)
	}
	if got := h.requests.Load(); got != 9 {
		t.Errorf("requests counted: %d, want 9", got)
	}
	if got := requestCount(context.Background(), srv.URL+"/simple/"); got != 9 {
		t.Errorf("requestCount = %d, want 9 (asking does not count)", got)
	}
	if got := requestCount(context.Background(), "http://127.0.0.1:1/simple/"); got != -1 {
		t.Errorf("requestCount of no server = %d, want -1", got)
	}
}

func TestIndexServerDelay(t *testing.T) {
	const delay = 30 * time.Millisecond
	srv := httptest.NewServer(newIndexServer(wheelhouse(t), delay))
	defer srv.Close()
	start := time.Now()
	resp, err := http.Get(srv.URL + "/simple/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if d := time.Since(start); d < delay {
		t.Errorf("answered after %s, want at least %s", d, delay)
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		in := append([]float64(nil), tc.in...)
		if got := median(in); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
		for i := range in {
			if in[i] != tc.in[i] {
				t.Errorf("median reordered its input: %v", in)
			}
		}
	}
	if !math.IsNaN(median(nil)) {
		t.Error("median(nil) is not NaN")
	}
}

func TestUpdateFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	if err := updateFile(file, "first\n"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(file)
	if !strings.Contains(string(b), markBegin+"\n\nfirst\n\n"+markEnd) {
		t.Fatalf("new file:\n%s", b)
	}
	// Text around the markers survives a second update.
	s := "# Title\n\nintro\n\n" + string(b[strings.Index(string(b), markBegin):]) + "\nclosing note\n"
	if err := os.WriteFile(file, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := updateFile(file, "second\n"); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(file)
	got := string(b)
	for _, want := range []string{"# Title\n\nintro\n\n", "second\n", "\nclosing note\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("updated file lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "first") || strings.Count(got, markBegin) != 1 {
		t.Errorf("old block not replaced:\n%s", got)
	}
}

func TestTargetsNA(t *testing.T) {
	b := &bench{loc: &location{Name: "tmpfs", results: map[string]*result{}}, cfg: config{delay: 20 * time.Millisecond}}
	b.result("pip-nocompile").Samples = []float64{8}
	b.result("pk-cold").Samples = []float64{0.5}
	b.result("cp-r").Samples = []float64{0.4}
	b.result("pk-noop").Samples = []float64{0.03}
	got := map[string]target{}
	for _, tg := range b.targets() {
		got[tg.Name] = tg
	}
	cold := got["cold install vs pip --no-compile (same TMPDIR)"]
	if cold.Met == nil || !*cold.Met || cold.Measured != "16x" {
		t.Errorf("cold target: %+v", cold)
	}
	if floor := got["cold install vs cp -r of the finished tree"]; floor.Met == nil || !*floor.Met || floor.Goal != "≤ 1.5x" {
		t.Errorf("cold floor target on tmpfs, 1.25x: %+v", floor)
	}
	if noop := got["no-op install"]; noop.Met == nil || *noop.Met {
		t.Errorf("no-op target of 30 ms: %+v", noop)
	}
	if w := got["warm install vs pip as users run it (byte-compiling)"]; w.Met != nil || w.Measured != "n/a" {
		t.Errorf("warm target without samples: %+v", w)
	}
	// On disk the cold floor target is "never slower than cp -r".
	b.loc.Name = "disk"
	for _, tg := range b.targets() {
		if tg.Name == "cold install vs cp -r of the finished tree" && (tg.Met == nil || *tg.Met) {
			t.Errorf("1.25x cp -r on disk is slower than the floor: %+v", tg)
		}
	}
}

// TestMarkdownLocations renders a report with a measured and an
// unmeasured location: both appear, the phase table too.
func TestMarkdownLocations(t *testing.T) {
	tmpfs := &location{Name: "tmpfs", FS: "tmpfs", Dir: "/x/tmpfs", results: map[string]*result{}}
	b := &bench{loc: tmpfs, cfg: config{delay: 20 * time.Millisecond, tools: map[string]bool{"pkginstall": true}}}
	b.rep = &report{}
	r := b.result("pk-cold")
	r.Samples = []float64{1, 2, 3}
	r.Phases = map[string][]float64{"resolve": {0.1, 0.2, 0.3}, "total": {1, 2, 3}}
	b.finish()
	disk := &location{Name: "disk", FS: "ext4", Dir: "/x/disk", NA: "skipped", results: map[string]*result{}}
	rep := &report{Locations: []*location{tmpfs, disk}, Command: "go run ./bench"}
	md := rep.markdown()
	for _, want := range []string{"### On tmpfs (tmpfs, `/x/tmpfs`)", "| pk-cold | 200 ms | n/a |", "### On disk (ext4, `/x/disk`)", "Not measured: skipped."} {
		if !strings.Contains(md, want) {
			t.Errorf("no %q in\n%s", want, md)
		}
	}
}

func TestRunTimed(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	ctx := context.Background()
	s, err := runTimed(ctx, execSpec{Args: []string{sh, "-c", "exit 0"}}, time.Minute)
	if err != nil || s.Wall <= 0 {
		t.Fatalf("runTimed(exit 0) = %+v, %v", s, err)
	}
	if runtime.GOOS == "linux" && s.MaxRSS <= 0 {
		t.Errorf("no peak RSS: %+v", s)
	}
	_, err = runTimed(ctx, execSpec{Args: []string{sh, "-c", "echo why it failed >&2; exit 3"}}, time.Minute)
	if err == nil || !strings.Contains(err.Error(), "why it failed") || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("failure not reported with its output: %v", err)
	}
	// A timeout ends the command and what it started, and does not wait for
	// the grandchild's copy of the output pipe.
	start := time.Now()
	_, err = runTimed(ctx, execSpec{Args: []string{sh, "-c", "sleep 30 & sleep 30"}}, 200*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("timeout not reported: %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("timeout took %s", d)
	}
}
