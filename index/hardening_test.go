package index

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pkginstall/pkginstall/cache/layout"
)

// Without a declared size, a download stops one byte past the hard limit
// and nothing is published to the cache.
func TestDownloadHardLimit(t *testing.T) {
	whl, _ := makeWheel(t, "big", "1.0", 4000)
	old := downloadLimit
	downloadLimit = 1000
	defer func() { downloadLimit = old }()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) { w.Write(whl) })
	cache := t.TempDir()
	c := newClient(t, Options{CacheDir: cache})
	_, err := c.Fetch(context.Background(), File{Filename: "big-1.0-py3-none-any.whl", URL: s.URL + "/big-1.0-py3-none-any.whl"}, "")
	if err == nil || !strings.Contains(err.Error(), "larger than the limit of 1000 bytes") {
		t.Fatalf("err = %v", err)
	}
	if s.sent > 64<<10 {
		t.Errorf("%d bytes sent", s.sent)
	}
	assertNoFiles(t, filepath.Join(cache, layout.WheelsBucket))
}

func assertNoFiles(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("left %s", p)
		}
		return nil
	})
}

// A Content-Length above the declared size fails before the body is read.
func TestDownloadContentLengthAboveDeclaredSize(t *testing.T) {
	whl, _ := makeWheel(t, "big", "1.0", 100)
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") != "identity" {
			t.Errorf("Accept-Encoding %q", r.Header.Get("Accept-Encoding"))
		}
		w.Write(whl)
	})
	c := newClient(t, Options{})
	var sink strings.Builder
	_, err := c.Download(context.Background(), File{Filename: "big-1.0-py3-none-any.whl", URL: s.URL + "/x.whl", Size: 10}, &sink)
	if err == nil || !strings.Contains(err.Error(), "larger than the 10 bytes the index declares") || sink.Len() != 0 {
		t.Fatalf("err = %v, %d bytes written", err, sink.Len())
	}
}

// A body that stalls after its headers, or trickles, is cut after Timeout
// with a *TimeoutError; headers that never come too.
func TestWatchdog(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    http.HandlerFunc
		body bool
	}{
		{"stall", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(200)
			http.NewResponseController(w).Flush()
			<-r.Context().Done()
		}, true},
		{"trickle", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100000")
			w.WriteHeader(200)
			for i := 0; i < 1000 && r.Context().Err() == nil; i++ {
				w.Write([]byte("x"))
				http.NewResponseController(w).Flush()
				time.Sleep(10 * time.Millisecond)
			}
		}, true},
		{"no headers", func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, tc.h)
			c := newClient(t, Options{Timeout: 200 * time.Millisecond, Retries: -1})
			_, err := c.Download(context.Background(), File{Filename: "x-1.0-py3-none-any.whl", URL: s.URL + "/x.whl"}, &strings.Builder{})
			var te *TimeoutError
			if !errors.As(err, &te) || te.Body != tc.body || te.After != 200*time.Millisecond {
				t.Fatalf("err = %v", err)
			}
			if !retryable(err) {
				t.Errorf("a timeout is not retryable")
			}
		})
	}
}

// netrc credentials: the index's own port and the scheme's default port,
// never another port of the same host; a link's own userinfo only when the
// user configured nothing for that host and port.
func TestCredentialLookup(t *testing.T) {
	dir := t.TempDir()
	netrc := filepath.Join(dir, "netrc")
	os.WriteFile(netrc, []byte("machine idx.example login u password p\n"), 0o600)
	c := newClient(t, Options{IndexURL: "http://idx.example:8080/simple/", ExtraIndexURLs: []string{"https://cfg:pw@other.example/simple/"}, Netrc: netrc})
	for _, tc := range []struct {
		url, want string
	}{
		{"http://idx.example:8080/x", "u"},
		{"http://idx.example/x", "u"},
		{"https://idx.example/x", "u"},
		{"http://idx.example:9090/x", ""},
		{"http://linker:lp@idx.example:9090/x", "linker"},
		{"http://linker:lp@idx.example:8080/x", "u"},
		{"https://linker:lp@other.example/x", "cfg"},
		{"http://other.example/x", ""},
	} {
		u, _ := parseLocation(tc.url)
		got, _, _ := c.creds.lookup(stripUser(u), u.User)
		if got != tc.want {
			t.Errorf("%s: user %q, want %q", tc.url, got, tc.want)
		}
	}
}

// A redirect from https to http, or to another host:port, carries no
// credentials, even to a host the netrc file names.
func TestNoCredentialsAfterRedirectAway(t *testing.T) {
	plain := newServer(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	tls := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+r.URL.Path, http.StatusFound)
	}))
	defer tls.Close()
	netrc := filepath.Join(t.TempDir(), "netrc")
	os.WriteFile(netrc, []byte("machine 127.0.0.1 login u password p\n"), 0o600)
	c := newClient(t, Options{IndexURL: tls.URL + "/simple/", ExtraIndexURLs: []string{plain.URL + "/simple/"}, Netrc: netrc, HTTPClient: tls.Client()})
	if _, err := c.Download(context.Background(), File{Filename: "x.whl", URL: tls.URL + "/x.whl"}, &strings.Builder{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Download(context.Background(), File{Filename: "x.whl", URL: plain.URL + "/y.whl"}, &strings.Builder{}); err != nil {
		t.Fatal(err)
	}
	for _, r := range plain.requests("") {
		user, _, ok := r.BasicAuth()
		switch r.URL.Path {
		case "/x.whl":
			if ok {
				t.Errorf("redirected request carried credentials of %q", user)
			}
		case "/y.whl":
			if user != "u" {
				t.Errorf("direct request to a configured index: user %q, want u", user)
			}
		}
	}
}
