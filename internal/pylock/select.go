package pylock

// Which packages of a lock an install takes (PEP 751 markers, with the
// extras and dependency groups selected).

import (
	"strings"

	"github.com/pkginstall/pkginstall/internal/fileerr"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/project"
	"github.com/pkginstall/pkginstall/internal/python"
)

// SelectionEnv is the marker environment of an install into py with sel:
// PEP 751's extras and dependency_groups are the selected names (a
// comma-separated set, as pep508 reads set-valued variables).
func SelectionEnv(py *python.Info, sel project.Selection) map[string]string {
	env := py.MarkerEnv()
	env["extra"] = ""
	env["extras"] = strings.Join(sel.Extras, ",")
	env["dependency_groups"] = strings.Join(sel.Groups, ",")
	return env
}

// Selected returns the indexes of the packages an install into py with sel
// takes: those whose marker holds. With sel.NoProject, only those that the
// selected groups' requirements (recorded in Inputs) reach through the
// packages' dependencies. path names the lock in errors.
func (l *Lock) Selected(path string, py *python.Info, sel project.Selection) ([]int, error) {
	env := SelectionEnv(py, sel)
	var out []int
	for i, p := range l.Packages {
		if p.Marker == "" {
			out = append(out, i)
			continue
		}
		m, err := pep508.ParseMarker(p.Marker)
		if err == nil {
			var ok bool
			if ok, err = m.Evaluate(env); err == nil && ok {
				out = append(out, i)
			}
		}
		if err != nil {
			return nil, fileerr.Errorf(path, p.Line, p.Col, "package %s: marker %q: %v", p.Name, p.Marker, err)
		}
	}
	if !sel.NoProject {
		return out, nil
	}
	return l.reach(out, sel.Groups, env), nil
}

// reach keeps of the packages in idx those that the requirements of groups
// reach, following the packages' dependencies.
func (l *Lock) reach(idx []int, groups []string, env map[string]string) []int {
	byName := map[string][]int{}
	for _, i := range idx {
		n := pep508.NormalizeName(l.Packages[i].Name)
		byName[n] = append(byName[n], i)
	}
	var queue []string
	for _, line := range l.Inputs {
		where, req, ok := strings.Cut(line, ": ")
		if !ok || !strings.HasPrefix(where, "group ") || !contains(groups, strings.TrimPrefix(where, "group ")) {
			continue
		}
		r, err := pep508.ParseRequirement(req)
		if err != nil {
			continue
		}
		if r.Marker != nil {
			// Unknown variables (an export knows no interpreter) keep it.
			if ok, err := r.Marker.Evaluate(env); err == nil && !ok {
				continue
			}
		}
		queue = append(queue, pep508.NormalizeName(r.Name))
	}
	seen := map[int]bool{}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, i := range byName[n] {
			if seen[i] {
				continue
			}
			seen[i] = true
			for _, d := range l.Packages[i].Dependencies {
				queue = append(queue, pep508.NormalizeName(d.Name))
			}
		}
	}
	var out []int
	for _, i := range idx {
		if seen[i] {
			out = append(out, i)
		}
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Exported is one package of an export: its marker with the selection
// evaluated ("" when it always applies).
type Exported struct {
	Name, Version, Marker string
	SHA256                []string // of every wheel
}

// Export lists the packages that the selection sel takes on some
// environment, for a requirements file: markers keep only the terms of
// the environment (the extras and groups are decided).
func (l *Lock) Export(path string, sel project.Selection) ([]Exported, error) {
	known := map[string]string{"extras": strings.Join(sel.Extras, ","), "dependency_groups": strings.Join(sel.Groups, ",")}
	var idx []int
	var out []Exported
	for i, p := range l.Packages {
		e := Exported{Name: p.Name, Version: p.Version}
		if p.Marker != "" {
			m, err := pep508.ParseMarker(p.Marker)
			if err != nil {
				return nil, fileerr.Errorf(path, p.Line, p.Col, "package %s: marker %q: %v", p.Name, p.Marker, err)
			}
			rest, _, never := m.Reduce(known)
			if never {
				continue
			}
			e.Marker = rest.String()
		}
		for _, w := range p.Wheels {
			e.SHA256 = append(e.SHA256, w.SHA256())
		}
		idx = append(idx, i)
		out = append(out, e)
	}
	if !sel.NoProject {
		return out, nil
	}
	keep := map[int]bool{}
	for _, i := range l.reach(idx, sel.Groups, known) {
		keep[i] = true
	}
	var kept []Exported
	for j, i := range idx {
		if keep[i] {
			kept = append(kept, out[j])
		}
	}
	return kept, nil
}
