package pylock

// Whether a lock fits an interpreter and satisfies a project's requirements.

import (
	"fmt"
	"slices"
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

// Inputs are what a pkginstall lock is made from.
type Inputs struct {
	Requirements   []string // every root's requirement (Lock.Requirements)
	RequiresPython string
	// Lines are the other inputs, "what: value" (Lock.Inputs), sorted.
	Lines []string
	// CompareIndex compares the index lines ("index: …", "find-links: …"):
	// only when the command names its index, so a check without index
	// flags does not call a lock made with --find-links stale.
	CompareIndex bool
}

// IsIndexLine reports whether an input line is an index setting.
func IsIndexLine(s string) bool {
	for _, p := range []string{"index:", "extra-index-url:", "find-links:", "no-index"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// Changes says which inputs differ from those l was made from (none: l is
// up to date). It depends on nothing of the machine or interpreter.
func (l *Lock) Changes(in Inputs) []string {
	reqs := parseAll(in.Requirements)
	out := l.requirementChanges(reqs)
	out = append(out, l.unmet(reqs)...)
	if l.RequiresPython != in.RequiresPython {
		out = append(out, fmt.Sprintf("requires-python is now %q, and the lock was made for %q", in.RequiresPython, l.RequiresPython))
	}
	if l.Inputs == nil {
		return append(out, "the lock records no inputs (written by an older pkginstall)")
	}
	// A root line whose requirement is new or gone is said above; one
	// that only moved (to another group, extra) is said here.
	both := map[string]bool{}
	for _, r := range l.Requirements {
		both[r] = slices.ContainsFunc(in.Requirements, func(s string) bool { return redact.StripRequirement(s) == r })
	}
	keep := func(s string) bool {
		if IsIndexLine(s) {
			return in.CompareIndex
		}
		if _, req, ok := strings.Cut(s, ": "); ok && isRootLine(s) {
			return both[req]
		}
		return true
	}
	have := map[string]bool{}
	for _, s := range l.Inputs {
		have[s] = true
	}
	want := map[string]bool{}
	for _, s := range in.Lines {
		want[s] = true
		if !have[s] && keep(s) {
			out = append(out, fmt.Sprintf("now %s, which the lock was not made with", s))
		}
	}
	for _, s := range l.Inputs {
		if !want[s] && keep(s) {
			out = append(out, fmt.Sprintf("the lock was made with %s, which is no longer so", s))
		}
	}
	return out
}

// isRootLine reports whether an input line records a root.
func isRootLine(s string) bool {
	return strings.HasPrefix(s, "dependencies: ") || strings.HasPrefix(s, "group ") || strings.HasPrefix(s, "extra ")
}

// unmet says which requirements no locked version of their package meets
// (markers aside: the lock is for every environment).
func (l *Lock) unmet(reqs []pep508.Requirement) []string {
	locked := map[string][]string{}
	for _, p := range l.Packages {
		n := pep508.NormalizeName(p.Name)
		locked[n] = append(locked[n], p.Version)
	}
	var out []string
	for _, q := range reqs {
		name := pep508.NormalizeName(q.Name)
		vs, ok := locked[name]
		if !ok || q.URL != "" {
			continue
		}
		met := false
		for _, v := range vs {
			if pv, err := pep440.Parse(v); v == "" || err == nil && q.Specifier.Contains(pv, true) {
				met = true
			}
		}
		if !met {
			out = append(out, fmt.Sprintf("pyproject.toml requires %s, but the lock has %s %s", q.String(), name, strings.Join(vs, ", ")))
		}
	}
	return out
}

// parseAll parses requirement strings, skipping what does not parse.
func parseAll(ss []string) []pep508.Requirement {
	var out []pep508.Requirement
	for _, s := range ss {
		if r, err := pep508.ParseRequirement(s); err == nil {
			out = append(out, r)
		}
	}
	return out
}
