package serve

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pkginstall/pkginstall/internal/wheeltest"
)

// folder writes wheels built from specs into a new temporary folder.
func folder(t *testing.T, specs ...wheeltest.Spec) string {
	t.Helper()
	dir := t.TempDir()
	for _, s := range specs {
		if _, err := wheeltest.BuildFile(dir, s); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func demo(name, version string) wheeltest.Spec {
	return wheeltest.Spec{Name: name, Version: version, Files: []wheeltest.File{{Path: wheeltest.EscapeName(name) + "/__init__.py", Content: "x = 1\n"}}}
}

type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) add(m string) { w.mu.Lock(); w.msgs = append(w.msgs, m); w.mu.Unlock() }
func (w *warnings) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.msgs...)
}

func newTestServer(t *testing.T, dir string) (*Server, *httptest.Server, *warnings, *logBuf) {
	t.Helper()
	ws := &warnings{}
	lb := &logBuf{}
	s, err := New(dir, Options{Warn: ws.add, Log: lb})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(func() { hs.Close(); s.Close() })
	return s, hs, ws, lb
}

type logBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func get(t *testing.T, url, accept string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultTransport.RoundTrip(req) // no redirects followed
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestJSONProjectPage(t *testing.T) {
	a1 := demo("Foo.Bar", "1.0")
	a2 := demo("Foo.Bar", "2.0")
	a2.RequiresPython = ">=3.8,<4"
	dir := folder(t, a1, a2, demo("other", "0.1"))
	_, hs, _, lb := newTestServer(t, dir)

	resp, body := get(t, hs.URL+"/simple/foo-bar/", ContentTypeJSON)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ContentTypeJSON {
		t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var page struct {
		Meta     map[string]string `json:"meta"`
		Name     string            `json:"name"`
		Versions []string          `json:"versions"`
		Files    []map[string]any  `json:"files"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatal(err)
	}
	if page.Meta["api-version"] != "1.1" || page.Name != "foo-bar" || strings.Join(page.Versions, " ") != "1.0 2.0" {
		t.Fatalf("page = %+v", page)
	}
	if len(page.Files) != 2 {
		t.Fatalf("files = %v", page.Files)
	}
	f := page.Files[1]
	fn := a2.Filename()
	raw, err := os.ReadFile(filepath.Join(dir, fn))
	if err != nil {
		t.Fatal(err)
	}
	if f["filename"] != fn || f["url"] != "../../files/"+fn || f["yanked"] != false || f["size"] != float64(len(raw)) {
		t.Errorf("file entry %v", f)
	}
	if f["hashes"].(map[string]any)["sha256"] != sha(raw) {
		t.Errorf("hashes %v, want %s", f["hashes"], sha(raw))
	}
	if f["requires-python"] != ">=3.8,<4" {
		t.Errorf("requires-python %v", f["requires-python"])
	}
	if _, ok := page.Files[0]["requires-python"]; ok {
		t.Errorf("requires-python given for a wheel without one: %v", page.Files[0])
	}
	if _, err := time.Parse(time.RFC3339Nano, f["upload-time"].(string)); err != nil {
		t.Errorf("upload-time: %v", err)
	}
	// The metadata file is the wheel's METADATA and its hash is the one listed.
	mdHash := f["core-metadata"].(map[string]any)["sha256"]
	if f["dist-info-metadata"].(map[string]any)["sha256"] != mdHash {
		t.Errorf("dist-info-metadata and core-metadata differ: %v", f)
	}
	resp, md := get(t, hs.URL+"/files/"+fn+".metadata", "")
	if resp.StatusCode != 200 || sha(md) != mdHash || !strings.Contains(string(md), "Requires-Python: >=3.8,<4") {
		t.Errorf("metadata: %d %q (sha %s, listed %v)", resp.StatusCode, md, sha(md), mdHash)
	}
	resp, whl := get(t, hs.URL+"/files/"+fn, "")
	if resp.StatusCode != 200 || sha(whl) != sha(raw) || resp.Header.Get("ETag") != `"`+sha(raw)+`"` {
		t.Errorf("wheel: %d, etag %q", resp.StatusCode, resp.Header.Get("ETag"))
	}
	if !strings.Contains(lb.String(), "GET /files/"+fn+" 200 "+fmt.Sprint(len(raw))+" ") {
		t.Errorf("no log line for the wheel in:\n%s", lb.String())
	}
}

func TestHTMLPages(t *testing.T) {
	s := demo("esc", "1.0")
	s.RequiresPython = `>=3.8,!=3.9.*,<"4"&`
	dir := folder(t, s)
	_, hs, _, _ := newTestServer(t, dir)
	resp, body := get(t, hs.URL+"/simple/esc/", "text/html")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	raw, _ := os.ReadFile(filepath.Join(dir, s.Filename()))
	for _, want := range []string{
		`href="../../files/` + s.Filename() + `#sha256=` + sha(raw) + `"`,
		`data-requires-python="&gt;=3.8,!=3.9.*,&lt;&#34;4&#34;&amp;"`,
		`data-dist-info-metadata="sha256=`,
		`data-core-metadata="sha256=`,
		`<meta name="pypi:repository-version" content="1.1">`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("page lacks %s:\n%s", want, body)
		}
	}
	resp, body = get(t, hs.URL+"/simple/", ContentTypeHTMLv1)
	if resp.Header.Get("Content-Type") != ContentTypeHTMLv1 || !strings.Contains(string(body), `<a href="esc/">esc</a>`) {
		t.Errorf("list: %q\n%s", resp.Header.Get("Content-Type"), body)
	}
	resp, body = get(t, hs.URL+"/simple/", ContentTypeJSON)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"projects":[{"name":"esc"}]`) {
		t.Errorf("JSON list: %s", body)
	}
}

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct {
		accept, query string
		want          int
		ok            bool
	}{
		{"", "", fmtHTML, true},
		{"*/*", "", fmtHTML, true},
		{"text/html", "", fmtHTML, true},
		{ContentTypeJSON, "", fmtJSON, true},
		{"application/vnd.pypi.simple.latest+json", "", fmtJSON, true},
		{ContentTypeHTMLv1, "", fmtHTMLv1, true},
		{"application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01", "", fmtJSON, true},
		{"text/html, application/vnd.pypi.simple.v1+json;q=0.5", "", fmtHTML, true},
		{"application/vnd.pypi.simple.v1+json;q=0, text/html;q=0.1", "", fmtHTML, true},
		{"application/json", "", 0, false},
		{"application/vnd.pypi.simple.v2+json", "", 0, false},
		{"text/html", "format=" + url.QueryEscape(ContentTypeJSON), fmtJSON, true},
	} {
		r := httptest.NewRequest("GET", "/simple/?"+tc.query, nil)
		if tc.accept != "" {
			r.Header.Set("Accept", tc.accept)
		}
		got, ok := negotiate(r)
		if ok != tc.ok || ok && got != tc.want {
			t.Errorf("negotiate(%q, %q) = %d, %v; want %d, %v", tc.accept, tc.query, got, ok, tc.want, tc.ok)
		}
	}
}

func TestRoutes(t *testing.T) {
	dir := folder(t, demo("foo-bar", "1.0"))
	if err := os.WriteFile(filepath.Join(filepath.Dir(dir), "secret.whl"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, hs, _, _ := newTestServer(t, dir)
	fn := demo("foo-bar", "1.0").Filename()
	for _, tc := range []struct {
		path     string
		status   int
		location string
	}{
		{"/", 301, "/simple/"},
		{"/simple", 301, "/simple/"},
		{"/simple/Foo_Bar/", 301, "/simple/foo-bar/"},
		{"/simple/foo-bar", 301, "/simple/foo-bar/"},
		{"/simple/foo-bar/", 200, ""},
		{"/simple/nothing/", 404, ""},
		{"/files/" + fn, 200, ""},
		{"/files/" + fn + ".metadata", 200, ""},
		{"/files/nothing.whl", 404, ""},
		{"/files/nothing.whl.metadata", 404, ""},
		{"/elsewhere", 404, ""},
		// Path traversal, every spelling: refused before any lookup.
		{"/files/../secret.whl", 400, ""},
		{"/files/%2e%2e/secret.whl", 400, ""},
		{"/files/%2E%2E/secret.whl", 400, ""},
		{"/files/..%2fsecret.whl", 400, ""},
		{"/files/%2e%2e%2fsecret.whl", 400, ""},
		{"/files/..%5csecret.whl", 400, ""},
		{"/files/%2fetc%2fpasswd", 400, ""},
		{"/files//etc/passwd", 400, ""},
		{"//etc/passwd", 400, ""},
		{"/files/./" + fn, 400, ""},
		{"/files/%00", 400, ""},
		{"/files/%zz", 400, ""},
		{"/simple/../../etc/", 400, ""},
		{"/files/" + dir + "/" + fn, 400, ""},
	} {
		// Sent raw, as curl --path-as-is would: no client-side cleaning.
		conn, err := net.Dial("tcp", strings.TrimPrefix(hs.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", tc.path)
		b, _ := io.ReadAll(conn)
		conn.Close()
		var status int
		fmt.Sscanf(string(b), "HTTP/1.1 %d", &status)
		if status != tc.status {
			t.Errorf("GET %s: status %d, want %d", tc.path, status, tc.status)
		}
		if tc.location != "" && !strings.Contains(string(b), "Location: "+tc.location+"\r\n") {
			t.Errorf("GET %s: no redirect to %s:\n%s", tc.path, tc.location, b)
		}
		if strings.Contains(string(b), "secret") && !strings.Contains(string(b), "Bad Request") {
			t.Errorf("GET %s leaked the file outside the folder", tc.path)
		}
	}
	req, _ := http.NewRequest("POST", hs.URL+"/simple/", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Errorf("POST: %d", resp.StatusCode)
	}
	if resp, _ := get(t, hs.URL+"/simple/", "application/json"); resp.StatusCode != 406 {
		t.Errorf("Accept: application/json: %d, want 406", resp.StatusCode)
	}
}

func TestSymlinkOutsideIsNotServed(t *testing.T) {
	outside := folder(t, demo("outside", "1.0"))
	dir := folder(t, demo("inside", "1.0"))
	fn := demo("outside", "1.0").Filename()
	if err := os.Symlink(filepath.Join(outside, fn), filepath.Join(dir, fn)); err != nil {
		t.Skip("no symlinks:", err)
	}
	_, hs, ws, _ := newTestServer(t, dir)
	if resp, _ := get(t, hs.URL+"/files/"+fn, ""); resp.StatusCode != 404 {
		t.Errorf("symlink out of the folder: status %d", resp.StatusCode)
	}
	if resp, _ := get(t, hs.URL+"/simple/outside/", ""); resp.StatusCode != 404 {
		t.Errorf("project behind a symlink out of the folder: status %d", resp.StatusCode)
	}
	if len(ws.all()) != 1 {
		t.Errorf("warnings %q", ws.all())
	}
}

func TestRangeAndETag(t *testing.T) {
	s := demo("foo", "1.0")
	dir := folder(t, s)
	_, hs, _, _ := newTestServer(t, dir)
	raw, _ := os.ReadFile(filepath.Join(dir, s.Filename()))
	req, _ := http.NewRequest("GET", hs.URL+"/files/"+s.Filename(), nil)
	req.Header.Set("Range", "bytes=-22") // the zip end record, as a ranged metadata read asks
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 206 || string(b) != string(raw[len(raw)-22:]) {
		t.Errorf("range: %d %q", resp.StatusCode, b)
	}
	for _, path := range []string{"/files/" + s.Filename(), "/simple/foo/"} {
		resp, _ := get(t, hs.URL+path, "")
		etag := resp.Header.Get("ETag")
		req, _ = http.NewRequest("GET", hs.URL+path, nil)
		req.Header.Set("If-None-Match", etag)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if etag == "" || resp.StatusCode != 304 {
			t.Errorf("%s: If-None-Match %s: %d", path, etag, resp.StatusCode)
		}
	}
}

func TestNewFilesAppearAndBadOnesAreSkipped(t *testing.T) {
	dir := folder(t, demo("foo", "1.0"))
	_, hs, ws, _ := newTestServer(t, dir)
	if resp, _ := get(t, hs.URL+"/simple/bar/", ""); resp.StatusCode != 404 {
		t.Fatalf("bar before: %d", resp.StatusCode)
	}
	if _, err := wheeltest.BuildFile(dir, demo("bar", "2.0")); err != nil {
		t.Fatal(err)
	}
	bad := demo("baz", "1.0")
	bad.Hostile.MetadataName = "notbaz"
	if _, err := wheeltest.BuildFile(dir, bad); err != nil {
		t.Fatal(err)
	}
	for _, junk := range []string{"not-a-wheel.whl", "README.txt", ".partial.whl"} {
		if err := os.WriteFile(filepath.Join(dir, junk), []byte("junk"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if resp, _ := get(t, hs.URL+"/simple/bar/", ""); resp.StatusCode != 200 {
		t.Fatalf("bar after it was copied in: %d", resp.StatusCode)
	}
	// Again, to check each bad file is warned about once.
	_, body := get(t, hs.URL+"/simple/", "")
	if strings.Contains(string(body), "baz") || strings.Contains(string(body), "not-a-wheel") {
		t.Errorf("bad wheels listed:\n%s", body)
	}
	got := ws.all()
	if len(got) != 2 || !strings.Contains(strings.Join(got, "\n"), "not-a-wheel.whl") || !strings.Contains(strings.Join(got, "\n"), "notbaz") {
		t.Errorf("warnings = %q", got)
	}
	// A removed file goes away too.
	if err := os.Remove(filepath.Join(dir, demo("foo", "1.0").Filename())); err != nil {
		t.Fatal(err)
	}
	if resp, _ := get(t, hs.URL+"/simple/foo/", ""); resp.StatusCode != 404 {
		t.Errorf("foo after removal: %d", resp.StatusCode)
	}
}

func TestRewrittenInPlaceIsRescanned(t *testing.T) {
	dir := folder(t, demo("foo", "1.0"))
	s, hs, _, _ := newTestServer(t, dir)
	var now time.Time
	s.scan.mu.Lock()
	s.scan.now = func() time.Time { return now }
	now = s.scan.scanned
	s.scan.mu.Unlock()
	fn := demo("foo", "1.0").Filename()
	_, before := get(t, hs.URL+"/simple/foo/", ContentTypeJSON)
	// Rewrite the file in place (the folder's mtime may not change).
	v2 := demo("foo", "1.0")
	v2.Summary = "changed"
	b, err := wheeltest.BuildBytes(v2)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(dir, fn), os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(b)
	f.Close()
	s.scan.mu.Lock()
	now = now.Add(RescanInterval)
	s.scan.mu.Unlock()
	_, after := get(t, hs.URL+"/simple/foo/", ContentTypeJSON)
	if string(before) == string(after) || !strings.Contains(string(after), sha(b)) {
		t.Errorf("page not updated after RescanInterval:\n%s", after)
	}
}

func TestConcurrentRequests(t *testing.T) {
	var specs []wheeltest.Spec
	for i := range 20 {
		specs = append(specs, demo(fmt.Sprintf("p%d", i), "1.0"))
	}
	dir := folder(t, specs...)
	s, hs, _, _ := newTestServer(t, dir)
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	const n = 400
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sp := specs[i%len(specs)]
			paths := []string{"/simple/", "/simple/" + sp.Name + "/", "/files/" + sp.Filename(), "/files/" + sp.Filename() + ".metadata"}
			resp, err := client.Get(hs.URL + paths[i%len(paths)])
			if err != nil {
				errs <- err
				return
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err == nil && resp.StatusCode != 200 {
				err = fmt.Errorf("%s: %d", paths[i%len(paths)], resp.StatusCode)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if s.Requests() != n {
		t.Errorf("requests counted %d, want %d", s.Requests(), n)
	}
}

func TestServeShutsDownOnCancel(t *testing.T) {
	dir := folder(t, demo("foo", "1.0"))
	s, err := New(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	addr, stop := serveLoopback(t, s)
	resp, err := http.Get("http://" + addr + "/simple/foo/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := stop(); err != nil {
		t.Errorf("Serve after cancel: %v", err)
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("still listening after shutdown")
	}
}

func TestNewMissingFolder(t *testing.T) {
	if _, err := New(filepath.Join(t.TempDir(), "nope"), Options{}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("New(missing) = %v", err)
	}
}

func FuzzSplitPath(f *testing.F) {
	for _, s := range []string{"/", "/simple/", "/files/a.whl", "/files/%2e%2e/x", "//x", "/a/../b", "/%2f", "/a%5cb", "/\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		r, err := http.ReadRequest(bufioReader("GET " + raw + " HTTP/1.1\r\nHost: x\r\n\r\n"))
		if err != nil {
			return
		}
		segs, ok := splitPath(r.URL)
		if !ok {
			return
		}
		for _, s := range segs {
			if s == ".." || s == "." || strings.ContainsAny(s, "/\\\x00") {
				t.Fatalf("splitPath(%q) let %q through", raw, s)
			}
		}
	})
}

func FuzzNegotiate(f *testing.F) {
	f.Add("application/vnd.pypi.simple.v1+json;q=0.5, text/html;q=abc")
	f.Add(";;;,,,q=2")
	f.Fuzz(func(t *testing.T, accept string) {
		r := httptest.NewRequest("GET", "/simple/", nil)
		r.Header.Set("Accept", accept)
		if got, ok := negotiate(r); ok && (got < fmtJSON || got > fmtHTML) {
			t.Fatalf("negotiate(%q) = %d", accept, got)
		}
	})
}

func bufioReader(s string) *bufio.Reader { return bufio.NewReader(strings.NewReader(s)) }

// TestRequestAnsweredWhileParsing: a wheel that is slow to parse (here: one
// whose parse is held) does not block other requests; they are answered
// from the current listing, and the new wheel appears once parsed. Before,
// the folder was scanned and parsed under the scanner's lock.
func TestRequestAnsweredWhileParsing(t *testing.T) {
	dir := folder(t, demo("foo", "1.0"))
	s, hs, _, _ := newTestServer(t, dir)
	_, _ = get(t, hs.URL+"/simple/foo/", ContentTypeJSON)

	hold, started := make(chan struct{}), make(chan struct{})
	orig := parseWheelFunc
	parseWheelFunc = func(root *os.Root, k key) (*Wheel, error) {
		if strings.HasPrefix(k.name, "slow-") {
			close(started)
			<-hold
		}
		return orig(root, k)
	}
	t.Cleanup(func() { parseWheelFunc = orig })
	if _, err := wheeltest.BuildFile(dir, demo("slow", "1.0")); err != nil {
		t.Fatal(err)
	}
	s.scan.mu.Lock()
	s.scan.now = func() time.Time { return time.Now().Add(time.Hour) } // always rescan
	s.scan.mu.Unlock()

	first := make(chan int, 1)
	go func() {
		resp, err := http.Get(hs.URL + "/simple/slow/")
		if err != nil {
			first <- 0
			return
		}
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	<-started // the scan is parsing slow-1.0 now
	answered := make(chan int, 1)
	go func() {
		resp, err := http.Get(hs.URL + "/simple/foo/")
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	select {
	case code := <-answered:
		if code != http.StatusOK {
			t.Errorf("foo while slow is parsed: status %d", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a request waited for another wheel's parse")
	}
	close(hold)
	if code := <-first; code != http.StatusOK {
		t.Errorf("slow after its parse: status %d", code)
	}
}
