package index

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pkginstall/pkginstall/cache/layout"
	"github.com/pkginstall/pkginstall/internal/fsutil"
)

// page is an index or find-links page, fresh from the network or the cache.
type page struct {
	Key          string `json:"url"`       // request URL without userinfo
	FinalURL     string `json:"final_url"` // after redirects, without userinfo
	Status       int    `json:"status"`    // 200, or 404/410 (cached absence)
	ContentType  string `json:"content_type"`
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	MaxAge       int64  `json:"max_age"` // seconds; -1 when the server gave none
	NoCache      bool   `json:"no_cache,omitempty"`
	NoStore      bool   `json:"-"`
	Fetched      int64  `json:"fetched"` // Unix seconds
	Body         []byte `json:"-"`
}

func (p *page) fresh(now time.Time) bool {
	return !p.NoCache && p.MaxAge > 0 && now.Unix() < p.Fetched+p.MaxAge
}

func (p *page) setCacheHeaders(h http.Header) {
	if cc := h.Values("Cache-Control"); len(cc) > 0 {
		p.MaxAge, p.NoCache, p.NoStore = -1, false, false
	}
	for _, d := range strings.Split(strings.Join(h.Values("Cache-Control"), ","), ",") {
		d = strings.ToLower(strings.TrimSpace(d))
		name, val, _ := strings.Cut(d, "=")
		switch strings.TrimSpace(name) {
		case "max-age":
			if n, err := strconv.ParseInt(strings.Trim(strings.TrimSpace(val), `"`), 10, 64); err == nil && n >= 0 {
				p.MaxAge = n
			}
		case "no-cache":
			p.NoCache = true
		case "no-store":
			p.NoStore = true
		}
	}
	if v := h.Get("ETag"); v != "" {
		p.ETag = v
	}
	if v := h.Get("Last-Modified"); v != "" {
		p.LastModified = v
	}
}

func (c *Client) pagePath(key string) string {
	return layout.PageFile(c.opts.CacheDir, key)
}

// readPage loads a cached page; any problem is a miss.
func (c *Client) readPage(key string) *page {
	if c.opts.CacheDir == "" {
		return nil
	}
	data, err := os.ReadFile(c.pagePath(key))
	if err != nil {
		return nil
	}
	head, body, ok := bytes.Cut(data, []byte("\n"))
	if !ok {
		return nil
	}
	var p page
	if json.Unmarshal(head, &p) != nil || p.Key != key {
		return nil
	}
	p.Body = body
	return &p
}

func (c *Client) writePage(p *page) {
	if c.opts.CacheDir == "" || p.NoStore {
		return
	}
	head, err := json.Marshal(p)
	if err != nil {
		return
	}
	var buf bytes.Buffer
	buf.Write(head)
	buf.WriteByte('\n')
	buf.Write(p.Body)
	if err := writeCacheFile(c.opts.CacheDir, c.pagePath(p.Key), buf.Bytes()); err != nil {
		c.log.Warn("cannot write the page cache", "error", err)
	}
}

// fetchPage returns the page at u with status 200, 404 or 410, through the
// HTTP cache: a fresh entry is used without a request, a stale one is
// revalidated (304 keeps it), offline mode uses any entry.
func (c *Client) fetchPage(ctx context.Context, u *url.URL) (*page, error) {
	key := stripUser(u).String()
	cached := c.readPage(key)
	now := time.Now()
	if cached != nil && (c.opts.Offline || cached.fresh(now)) {
		c.log.Debug("page from cache", "url", redactURL(u))
		return cached, nil
	}
	if c.opts.Offline {
		return nil, &OfflineError{URL: redactURL(u)}
	}
	hdr := http.Header{"Accept": {AcceptHeader}}
	if cached != nil {
		if cached.ETag != "" {
			hdr.Set("If-None-Match", cached.ETag)
		}
		if cached.LastModified != "" {
			hdr.Set("If-Modified-Since", cached.LastModified)
		}
	}
	var result *page
	unchanged := false
	err := c.get(ctx, getRequest{
		url:    u,
		header: hdr,
		ok: func(s int) bool {
			return s == http.StatusOK || s == http.StatusNotFound || s == http.StatusGone ||
				(s == http.StatusNotModified && cached != nil)
		},
		consume: func(resp *http.Response) error {
			p := &page{Key: key, FinalURL: stripUser(resp.Request.URL).String(), Status: resp.StatusCode, Fetched: time.Now().Unix(), MaxAge: -1}
			switch resp.StatusCode {
			case http.StatusNotModified:
				c.log.Debug("page not modified", "url", redactURL(u))
				before := *cached
				p = cached
				p.Fetched = time.Now().Unix()
				p.setCacheHeaders(resp.Header)
				// The cached copy is rewritten only when the answer changed
				// something a later run reads: a page that is never fresh
				// (no max-age) with the same validators would be rewritten
				// (and synced) for nothing, once per project per run.
				unchanged = p.MaxAge <= 0 && before.MaxAge <= 0 && p.ETag == before.ETag &&
					p.LastModified == before.LastModified && p.NoCache == before.NoCache
			case http.StatusOK:
				body, err := io.ReadAll(io.LimitReader(resp.Body, MaxPageSize+1))
				if err != nil {
					return err
				}
				if len(body) > MaxPageSize {
					return fmt.Errorf("page %s is larger than %d bytes", redactURL(u), MaxPageSize)
				}
				p.Body = body
				p.ContentType = resp.Header.Get("Content-Type")
				p.setCacheHeaders(resp.Header)
			default: // 404, 410: remembered so offline mode knows
				p.setCacheHeaders(resp.Header)
			}
			result = p
			return nil
		},
		restart: func() error { return nil },
	})
	if err != nil {
		return nil, err
	}
	if !unchanged {
		c.writePage(result)
	}
	return result, nil
}

// writeCacheFile atomically writes data to name, a file of the cache root,
// creating its directory (and the root, with its tag) when missing.
func writeCacheFile(root, name string, data []byte) error {
	if err := layout.MkdirAll(root, filepath.Dir(name)); err != nil {
		return err
	}
	return fsutil.WriteFile(name, data, 0o644)
}
