package index

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The shared transport has no timeouts of its own: every wait of a request
// (connecting, TLS, headers, body) is bounded by the Client's watchdog
// (Options.Timeout), and the whole request by its context.

var (
	transportsMu sync.Mutex
	transports   = map[string]*http.Transport{} // by SSL_CERT_FILE
)

// sharedTransport returns the keep-alive transport every Client without its
// own HTTPClient shares (one per value of SSL_CERT_FILE, key, so in
// practice one per process): proxies from the environment, HTTP/2 where
// offered, the system roots plus SSL_CERT_FILE. A Client gets it at its
// first request (lazyTransport): loading certificates costs a run that
// makes none (a warm install) several milliseconds.
func sharedTransport(key string) (*http.Transport, error) {
	transportsMu.Lock()
	defer transportsMu.Unlock()
	if t, ok := transports[key]; ok {
		return t, nil
	}
	t, err := newTransport(key)
	if err != nil {
		return nil, err
	}
	transports[key] = t
	return t, nil
}

func newTransport(certFile string) (*http.Transport, error) {
	roots, err := rootPool(certFile)
	if err != nil {
		return nil, err
	}
	d := &net.Dialer{KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
		TLSClientConfig:       &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
	}, nil
}

// lazyTransport is the shared transport of SSL_CERT_FILE certFile, made
// at the first request.
type lazyTransport struct {
	certFile string
	once     sync.Once
	t        *http.Transport
	err      error
}

func (l *lazyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	l.once.Do(func() { l.t, l.err = sharedTransport(l.certFile) })
	if l.err != nil {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, l.err
	}
	return l.t.RoundTrip(r)
}

// checkCertFile fails unless certFile, when given, holds a PEM
// certificate: what the pool of a transport (rootPool) would refuse, told
// when the Client is made, without parsing every certificate of a bundle.
func checkCertFile(certFile string) error {
	if certFile == "" {
		return nil
	}
	b, err := os.ReadFile(certFile)
	if err != nil {
		return fmt.Errorf("reading SSL_CERT_FILE: %w", err)
	}
	for len(b) > 0 {
		var blk *pem.Block
		if blk, b = pem.Decode(b); blk == nil {
			break
		}
		// The blocks x509.CertPool.AppendCertsFromPEM takes.
		if blk.Type == "CERTIFICATE" && len(blk.Headers) == 0 {
			if _, err := x509.ParseCertificate(blk.Bytes); err == nil {
				return nil
			}
		}
	}
	return fmt.Errorf("SSL_CERT_FILE %s holds no PEM certificate", certFile)
}

// rootPool is the pool of trusted roots for TLS: nil without certFile,
// which makes crypto/tls load the system roots at the first handshake (a
// run that connects to no https URL never parses them); else the system
// roots plus certFile. Go on Unix reads SSL_CERT_FILE instead of the
// default bundle (the certificate directories are still read);
// appending it again is harmless and makes the rule hold on every
// platform.
func rootPool(certFile string) (*x509.CertPool, error) {
	if certFile == "" {
		return nil, nil
	}
	roots, err := x509.SystemCertPool()
	if err != nil || roots == nil {
		roots = x509.NewCertPool()
	}
	pem, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("reading SSL_CERT_FILE: %w", err)
	}
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("SSL_CERT_FILE %s holds no PEM certificate", certFile)
	}
	return roots, nil
}

// credentials holds what the user configured: the userinfo of index and
// find-links URLs (by host:port), the host:port of every such URL, and the
// netrc file. authTransport asks it for each request.
type credentials struct {
	mu      sync.Mutex
	byHost  map[string]*url.Userinfo // key: canonical host:port
	origins map[string]bool          // canonical host:port of configured URLs
	netrc   *Netrc
}

func canonicalHost(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if port == "" {
		port = defaultPort(u.Scheme)
	}
	return net.JoinHostPort(host, port)
}

func defaultPort(scheme string) string {
	switch strings.ToLower(scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// configure records a URL the user gave (an index or find-links location).
func (c *credentials) configure(u *url.URL) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byHost == nil {
		c.byHost = map[string]*url.Userinfo{}
		c.origins = map[string]bool{}
	}
	k := canonicalHost(u)
	c.origins[k] = true
	if _, ok := c.byHost[k]; !ok && u.User != nil {
		c.byHost[k] = u.User
	}
}

// lookup returns the credentials for a request to u, first found of:
//  1. the userinfo of a configured URL with u's host and port;
//  2. the netrc entry for u's host (or its default entry), when u's port
//     is its scheme's default port or the port of a configured URL on that
//     host: netrc names hosts, not ports, and a password for an index must
//     not reach another service on the same machine;
//  3. link, the userinfo written in the requested URL itself (a page's link
//     or a direct reference), for this request only.
//
// pip puts the link's own userinfo first; here the user's configuration wins,
// so a page cannot swap the account used for a host.
func (c *credentials) lookup(u *url.URL, link *url.Userinfo) (user, pass string, ok bool) {
	k := canonicalHost(u)
	c.mu.Lock()
	ui := c.byHost[k]
	configured := c.origins[k]
	c.mu.Unlock()
	if ui != nil {
		p, _ := ui.Password()
		return ui.Username(), p, true
	}
	if configured || u.Port() == "" || u.Port() == defaultPort(u.Scheme) {
		if e, ok := c.netrc.Lookup(u.Hostname()); ok && (e.Login != "" || e.Password != "") {
			return e.Login, e.Password, true
		}
	}
	if link != nil {
		p, _ := link.Password()
		return link.Username(), p, true
	}
	return "", "", false
}

// linkUserKey carries a requested URL's own userinfo in its context.
type linkUserKey struct{}

// authTransport drops any Authorization header and sets the one that
// credentials.lookup gives for the request's host and port, except after a
// redirect to another host or port, or from https to http: those carry none.
type authTransport struct {
	base  http.RoundTripper
	creds *credentials
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.URL = stripUser(r.URL)
	r.Header.Del("Authorization")
	if !redirectedAway(req) {
		link, _ := req.Context().Value(linkUserKey{}).(*url.Userinfo)
		if user, pass, ok := t.creds.lookup(r.URL, link); ok {
			r.SetBasicAuth(user, pass)
		}
	}
	return t.base.RoundTrip(r)
}

// redirectedAway reports whether req follows a redirect that left the first
// request's host and port, or went from https to http on the way.
func redirectedAway(req *http.Request) bool {
	first := req
	for first.Response != nil && first.Response.Request != nil {
		prev := first.Response.Request
		if strings.EqualFold(prev.URL.Scheme, "https") && !strings.EqualFold(first.URL.Scheme, "https") {
			return true
		}
		first = prev
	}
	return canonicalHost(first.URL) != canonicalHost(req.URL)
}

// bodyError marks a failure while reading a response body, which is worth a
// retry when the consumer can start again.
type bodyError struct{ err error }

func (e *bodyError) Error() string { return e.err.Error() }
func (e *bodyError) Unwrap() error { return e.err }

// bodyReader feeds the watchdog and names a failure after its cause: a
// *TimeoutError when the watchdog cut the read.
type bodyReader struct {
	r   io.Reader
	wd  *watchdog
	ctx context.Context
}

func (b bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if n > 0 {
		b.wd.progress(n)
	}
	if err != nil && err != io.EOF {
		if te := timeoutCause(b.ctx); te != nil {
			err = te
		}
		err = &bodyError{err}
	}
	return n, err
}

// watchdog cancels one attempt when the network stalls: no response
// headers within d, then less than MinProgress bytes of body within any d.
// A slow but moving download is never cut; a stuck or trickling one is.
type watchdog struct {
	d     time.Duration
	timer *time.Timer
	mu    sync.Mutex
	body  bool  // headers arrived
	got   int64 // body bytes since the last reset
}

func startWatchdog(d time.Duration, cancel context.CancelCauseFunc) *watchdog {
	w := &watchdog{d: d}
	w.timer = time.AfterFunc(d, func() {
		w.mu.Lock()
		body := w.body
		w.mu.Unlock()
		cancel(&TimeoutError{After: d, Body: body})
	})
	return w
}

// headers restarts the clock for the body.
func (w *watchdog) headers() {
	w.mu.Lock()
	w.body, w.got = true, 0
	w.mu.Unlock()
	w.timer.Reset(w.d)
}

func (w *watchdog) progress(n int) {
	w.mu.Lock()
	w.got += int64(n)
	reset := w.got >= MinProgress
	if reset {
		w.got = 0
	}
	w.mu.Unlock()
	if reset {
		w.timer.Reset(w.d)
	}
}

func (w *watchdog) stop() { w.timer.Stop() }

// timeoutCause is the *TimeoutError that cancelled ctx, if that is what did.
func timeoutCause(ctx context.Context) *TimeoutError {
	var te *TimeoutError
	if errors.As(context.Cause(ctx), &te) {
		return te
	}
	return nil
}

// getRequest describes one GET with retries.
type getRequest struct {
	url    *url.URL    // may carry userinfo
	header http.Header // extra headers
	// ok lists the statuses handed to consume; any other status is an
	// *HTTPError (retried first when it is 5xx or 429).
	ok func(status int) bool
	// consume reads the response (body wrapped so read errors are
	// *bodyError). It is not called again after it returns nil.
	consume func(resp *http.Response) error
	// restart, when non-nil, prepares consume for another attempt after a
	// body read failure; nil means such a failure is final.
	restart func() error
}

func statusOK(s int) bool { return s == http.StatusOK }

// get performs r with bounded retries and exponential backoff with jitter.
func (c *Client) get(ctx context.Context, r getRequest) error {
	if c.opts.Offline {
		return &OfflineError{URL: redactURL(r.url)}
	}
	u := stripUser(r.url)
	red := redactURL(r.url)
	maxAttempts := 1 + c.retries
	var lastErr error
	for attempt := 1; ; attempt++ {
		retryAfter := time.Duration(0)
		err := c.attempt(ctx, u, red, r, &retryAfter)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return &FetchError{URL: red, Attempts: attempt, Err: ctx.Err()}
		}
		var he *HTTPError
		if errors.As(err, &he) {
			he.Attempts = attempt
		}
		var fe *FetchError
		if errors.As(err, &fe) {
			fe.Attempts = attempt
		}
		lastErr = err
		if attempt >= maxAttempts || !retryable(err) {
			return lastErr
		}
		var be *bodyError
		if errors.As(err, &be) {
			if r.restart == nil || r.restart() != nil {
				return lastErr
			}
		}
		wait := c.backoff(attempt, retryAfter)
		c.log.Info("retrying", "url", red, "attempt", attempt+1, "of", maxAttempts, "wait", wait, "error", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return &FetchError{URL: red, Attempts: attempt, Err: ctx.Err()}
		case <-t.C:
		}
	}
}

func (c *Client) attempt(ctx context.Context, u *url.URL, red string, r getRequest, retryAfter *time.Duration) error {
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	wd := startWatchdog(c.timeout, cancel)
	defer wd.stop()
	if r.url.User != nil {
		// Credentials written in this URL: a last resort for this one
		// request (see credentials.lookup), never remembered.
		actx = context.WithValue(actx, linkUserKey{}, r.url.User)
	}
	req, err := http.NewRequestWithContext(actx, http.MethodGet, u.String(), nil)
	if err != nil {
		return &FetchError{URL: red, Err: err}
	}
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	req.Header.Set("User-Agent", c.userAgent)
	c.log.Debug("GET", "url", red, "range", req.Header.Get("Range"))
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if te := timeoutCause(actx); te != nil {
			err = te
		} else if errors.As(err, &ue) {
			err = ue.Err // its message repeats the URL; ours is redacted
		}
		return &FetchError{URL: red, Err: err}
	}
	defer resp.Body.Close()
	wd.headers()
	ok := r.ok
	if ok == nil {
		ok = statusOK
	}
	if !ok(resp.StatusCode) {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		*retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"))
		return &HTTPError{URL: red, Status: resp.StatusCode}
	}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{bodyReader{r: resp.Body, wd: wd, ctx: actx}, resp.Body}
	if err := r.consume(resp); err != nil {
		var be *bodyError
		if errors.As(err, &be) {
			return &FetchError{URL: red, Err: err}
		}
		return err
	}
	return nil
}

func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t)
	}
	return 0
}

// backoff is base*2^(attempt-1), capped, with jitter in [d/2, d]; a server's
// Retry-After wins when longer (still capped).
func (c *Client) backoff(attempt int, retryAfter time.Duration) time.Duration {
	d := c.retryWait << min(attempt-1, 20)
	if d > MaxRetryWait || d <= 0 {
		d = MaxRetryWait
	}
	d = d/2 + rand.N(d/2+1)
	if retryAfter > d {
		d = min(retryAfter, MaxRetryWait)
	}
	return d
}

// retryable: 5xx, 429, connection resets, refusals, EOFs and timeouts.
func retryable(err error) bool {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.Status >= 500 || he.Status == http.StatusTooManyRequests
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var be *bodyError
	if errors.As(err, &be) {
		return true
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.IsTemporary || dns.IsTimeout
	}
	return false
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
