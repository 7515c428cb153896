package main

import (
	"fmt"
	"maps"

	"github.com/pkginstall/pkginstall/internal/wheeltest"
)

// pagesCase is case 5: projects with PyPI-sized pages, resolved a second
// time with a warm cache, where reading the pages is most of the work.
type pagesCase struct {
	Projects, Files int
}

func (c pagesCase) label() string {
	return fmt.Sprintf("(5) %d projects with PyPI-sized pages (%d files each), warm cache", c.Projects, c.Files)
}

func (c pagesCase) name(i int) string { return fmt.Sprintf("rp-p%02d", i) }

// request names every project; each release of project i needs project
// i+1 (a chain), so the answer is the newest release of each.
func (c pagesCase) request() []string {
	var r []string
	for i := range c.Projects {
		r = append(r, c.name(i))
	}
	return r
}

// newPagesIndex serves c as PyPI does: PEP 691 JSON pages with an ETag
// and Cache-Control: max-age=600, and PEP 658 .metadata files. The wheels
// themselves are not served (a resolution with metadata files needs
// none), so pip, which downloads the wheels it picks even with --dry-run,
// does not run this case. It returns the newest version of each project.
func newPagesIndex(c pagesCase) (*synthIndex, map[string]string) {
	s := &synthIndex{pages: map[string][]byte{}, files: map[string][]byte{}, pageType: "application/vnd.pypi.simple.v1+json", cacheable: true}
	newest := map[string]string{}
	for i := range c.Projects {
		var requires func(string) []string
		if i+1 < c.Projects {
			next := c.name(i + 1)
			requires = func(string) []string { return []string{next + ">=1.0"} }
		}
		pg := wheeltest.LargePage(wheeltest.PageSpec{Name: c.name(i), Files: c.Files, FilesURL: "../../files/", Requires: requires})
		s.pages[c.name(i)] = pg.JSON
		maps.Copy(s.files, pg.Metadata)
		newest[c.name(i)] = pg.Versions[len(pg.Versions)-1]
	}
	return s, newest
}
