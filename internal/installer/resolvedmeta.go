package installer

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pep508"
)

// usedMetadata is the metadata the resolver read for c, or nil when it read
// none (--no-deps, a candidate never asked about).
func (p *Provider) usedMetadata(c *Candidate) *distinfo.Metadata {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	m := p.meta[c]
	p.mu.Unlock()
	if m == nil {
		return nil
	}
	m.once.Do(func() {}) // waits for a fetch still in flight
	return m.md
}

// checkResolvedMetadata compares the METADATA of a prepared (verified) wheel
// with the metadata resolution used for it, which an index served separately
// (PEP 658 file, range read): the name, version, Requires-Python and every
// Requires-Dist must agree, or the index lied about the dependencies and
// nothing may be installed.
func checkResolvedMetadata(used *distinfo.Metadata, ch *Change, p *Prepared) error {
	if used == nil || ch.Candidate.Local != "" {
		return nil
	}
	got, err := preparedMetadata(p)
	if err != nil {
		return err
	}
	c := ch.Candidate
	var diffs []string
	if pep508.NormalizeName(got.Name) != pep508.NormalizeName(used.Name) {
		diffs = append(diffs, fmt.Sprintf("Name: wheel %q, index %q", got.Name, used.Name))
	}
	if gv, err1 := pep440.Parse(got.Version); err1 != nil || !sameVersion(used.Version, gv) {
		diffs = append(diffs, fmt.Sprintf("Version: wheel %q, index %q", got.Version, used.Version))
	}
	if strings.TrimSpace(got.RequiresPython) != strings.TrimSpace(used.RequiresPython) {
		diffs = append(diffs, fmt.Sprintf("Requires-Python: wheel %q, index %q", got.RequiresPython, used.RequiresPython))
	}
	if g, u := normalizedDeps(got.RequiresDist), normalizedDeps(used.RequiresDist); !slices.Equal(g, u) {
		diffs = append(diffs, fmt.Sprintf("Requires-Dist: wheel [%s], index [%s]", strings.Join(g, "; "), strings.Join(u, "; ")))
	}
	if len(diffs) == 0 {
		return nil
	}
	from := c.File.Index
	if from == "" {
		from = c.File.URL
	}
	return fmt.Errorf("%s from %s: its METADATA differs from the metadata the index served for resolving (%s); refusing to install",
		c.describe(), from, strings.Join(diffs, "; "))
}

func normalizedDeps(deps []string) []string {
	out := make([]string, len(deps))
	for i, d := range deps {
		out[i] = strings.Join(strings.Fields(d), " ")
	}
	slices.Sort(out)
	return out
}

// preparedMetadata is the METADATA of a prepared wheel.
func preparedMetadata(p *Prepared) (*distinfo.Metadata, error) {
	if p.Wheel != nil {
		return p.Wheel.Metadata, nil
	}
	rc, err := p.Tree.Open(p.Tree.DistInfo() + "/METADATA")
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 64<<20))
	if err != nil {
		return nil, err
	}
	return distinfo.ParseMetadata(b)
}
