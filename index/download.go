package index

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/zip"

	"github.com/pkginstall/pkginstall/cache/layout"
	"github.com/pkginstall/pkginstall/internal/fsutil"
	"github.com/pkginstall/pkginstall/internal/redact"
)

var errNoRestart = errors.New("cannot restart")

// validSHA256 reports whether s is 64 lower-case hex digits.
func validSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// safeFilename reports whether name can be used as one path component.
func safeFilename(name string) bool {
	return name != "" && name != "." && name != ".." && !strings.ContainsAny(name, "/\\\x00:") &&
		!strings.HasPrefix(name, ".") && len(name) <= 255
}

func (c *Client) fileURLOf(f File) (*url.URL, error) {
	u, err := parseLocation(f.URL)
	if err != nil {
		return nil, fmt.Errorf("invalid URL %s for %s: %v", redact.URL(f.URL), f.Filename, err)
	}
	return u, nil
}

// wheelPath is where the wheel filename with sha256 sha is kept under root.
func wheelPath(root, sha, filename string) string {
	return layout.WheelFile(root, sha, filename)
}

func (c *Client) byURLPath(root string, u *url.URL) string {
	return layout.WheelSHAByURL(root, stripUser(u).String())
}

// cachedWheel returns the path of f in the wheel bucket under root, if there.
func (c *Client) cachedWheel(root string, f File, u *url.URL) (string, bool) {
	if root == "" || !safeFilename(f.Filename) {
		return "", false
	}
	sha := strings.ToLower(f.SHA256)
	if sha == "" {
		b, err := os.ReadFile(c.byURLPath(root, u))
		if err != nil {
			return "", false
		}
		sha = strings.TrimSpace(string(b))
	}
	if !validSHA256(sha) {
		return "", false
	}
	p := wheelPath(root, sha, f.Filename)
	if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
		return p, true
	}
	return "", false
}

// Download streams f to w and returns the sha256 (hex) of what it wrote.
// When f.SHA256 is known and differs, the error is a *HashMismatchError (w
// has received the bytes by then: write to a temporary place). A file://
// URL is read from disk; a wheel already in the cache is copied from there.
func (c *Client) Download(ctx context.Context, f File, w io.Writer) (string, error) {
	return c.download(ctx, f, w, nil)
}

// downloadLimit is MaxDownloadSize; tests lower it.
var downloadLimit int64 = MaxDownloadSize

// download is Download with an optional reset that rewinds w, allowing a
// retry after a failure in the middle of the body.
func (c *Client) download(ctx context.Context, f File, w io.Writer, reset func() error) (string, error) {
	u, err := c.fileURLOf(f)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	var written int64
	copyFrom := func(r io.Reader) error {
		n, err := io.Copy(io.MultiWriter(w, h), r)
		written += n
		return err
	}
	local := ""
	if isFileURL(u) {
		local = localPath(u)
	} else if p, ok := c.cachedWheel(c.opts.CacheDir, f, u); ok {
		local = p
	}
	if local != "" {
		fh, _, err := fsutil.OpenRegular(local)
		if err != nil {
			return "", fmt.Errorf("reading %s: %w", local, err)
		}
		defer fh.Close()
		if err := copyFrom(fh); err != nil {
			return "", fmt.Errorf("reading %s: %w", local, err)
		}
	} else {
		err := c.get(ctx, getRequest{
			url: u,
			// Bytes as stored: a compressed body would be decoded into
			// something of any size, and its hash is not the file's.
			header: http.Header{"Accept-Encoding": {"identity"}},
			consume: func(resp *http.Response) error {
				size := f.Size
				if size <= 0 {
					size = resp.ContentLength
				}
				return copyCapped(resp, f, func(r io.Reader) error { return copyFrom(progressReader(ctx, r, size)) })
			},
			restart: func() error {
				if written == 0 {
					h.Reset()
					return nil
				}
				if reset == nil {
					return errNoRestart
				}
				h.Reset()
				written = 0
				return reset()
			},
		})
		if err != nil {
			return "", err
		}
	}
	got := hex.EncodeToString(h.Sum(nil))
	if want := strings.ToLower(f.SHA256); want != "" && want != got {
		return got, &HashMismatchError{File: f.Filename, Want: want, Got: got}
	}
	if f.SHA256 == "" && f.Size > 0 && written != f.Size {
		return got, fmt.Errorf("size mismatch for %s: expected %d bytes, got %d", f.Filename, f.Size, written)
	}
	return got, nil
}

// origin names where f comes from in an error: its index or find-links
// source, else its (redacted) URL.
func origin(f File) string {
	if f.Index != "" {
		return f.Index
	}
	return redact.URL(f.URL)
}

// copyCapped copies a download's body with copyFrom, refusing an encoded
// body and stopping one byte past the size the index declares (or past
// downloadLimit when it declares none).
func copyCapped(resp *http.Response, f File, copyFrom func(io.Reader) error) error {
	if ce := resp.Header.Get("Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
		return fmt.Errorf("downloading %s from %s: the server sent Content-Encoding %q though identity was asked; refusing to decode it", f.Filename, origin(f), ce)
	}
	limit, what := downloadLimit, fmt.Sprintf("the limit of %d bytes", downloadLimit)
	if f.Size > 0 {
		limit, what = f.Size, fmt.Sprintf("the %d bytes the index declares", f.Size)
	}
	tooLarge := fmt.Errorf("downloading %s from %s: larger than %s", f.Filename, origin(f), what)
	if resp.ContentLength > limit {
		return tooLarge
	}
	var n int64
	err := copyFrom(&countingReader{r: io.LimitReader(resp.Body, limit+1), n: &n})
	if n > limit {
		return tooLarge
	}
	return err
}

type countingReader struct {
	r io.Reader
	n *int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}

// Fetch makes f available as a local file and returns its path. A file://
// URL is hashed (and checked against f.SHA256) and its own path returned.
// Anything else is downloaded into dir/wheels-v1/<sha[:2]>/<sha>/<filename>
// (dir "" means Options.CacheDir), verified, and moved there atomically; a
// file already there is reused without a request. Concurrent calls for one
// URL share a single download (using the first caller's context).
func (c *Client) Fetch(ctx context.Context, f File, dir string) (string, error) {
	if !safeFilename(f.Filename) {
		return "", fmt.Errorf("refusing file name %q of %s", f.Filename, redact.URL(f.URL))
	}
	u, err := c.fileURLOf(f)
	if err != nil {
		return "", err
	}
	if isFileURL(u) {
		p := localPath(u)
		if _, err := c.download(ctx, f, io.Discard, nil); err != nil {
			return "", err
		}
		return p, nil
	}
	root := dir
	if root == "" {
		root = c.opts.CacheDir
	}
	if root == "" {
		return "", fmt.Errorf("fetching %s: no cache directory to download into", f.Filename)
	}
	key := root + "\x00" + stripUser(u).String()
	v, err, _ := c.flight.Do(key, func() (any, error) { return c.fetch(ctx, f, u, root) })
	if err != nil {
		return "", err
	}
	return v.(string), nil
}

func (c *Client) fetch(ctx context.Context, f File, u *url.URL, root string) (string, error) {
	if p, ok := c.cachedWheel(root, f, u); ok {
		c.log.Debug("wheel from cache", "file", f.Filename)
		return p, nil
	}
	if p, ok := c.localCopy(f); ok {
		c.log.Debug("wheel from a local copy", "file", f.Filename, "path", p)
		return p, nil
	}
	if c.opts.Offline {
		return "", &OfflineError{URL: redactURL(u)}
	}
	tmpDir := layout.WheelTempDir(root)
	if err := layout.MkdirAll(root, tmpDir); err != nil {
		return "", fmt.Errorf("fetching %s: %w", f.Filename, err)
	}
	tmp, err := os.CreateTemp(tmpDir, f.Filename+".*.partial")
	if err != nil {
		return "", fmt.Errorf("fetching %s: %w", f.Filename, err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // no-op after the rename
	sha, err := c.download(ctx, f, tmp, func() error {
		if _, err := tmp.Seek(0, io.SeekStart); err != nil {
			return err
		}
		return tmp.Truncate(0)
	})
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("fetching %s: %w", f.Filename, cerr)
	}
	if err == nil && f.IsWheel() {
		err = checkZip(tmpName, f)
	}
	if err != nil {
		return "", err
	}
	if err := os.Chmod(tmpName, 0o644); err != nil {
		return "", fmt.Errorf("fetching %s: %w", f.Filename, err)
	}
	final := wheelPath(root, sha, f.Filename)
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return "", fmt.Errorf("fetching %s: %w", f.Filename, err)
	}
	if err := os.Rename(tmpName, final); err != nil {
		if _, serr := os.Stat(final); serr != nil { // another process may have won
			return "", fmt.Errorf("fetching %s: %w", f.Filename, err)
		}
	}
	if f.SHA256 == "" {
		if err := writeCacheFile(root, c.byURLPath(root, u), []byte(sha+"\n")); err != nil {
			c.log.Warn("cannot record the hash of a downloaded file", "file", f.Filename, "error", err)
		}
	}
	return final, nil
}

// checkZip refuses to publish a downloaded wheel that is not a zip archive
// (its central directory is read, nothing more): the cache holds only
// files that can be installed.
func checkZip(path string, f File) error {
	fh, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("fetching %s: %w", f.Filename, err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return fmt.Errorf("fetching %s: %w", f.Filename, err)
	}
	if _, err := zip.NewReader(fh, st.Size()); err != nil {
		return fmt.Errorf("%s from %s is not a valid wheel: %w", f.Filename, origin(f), err)
	}
	return nil
}
