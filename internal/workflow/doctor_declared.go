package workflow

import (
	"fmt"

	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/project"
	"github.com/pkginstall/pkginstall/internal/python"
	"github.com/pkginstall/pkginstall/scheme"
)

// FindDeclared is a dependency the project declares ([project]
// dependencies in pyproject.toml) that the target does not satisfy.
const FindDeclared = "declared"

// auditDeclared checks the project's [project] dependencies whose markers
// hold for py against what the target holds: each must be installed, at a
// version its specifier allows. Extras and dependency groups are optional
// by nature and not checked. A pyproject.toml that cannot be read is a
// finding too (doctor must not say "no problems" then).
func auditDeclared(p scheme.Paths, py *python.Info, dists []scheme.Dist) []Finding {
	pp, err := project.Load(p.Project)
	if err != nil {
		return []Finding{{Kind: FindDeclared, Path: p.Project, Message: err.Error(), Fix: "fix pyproject.toml"}}
	}
	if !pp.Exists {
		return nil
	}
	installed := map[string]string{}
	for _, d := range dists {
		installed[pep508.NormalizeName(d.Name)] = d.Version
	}
	env := py.MarkerEnv()
	env["extra"] = ""
	var out []Finding
	for _, s := range pp.Project.Dependencies {
		req, err := pep508.ParseRequirement(s)
		if err != nil {
			out = append(out, Finding{Kind: FindDeclared, Path: pp.Path, Message: fmt.Sprintf("[project] dependencies: %q: %v", s, err), Fix: "fix pyproject.toml"})
			continue
		}
		if req.Marker != nil {
			if ok, err := req.Marker.Evaluate(env); err != nil || !ok {
				continue
			}
		}
		name := pep508.NormalizeName(req.Name)
		have, ok := installed[name]
		if !ok {
			out = append(out, Finding{Kind: FindDeclared, Path: pp.Path,
				Message: fmt.Sprintf("%s is a dependency of the project (pyproject.toml) but is not installed", req.Name),
				Fix:     "pkginstall sync"})
			continue
		}
		if v, err := pep440.Parse(have); err == nil && !req.Specifier.Contains(v, true) {
			out = append(out, Finding{Kind: FindDeclared, Path: pp.Path,
				Message: fmt.Sprintf("the project requires %s, but %s %s is installed", req.String(), req.Name, have),
				Fix:     "pkginstall sync"})
		}
	}
	return out
}
