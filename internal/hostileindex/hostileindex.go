// Package hostileindex is a package index that misbehaves on purpose, for
// the integration tests of the index client. It serves the wheels of one
// directory as a PEP 691 JSON index (/simple/<name>/, files under /files/,
// PEP 658 metadata at /files/<wheel>.metadata) and, depending on its Mode,
// lies or stalls in one precise way.
//
// Rules it keeps so that tests stay bounded: it listens on 127.0.0.1 only;
// every endless or slow answer stops after a fixed amount (MaxEndless bytes,
// MaxStall of waiting) or when the client goes away; Run returns when its
// context ends or its control input (the test's pipe) closes.
package hostileindex

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Modes. Each changes how wheel files (or their metadata) are served; the
// project pages are always well formed.
const (
	ModeOK          = "ok"          // an honest index
	ModeGzipBomb    = "gzip-bomb"   // wheels sent as Content-Encoding: gzip of GzipBombSize zeros; no hash, no size
	ModeEndless     = "endless"     // wheel bytes, then zeros without end; the page declares the real size
	ModeSizeLie     = "size-lie"    // the page declares a size 100 bytes smaller than the wheel
	ModeStall       = "stall"       // headers, then nothing
	ModeTrickle     = "trickle"     // one byte a second
	ModeSlow        = "slow"        // SlowRate bytes a second, in steps of a tenth of that (a progress display has time to show)
	ModePoison      = "poison"      // PEP 658 metadata of Config.Poison gains Requires-Dist: Config.PoisonDep; its hash matches the lie
	ModePoisonHash  = "poison-hash" // as ModePoison, but the page gives the hash of the true metadata
	ModeRedirect    = "redirect"    // wheels answer 302 to the same path under Config.RedirectTo
	ModeUnsolicited = "unsolicited" // project pages are followed by unsolicited bytes on the idle connection
	ModeNoMetadata  = "no-metadata" // no PEP 658 metadata and no range support
)

// Limits that keep a hostile answer finite.
const (
	GzipBombSize = 256 << 20
	MaxEndless   = 1 << 30
	MaxStall     = 2 * time.Minute
	SlowRate     = 128 << 10
)

// Config describes one server.
type Config struct {
	Dir        string // the wheels served
	Mode       string
	Poison     string // normalised project name whose metadata lies (poison modes)
	PoisonDep  string // the Requires-Dist line added
	FilesBase  string // base URL the page links files under ("" = this server)
	LinkUser   string // "user:password" embedded in file links
	RedirectTo string // base URL wheels redirect to (ModeRedirect)
	User       string // when set, every request needs Basic auth User:Password
	Password   string
	Log        io.Writer // one line per request: "GET PATH auth=USER|-"
}

type wheelFile struct {
	name     string
	data     []byte
	sha      string
	metadata []byte
}

// Server is a running hostile index.
type Server struct {
	cfg    Config
	wheels map[string]*wheelFile // by file name
	bomb   []byte
	logMu  sync.Mutex
}

// New reads the wheels of cfg.Dir.
func New(cfg Config) (*Server, error) {
	if cfg.Mode == "" {
		cfg.Mode = ModeOK
	}
	s := &Server{cfg: cfg, wheels: map[string]*wheelFile{}}
	paths, err := filepath.Glob(filepath.Join(cfg.Dir, "*.whl"))
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		md, err := wheelMetadata(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		sum := sha256.Sum256(b)
		s.wheels[filepath.Base(p)] = &wheelFile{name: filepath.Base(p), data: b, sha: hex.EncodeToString(sum[:]), metadata: md}
	}
	if cfg.Mode == ModeGzipBomb {
		// One gzip member of 1 MiB of zeros, repeated: a gzip stream may
		// hold several members, and gunzip yields them one after another.
		// Compressing 256 MiB at start-up took over 20 s under -race.
		var member bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
		zw.Write(make([]byte, 1<<20))
		zw.Close()
		s.bomb = bytes.Repeat(member.Bytes(), GzipBombSize/(1<<20))
	}
	return s, nil
}

func wheelMetadata(b []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	for _, f := range zr.File {
		dir, base, ok := strings.Cut(f.Name, "/")
		if ok && base == "METADATA" && strings.HasSuffix(dir, ".dist-info") {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			defer rc.Close()
			return io.ReadAll(rc)
		}
	}
	return nil, fmt.Errorf("no .dist-info/METADATA")
}

var nameSep = regexp.MustCompile(`[-_.]+`)

func normalize(s string) string { return strings.ToLower(nameSep.ReplaceAllString(s, "-")) }

// Run listens on 127.0.0.1:0, calls ready with the base URL, and serves
// until ctx ends.
func (s *Server) Run(ctx context.Context, ready func(base string)) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	ready("http://" + ln.Addr().String())
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (s *Server) logf(format string, args ...any) {
	if s.cfg.Log == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.cfg.Log, format+"\n", args...)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	user, pass, hasAuth := r.BasicAuth()
	who := "-"
	if hasAuth {
		who = user
	}
	s.logf("GET %s auth=%s", r.URL.Path, who)
	if s.cfg.User != "" && (!hasAuth || user != s.cfg.User || pass != s.cfg.Password) {
		w.Header().Set("WWW-Authenticate", `Basic realm="hostile"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	switch {
	case strings.HasPrefix(r.URL.Path, "/simple/"):
		s.page(w, r, strings.Trim(strings.TrimPrefix(r.URL.Path, "/simple/"), "/"))
	case strings.HasPrefix(r.URL.Path, "/files/"):
		name := strings.TrimPrefix(r.URL.Path, "/files/")
		if whl, ok := strings.CutSuffix(name, ".metadata"); ok {
			s.metadata(w, whl)
			return
		}
		s.file(w, r, name)
	default:
		http.NotFound(w, r)
	}
}

type jsonFile struct {
	Filename     string            `json:"filename"`
	URL          string            `json:"url"`
	Hashes       map[string]string `json:"hashes"`
	Size         int64             `json:"size,omitempty"`
	CoreMetadata any               `json:"core-metadata,omitempty"`
}

func (s *Server) page(w http.ResponseWriter, r *http.Request, project string) {
	var files []jsonFile
	for name, wf := range s.wheels {
		dist, _, _ := strings.Cut(name, "-")
		if normalize(dist) != normalize(project) {
			continue
		}
		files = append(files, s.entry(r, wf))
	}
	if len(files) == 0 {
		http.NotFound(w, r)
		return
	}
	body, _ := json.Marshal(map[string]any{
		"meta":  map[string]string{"api-version": "1.1"},
		"name":  normalize(project),
		"files": files,
	})
	if s.cfg.Mode == ModeUnsolicited {
		s.unsolicited(w, body)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
	w.Write(body)
}

func (s *Server) entry(r *http.Request, wf *wheelFile) jsonFile {
	base := s.cfg.FilesBase
	if base == "" {
		base = "http://" + r.Host
	}
	if s.cfg.LinkUser != "" {
		scheme, rest, _ := strings.Cut(base, "://")
		base = scheme + "://" + s.cfg.LinkUser + "@" + rest
	}
	jf := jsonFile{Filename: wf.name, URL: base + "/files/" + wf.name, Hashes: map[string]string{"sha256": wf.sha}}
	switch s.cfg.Mode {
	case ModeGzipBomb:
		jf.Hashes = map[string]string{}
		return jf
	case ModeEndless:
		jf.Size = int64(len(wf.data))
	case ModeSizeLie:
		jf.Size = int64(len(wf.data)) - 100
	case ModeNoMetadata:
		return jf
	}
	md := s.servedMetadata(wf)
	sum := sha256.Sum256(md)
	if s.cfg.Mode == ModePoisonHash {
		sum = sha256.Sum256(wf.metadata)
	}
	jf.CoreMetadata = map[string]string{"sha256": hex.EncodeToString(sum[:])}
	return jf
}

// servedMetadata is the PEP 658 file: the wheel's METADATA, or the lie.
func (s *Server) servedMetadata(wf *wheelFile) []byte {
	dist, _, _ := strings.Cut(wf.name, "-")
	poisoned := s.cfg.Mode == ModePoison || s.cfg.Mode == ModePoisonHash
	if !poisoned || normalize(dist) != s.cfg.Poison {
		return wf.metadata
	}
	head, body, _ := bytes.Cut(wf.metadata, []byte("\n\n"))
	out := append([]byte{}, bytes.TrimRight(head, "\n")...)
	out = append(out, "\nRequires-Dist: "+s.cfg.PoisonDep+"\n\n"...)
	return append(out, body...)
}

func (s *Server) metadata(w http.ResponseWriter, whl string) {
	wf := s.wheels[whl]
	if wf == nil || s.cfg.Mode == ModeNoMetadata {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	w.Write(s.servedMetadata(wf))
}

func (s *Server) file(w http.ResponseWriter, r *http.Request, name string) {
	wf := s.wheels[name]
	if wf == nil {
		http.NotFound(w, r)
		return
	}
	ctx := r.Context()
	switch s.cfg.Mode {
	case ModeGzipBomb:
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(s.bomb)
	case ModeEndless:
		w.Write(wf.data)
		zeros := make([]byte, 64<<10)
		for sent := 0; sent < MaxEndless && ctx.Err() == nil; sent += len(zeros) {
			if _, err := w.Write(zeros); err != nil {
				return
			}
		}
	case ModeStall:
		w.Header().Set("Content-Length", fmt.Sprint(len(wf.data)))
		w.WriteHeader(http.StatusOK)
		http.NewResponseController(w).Flush()
		s.logf("STALL %s", r.URL.Path)
		select {
		case <-ctx.Done():
		case <-time.After(MaxStall):
		}
	case ModeTrickle:
		w.Header().Set("Content-Length", fmt.Sprint(len(wf.data)))
		w.WriteHeader(http.StatusOK)
		rc := http.NewResponseController(w)
		for i := 0; i < len(wf.data) && i < int(MaxStall/time.Second); i++ {
			if _, err := w.Write(wf.data[i : i+1]); err != nil || rc.Flush() != nil {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
		}
	case ModeSlow:
		w.Header().Set("Content-Length", fmt.Sprint(len(wf.data)))
		w.WriteHeader(http.StatusOK)
		rc := http.NewResponseController(w)
		s.logf("SLOW %s", r.URL.Path)
		for data := wf.data; len(data) > 0; {
			n := min(len(data), SlowRate/10)
			if _, err := w.Write(data[:n]); err != nil || rc.Flush() != nil {
				return
			}
			data = data[n:]
			select {
			case <-ctx.Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	case ModeRedirect:
		http.Redirect(w, r, s.cfg.RedirectTo+r.URL.Path, http.StatusFound)
	default:
		// No range support: clients fall back to a whole download.
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(wf.data)
	}
}

// unsolicited answers on a hijacked connection and sends a second,
// unrequested response right behind the first: Go's transport finds it on
// the idle connection and reports it with the standard log package. (Were
// it taken as the answer to the next request, that is a 404 for a
// .metadata file, which a client survives.)
func (s *Server) unsolicited(w http.ResponseWriter, body []byte) {
	conn, bw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	fmt.Fprintf(bw, "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.pypi.simple.v1+json\r\nContent-Length: %d\r\n\r\n", len(body))
	bw.Write(body)
	bw.WriteString("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
	bw.Flush()
	time.Sleep(500 * time.Millisecond)
}

// Main runs a server as a command: flags as in Config (-dir, -mode,
// -poison, -poison-dep, -files-base, -link-user, -redirect-to, -user,
// -password, -log FILE). It prints "listening BASEURL" on stdout and serves
// until stdin reaches its end (the test that started it closed its pipe or
// died).
func Main(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("hostileindex", flag.ContinueOnError)
	var cfg Config
	var logPath string
	fs.StringVar(&cfg.Dir, "dir", ".", "wheel directory")
	fs.StringVar(&cfg.Mode, "mode", ModeOK, "misbehaviour")
	fs.StringVar(&cfg.Poison, "poison", "", "project whose metadata lies")
	fs.StringVar(&cfg.PoisonDep, "poison-dep", "", "Requires-Dist line added by the lie")
	fs.StringVar(&cfg.FilesBase, "files-base", "", "base URL of file links")
	fs.StringVar(&cfg.LinkUser, "link-user", "", "user:password embedded in file links")
	fs.StringVar(&cfg.RedirectTo, "redirect-to", "", "base URL wheels redirect to")
	fs.StringVar(&cfg.User, "user", "", "required Basic auth user")
	fs.StringVar(&cfg.Password, "password", "", "required Basic auth password")
	fs.StringVar(&logPath, "log", "", "request log file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if logPath != "" {
		f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		cfg.Log = f
	}
	s, err := New(cfg)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		io.Copy(io.Discard, stdin)
		cancel()
	}()
	return s.Run(ctx, func(base string) { fmt.Fprintf(stdout, "listening %s\n", base) })
}
