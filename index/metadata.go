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
	"strconv"
	"strings"
	"sync"

	"github.com/pkginstall/pkginstall/cache/layout"
	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/redact"
)

// Range reads of a wheel: the first request asks for the last TailSize
// bytes (the end-of-central-directory record and, for most wheels, the
// whole central directory); later reads fetch RangeBlockSize-aligned blocks.
const (
	TailSize       = 64 << 10
	RangeBlockSize = 64 << 10
	maxRangeGets   = 32
)

// errNoRanges: the server does not answer range requests with 206.
var errNoRanges = errors.New("server does not support range requests")

// metadataPath is where the metadata of f is cached, keyed by everything
// that vouches for it: the source that listed f (its index or find-links
// location), f's URL, the wheel's sha256 as that source declares it, and
// the URL and declared sha256 of the PEP 658 file. An entry can only have
// been written from what the same source declared, so an untrusted index
// never fills an entry that another index reads (the issue of keying by the
// declared wheel hash alone).
func (c *Client) metadataPath(f File, u *url.URL) string {
	if c.opts.CacheDir == "" {
		return ""
	}
	meta := ""
	if f.MetadataURL != "" {
		meta = redact.URL(f.MetadataURL) + "#sha256=" + strings.ToLower(f.MetadataSHA256)
	}
	return layout.MetadataBySource(c.opts.CacheDir, strings.Join([]string{f.Index, stripUser(u).String(), strings.ToLower(f.SHA256), meta}, "\x00"))
}

// Metadata returns the core metadata (the METADATA file) of f. In order:
// the cache; a local wheel (file:// or already in the wheel cache); the
// PEP 658/714 .metadata file, checked against MetadataSHA256 when given (a
// mismatch is an error naming the index);
// the METADATA member read through HTTP range requests on the wheel's zip
// central directory; a full download (kept in the wheel cache when there is
// one).
func (c *Client) Metadata(ctx context.Context, f File) ([]byte, error) {
	u, err := c.fileURLOf(f)
	if err != nil {
		return nil, err
	}
	cachePath := c.metadataPath(f, u)
	if cachePath != "" {
		if b, err := os.ReadFile(cachePath); err == nil {
			return b, nil
		}
	}
	b, err := c.metadata(ctx, f, u)
	if err != nil {
		return nil, err
	}
	if cachePath != "" {
		if err := writeCacheFile(c.opts.CacheDir, cachePath, b); err != nil {
			c.log.Warn("cannot write the metadata cache", "file", f.Filename, "error", err)
		}
	}
	return b, nil
}

func (c *Client) metadata(ctx context.Context, f File, u *url.URL) ([]byte, error) {
	local := ""
	if isFileURL(u) {
		local = localPath(u)
	} else if p, ok := c.cachedWheel(c.opts.CacheDir, f, u); ok {
		local = p
	}
	if local != "" {
		if !f.IsWheel() {
			return nil, fmt.Errorf("no metadata for %s: not a wheel", f.Filename)
		}
		return metadataFromFile(local, f.Filename)
	}
	if f.MetadataURL != "" {
		b, err := c.metadataFile(ctx, f)
		if err == nil {
			return b, nil
		}
		var he *HTTPError
		if !errors.As(err, &he) || (he.Status != http.StatusNotFound && he.Status != http.StatusGone) {
			return nil, err
		}
		c.log.Debug("no .metadata file after all", "url", he.URL)
	}
	if !f.IsWheel() {
		return nil, fmt.Errorf("no metadata for %s: not a wheel", f.Filename)
	}
	if c.opts.Offline {
		return nil, &OfflineError{URL: redactURL(u)}
	}
	b, err := c.rangeMetadata(ctx, f, u)
	if err == nil {
		return b, nil
	}
	if ctx.Err() != nil {
		return nil, err
	}
	c.log.Debug("range read failed; downloading the whole wheel", "file", f.Filename, "error", err)
	return c.fullMetadata(ctx, f)
}

// metadataFile fetches the PEP 658 file and checks its hash.
func (c *Client) metadataFile(ctx context.Context, f File) ([]byte, error) {
	mu, err := parseLocation(f.MetadataURL)
	if err != nil {
		return nil, fmt.Errorf("invalid metadata URL %s: %v", redact.URL(f.MetadataURL), err)
	}
	var b []byte
	if isFileURL(mu) {
		b, err = readLimited(localPath(mu))
		if errors.Is(err, os.ErrNotExist) {
			return nil, &HTTPError{URL: redactURL(mu), Status: http.StatusNotFound}
		}
		if err != nil {
			return nil, err
		}
	} else {
		err = c.get(ctx, getRequest{
			url: mu,
			consume: func(resp *http.Response) error {
				var err error
				b, err = io.ReadAll(io.LimitReader(resp.Body, distinfo.MaxMetadataSize+1))
				return err
			},
			restart: func() error { return nil },
		})
		if err != nil {
			return nil, err
		}
	}
	if len(b) > distinfo.MaxMetadataSize {
		return nil, fmt.Errorf("metadata of %s is larger than %d bytes", f.Filename, distinfo.MaxMetadataSize)
	}
	if want := strings.ToLower(f.MetadataSHA256); want != "" {
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != want {
			return nil, fmt.Errorf("index %s: %w", origin(f), &HashMismatchError{File: f.Filename + ".metadata", Want: want, Got: got})
		}
	}
	return b, nil
}

func readLimited(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return io.ReadAll(io.LimitReader(fh, distinfo.MaxMetadataSize+1))
}

// fullMetadata downloads the whole wheel (into the cache when there is one).
func (c *Client) fullMetadata(ctx context.Context, f File) ([]byte, error) {
	if c.opts.CacheDir != "" {
		p, err := c.Fetch(ctx, f, "")
		if err != nil {
			return nil, err
		}
		return metadataFromFile(p, f.Filename)
	}
	tmp, err := os.CreateTemp("", "pkginstall-*.whl")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if _, err := c.download(ctx, f, tmp, func() error {
		if _, err := tmp.Seek(0, io.SeekStart); err != nil {
			return err
		}
		return tmp.Truncate(0)
	}); err != nil {
		return nil, err
	}
	st, err := tmp.Stat()
	if err != nil {
		return nil, err
	}
	return distinfo.MetadataFromZip(tmp, st.Size(), f.Filename)
}

func metadataFromFile(path, filename string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading wheel %s: %w", path, err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading wheel %s: %w", path, err)
	}
	return distinfo.MetadataFromZip(fh, st.Size(), filename)
}

// rangeMetadata reads METADATA through range requests.
func (c *Client) rangeMetadata(ctx context.Context, f File, u *url.URL) ([]byte, error) {
	rr := &rangeReader{c: c, ctx: ctx, u: u}
	if err := rr.tail(); err != nil {
		return nil, err
	}
	return distinfo.MetadataFromZip(rr, rr.size, f.Filename)
}

type segment struct {
	off  int64
	data []byte
}

// rangeReader is an io.ReaderAt over ranged GETs, with the fetched
// segments kept in memory.
type rangeReader struct {
	c    *Client
	ctx  context.Context
	u    *url.URL
	size int64
	gets int

	mu   sync.Mutex
	segs []segment
}

// parseContentRange reads "bytes first-last/total".
func parseContentRange(v string) (first, last, total int64, ok bool) {
	v = strings.TrimSpace(v)
	rest, found := strings.CutPrefix(v, "bytes ")
	if !found {
		return 0, 0, 0, false
	}
	rng, tot, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, 0, false
	}
	a, b, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, 0, false
	}
	var err1, err2, err3 error
	first, err1 = strconv.ParseInt(a, 10, 64)
	last, err2 = strconv.ParseInt(b, 10, 64)
	total, err3 = strconv.ParseInt(tot, 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || first < 0 || last < first || total <= last {
		return 0, 0, 0, false
	}
	return first, last, total, true
}

// tail fetches the last TailSize bytes and learns the file size.
func (rr *rangeReader) tail() error {
	noRanges := false
	err := rr.c.get(rr.ctx, getRequest{
		url:    rr.u,
		header: http.Header{"Range": {fmt.Sprintf("bytes=-%d", TailSize)}, "Accept-Encoding": {"identity"}},
		ok: func(s int) bool {
			return s == http.StatusPartialContent || s == http.StatusOK || s == http.StatusRequestedRangeNotSatisfiable
		},
		consume: func(resp *http.Response) error {
			if resp.StatusCode != http.StatusPartialContent {
				noRanges = true // the body is not read: the fallback downloads it
				return nil
			}
			first, last, total, ok := parseContentRange(resp.Header.Get("Content-Range"))
			if !ok {
				return fmt.Errorf("invalid Content-Range %q", resp.Header.Get("Content-Range"))
			}
			b, err := io.ReadAll(io.LimitReader(resp.Body, last-first+2))
			if err != nil {
				return err
			}
			if int64(len(b)) != last-first+1 || last != total-1 {
				return fmt.Errorf("range response of %d bytes does not match Content-Range %q", len(b), resp.Header.Get("Content-Range"))
			}
			rr.size = total
			rr.segs = []segment{{off: first, data: b}}
			return nil
		},
		restart: func() error { return nil },
	})
	rr.gets++
	if err != nil {
		return err
	}
	if noRanges {
		return errNoRanges
	}
	return nil
}

func (rr *rangeReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= rr.size {
		return 0, io.EOF
	}
	n := int64(len(p))
	var short error
	if off+n > rr.size {
		n = rr.size - off
		short = io.EOF
	}
	rr.mu.Lock()
	defer rr.mu.Unlock()
	for _, s := range rr.segs {
		if off >= s.off && off+n <= s.off+int64(len(s.data)) {
			copy(p[:n], s.data[off-s.off:])
			return int(n), short
		}
	}
	// Fetch the aligned blocks that cover [off, off+n).
	start := off / RangeBlockSize * RangeBlockSize
	end := min((off+n+RangeBlockSize-1)/RangeBlockSize*RangeBlockSize, rr.size) // exclusive
	if rr.gets >= maxRangeGets {
		return 0, fmt.Errorf("more than %d range requests", maxRangeGets)
	}
	rr.gets++
	var data []byte
	err := rr.c.get(rr.ctx, getRequest{
		url:    rr.u,
		header: http.Header{"Range": {fmt.Sprintf("bytes=%d-%d", start, end-1)}, "Accept-Encoding": {"identity"}},
		ok: func(s int) bool {
			return s == http.StatusPartialContent || s == http.StatusOK
		},
		consume: func(resp *http.Response) error {
			if resp.StatusCode != http.StatusPartialContent {
				return errNoRanges
			}
			first, last, _, ok := parseContentRange(resp.Header.Get("Content-Range"))
			if !ok || first != start || last != end-1 {
				return fmt.Errorf("range response %q does not match the request for bytes %d-%d", resp.Header.Get("Content-Range"), start, end-1)
			}
			b, err := io.ReadAll(io.LimitReader(resp.Body, end-start+1))
			if err != nil {
				return err
			}
			if int64(len(b)) != end-start {
				return fmt.Errorf("range response of %d bytes, want %d", len(b), end-start)
			}
			data = b
			return nil
		},
		restart: func() error { return nil },
	})
	if err != nil {
		return 0, err
	}
	rr.segs = append(rr.segs, segment{off: start, data: data})
	copy(p[:n], data[off-start:])
	return int(n), short
}

var _ io.ReaderAt = (*rangeReader)(nil)
