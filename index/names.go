package index

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"

	"golang.org/x/net/html"

	"github.com/pkginstall/pkginstall/internal/pep508"
)

// Where names the places Project looks, for a "not found" message: the
// index URLs and the --find-links locations (redacted).
func (c *Client) Where() string {
	var parts []string
	for _, u := range c.indexes {
		parts = append(parts, redactURL(u))
	}
	var links []string
	for _, u := range c.findLinks {
		links = append(links, redactURL(u))
	}
	if len(links) > 0 {
		parts = append(parts, "--find-links "+strings.Join(links, ", "))
	}
	if len(parts) == 0 {
		return "no index (--no-index)"
	}
	return strings.Join(parts, " or ")
}

// ProjectNames lists the normalised names of every project the indexes
// (their root page: PEP 503 links or PEP 691 JSON) and the find-links
// locations offer, for "did you mean". A place that cannot be read is
// skipped: the list is a hint, never a reason to fail.
func (c *Client) ProjectNames(ctx context.Context) []string {
	seen := map[string]bool{}
	var out []string
	add := func(name string) {
		if n := pep508.NormalizeName(name); n != "" && validName.MatchString(n) && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, idx := range c.indexes {
		if isFileURL(idx) {
			ents, _ := os.ReadDir(localPath(idx))
			for _, e := range ents {
				if e.IsDir() {
					add(e.Name())
				}
			}
			continue
		}
		pg, err := c.fetchPage(ctx, idx)
		if err != nil || pg.Status != http.StatusOK {
			continue
		}
		for _, n := range rootPageNames(pg) {
			add(n)
		}
	}
	for _, fl := range c.findLinks {
		for _, f := range c.findLinksNames(ctx, fl) {
			if dist, _, ok := strings.Cut(f, "-"); ok && strings.HasSuffix(strings.ToLower(f), ".whl") {
				add(dist)
			}
		}
	}
	return out
}

// findLinksNames lists the file names of one find-links location (a
// directory's entries or a page's links), nil when it cannot be read.
func (c *Client) findLinksNames(ctx context.Context, fl *url.URL) []string {
	var names []string
	if isFileURL(fl) {
		ents, err := os.ReadDir(localPath(fl))
		if err != nil {
			return nil
		}
		for _, e := range ents {
			names = append(names, e.Name())
		}
		return names
	}
	pg, err := c.fetchPage(ctx, fl)
	if err != nil || pg.Status != http.StatusOK {
		return nil
	}
	p, err := parsePage(pg)
	if err != nil {
		return nil
	}
	for _, f := range p.Files {
		names = append(names, f.Filename)
	}
	return names
}

// rootPageNames reads the project names of an index's root page.
func rootPageNames(pg *page) []string {
	var names []string
	if strings.Contains(pg.ContentType, "json") {
		var root struct {
			Projects []struct{ Name string } `json:"projects"`
		}
		if json.Unmarshal(pg.Body, &root) == nil {
			for _, p := range root.Projects {
				names = append(names, p.Name)
			}
		}
		return names
	}
	z := html.NewTokenizer(strings.NewReader(string(pg.Body)))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return names
		case html.StartTagToken:
			tn, hasAttr := z.TagName()
			if string(tn) != "a" || !hasAttr {
				continue
			}
			for {
				k, v, more := z.TagAttr()
				if string(k) == "href" {
					names = append(names, path.Base(strings.TrimSuffix(string(v), "/")))
				}
				if !more {
					break
				}
			}
		}
	}
}
