package pylock

// Whether a lock fits an interpreter and satisfies a project's requirements.

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/python"
	"github.com/pkginstall/pkginstall/internal/redact"
)

// Admits reports whether the lock's environments (any one of its markers)
// and requires-python admit the interpreter, and if not, why.
func (l *Lock) Admits(py *python.Info) (bool, string) {
	env := py.MarkerEnv()
	env["extra"] = ""
	if l.RequiresPython != "" {
		spec, err := pep440.ParseSpecifierSet(l.RequiresPython)
		if err != nil {
			return false, fmt.Sprintf("requires-python %q: %v", l.RequiresPython, err)
		}
		v, err := pep440.Parse(py.Version)
		if err == nil && !spec.Contains(v, true) {
			return false, fmt.Sprintf("the lock requires Python %s, and %s is %s", l.RequiresPython, py.Executable, py.Version)
		}
	}
	if len(l.Environments) == 0 {
		return true, ""
	}
	for _, e := range l.Environments {
		m, err := pep508.ParseMarker(e)
		if err != nil {
			return false, fmt.Sprintf("environments: %q: %v", e, err)
		}
		if ok, err := m.Evaluate(env); err == nil && ok {
			return true, ""
		}
	}
	return false, fmt.Sprintf("the lock is for other environments (%s), not %s %s on %s",
		strings.Join(l.Environments, "; "), py.Implementation, py.Version, py.Platform)
}

// EnvironmentMarker is the environments marker pkginstall writes for an
// interpreter: its implementation and X.Y version, not its platform (the
// lock lists every platform's wheels of each locked version).
func EnvironmentMarker(py *python.Info) string {
	return fmt.Sprintf("implementation_name == '%s' and python_version == '%s'", py.Markers["implementation_name"], py.Markers["python_version"])
}

// Problems says how the lock fails to satisfy the requirements reqs for the
// interpreter py (none: it does). The lock must admit py; a lock written by
// pkginstall (or one that records [tool.pkginstall] requirements) must have
// been made for exactly reqs; and every requirement whose marker holds must
// be locked at a version it allows.
func (l *Lock) Problems(reqs []pep508.Requirement, py *python.Info) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if ok, why := l.Admits(py); !ok {
		add(why)
	}
	if l.Requirements != nil || l.CreatedBy == CreatedBy {
		for _, p := range l.requirementChanges(reqs) {
			add(p)
		}
	}
	env := py.MarkerEnv()
	env["extra"] = ""
	locked := map[string]string{}
	for _, p := range l.Packages {
		locked[pep508.NormalizeName(p.Name)] = p.Version
	}
	for _, q := range reqs {
		if q.Marker != nil {
			if ok, err := q.Marker.Evaluate(env); err == nil && !ok {
				continue
			}
		}
		name := pep508.NormalizeName(q.Name)
		v, ok := locked[name]
		if !ok {
			add(fmt.Sprintf("%s is not in the lock", q.String()))
			continue
		}
		if q.URL != "" || v == "" {
			continue
		}
		if pv, err := pep440.Parse(v); err == nil && !q.Specifier.Contains(pv, true) {
			add(fmt.Sprintf("pyproject.toml requires %s, but the lock has %s %s", q.String(), name, v))
		}
	}
	return out
}

// requirementChanges compares the requirements the lock was made for with
// reqs. A changed requirement (six -> six>=1.17) is one finding, not an
// added and a removed one.
func (l *Lock) requirementChanges(reqs []pep508.Requirement) []string {
	want := map[string]bool{}
	var wanted []string
	for _, q := range reqs {
		// The lock records requirements without credentials.
		if s := redact.StripRequirement(q.String()); !want[s] {
			want[s] = true
			wanted = append(wanted, s)
		}
	}
	sort.Strings(wanted)
	have := map[string]bool{}
	for _, s := range l.Requirements {
		have[s] = true
	}
	reqName := func(s string) string {
		if r, err := pep508.ParseRequirement(s); err == nil {
			return pep508.NormalizeName(r.Name)
		}
		return s
	}
	dropped := map[string][]string{}
	for _, s := range l.Requirements {
		dropped[reqName(s)] = append(dropped[reqName(s)], s)
	}
	var out []string
	changed := map[string]bool{}
	for _, s := range wanted {
		if have[s] {
			continue
		}
		var was []string
		for _, old := range dropped[reqName(s)] {
			if !want[old] {
				was = append(was, old)
				changed[old] = true
			}
		}
		if len(was) > 0 {
			out = append(out, fmt.Sprintf("pyproject.toml now requires %s, and the lock was made for %s", s, strings.Join(was, ", ")))
		} else {
			out = append(out, fmt.Sprintf("pyproject.toml requires %s, which the lock was not made for", s))
		}
	}
	for _, s := range l.Requirements {
		if !want[s] && !changed[s] {
			out = append(out, fmt.Sprintf("pyproject.toml no longer requires %s", s))
		}
	}
	return out
}
