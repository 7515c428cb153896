package installer

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/python"
	"github.com/pkginstall/pkginstall/scheme"
)

// Check lists unmet or conflicting requirements among the distributions
// installed in the target, one sentence each, sorted (as `pip check`).
func Check(p scheme.Paths, py *python.Info) ([]string, error) {
	dists, err := scheme.ListHeads(p)
	if err != nil {
		return nil, err
	}
	versions := map[string]pep440.Version{}
	for _, d := range dists {
		if v, err := pep440.Parse(d.Version); err == nil {
			versions[pep508.NormalizeName(d.Name)] = v
		}
	}
	env := py.MarkerEnv()
	env["extra"] = ""
	var out []string
	for _, d := range dists {
		b, err := os.ReadFile(filepath.Join(d.DistInfo, "METADATA"))
		if err != nil {
			out = append(out, fmt.Sprintf("%s %s has no readable METADATA: %v", d.Name, d.Version, err))
			continue
		}
		md, err := distinfo.ParseMetadata(b)
		if err != nil {
			out = append(out, fmt.Sprintf("%s %s: METADATA: %v", d.Name, d.Version, err))
			continue
		}
		for _, h := range HeldRequirements(md, env) {
			r, line := h.Req, h.Line
			name := pep508.NormalizeName(r.Name)
			v, ok := versions[name]
			switch {
			case !ok:
				out = append(out, fmt.Sprintf("%s %s requires %s, which is not installed", d.Name, d.Version, line))
			case !r.Specifier.Contains(v, true):
				out = append(out, fmt.Sprintf("%s %s requires %s, but %s %s is installed", d.Name, d.Version, line, name, v))
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// Held is one Requires-Dist entry whose marker holds, with its text.
type Held struct {
	Req  pep508.Requirement
	Line string // as written in METADATA
}

// HeldRequirements are md's Requires-Dist entries whose markers hold in
// env (env["extra"] "" for the distribution without extras); an entry
// that does not parse is skipped. doctor's dependency check and the
// inspection commands (show, tree) read installed requirements through
// it.
func HeldRequirements(md *distinfo.Metadata, env map[string]string) []Held {
	var out []Held
	for _, line := range md.RequiresDist {
		r, err := pep508.ParseRequirement(line)
		if err != nil {
			continue
		}
		if r.Marker != nil {
			if ok, err := r.Marker.Evaluate(env); err != nil || !ok {
				continue
			}
		}
		out = append(out, Held{Req: r, Line: line})
	}
	return out
}
