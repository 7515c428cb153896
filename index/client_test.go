package index

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var ctx = context.Background()

func jsonPage(files ...string) string {
	return `{"meta": {"api-version": "1.1"}, "name": "six", "files": [` + strings.Join(files, ",") + `]}`
}

func TestProjectJSONNegotiation(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/simple/six/" {
			http.NotFound(w, r)
			return
		}
		if !strings.Contains(r.Header.Get("Accept"), ContentTypeJSON) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<a href="wrong.whl">x</a>`)
			return
		}
		w.Header().Set("Content-Type", ContentTypeJSON)
		fmt.Fprint(w, jsonPage(`{"filename": "six-1.16.0-py2.py3-none-any.whl", "url": "../../files/six-1.16.0-py2.py3-none-any.whl", "hashes": {"sha256": "`+sha1+`"}, "size": 10}`))
	})
	c := newClient(t, Options{IndexURL: s.URL + "/simple"})
	p, err := c.Project(ctx, "Six")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.requests("/simple/six/")[0].Header.Get("Accept"); got != AcceptHeader {
		t.Errorf("Accept = %q", got)
	}
	want := File{Filename: "six-1.16.0-py2.py3-none-any.whl", URL: s.URL + "/files/six-1.16.0-py2.py3-none-any.whl",
		SHA256: sha1, Size: 10, Index: s.URL + "/simple/"}
	if p.Name != "six" || len(p.Files) != 1 || p.Files[0] != want || p.Index != s.URL+"/simple/" {
		t.Errorf("got %+v", p)
	}
}

func TestProjectHTMLAfterRedirect(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/simple/six/":
			http.Redirect(w, r, "/mirror/deep/path/six/", http.StatusFound)
		case "/mirror/deep/path/six/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<a href="../../files/six-1.0-py3-none-any.whl" data-requires-python="&gt;=3.7" data-yanked="oops">six</a>`)
		default:
			http.NotFound(w, r)
		}
	})
	c := newClient(t, Options{IndexURL: s.URL + "/simple/"})
	p, err := c.Project(ctx, "six")
	if err != nil {
		t.Fatal(err)
	}
	f := p.Files[0]
	if f.URL != s.URL+"/mirror/deep/files/six-1.0-py3-none-any.whl" {
		t.Errorf("URL = %s, want it resolved against the final URL", f.URL)
	}
	if f.RequiresPython != ">=3.7" || !f.Yanked || f.YankedReason != "oops" {
		t.Errorf("got %+v", f)
	}
}

func TestRetriesThenSuccess(t *testing.T) {
	var mu sync.Mutex
	n := 0
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		k := n
		mu.Unlock()
		if k <= 2 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<a href="six-1.0-py3-none-any.whl">x</a>`)
	})
	c := newClient(t, Options{IndexURL: s.URL + "/simple/"})
	p, err := c.Project(ctx, "six")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Files) != 1 || len(s.requests("")) != 3 {
		t.Errorf("files %d, requests %d; want 1 file after 3 requests", len(p.Files), len(s.requests("")))
	}
}

func TestRetriesExhaustedAndRedacted(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "user" || p != "secret" {
			t.Errorf("credentials not sent: %q %q %v", u, p, ok)
		}
		http.Error(w, "busy", http.StatusServiceUnavailable)
	})
	idx := strings.Replace(s.URL, "http://", "http://user:secret@", 1) + "/simple/"
	c := newClient(t, Options{IndexURL: idx})
	_, err := c.Project(ctx, "six")
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != 503 || he.Attempts != 1+DefaultRetries {
		t.Fatalf("err = %#v", err)
	}
	msg := err.Error()
	want := "fetching http://***@" + strings.TrimPrefix(s.URL, "http://") + "/simple/six/: 503 Service Unavailable after 4 attempts"
	if msg != want {
		t.Errorf("message\n got %s\nwant %s", msg, want)
	}
	if strings.Contains(msg, "secret") || strings.Contains(msg, "user") {
		t.Errorf("credential in %q", msg)
	}
}

func TestConnectionErrorRedacted(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {})
	u := s.URL
	s.Close() // connection refused from now on
	c := newClient(t, Options{IndexURL: strings.Replace(u, "http://", "http://user:secret@", 1) + "/simple/", Retries: 1})
	_, err := c.Project(ctx, "six")
	var fe *FetchError
	if !errors.As(err, &fe) || fe.Attempts != 2 {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "http://***@") {
		t.Errorf("message %q", err)
	}
}

func TestCredentialsOnlyToTheirHost(t *testing.T) {
	whl, _ := makeWheel(t, "six", "1.0", 10)
	files := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("credentials sent to the files host for %s", r.URL)
		}
		serveBytes(w, r, "x.whl", whl)
	})
	idx := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if _, _, ok := r.BasicAuth(); !ok {
			http.Error(w, "auth", http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/simple/six/":
			fmt.Fprintf(w, `<a href="%s/six-1.0-py3-none-any.whl">x</a><a href="/redirect/six-1.0-py3-none-any.whl">y</a>`, files.URL)
		default: // a redirect to another host must not carry the credentials
			http.Redirect(w, r, files.URL+"/six-1.0-py3-none-any.whl", http.StatusFound)
		}
	})
	c := newClient(t, Options{IndexURL: strings.Replace(idx.URL, "http://", "http://u:p@", 1) + "/simple/"})
	p, err := c.Project(ctx, "six")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range p.Files {
		if _, err := c.Download(ctx, f, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	if len(files.requests("")) != 2 {
		t.Errorf("files host saw %d requests, want 2", len(files.requests("")))
	}
}

func TestNetrcCredentials(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "alice" || p != "pw" {
			http.Error(w, "auth", http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, `<a href="six-1.0-py3-none-any.whl">x</a>`)
	})
	netrc := filepath.Join(t.TempDir(), "netrc")
	os.WriteFile(netrc, []byte("machine 127.0.0.1 login alice password pw\n"), 0o600)
	c := newClient(t, Options{IndexURL: s.URL + "/simple/", Netrc: netrc})
	if _, err := c.Project(ctx, "six"); err != nil {
		t.Fatal(err)
	}
	c = newClient(t, Options{IndexURL: s.URL + "/simple/"})
	_, err := c.Project(ctx, "six")
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != 401 || he.Attempts != 1 {
		t.Fatalf("without netrc: err = %v, want a 401 without retries", err)
	}
}

func TestNotFound(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	c := newClient(t, Options{IndexURL: s.URL + "/simple/"})
	_, err := c.Project(ctx, "No_Such.Thing")
	var nf *NotFoundError
	if !errors.As(err, &nf) || nf.Name != "no-such-thing" {
		t.Fatalf("err = %v", err)
	}
	if len(s.requests("/simple/no-such-thing/")) != 1 {
		t.Errorf("requests: %v", s.requests(""))
	}
	if _, err := c.Project(ctx, "../etc"); err == nil {
		t.Error("invalid name accepted")
	}
}

func TestFirstIndexWins(t *testing.T) {
	page := func(tag string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			name := strings.Trim(strings.TrimPrefix(r.URL.Path, "/simple/"), "/")
			if tag == "a" && name != "shared" {
				http.NotFound(w, r)
				return
			}
			fmt.Fprintf(w, `<a href="%s-1.0-py3-none-any.whl">%s</a>`, name, tag)
		}
	}
	a := newServer(t, page("a"))
	b := newServer(t, page("b"))
	c := newClient(t, Options{IndexURL: a.URL + "/simple/", ExtraIndexURLs: []string{b.URL + "/simple/"}})
	p, err := c.Project(ctx, "shared")
	if err != nil {
		t.Fatal(err)
	}
	if p.Index != a.URL+"/simple/" || len(p.Files) != 1 || !strings.HasPrefix(p.Files[0].URL, a.URL) {
		t.Errorf("shared: %+v", p)
	}
	if len(b.requests("")) != 0 {
		t.Errorf("second index consulted for a name the first has")
	}
	p, err = c.Project(ctx, "only-b")
	if err != nil {
		t.Fatal(err)
	}
	if p.Index != b.URL+"/simple/" || !strings.HasPrefix(p.Files[0].URL, b.URL) {
		t.Errorf("only-b: %+v", p)
	}
}

func TestServerErrorDoesNotFallThrough(t *testing.T) {
	a := newServer(t, func(w http.ResponseWriter, r *http.Request) { http.Error(w, "x", 500) })
	b := newServer(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `<a href="x-1.0-py3-none-any.whl">x</a>`) })
	c := newClient(t, Options{IndexURL: a.URL, ExtraIndexURLs: []string{b.URL}, Retries: -1})
	if _, err := c.Project(ctx, "x"); err == nil {
		t.Fatal("a failing first index fell through to the second")
	}
}

func TestFindLinks(t *testing.T) {
	dir := t.TempDir()
	whl, meta := makeWheel(t, "six", "1.0", 10)
	os.WriteFile(filepath.Join(dir, "six-1.0-py3-none-any.whl"), whl, 0o644)
	os.WriteFile(filepath.Join(dir, "six-0.9.tar.gz"), []byte("sdist"), 0o644)
	os.WriteFile(filepath.Join(dir, "sixty-1.0-py3-none-any.whl"), whl, 0o644)
	html := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<a href="files/six-2.0-py3-none-any.whl#sha256=`+sha1+`">a</a><a href="files/other-1.0-py3-none-any.whl">b</a>`)
	})
	idx := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<a href="/f/six-1.0-py3-none-any.whl">dup</a><a href="/f/six-3.0-py3-none-any.whl">x</a>`)
	})
	c := newClient(t, Options{IndexURL: idx.URL, FindLinks: []string{dir, html.URL + "/links.html"}})
	p, err := c.Project(ctx, "six")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range p.Files {
		names = append(names, f.Filename)
	}
	want := "six-0.9.tar.gz six-1.0-py3-none-any.whl six-2.0-py3-none-any.whl six-3.0-py3-none-any.whl"
	if strings.Join(names, " ") != want {
		t.Errorf("files %v, want %s", names, want)
	}
	local := p.Files[1]
	if !strings.HasPrefix(local.URL, "file:///") || local.SHA256 != "" {
		t.Errorf("local file %+v", local)
	}
	got, err := c.Metadata(ctx, local)
	if err != nil || !bytes.Equal(got, meta) {
		t.Errorf("Metadata of a local wheel = %q, %v", got, err)
	}
	path, err := c.Fetch(ctx, local, "")
	if err != nil || path != filepath.Join(dir, "six-1.0-py3-none-any.whl") {
		t.Errorf("Fetch of a local wheel = %q, %v", path, err)
	}
	local.SHA256 = sha1
	var hm *HashMismatchError
	if _, err := c.Fetch(ctx, local, ""); !errors.As(err, &hm) {
		t.Errorf("Fetch of a local wheel with a wrong hash: %v", err)
	}
	// Only find-links: no index at all.
	c = newClient(t, Options{NoIndex: true, IndexURL: idx.URL, FindLinks: []string{dir}})
	if p, err := c.Project(ctx, "six"); err != nil || len(p.Files) != 2 || p.Index != "" {
		t.Errorf("find-links only: %+v, %v", p, err)
	}
	var nf *NotFoundError
	if _, err := c.Project(ctx, "absent"); !errors.As(err, &nf) {
		t.Errorf("absent: %v", err)
	}
}

func TestFileIndex(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "simple", "six"), 0o755)
	os.MkdirAll(filepath.Join(root, "files"), 0o755)
	whl, meta := makeWheel(t, "six", "1.0", 10)
	os.WriteFile(filepath.Join(root, "files", "six-1.0-py3-none-any.whl"), whl, 0o644)
	os.WriteFile(filepath.Join(root, "simple", "six", "index.html"),
		[]byte(`<a href="../../files/six-1.0-py3-none-any.whl#sha256=`+sha256hex(whl)+`">six</a>`), 0o644)
	c := newClient(t, Options{IndexURL: "file://" + filepath.ToSlash(root) + "/simple", Offline: true})
	p, err := c.Project(ctx, "six")
	if err != nil {
		t.Fatal(err)
	}
	f := p.Files[0]
	if f.URL != "file://"+filepath.ToSlash(root)+"/files/six-1.0-py3-none-any.whl" {
		t.Errorf("URL = %s", f.URL)
	}
	if got, err := c.Metadata(ctx, f); err != nil || !bytes.Equal(got, meta) {
		t.Errorf("Metadata = %q, %v", got, err)
	}
	var buf bytes.Buffer
	if sum, err := c.Download(ctx, f, &buf); err != nil || sum != sha256hex(whl) || !bytes.Equal(buf.Bytes(), whl) {
		t.Errorf("Download = %s, %v", sum, err)
	}
	var nf *NotFoundError
	if _, err := c.Project(ctx, "absent"); !errors.As(err, &nf) {
		t.Errorf("absent: %v", err)
	}
}

// wheelServer serves /simple/six/ (with or without PEP 658 metadata) and
// the wheel, optionally ignoring Range headers.
func wheelServer(t *testing.T, whl, meta []byte, pep658, ranges bool) *server {
	return newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/simple/six/":
			attr := ""
			if pep658 {
				attr = ` data-core-metadata="sha256=` + sha256hex(meta) + `"`
			}
			fmt.Fprintf(w, `<a href="/files/six-1.0-py3-none-any.whl#sha256=%s"%s>x</a>`, sha256hex(whl), attr)
		case "/files/six-1.0-py3-none-any.whl.metadata":
			if !pep658 {
				http.NotFound(w, r)
				return
			}
			w.Write(meta)
		case "/files/six-1.0-py3-none-any.whl":
			if ranges {
				serveBytes(w, r, "x.whl", whl)
			} else {
				w.Write(whl)
			}
		default:
			http.NotFound(w, r)
		}
	})
}

func TestMetadataPEP658(t *testing.T) {
	whl, meta := makeWheel(t, "six", "1.0", 100)
	s := wheelServer(t, whl, meta, true, true)
	c := newClient(t, Options{IndexURL: s.URL + "/simple/", CacheDir: t.TempDir()})
	p, err := c.Project(ctx, "six")
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second time from the cache
		got, err := c.Metadata(ctx, p.Files[0])
		if err != nil || !bytes.Equal(got, meta) {
			t.Fatalf("Metadata = %q, %v", got, err)
		}
	}
	if n := len(s.requests("/files/six-1.0-py3-none-any.whl.metadata")); n != 1 {
		t.Errorf(".metadata requested %d times, want 1", n)
	}
	if n := len(s.requests("/files/six-1.0-py3-none-any.whl")); n != 0 {
		t.Errorf("wheel requested %d times, want 0", n)
	}
	f := p.Files[0]
	f.MetadataSHA256 = sha1
	c = newClient(t, Options{IndexURL: s.URL + "/simple/"})
	_, err = c.Metadata(ctx, f)
	var hm *HashMismatchError
	if !errors.As(err, &hm) || hm.Want != sha1 || hm.Got != sha256hex(meta) {
		t.Errorf("err = %v, want a hash mismatch naming both digests", err)
	}
}

func TestMetadataRangeRead(t *testing.T) {
	whl, meta := makeWheel(t, "six", "1.0", 300<<10)
	s := wheelServer(t, whl, meta, false, true)
	c := newClient(t, Options{IndexURL: s.URL + "/simple/"})
	p, err := c.Project(ctx, "six")
	if err != nil {
		t.Fatal(err)
	}
	f := p.Files[0]
	f.MetadataURL = "" // as if the index offered none
	got, err := c.Metadata(ctx, f)
	if err != nil || !bytes.Equal(got, meta) {
		t.Fatalf("Metadata = %q, %v", got, err)
	}
	reqs := s.requests("/files/six-1.0-py3-none-any.whl")
	if len(reqs) < 2 {
		t.Errorf("%d requests, want a tail read and a block read", len(reqs))
	}
	for _, r := range reqs {
		if r.Header.Get("Range") == "" {
			t.Errorf("a request without Range")
		}
	}
	if s.sent >= int64(len(whl))/2 {
		t.Errorf("served %d bytes of a %d-byte wheel", s.sent, len(whl))
	}
}

func TestMetadataFullDownload(t *testing.T) {
	whl, meta := makeWheel(t, "six", "1.0", 100<<10)
	s := wheelServer(t, whl, meta, false, false)
	cache := t.TempDir()
	c := newClient(t, Options{IndexURL: s.URL + "/simple/", CacheDir: cache})
	p, err := c.Project(ctx, "six")
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Metadata(ctx, p.Files[0])
	if err != nil || !bytes.Equal(got, meta) {
		t.Fatalf("Metadata = %q, %v", got, err)
	}
	sum := sha256hex(whl)
	if _, err := os.Stat(filepath.Join(cache, "wheels-v1", sum[:2], sum, "six-1.0-py3-none-any.whl")); err != nil {
		t.Errorf("the full download is not in the wheel cache: %v", err)
	}
	// Without a cache too.
	c = newClient(t, Options{IndexURL: s.URL + "/simple/"})
	if got, err := c.Metadata(ctx, p.Files[0]); err != nil || !bytes.Equal(got, meta) {
		t.Fatalf("Metadata without cache = %q, %v", got, err)
	}
}

func TestDownloadAndHashMismatch(t *testing.T) {
	whl, _ := makeWheel(t, "six", "1.0", 1000)
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) { w.Write(whl) })
	c := newClient(t, Options{})
	f := File{Filename: "six-1.0-py3-none-any.whl", URL: s.URL + "/six-1.0-py3-none-any.whl", SHA256: sha256hex(whl)}
	var buf bytes.Buffer
	if sum, err := c.Download(ctx, f, &buf); err != nil || sum != f.SHA256 || !bytes.Equal(buf.Bytes(), whl) {
		t.Fatalf("Download = %s, %v", sum, err)
	}
	f.SHA256 = strings.ToUpper(sha1)
	_, err := c.Download(ctx, f, io.Discard)
	var hm *HashMismatchError
	if !errors.As(err, &hm) || hm.Want != sha1 || hm.Got != sha256hex(whl) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), sha1) || !strings.Contains(err.Error(), sha256hex(whl)) {
		t.Errorf("message %q does not name both digests", err)
	}
}

func TestFetch(t *testing.T) {
	whl, _ := makeWheel(t, "six", "1.0", 1000)
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) { w.Write(whl) })
	cache := t.TempDir()
	c := newClient(t, Options{CacheDir: cache})
	sum := sha256hex(whl)
	f := File{Filename: "six-1.0-py3-none-any.whl", URL: s.URL + "/six-1.0-py3-none-any.whl", SHA256: sum}
	var wg sync.WaitGroup
	paths := make([]string, 8)
	errs := make([]error, 8)
	for i := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			paths[i], errs[i] = c.Fetch(ctx, f, "")
		}()
	}
	wg.Wait()
	want := filepath.Join(cache, "wheels-v1", sum[:2], sum, f.Filename)
	for i := range paths {
		if errs[i] != nil || paths[i] != want {
			t.Fatalf("Fetch = %q, %v; want %s", paths[i], errs[i], want)
		}
	}
	if n := len(s.requests("")); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	if b, _ := os.ReadFile(want); !bytes.Equal(b, whl) {
		t.Error("cached file differs")
	}
	// Offline: served from the cache, also when the hash is not known.
	off := newClient(t, Options{CacheDir: cache, Offline: true})
	if p, err := off.Fetch(ctx, f, ""); err != nil || p != want {
		t.Errorf("offline Fetch = %q, %v", p, err)
	}
	// Unknown hash: downloaded once, then found by URL.
	g := f
	g.SHA256 = ""
	g.URL += "?other"
	for range 2 {
		if p, err := c.Fetch(ctx, g, ""); err != nil || p != want {
			t.Errorf("Fetch without hash = %q, %v", p, err)
		}
	}
	if n := len(s.requests("")); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
	if _, err := c.Fetch(ctx, File{Filename: "../x.whl", URL: f.URL}, ""); err == nil {
		t.Error("unsafe file name accepted")
	}
	var hm *HashMismatchError
	bad := f
	bad.URL += "?bad"
	bad.SHA256 = sha1
	if _, err := c.Fetch(ctx, bad, ""); !errors.As(err, &hm) {
		t.Errorf("bad hash: %v", err)
	}
	if ents, _ := os.ReadDir(filepath.Join(cache, "wheels-v1", ".tmp")); len(ents) != 0 {
		t.Errorf("temporary files left: %v", ents)
	}
}

func TestFetchRetriesBrokenBody(t *testing.T) {
	whl, _ := makeWheel(t, "six", "1.0", 50<<10)
	var mu sync.Mutex
	n := 0
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		k := n
		mu.Unlock()
		w.Header().Set("Content-Length", fmt.Sprint(len(whl)))
		if k == 1 {
			w.Write(whl[:len(whl)/2]) // the connection drops half-way
			return
		}
		w.Write(whl)
	})
	c := newClient(t, Options{CacheDir: t.TempDir()})
	f := File{Filename: "six-1.0-py3-none-any.whl", URL: s.URL + "/six.whl", SHA256: sha256hex(whl)}
	p, err := c.Fetch(ctx, f, "")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); !bytes.Equal(b, whl) || n != 2 {
		t.Errorf("after %d requests the file is %d bytes", n, len(b))
	}
}

func TestOffline(t *testing.T) {
	cache := t.TempDir()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/simple/six/" {
			fmt.Fprint(w, `<a href="six-1.0-py3-none-any.whl">x</a>`)
			return
		}
		http.NotFound(w, r)
	})
	on := newClient(t, Options{IndexURL: s.URL + "/simple/", CacheDir: cache})
	if _, err := on.Project(ctx, "six"); err != nil {
		t.Fatal(err)
	}
	var nf *NotFoundError
	if _, err := on.Project(ctx, "gone"); !errors.As(err, &nf) {
		t.Fatal(err)
	}
	before := len(s.requests(""))
	off := newClient(t, Options{IndexURL: s.URL + "/simple/", CacheDir: cache, Offline: true})
	p, err := off.Project(ctx, "six")
	if err != nil || len(p.Files) != 1 {
		t.Fatalf("offline Project = %+v, %v", p, err)
	}
	if _, err := off.Project(ctx, "gone"); !errors.As(err, &nf) {
		t.Errorf("a cached 404 offline: %v", err)
	}
	_, err = off.Project(ctx, "never-seen")
	var oe *OfflineError
	if !errors.As(err, &oe) || !strings.Contains(err.Error(), "is not in the cache and --offline forbids the network") {
		t.Errorf("offline miss: %v", err)
	}
	if _, err := off.Metadata(ctx, p.Files[0]); !errors.As(err, &oe) {
		t.Errorf("offline metadata: %v", err)
	}
	if _, err := off.Download(ctx, p.Files[0], io.Discard); !errors.As(err, &oe) {
		t.Errorf("offline download: %v", err)
	}
	if _, err := off.Fetch(ctx, p.Files[0], ""); !errors.As(err, &oe) {
		t.Errorf("offline fetch: %v", err)
	}
	if after := len(s.requests("")); after != before {
		t.Errorf("offline client made %d requests", after-before)
	}
}

func TestCacheRevalidation(t *testing.T) {
	maxAge := "0"
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age="+maxAge)
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", ContentTypeJSON)
		fmt.Fprint(w, jsonPage(`{"filename": "six-1.0-py3-none-any.whl", "url": "six-1.0-py3-none-any.whl", "hashes": {}}`))
	})
	cacheDir := t.TempDir()
	c := newClient(t, Options{IndexURL: s.URL + "/simple/", CacheDir: cacheDir})
	var written time.Time
	for i := range 3 {
		p, err := c.Project(ctx, "six")
		if err != nil || len(p.Files) != 1 || p.Files[0].URL != s.URL+"/simple/six/six-1.0-py3-none-any.whl" {
			t.Fatalf("round %d: %+v, %v", i, p, err)
		}
		// A 304 that changes nothing a later run reads (max-age=0, same
		// ETag) leaves the cached page as it is: no rewrite per run.
		st, err := os.Stat(c.pagePath(s.URL + "/simple/six/"))
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			written = st.ModTime()
			time.Sleep(20 * time.Millisecond) // a rewrite would show in the mtime
		} else if !st.ModTime().Equal(written) {
			t.Errorf("round %d: the cached page was rewritten after a 304", i)
		}
	}
	reqs := s.requests("")
	if len(reqs) != 3 || reqs[0].Header.Get("If-None-Match") != "" ||
		reqs[1].Header.Get("If-None-Match") != `"v1"` || reqs[2].Header.Get("If-None-Match") != `"v1"` {
		t.Errorf("requests: %d", len(reqs))
	}
	// A fresh page costs no request at all.
	maxAge = "600"
	c = newClient(t, Options{IndexURL: s.URL + "/simple/", CacheDir: t.TempDir()})
	for range 3 {
		if _, err := c.Project(ctx, "six"); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(s.requests("")) - 3; n != 1 {
		t.Errorf("fresh page: %d requests, want 1", n)
	}
}

func TestBasicAuthHeader(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte("a:b"))
		if r.Header.Get("Authorization") != want {
			t.Errorf("Authorization = %q", r.Header.Get("Authorization"))
		}
		http.NotFound(w, r)
	})
	c := newClient(t, Options{IndexURL: strings.Replace(s.URL, "http://", "http://a:b@", 1)})
	var nf *NotFoundError
	if _, err := c.Project(ctx, "x"); !errors.As(err, &nf) {
		t.Fatal(err)
	}
}

func TestContextCancelStopsRetries(t *testing.T) {
	cctx, cancel := context.WithCancel(ctx)
	var once sync.Once
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		once.Do(cancel) // cancelled while waiting to retry
		http.Error(w, "x", http.StatusServiceUnavailable)
	})
	c := newClient(t, Options{IndexURL: s.URL, Retries: 100, RetryWait: 1 << 40})
	_, err := c.Project(cctx, "x")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestSSLCertFile(t *testing.T) {
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<a href="x-1.0-py3-none-any.whl">x</a>`)
	}))
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake
	s.StartTLS()
	defer s.Close()
	t.Setenv("SSL_CERT_FILE", "")
	c := newClient(t, Options{IndexURL: s.URL + "/simple/"})
	_, err := c.Project(ctx, "x")
	var fe *FetchError
	if !errors.As(err, &fe) || fe.Attempts != 1 {
		t.Fatalf("untrusted certificate: %v (want one attempt)", err)
	}
	pemFile := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(pemFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw}), 0o644)
	t.Setenv("SSL_CERT_FILE", pemFile)
	c = newClient(t, Options{IndexURL: s.URL + "/simple/"})
	if _, err := c.Project(ctx, "x"); err != nil {
		t.Fatalf("with SSL_CERT_FILE: %v", err)
	}
	t.Setenv("SSL_CERT_FILE", filepath.Join(t.TempDir(), "missing.pem"))
	if _, err := New(Options{}); err == nil {
		t.Error("a missing SSL_CERT_FILE was accepted")
	}
}

// TestCertificatesLazy: a Client loads no certificate until its first
// request (a warm install makes none), and then, without SSL_CERT_FILE,
// still none: its transport has no root pool of its own, so crypto/tls
// loads the system roots at the first handshake (TestSSLCertFile shows
// that such a transport refuses an untrusted certificate). With
// SSL_CERT_FILE, the pool holds the file's certificates.
func TestCertificatesLazy(t *testing.T) {
	s := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<a href="x-1.0-py3-none-any.whl">x</a>`)
	}))
	defer s.Close()
	pemFile := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(pemFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw}), 0o644)
	t.Setenv("SSL_CERT_FILE", pemFile)
	made := func() bool {
		transportsMu.Lock()
		defer transportsMu.Unlock()
		_, ok := transports[pemFile]
		return ok
	}
	c := newClient(t, Options{IndexURL: s.URL + "/simple/"})
	if made() {
		t.Fatal("the transport was made before any request")
	}
	if _, err := c.Project(ctx, "x"); err != nil || !made() {
		t.Fatalf("first request: %v (transport made: %v)", err, made())
	}
	tr, err := newTransport("")
	if err != nil {
		t.Fatal(err)
	}
	if tr.TLSClientConfig.RootCAs != nil {
		t.Error("the system roots were loaded before any connection")
	}
}

// TestCheckCertFile: the check of SSL_CERT_FILE when a Client is made
// accepts what x509.CertPool.AppendCertsFromPEM accepts.
func TestCheckCertFile(t *testing.T) {
	s := httptest.NewTLSServer(http.NotFoundHandler())
	s.Close()
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})
	withHeader := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Headers: map[string]string{"a": "b"}, Bytes: s.Certificate().Raw})
	key := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("k")})
	junk := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not DER")})
	for name, content := range map[string][]byte{
		"empty": nil, "text": []byte("hello"), "cert": cert, "key then cert": append(bytes.Clone(key), cert...),
		"junk then cert": append(bytes.Clone(junk), cert...), "junk": junk, "key": key, "with header": withHeader,
		"text then cert": append([]byte("hello\n"), cert...),
	} {
		f := filepath.Join(t.TempDir(), "ca.pem")
		os.WriteFile(f, content, 0o644)
		want := x509.NewCertPool().AppendCertsFromPEM(content)
		if err := checkCertFile(f); (err == nil) != want {
			t.Errorf("%s: %v, want accepted %v", name, err, want)
		}
	}
}

func TestRetryable(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{&HTTPError{Status: 500}, true},
		{&HTTPError{Status: 503}, true},
		{&HTTPError{Status: 429}, true},
		{&HTTPError{Status: 404}, false},
		{&HTTPError{Status: 401}, false},
		{&FetchError{Err: io.ErrUnexpectedEOF}, true},
		{&FetchError{Err: syscall.ECONNRESET}, true},
		{&FetchError{Err: context.Canceled}, false},
		{&FetchError{Err: errors.New("x509: certificate signed by unknown authority")}, false},
	} {
		if got := retryable(tt.err); got != tt.want {
			t.Errorf("retryable(%v) = %v", tt.err, got)
		}
	}
	c := newClient(t, Options{RetryWait: 100 * time.Millisecond})
	for attempt := 1; attempt < 30; attempt++ {
		d := c.backoff(attempt, 0)
		hi := min(100*time.Millisecond<<(attempt-1), MaxRetryWait)
		if attempt > 20 {
			hi = MaxRetryWait
		}
		if d < hi/2 || d > hi {
			t.Errorf("backoff(%d) = %v, want within [%v, %v]", attempt, d, hi/2, hi)
		}
	}
	if d := c.backoff(1, 5*time.Second); d != 5*time.Second {
		t.Errorf("Retry-After ignored: %v", d)
	}
	if d := c.backoff(1, time.Hour); d != MaxRetryWait {
		t.Errorf("Retry-After not capped: %v", d)
	}
}

func TestFindLinksLocalHTMLAndSniffing(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "links.html")
	os.WriteFile(page, []byte(`<a href="wheels/six-1.0-py3-none-any.whl">x</a><a href="wheels/other-1.0-py3-none-any.whl">y</a>`), 0o644)
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream") // a careless server
		fmt.Fprint(w, jsonPage(`{"filename": "six-2.0-py3-none-any.whl", "url": "six-2.0-py3-none-any.whl", "hashes": {}}`))
	})
	c := newClient(t, Options{IndexURL: s.URL, FindLinks: []string{"file://" + filepath.ToSlash(page)}})
	p, err := c.Project(ctx, "six")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Files) != 2 || p.Files[0].URL != "file://"+filepath.ToSlash(dir)+"/wheels/six-1.0-py3-none-any.whl" ||
		p.Files[1].Filename != "six-2.0-py3-none-any.whl" {
		t.Errorf("files %+v", p.Files)
	}
}

func TestRemotePageCannotLinkLocalFiles(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<a href="file:///etc/six-1.0-py3-none-any.whl">x</a><a href="six-2.0-py3-none-any.whl">y</a>`)
	})
	c := newClient(t, Options{IndexURL: s.URL})
	p, err := c.Project(ctx, "six")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Files) != 1 || p.Files[0].Filename != "six-2.0-py3-none-any.whl" {
		t.Errorf("files %+v", p.Files)
	}
}
