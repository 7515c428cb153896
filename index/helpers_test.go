package index

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// makeWheel builds a wheel whose METADATA is the first member, followed by
// padding bytes of incompressible data (so the METADATA member lies far
// from the central directory) and RECORD.
func makeWheel(t testing.TB, name, version string, padding int) (whl, metadata []byte) {
	t.Helper()
	metadata = []byte(fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %s\nRequires-Dist: other>=1\n\n", name, version))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	di := fmt.Sprintf("%s-%s.dist-info/", strings.ReplaceAll(name, "-", "_"), version)
	add := func(n string, b []byte, method uint16) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	add(di+"METADATA", metadata, zip.Deflate)
	pad := make([]byte, padding)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range pad {
		pad[i] = byte(r.Uint32())
	}
	add("pkg/blob.bin", pad, zip.Store)
	add(di+"WHEEL", []byte("Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"), zip.Deflate)
	add(di+"RECORD", nil, zip.Deflate)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), metadata
}

func sha256hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// server is an httptest server with a request log.
type server struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []*http.Request
	sent int64 // body bytes written
}

func newServer(t testing.TB, h http.HandlerFunc) *server {
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.reqs = append(s.reqs, r.Clone(r.Context()))
		s.mu.Unlock()
		cw := &countingWriter{ResponseWriter: w}
		h(cw, r)
		s.mu.Lock()
		s.sent += cw.n
		s.mu.Unlock()
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) requests(path string) []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*http.Request
	for _, r := range s.reqs {
		if path == "" || r.URL.Path == path {
			out = append(out, r)
		}
	}
	return out
}

type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.ResponseWriter.Write(b)
	c.n += int64(n)
	return n, err
}

// serveBytes serves b with range support.
func serveBytes(w http.ResponseWriter, r *http.Request, name string, b []byte) {
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

// newClient makes a client with fast retries and no netrc.
func newClient(t testing.TB, opts Options) *Client {
	t.Helper()
	if opts.RetryWait == 0 {
		opts.RetryWait = time.Millisecond
	}
	if opts.Netrc == "" {
		opts.Netrc = t.TempDir() + "/no-netrc"
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *countingWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }
