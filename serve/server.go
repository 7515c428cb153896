package serve

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/net/netutil"

	"github.com/pkginstall/pkginstall/internal/pep508"
)

// Content types of the simple API (PEP 691).
const (
	ContentTypeJSON   = "application/vnd.pypi.simple.v1+json"
	ContentTypeHTMLv1 = "application/vnd.pypi.simple.v1+html"
	ContentTypeHTML   = "text/html; charset=utf-8"
	// APIVersion is the simple API version the pages declare (1.1: PEP 700).
	APIVersion = "1.1"
)

// Options configure a Server.
type Options struct {
	// Log receives one line per request; nil discards them.
	Log io.Writer
	// Warn receives warnings (a skipped file); nil discards them.
	Warn func(msg string)
}

// Server serves one folder of wheels. It is an http.Handler.
type Server struct {
	dir  string
	root *os.Root
	scan *scanner
	log  *log.Logger

	requests atomic.Int64
}

// New opens dir and returns a server over it. The folder is listed once
// here, so a missing or unreadable folder is an error now, not at the
// first request.
func New(dir string, opts Options) (*Server, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("wheel folder %s: %w", dir, err)
	}
	warn := opts.Warn
	if warn == nil {
		warn = func(string) {}
	}
	out := opts.Log
	if out == nil {
		out = io.Discard
	}
	s := &Server{dir: dir, root: root, scan: newScanner(dir, root, warn), log: log.New(out, "", log.LstdFlags)}
	if _, err := s.scan.listing(); err != nil {
		root.Close()
		return nil, err
	}
	return s, nil
}

// Close releases the folder.
func (s *Server) Close() error { return s.root.Close() }

// Stats are counts of the current listing.
type Stats struct {
	Projects, Wheels int
}

// Stats lists the folder (if due) and counts what it serves.
func (s *Server) Stats() (Stats, error) {
	l, err := s.scan.listing()
	if err != nil {
		return Stats{}, err
	}
	return Stats{Projects: len(l.names), Wheels: len(l.files)}, nil
}

// Requests is the number of requests answered so far.
func (s *Server) Requests() int64 { return s.requests.Load() }

// Limits of a listening server: a slow or idle client cannot hold a
// connection (or one of the MaxConns) for long, while a big wheel to a
// slow but reading client is never cut (the write deadline moves with
// every write).
const (
	MaxConns          = 256              // connections served at once; more wait in the accept queue
	ReadHeaderTimeout = 10 * time.Second // for the request line and headers
	ReadTimeout       = 30 * time.Second // for the whole request (GET and HEAD have no body)
	WriteIdleTimeout  = 30 * time.Second // for each write of a response
	IdleTimeout       = 60 * time.Second // between requests on a keep-alive connection
)

// limits are the values Serve uses; tests shorten them.
var limits = struct {
	maxConns                          int
	readHeader, read, writeIdle, idle time.Duration
}{MaxConns, ReadHeaderTimeout, ReadTimeout, WriteIdleTimeout, IdleTimeout}

// Serve answers requests on ln until ctx is done, then shuts down
// gracefully (in-flight requests get a few seconds to finish). It returns
// nil after a shutdown asked for by ctx. At most MaxConns connections are
// served at once, under the timeouts above.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	ln = netutil.LimitListener(ln, limits.maxConns)
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: limits.readHeader,
		ReadTimeout:       limits.read,
		IdleTimeout:       limits.idle,
		ErrorLog:          log.New(io.Discard, "", 0),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := hs.Shutdown(sctx)
	<-done
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// recorder counts what a handler writes, for the log line, and moves the
// write deadline WriteIdleTimeout ahead before each write.
type recorder struct {
	http.ResponseWriter
	rc     *http.ResponseController
	status int
	bytes  int64
}

// Unwrap gives http.ResponseController the connection's writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.rc.SetWriteDeadline(time.Now().Add(limits.writeIdle)) //nolint:errcheck // unsupported only in tests' recorders
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// ServeHTTP answers one request and logs it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w, rc: http.NewResponseController(w)}
	rec.rc.SetWriteDeadline(time.Now().Add(limits.writeIdle)) //nolint:errcheck // as in Write
	s.handle(rec, r)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	s.requests.Add(1)
	client := r.RemoteAddr
	if host, _, err := net.SplitHostPort(client); err == nil {
		client = host
	}
	s.log.Printf("%s %s %s %d %d %s", client, r.Method, r.URL.EscapedPath(), rec.status, rec.bytes, time.Since(start).Round(time.Microsecond))
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	segs, ok := splitPath(r.URL)
	if !ok {
		http.Error(w, "bad request path", http.StatusBadRequest)
		return
	}
	l, err := s.scan.listing()
	if err != nil {
		http.Error(w, "wheel folder unreadable", http.StatusInternalServerError)
		return
	}
	switch {
	case len(segs) == 0:
		redirect(w, r, "/simple/")
	case segs[0] == "simple" && len(segs) == 1:
		redirect(w, r, "/simple/")
	case segs[0] == "simple" && len(segs) == 2 && segs[1] == "":
		s.page(w, r, l, "")
	case segs[0] == "simple" && len(segs) == 2:
		redirect(w, r, "/simple/"+url.PathEscape(segs[1])+"/")
	case segs[0] == "simple" && len(segs) == 3 && segs[2] == "":
		name := segs[1]
		if n := pep508.NormalizeName(name); n != name {
			redirect(w, r, "/simple/"+url.PathEscape(n)+"/")
			return
		}
		if _, ok := l.projects[name]; !ok {
			http.Error(w, "no such project", http.StatusNotFound)
			return
		}
		s.page(w, r, l, name)
	case segs[0] == "files" && len(segs) == 2:
		s.file(w, r, l, segs[1])
	default:
		http.NotFound(w, r)
	}
}

// splitPath returns the segments of a request path after the leading "/"
// ("/simple/x/" is ["simple", "x", ""]), or ok=false when the path could
// be read as leaving the folder: a "." or ".." segment (encoded or not), an
// empty segment before the last, a backslash, a NUL or an encoded slash.
func splitPath(u *url.URL) ([]string, bool) {
	raw := u.EscapedPath()
	if !strings.HasPrefix(raw, "/") {
		return nil, false
	}
	if raw == "/" {
		return nil, true
	}
	rawSegs := strings.Split(raw[1:], "/")
	segs := make([]string, len(rawSegs))
	for i, rs := range rawSegs {
		seg, err := url.PathUnescape(rs)
		if err != nil {
			return nil, false
		}
		if seg == "" && i != len(rawSegs)-1 {
			return nil, false
		}
		if seg == "." || seg == ".." || strings.ContainsAny(seg, "/\\\x00") {
			return nil, false
		}
		for _, c := range seg {
			if c < 0x20 || c == 0x7f {
				return nil, false
			}
		}
		segs[i] = seg
	}
	return segs, true
}

func redirect(w http.ResponseWriter, r *http.Request, to string) {
	if r.URL.RawQuery != "" {
		to += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, to, http.StatusMovedPermanently)
}

// file serves a wheel or its PEP 658 metadata, by name from the listing only.
func (s *Server) file(w http.ResponseWriter, r *http.Request, l *listing, name string) {
	if base, ok := strings.CutSuffix(name, ".metadata"); ok {
		wh := l.files[base]
		if wh == nil {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("ETag", `"`+wh.MetadataSHA256+`"`)
		h.Set("Cache-Control", "max-age=600")
		http.ServeContent(w, r, "", wh.ModTime, bytes.NewReader(wh.Metadata))
		return
	}
	wh := l.files[name]
	if wh == nil {
		http.NotFound(w, r)
		return
	}
	f, err := s.root.Open(wh.Filename)
	if err != nil {
		http.Error(w, "file gone", http.StatusNotFound)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() != wh.Size || !st.ModTime().Equal(wh.ModTime) {
		// Replaced since the listing: the hash in the pages may be stale.
		http.Error(w, "file changed, retry", http.StatusServiceUnavailable)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("ETag", `"`+wh.SHA256+`"`)
	h.Set("Cache-Control", "max-age=600")
	http.ServeContent(w, r, "", wh.ModTime, f)
}

// Formats a page can take.
const (
	fmtJSON = iota
	fmtHTMLv1
	fmtHTML
)

// negotiate picks the page format from ?format= or Accept (PEP 691):
// the acceptable type with the highest quality, JSON first on a tie.
// ok=false when the client accepts none of them.
func negotiate(r *http.Request) (int, bool) {
	accept := r.Header.Get("Accept")
	if f := r.URL.Query().Get("format"); f != "" {
		accept = f
	}
	if strings.TrimSpace(accept) == "" {
		return fmtHTML, true
	}
	best, bestQ := -1, 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.TrimSpace(k) == "q" {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 0 && f <= 1 {
					q = f
				}
			}
		}
		var f int
		switch mt {
		case ContentTypeJSON, "application/vnd.pypi.simple.latest+json":
			f = fmtJSON
		case ContentTypeHTMLv1, "application/vnd.pypi.simple.latest+html":
			f = fmtHTMLv1
		case "text/html", "text/*", "*/*":
			f = fmtHTML
		default:
			continue
		}
		if q > 0 && (q > bestQ || q == bestQ && f < best) {
			best, bestQ = f, q
		}
	}
	if best < 0 {
		return 0, false
	}
	return best, true
}

// page renders the project list (name "") or one project's page.
func (s *Server) page(w http.ResponseWriter, r *http.Request, l *listing, name string) {
	f, ok := negotiate(r)
	h := w.Header()
	h.Set("Vary", "Accept")
	if !ok {
		http.Error(w, "acceptable types: "+ContentTypeJSON+", "+ContentTypeHTMLv1+", text/html", http.StatusNotAcceptable)
		return
	}
	var body []byte
	switch {
	case f == fmtJSON && name == "":
		body = listJSON(l)
	case f == fmtJSON:
		body = projectJSON(name, l.projects[name])
	case name == "":
		body = listHTML(l)
	default:
		body = projectHTML(name, l.projects[name])
	}
	switch f {
	case fmtJSON:
		h.Set("Content-Type", ContentTypeJSON)
	case fmtHTMLv1:
		h.Set("Content-Type", ContentTypeHTMLv1)
	default:
		h.Set("Content-Type", ContentTypeHTML)
	}
	sum := sha256.Sum256(body)
	h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+strconv.Itoa(f)+`"`)
	// Revalidate every time (cheap with the ETag): new wheels show at once.
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// fileURL is a wheel's link from a project page (/simple/<name>/).
func fileURL(filename string) string {
	return "../../files/" + url.PathEscape(filename)
}

type jsonMeta struct {
	APIVersion string `json:"api-version"`
}

type jsonFile struct {
	Filename         string            `json:"filename"`
	URL              string            `json:"url"`
	Hashes           map[string]string `json:"hashes"`
	RequiresPython   *string           `json:"requires-python,omitempty"`
	CoreMetadata     map[string]string `json:"core-metadata"`
	DistInfoMetadata map[string]string `json:"dist-info-metadata"`
	Yanked           bool              `json:"yanked"`
	Size             int64             `json:"size"`
	UploadTime       string            `json:"upload-time"`
}

// mustJSON encodes pages made of strings, numbers and maps only, which
// cannot fail to encode.
func mustJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func listJSON(l *listing) []byte {
	type proj struct {
		Name string `json:"name"`
	}
	ps := make([]proj, len(l.names))
	for i, n := range l.names {
		ps[i] = proj{Name: n}
	}
	return mustJSON(struct {
		Meta     jsonMeta `json:"meta"`
		Projects []proj   `json:"projects"`
	}{jsonMeta{APIVersion}, ps})
}

func projectJSON(name string, ws []*Wheel) []byte {
	files := make([]jsonFile, 0, len(ws))
	var versions []string
	seen := map[string]bool{}
	for i := len(ws) - 1; i >= 0; i-- { // oldest first, as PyPI lists them
		wh := ws[i]
		jf := jsonFile{
			Filename:         wh.Filename,
			URL:              fileURL(wh.Filename),
			Hashes:           map[string]string{"sha256": wh.SHA256},
			CoreMetadata:     map[string]string{"sha256": wh.MetadataSHA256},
			DistInfoMetadata: map[string]string{"sha256": wh.MetadataSHA256},
			Size:             wh.Size,
			UploadTime:       wh.ModTime.UTC().Format("2006-01-02T15:04:05.000000Z"),
		}
		if wh.RequiresPython != "" {
			rp := wh.RequiresPython
			jf.RequiresPython = &rp
		}
		files = append(files, jf)
		if v := wh.Version.String(); !seen[v] {
			seen[v] = true
			versions = append(versions, v)
		}
	}
	if versions == nil {
		versions = []string{}
	}
	return mustJSON(struct {
		Meta     jsonMeta   `json:"meta"`
		Name     string     `json:"name"`
		Files    []jsonFile `json:"files"`
		Versions []string   `json:"versions"`
	}{jsonMeta{APIVersion}, name, files, versions})
}

const htmlHead = "<!DOCTYPE html>\n<html>\n<head>\n<meta name=\"pypi:repository-version\" content=\"" + APIVersion + "\">\n"

func listHTML(l *listing) []byte {
	var b bytes.Buffer
	b.WriteString(htmlHead)
	b.WriteString("<title>Simple index</title>\n</head>\n<body>\n")
	for _, n := range l.names {
		fmt.Fprintf(&b, "<a href=\"%s/\">%s</a><br>\n", html.EscapeString(url.PathEscape(n)), html.EscapeString(n))
	}
	b.WriteString("</body>\n</html>\n")
	return b.Bytes()
}

func projectHTML(name string, ws []*Wheel) []byte {
	var b bytes.Buffer
	b.WriteString(htmlHead)
	fmt.Fprintf(&b, "<title>Links for %s</title>\n</head>\n<body>\n<h1>Links for %s</h1>\n", html.EscapeString(name), html.EscapeString(name))
	for i := len(ws) - 1; i >= 0; i-- {
		wh := ws[i]
		fmt.Fprintf(&b, "<a href=\"%s#sha256=%s\"", html.EscapeString(fileURL(wh.Filename)), wh.SHA256)
		if wh.RequiresPython != "" {
			fmt.Fprintf(&b, " data-requires-python=\"%s\"", html.EscapeString(wh.RequiresPython))
		}
		fmt.Fprintf(&b, " data-dist-info-metadata=\"sha256=%s\" data-core-metadata=\"sha256=%s\">%s</a><br>\n",
			wh.MetadataSHA256, wh.MetadataSHA256, html.EscapeString(wh.Filename))
	}
	b.WriteString("</body>\n</html>\n")
	return b.Bytes()
}
