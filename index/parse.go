package index

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/printable"
	"github.com/pkginstall/pkginstall/internal/redact"
)

// ParseHTML parses a PEP 503 project page (or a find-links HTML page). Each
// <a href> becomes a File: the URL is resolved against base (or the page's
// <base href>), the "#sha256=" fragment gives the hash, data-requires-python
// (already HTML-unescaped by the tokenizer), data-yanked (PEP 592) and
// data-core-metadata / data-dist-info-metadata (PEP 714 then PEP 658: "true"
// or "<hash>=<hex>") fill the rest. A page whose pypi:repository-version
// (PEP 629) has a major version other than 1 is refused.
func ParseHTML(base *url.URL, body []byte) ([]File, error) {
	if base == nil {
		base = &url.URL{}
	}
	z := html.NewTokenizer(bytes.NewReader(body))
	var files []File
	baseSet := false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			// io.EOF or a read error from a bytes.Reader: both end the page.
			return files, nil
		case html.StartTagToken, html.SelfClosingTagToken:
		default:
			continue
		}
		tok := z.Token()
		switch tok.DataAtom {
		case atom.Base:
			if baseSet {
				continue
			}
			if href, ok := attr(tok, "href"); ok {
				if u, err := base.Parse(strings.TrimSpace(href)); err == nil {
					base = u
					baseSet = true
				}
			}
		case atom.Meta:
			name, _ := attr(tok, "name")
			if name != "pypi:repository-version" {
				continue
			}
			content, _ := attr(tok, "content")
			if err := checkAPIVersion(content); err != nil {
				return nil, err
			}
		case atom.A:
			href, ok := attr(tok, "href")
			if !ok {
				continue
			}
			f, ok := fileFromLink(base, strings.TrimSpace(href))
			if !ok {
				continue
			}
			if rp, ok := attr(tok, "data-requires-python"); ok {
				f.RequiresPython = strings.TrimSpace(rp)
			}
			if y, ok := attr(tok, "data-yanked"); ok {
				f.Yanked = true
				f.YankedReason = printable.Sanitize(y)
			}
			meta, ok := attr(tok, "data-core-metadata")
			if !ok {
				meta, ok = attr(tok, "data-dist-info-metadata")
			}
			if ok {
				setMetadataHTML(&f, meta)
			}
			files = append(files, f)
		}
	}
}

func attr(t html.Token, key string) (string, bool) {
	for _, a := range t.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val, true
		}
	}
	return "", false
}

// fileFromLink resolves href and splits off a "#sha256=" fragment.
func fileFromLink(base *url.URL, href string) (File, bool) {
	u, err := base.Parse(href)
	if err != nil {
		return File{}, false
	}
	var f File
	frag := u.Fragment
	u.Fragment, u.RawFragment = "", ""
	if name, val, ok := strings.Cut(frag, "="); ok && strings.EqualFold(name, "sha256") {
		f.SHA256 = strings.ToLower(val)
	}
	f.Filename = filenameOf(u)
	if f.Filename == "" {
		return File{}, false
	}
	f.URL = u.String()
	return f, true
}

// filenameOf is the unescaped last path component of u.
func filenameOf(u *url.URL) string {
	p := u.Path
	if p == "" || strings.HasSuffix(p, "/") {
		return ""
	}
	return path.Base(p)
}

func setMetadataHTML(f *File, v string) {
	v = strings.TrimSpace(v)
	if strings.EqualFold(v, "true") {
		f.MetadataURL = f.URL + ".metadata"
		return
	}
	name, val, ok := strings.Cut(v, "=")
	if !ok || name == "" || val == "" {
		return // "false" or garbage: no metadata file offered
	}
	f.MetadataURL = f.URL + ".metadata"
	if strings.EqualFold(name, "sha256") {
		f.MetadataSHA256 = strings.ToLower(val)
	}
}

// checkAPIVersion accepts "1", "1.x" (any minor) and refuses other majors.
func checkAPIVersion(v string) error {
	v = strings.TrimSpace(v)
	major, _, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(major)
	if err != nil {
		return fmt.Errorf("invalid repository API version %q", v)
	}
	if n != 1 {
		return fmt.Errorf("unsupported repository API version %q (this client speaks version 1)", v)
	}
	return nil
}

type jsonProject struct {
	Meta struct {
		APIVersion *string `json:"api-version"`
	} `json:"meta"`
	Name     string     `json:"name"`
	Versions []string   `json:"versions"`
	Files    []jsonFile `json:"files"`
}

type jsonFile struct {
	Filename         string            `json:"filename"`
	URL              string            `json:"url"`
	Hashes           map[string]string `json:"hashes"`
	RequiresPython   *string           `json:"requires-python"`
	CoreMetadata     json.RawMessage   `json:"core-metadata"`
	DistInfoMetadata json.RawMessage   `json:"dist-info-metadata"`
	Yanked           json.RawMessage   `json:"yanked"`
	Size             *int64            `json:"size"`
}

// ParseJSON parses a PEP 691 project page (version 1.x, with the PEP 700
// additions "versions" and "size"). File URLs resolve against base. A page
// whose meta.api-version is missing or has a major version other than 1 is
// refused.
func ParseJSON(base *url.URL, body []byte) (*Project, error) {
	if base == nil {
		base = &url.URL{}
	}
	var jp jsonProject
	if err := json.Unmarshal(body, &jp); err != nil {
		return nil, fmt.Errorf("invalid PEP 691 JSON page %s: %v", redactURL(base), err)
	}
	if jp.Meta.APIVersion == nil {
		return nil, fmt.Errorf("invalid PEP 691 JSON page %s: no meta.api-version", redactURL(base))
	}
	if err := checkAPIVersion(*jp.Meta.APIVersion); err != nil {
		return nil, err
	}
	p := &Project{Name: pep508.NormalizeName(jp.Name), Versions: jp.Versions}
	for i, jf := range jp.Files {
		u, err := base.Parse(strings.TrimSpace(jf.URL))
		if err != nil || jf.URL == "" {
			return nil, fmt.Errorf("invalid PEP 691 JSON page %s: file %d has an invalid url %q", redactURL(base), i, redact.URL(jf.URL))
		}
		u.Fragment, u.RawFragment = "", ""
		f := File{Filename: jf.Filename, URL: u.String()}
		if f.Filename == "" {
			f.Filename = filenameOf(u)
		}
		if f.Filename == "" || strings.ContainsAny(f.Filename, "/\\\x00") {
			return nil, fmt.Errorf("invalid PEP 691 JSON page %s: file %d has an invalid filename %q", redactURL(base), i, jf.Filename)
		}
		for k, v := range jf.Hashes {
			if strings.EqualFold(k, "sha256") {
				f.SHA256 = strings.ToLower(v)
			}
		}
		if jf.RequiresPython != nil {
			f.RequiresPython = strings.TrimSpace(*jf.RequiresPython)
		}
		if jf.Size != nil {
			f.Size = *jf.Size
		}
		f.Yanked, f.YankedReason = parseYanked(jf.Yanked)
		meta := jf.CoreMetadata
		if len(meta) == 0 || string(meta) == "null" {
			meta = jf.DistInfoMetadata
		}
		setMetadataJSON(&f, meta)
		p.Files = append(p.Files, f)
	}
	return p, nil
}

// parseYanked reads PEP 691 "yanked": false, true or a reason string.
func parseYanked(raw json.RawMessage) (bool, string) {
	if len(raw) == 0 {
		return false, ""
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b, ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return true, printable.Sanitize(s)
	}
	return false, ""
}

// setMetadataJSON reads "core-metadata": true/false or {"sha256": "..."}.
func setMetadataJSON(f *File, raw json.RawMessage) {
	if len(raw) == 0 {
		return
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		if b {
			f.MetadataURL = f.URL + ".metadata"
		}
		return
	}
	var m map[string]string
	if json.Unmarshal(raw, &m) == nil && m != nil {
		f.MetadataURL = f.URL + ".metadata"
		for k, v := range m {
			if strings.EqualFold(k, "sha256") {
				f.MetadataSHA256 = strings.ToLower(v)
			}
		}
	}
}
