package index

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pkginstall/pkginstall/internal/redact"
)

// File is one distribution file listed by an index or a find-links source.
type File struct {
	Filename       string // final path component of URL, e.g. "six-1.16.0-py2.py3-none-any.whl"
	URL            string // absolute; file:// for local files; never carries a fragment
	SHA256         string // lower-case hex, "" when unknown
	RequiresPython string // PEP 345 specifier, HTML-unescaped, "" when absent
	Yanked         bool   // PEP 592
	YankedReason   string
	MetadataURL    string // PEP 658/714 core metadata file, "" when not offered
	MetadataSHA256 string // lower-case hex, "" when unknown
	Size           int64  // PEP 700 size in bytes, 0 when unknown
	Index          string // redacted URL of the index or find-links source it came from
}

// IsWheel reports whether the file is a wheel (by its file name).
func (f File) IsWheel() bool { return strings.HasSuffix(strings.ToLower(f.Filename), ".whl") }

// Project is the list of files an index offers for one project.
type Project struct {
	Name     string   // normalised name
	Files    []File   // in index order; find-links files first
	Index    string   // redacted URL of the index that provided the files ("" when only find-links did)
	Versions []string // PEP 700 "versions", when the index gave them
}

// Options configure a Client. The zero value means: no index at all
// (IndexURL must be set unless NoIndex), no cache, default HTTP settings.
type Options struct {
	IndexURL       string   // primary index, e.g. https://pypi.org/simple/ (or file:///dir/simple/)
	ExtraIndexURLs []string // consulted in order after IndexURL
	FindLinks      []string // directories, file:// or http(s) URLs of HTML pages
	NoIndex        bool     // ignore IndexURL and ExtraIndexURLs
	Offline        bool     // never touch the network
	CacheDir       string   // root of the cache; "" = no cache
	HTTPClient     *http.Client
	Logger         *slog.Logger
	Retries        int           // retries after the first attempt; 0 = DefaultRetries, negative = none
	RetryWait      time.Duration // base backoff; 0 = DefaultRetryWait
	UserAgent      string        // "" = DefaultUserAgent
	Netrc          string        // path; "" = $NETRC or ~/.netrc; a missing file is ignored
	// Trusted are more URLs the user wrote (direct references in
	// pyproject.toml or on the command line; the configured indexes when
	// a client reads no pages): their host and port count as the user's
	// for credentials, as IndexURL's do (their userinfo is used for that
	// host and port, and .netrc's entry applies there), but no page is read
	// from them. This is how credentials kept out of files still reach the
	// server: in memory, for the request.
	Trusted []string
	// LocalCopies are folders where Fetch looks for a wheel by its file
	// name before downloading it; one is used only when its sha256 is the
	// one the file is known by (a lock's wheels copied into a --find-links
	// folder, while the URL the lock names has moved or is unreachable).
	LocalCopies []string
	// Timeout bounds every wait for the network: connecting, the response
	// headers, and each stretch of a body (see MinProgress); 0 =
	// DefaultTimeout. It is pip's --timeout.
	Timeout time.Duration
}

// Defaults and limits.
const (
	DefaultRetries   = 3
	DefaultRetryWait = 500 * time.Millisecond
	MaxRetryWait     = 20 * time.Second
	DefaultUserAgent = "pkginstall"

	// AcceptHeader is sent with every index page request (PEP 691).
	AcceptHeader = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"

	MaxPageSize = 64 << 20 // largest project page read into memory (METADATA: distinfo.MaxMetadataSize)

	// MaxDownloadSize caps a download whose size the index does not
	// declare. The largest wheels on PyPI (CUDA builds of torch and the
	// nvidia-* libraries) are about 2.5 GB; 8 GiB leaves room for growth
	// while an endless body still stops long before it fills a disk.
	MaxDownloadSize = 8 << 30

	// DefaultTimeout is Options.Timeout when unset (pip's default).
	DefaultTimeout = 15 * time.Second
	// MinProgress is what a response body must deliver in every Timeout:
	// at least this many bytes, or its end. A body that trickles a byte a
	// second is as stuck as one that sends nothing.
	MinProgress = 1024
)

// Content types of the simple API.
const (
	ContentTypeJSON   = "application/vnd.pypi.simple.v1+json"
	ContentTypeHTMLv1 = "application/vnd.pypi.simple.v1+html"
)

// NotFoundError says that no index or find-links source has the project.
type NotFoundError struct {
	Name string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("project %s not found in any index or find-links location", e.Name)
}

// HTTPError is a response with an unexpected status.
type HTTPError struct {
	URL      string // redacted
	Status   int
	Attempts int
}

func (e *HTTPError) Error() string {
	s := fmt.Sprintf("fetching %s: %d %s", e.URL, e.Status, http.StatusText(e.Status))
	if e.Attempts > 1 {
		s += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	return s
}

// HashMismatchError says that downloaded bytes do not have the expected sha256.
type HashMismatchError struct {
	File string // file name or redacted URL
	Want string // expected sha256, hex
	Got  string // actual sha256, hex
}

func (e *HashMismatchError) Error() string {
	return fmt.Sprintf("hash mismatch for %s: expected sha256 %s, got sha256 %s", e.File, e.Want, e.Got)
}

// TimeoutError says that the network did not answer in time: no response
// headers, or less than MinProgress bytes of a body, within Timeout.
type TimeoutError struct {
	After time.Duration
	Body  bool // while reading a body (else: waiting for a connection or headers)
}

func (e *TimeoutError) Error() string {
	if e.Body {
		return fmt.Sprintf("timed out: less than %d bytes in %s", MinProgress, e.After)
	}
	return fmt.Sprintf("timed out: no response in %s", e.After)
}

// Timeout marks the error as a timeout (net.Error), which is retried.
func (e *TimeoutError) Timeout() bool { return true }

// Temporary is part of net.Error.
func (e *TimeoutError) Temporary() bool { return true }

// OfflineError says that something is needed from the network in offline mode.
type OfflineError struct {
	URL string // redacted
}

func (e *OfflineError) Error() string {
	return fmt.Sprintf("%s is not in the cache and --offline forbids the network", e.URL)
}

// FetchError wraps a transport failure (after retries) with the redacted URL.
type FetchError struct {
	URL      string // redacted
	Attempts int
	Err      error
}

func (e *FetchError) Error() string {
	s := fmt.Sprintf("fetching %s: %v", e.URL, e.Err)
	if e.Attempts > 1 {
		s += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	return s
}

func (e *FetchError) Unwrap() error { return e.Err }

func redactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	return redact.URL(u.String())
}

// stripUser returns a copy of u without userinfo.
func stripUser(u *url.URL) *url.URL {
	c := *u
	c.User = nil
	return &c
}
