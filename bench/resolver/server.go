package main

import (
	"archive/zip"
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/wheeltest"
)

// counts are the requests an index answered, by kind.
type counts struct {
	pages, metadata, wheels atomic.Int64
}

func (c *counts) reset() { c.pages.Store(0); c.metadata.Store(0); c.wheels.Store(0) }

func (c *counts) count(p string) {
	switch {
	case strings.HasSuffix(p, ".metadata"):
		c.metadata.Add(1)
	case strings.HasSuffix(p, ".whl"):
		c.wheels.Add(1)
	default:
		c.pages.Add(1)
	}
}

// synthIndex serves a universe as a PEP 503 index with PEP 658 metadata:
// /simple/NAME/ lists one pure-Python wheel per release, /files/WHEEL and
// /files/WHEEL.metadata serve it and its METADATA. Everything is built
// once, before any timing.
type synthIndex struct {
	counts
	pages map[string][]byte // normalised name -> page
	files map[string][]byte // file name -> content (wheels and .metadata)
	// pageType is the pages' Content-Type ("" = text/html); cacheable
	// pages carry an ETag and Cache-Control: max-age=600, as PyPI's do.
	pageType  string
	cacheable bool
}

func newSynthIndex(u *universe) (*synthIndex, error) {
	s := &synthIndex{pages: map[string][]byte{}, files: map[string][]byte{}}
	names := make([]string, 0, len(u.Projects))
	for name := range u.Projects {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		var page bytes.Buffer
		page.WriteString("<!DOCTYPE html>\n<html><body>\n")
		for _, r := range u.Projects[name] {
			spec := wheeltest.Spec{Name: name, Version: r.Version, RequiresDist: r.Requires,
				Files: []wheeltest.File{{Path: wheeltest.EscapeName(name) + "/__init__.py", Content: ""}}}
			whl, err := wheeltest.BuildBytes(spec)
			if err != nil {
				return nil, err
			}
			md, err := readMember(whl, spec.DistInfo()+"/METADATA")
			if err != nil {
				return nil, err
			}
			fn := spec.Filename()
			s.files[fn], s.files[fn+".metadata"] = whl, md
			ws, ms := sha256.Sum256(whl), sha256.Sum256(md)
			fmt.Fprintf(&page, "<a href=\"../../files/%s#sha256=%s\" data-dist-info-metadata=\"sha256=%s\" data-core-metadata=\"sha256=%s\">%s</a>\n",
				html.EscapeString(fn), hex.EncodeToString(ws[:]), hex.EncodeToString(ms[:]), hex.EncodeToString(ms[:]), html.EscapeString(fn))
		}
		page.WriteString("</body></html>\n")
		s.pages[pep508.NormalizeName(name)] = page.Bytes()
	}
	return s, nil
}

func readMember(whl []byte, name string) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(whl), int64(len(whl)))
	if err != nil {
		return nil, err
	}
	f, err := zr.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

func (s *synthIndex) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.count(r.URL.Path)
	if rest, ok := strings.CutPrefix(r.URL.Path, "/simple/"); ok {
		page, ok := s.pages[pep508.NormalizeName(strings.Trim(rest, "/"))]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if s.cacheable {
			etag := fmt.Sprintf(`"%x"`, sha256.Sum256(page))
			w.Header().Set("ETag", etag)
			w.Header().Set("Cache-Control", "max-age=600, public")
			if r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		w.Header().Set("Content-Type", cmp.Or(s.pageType, "text/html"))
		w.Write(page)
		return
	}
	if b, ok := s.files[path.Base(r.URL.Path)]; ok && strings.HasPrefix(r.URL.Path, "/files/") {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(b)
		return
	}
	http.NotFound(w, r)
}

// dirIndex serves a wheelhouse directory (shared/tools/mkwheelhouse's
// layout: simple/NAME/index.html, files/WHEEL and WHEEL.metadata).
type dirIndex struct {
	counts
	fs http.Handler
}

func newDirIndex(dir string) *dirIndex {
	return &dirIndex{fs: http.FileServer(http.Dir(dir))}
}

func (d *dirIndex) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.count(r.URL.Path)
	d.fs.ServeHTTP(w, r)
}

// listen serves h on a free loopback port and returns its base URL and a
// function that stops it.
func listen(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}
