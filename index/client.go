package index

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/redact"
)

// Client reads indexes and find-links sources. It is safe for concurrent use.
type Client struct {
	opts      Options
	http      *http.Client
	log       *slog.Logger
	retries   int
	retryWait time.Duration
	userAgent string
	timeout   time.Duration
	creds     *credentials
	indexes   []*url.URL // with a trailing slash; userinfo kept for credentials
	findLinks []*url.URL // http(s) or file URLs
	flight    singleflight.Group
}

// New checks opts and returns a Client. It reads the netrc file once.
func New(opts Options) (*Client, error) {
	c := &Client{
		opts:      opts,
		log:       opts.Logger,
		retries:   opts.Retries,
		retryWait: opts.RetryWait,
		userAgent: opts.UserAgent,
		creds:     &credentials{},
		timeout:   opts.Timeout,
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.log == nil {
		c.log = discardLogger()
	}
	switch {
	case c.retries == 0:
		c.retries = DefaultRetries
	case c.retries < 0:
		c.retries = 0
	}
	if c.retryWait <= 0 {
		c.retryWait = DefaultRetryWait
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	if !opts.NoIndex {
		raw := append([]string{}, opts.ExtraIndexURLs...)
		if opts.IndexURL != "" {
			raw = append([]string{opts.IndexURL}, raw...)
		}
		for _, s := range raw {
			u, err := parseLocation(s)
			if err != nil {
				return nil, fmt.Errorf("invalid index URL %s: %v", redact.URL(s), err)
			}
			if !strings.HasSuffix(u.Path, "/") {
				u.Path += "/"
				u.RawPath = ""
			}
			c.creds.configure(u)
			c.indexes = append(c.indexes, u)
		}
	}
	for _, s := range opts.FindLinks {
		u, err := parseLocation(s)
		if err != nil {
			return nil, fmt.Errorf("invalid find-links location %s: %v", redact.URL(s), err)
		}
		c.creds.configure(u)
		c.findLinks = append(c.findLinks, u)
	}
	for _, s := range opts.Trusted {
		if u, err := url.Parse(s); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			c.creds.configure(u)
		}
	}
	c.creds.netrc = readNetrc(opts.Netrc, c.log)
	if opts.HTTPClient != nil {
		hc := *opts.HTTPClient
		base := hc.Transport
		if base == nil {
			base = http.DefaultTransport
		}
		hc.Transport = &authTransport{base: base, creds: c.creds}
		c.http = &hc
	} else {
		certFile := os.Getenv("SSL_CERT_FILE")
		if err := checkCertFile(certFile); err != nil {
			return nil, err
		}
		c.http = &http.Client{Transport: &authTransport{base: &lazyTransport{certFile: certFile}, creds: c.creds}}
	}
	return c, nil
}

// parseLocation accepts http(s) and file URLs, and plain paths (made file URLs).
func parseLocation(s string) (*url.URL, error) {
	if s == "" {
		return nil, errors.New("empty")
	}
	if !strings.Contains(s, "://") {
		abs, err := filepath.Abs(s)
		if err != nil {
			return nil, err
		}
		return fileURL(abs), nil
	}
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, err
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return nil, errors.New("no host")
		}
	case "file":
		if u.Host != "" && u.Host != "localhost" {
			return nil, errors.New("file URL with a remote host")
		}
	default:
		return nil, fmt.Errorf("unsupported scheme %q", u.Scheme)
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

func fileURL(abs string) *url.URL {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x on Windows
	}
	return &url.URL{Scheme: "file", Path: p}
}

func isFileURL(u *url.URL) bool { return strings.EqualFold(u.Scheme, "file") }

// localPath is the file system path of a file URL.
func localPath(u *url.URL) string {
	p := u.Path
	if len(p) >= 3 && p[0] == '/' && p[2] == ':' { // /C:/x on Windows
		p = p[1:]
	}
	return filepath.FromSlash(p)
}

func readNetrc(path string, log *slog.Logger) *Netrc {
	if path == "" {
		path = os.Getenv("NETRC")
	}
	if path == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil
		}
		path = filepath.Join(home, ".netrc")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			log.Warn("cannot read the netrc file", "path", path, "error", err)
		}
		return nil
	}
	return ParseNetrc(string(data))
}

var validName = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$`)

// Project returns the files of the project called name (any spelling). The
// first index that has the project provides its files; find-links files
// come first. *NotFoundError when nothing has it. In offline mode an index
// page missing from the cache stops the search at that index (a later index
// must not win by accident); find-links files are still returned, and when
// there are none the result is an *OfflineError.
func (c *Client) Project(ctx context.Context, name string) (*Project, error) {
	if !validName.MatchString(name) {
		return nil, fmt.Errorf("invalid project name %q", name)
	}
	n := pep508.NormalizeName(name)
	proj := &Project{Name: n}
	var fromIndex []File
	var offlineErr error
	found := false
	for _, idx := range c.indexes {
		p, ok, err := c.indexProject(ctx, idx, n)
		var oe *OfflineError
		if errors.As(err, &oe) {
			// Later indexes are not consulted: this one might have the project.
			offlineErr = err
			break
		}
		if err != nil {
			return nil, err
		}
		if ok {
			found = true
			fromIndex = p.Files
			proj.Index = redactURL(idx)
			proj.Versions = p.Versions
			break
		}
	}
	var fromLinks []File
	for _, fl := range c.findLinks {
		files, err := c.findLinksFiles(ctx, fl, n)
		var oe *OfflineError
		if errors.As(err, &oe) {
			c.log.Warn("find-links page not in the cache", "url", oe.URL)
			if offlineErr == nil {
				offlineErr = err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		fromLinks = append(fromLinks, files...)
	}
	seen := map[string]bool{}
	for _, f := range fromLinks {
		if !seen[f.Filename] {
			seen[f.Filename] = true
			proj.Files = append(proj.Files, f)
		}
	}
	for _, f := range fromIndex {
		if !seen[f.Filename] {
			proj.Files = append(proj.Files, f)
		}
	}
	if !found && len(fromLinks) == 0 && c.opts.Offline {
		proj.Files = c.cachedWheelFiles(n)
		if len(proj.Files) > 0 {
			return proj, nil
		}
	}
	if !found && len(fromLinks) == 0 {
		if offlineErr != nil {
			return nil, offlineErr
		}
		return nil, &NotFoundError{Name: n}
	}
	return proj, nil
}

// indexProject reads one index's page for the normalised name n.
func (c *Client) indexProject(ctx context.Context, idx *url.URL, n string) (*Project, bool, error) {
	pu := *idx
	pu.Path = idx.Path + n + "/"
	pu.RawPath = ""
	red := redactURL(idx)
	if isFileURL(idx) {
		// A static index directory: <dir>/<name>/index.html.
		file := filepath.Join(localPath(&pu), "index.html")
		body, err := os.ReadFile(file)
		if errors.Is(err, os.ErrNotExist) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("reading index page %s: %w", file, err)
		}
		files, err := ParseHTML(fileURL(file), body)
		if err != nil {
			return nil, false, fmt.Errorf("index page %s: %w", file, err)
		}
		return &Project{Name: n, Files: setIndex(files, red)}, true, nil
	}
	pg, err := c.fetchPage(ctx, &pu)
	if err != nil {
		return nil, false, err
	}
	if pg.Status != http.StatusOK {
		return nil, false, nil
	}
	p, err := c.parsePageCached(pg)
	if err != nil {
		return nil, false, err
	}
	p.Name = n
	p.Files = setIndex(c.remoteOnly(p.Files, red), red)
	return p, true, nil
}

// parsePage parses a page by its Content-Type (HTML when unknown).
func parsePage(pg *page) (*Project, error) {
	base, err := url.Parse(pg.FinalURL)
	if err != nil {
		return nil, fmt.Errorf("page %s: %v", redact.URL(pg.FinalURL), err)
	}
	mt, _, _ := mime.ParseMediaType(pg.ContentType)
	isJSON := false
	switch mt {
	case ContentTypeJSON, "application/vnd.pypi.simple.latest+json":
		isJSON = true
	case ContentTypeHTMLv1, "application/vnd.pypi.simple.latest+html", "text/html":
	default:
		isJSON = strings.HasPrefix(strings.TrimSpace(string(pg.Body[:min(len(pg.Body), 64)])), "{")
	}
	if isJSON {
		p, err := ParseJSON(base, pg.Body)
		if err != nil {
			return nil, fmt.Errorf("page %s: %w", redactURL(base), err)
		}
		return p, nil
	}
	files, err := ParseHTML(base, pg.Body)
	if err != nil {
		return nil, fmt.Errorf("page %s: %w", redactURL(base), err)
	}
	return &Project{Files: files}, nil
}

// remoteOnly drops links of a network page that are not http(s): a remote
// index must not make the client read local files (file:///etc/...).
func (c *Client) remoteOnly(files []File, page string) []File {
	out := files[:0]
	for _, f := range files {
		if isHTTP(f.URL) {
			out = append(out, f)
			continue
		}
		c.log.Warn("ignoring a non-HTTP link on a remote page", "page", page, "link", redact.URL(f.URL))
	}
	return out
}

// isHTTP reports whether the URL s has the scheme http or https, read as
// url.Parse reads it (the text before the first ":") without parsing the
// rest: a big page's thousands of links are checked at every resolve. The
// URLs of a parsed page are url.URL.String()s, which parse again.
func isHTTP(s string) bool {
	scheme, _, ok := strings.Cut(s, ":")
	return ok && (strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https"))
}

func setIndex(files []File, red string) []File {
	for i := range files {
		files[i].Index = red
	}
	return files
}

// findLinksFiles lists the files of one find-links location that belong to
// the normalised name n: a directory's files, or the links of an HTML page.
func (c *Client) findLinksFiles(ctx context.Context, fl *url.URL, n string) ([]File, error) {
	red := redactURL(fl)
	var files []File
	if isFileURL(fl) {
		p := localPath(fl)
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("find-links location %s: %w", p, err)
		}
		if st.IsDir() {
			ents, err := os.ReadDir(p)
			if err != nil {
				return nil, fmt.Errorf("find-links location %s: %w", p, err)
			}
			for _, e := range ents {
				if e.IsDir() || !belongsTo(e.Name(), n) {
					continue
				}
				abs, err := filepath.Abs(filepath.Join(p, e.Name()))
				if err != nil {
					continue
				}
				files = append(files, File{Filename: e.Name(), URL: fileURL(abs).String(), Index: red})
			}
			sort.Slice(files, func(i, j int) bool { return files[i].Filename < files[j].Filename })
			return files, nil
		}
		body, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("find-links location %s: %w", p, err)
		}
		all, err := ParseHTML(fl, body)
		if err != nil {
			return nil, fmt.Errorf("find-links page %s: %w", p, err)
		}
		return filterFiles(all, n, red), nil
	}
	pg, err := c.fetchPage(ctx, fl)
	if err != nil {
		return nil, err
	}
	if pg.Status != http.StatusOK {
		return nil, &HTTPError{URL: red, Status: pg.Status}
	}
	p, err := c.parsePageCached(pg)
	if err != nil {
		return nil, err
	}
	return filterFiles(c.remoteOnly(p.Files, red), n, red), nil
}

func filterFiles(all []File, n, red string) []File {
	var out []File
	for _, f := range all {
		if belongsTo(f.Filename, n) {
			f.Index = red
			out = append(out, f)
		}
	}
	return out
}

var sdistExts = []string{".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar.xz", ".tar"}

// SdistSuffix returns the archive suffix (lower case) that makes filename
// an sdist in an index's eyes, current or legacy, or "" when it has none.
// Which of them pkginstall can unpack and build is build.IsSdist's rule.
func SdistSuffix(filename string) string {
	lower := strings.ToLower(filename)
	for _, ext := range sdistExts {
		if strings.HasSuffix(lower, ext) {
			return ext
		}
	}
	return ""
}

// belongsTo reports whether filename is a wheel or an sdist of the project
// with normalised name n.
func belongsTo(filename, n string) bool {
	if strings.HasSuffix(strings.ToLower(filename), ".whl") {
		dist, _, ok := strings.Cut(filename, "-")
		return ok && pep508.NormalizeName(dist) == n
	}
	ext := SdistSuffix(filename)
	if ext == "" {
		return false
	}
	stem := filename[:len(filename)-len(ext)]
	// "name-version", where the name may itself hold dashes.
	for i := 0; i < len(stem)-1; i++ {
		if stem[i] == '-' && stem[i+1] >= '0' && stem[i+1] <= '9' && pep508.NormalizeName(stem[:i]) == n {
			return true
		}
	}
	return false
}
