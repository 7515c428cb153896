package project

// The requirements a project declares (its roots): [project].dependencies,
// every extra of [project.optional-dependencies] and every PEP 735
// dependency group, groups expanded through include-group.

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/pkginstall/pkginstall/internal/fileerr"
	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pep508"
)

// Root is one requirement of the project.
type Root struct {
	Req     pep508.Requirement
	Where   string // the array it comes from: "[project] dependencies", "extra web", "group dev"
	Project bool   // listed in [project].dependencies
	Extra   string // normalised extra name, for a root of [project.optional-dependencies]
	Group   string // normalised group name, for a root of a dependency group
}

// Roots are the requirements a lock covers.
type Roots struct {
	Reqs    []Root
	Strings []string        // canonical requirement strings, sorted, deduplicated
	Names   map[string]bool // normalised names of every root
}

// Parse decodes pyproject.toml's text data (read from path).
func Parse(path string, data []byte) (*Pyproject, error) {
	pp := &Pyproject{Path: path, Exists: true}
	if err := Decode(path, data, pp); err != nil {
		return nil, err
	}
	return pp, nil
}

// ReadRoots collects [project].dependencies, every extra (sorted) and every
// group (sorted, following include-group) of pp, decoded from data (the
// file's text, for positions in errors). requires-python must parse.
func ReadRoots(data []byte, pp *Pyproject) (*Roots, error) {
	path := pp.Path
	if rp := pp.Project.RequiresPython; rp != "" {
		if _, err := pep440.ParseSpecifierSet(rp); err != nil {
			l, c, _ := Locate(data, "", regexp.MustCompile(`(?m)^\s*requires-python\s*=`))
			return nil, fileerr.Errorf(path, l, c, "[project] requires-python %q: %v", rp, err)
		}
	}
	r := &Roots{Names: map[string]bool{}}
	seen := map[string]bool{}
	add := func(s, where string, isProject bool, extra, group string) error {
		req, err := pep508.ParseRequirement(s)
		if err != nil {
			line, col := positionOf(data, s)
			return fileerr.Errorf(path, line, col, "%s: %v", where, err)
		}
		r.Reqs = append(r.Reqs, Root{Req: req, Where: where, Project: isProject, Extra: extra, Group: group})
		r.Names[pep508.NormalizeName(req.Name)] = true
		if cs := req.String(); !seen[cs] {
			seen[cs] = true
			r.Strings = append(r.Strings, cs)
		}
		return nil
	}
	for _, s := range pp.Project.Dependencies {
		if err := add(s, "[project] dependencies", true, "", ""); err != nil {
			return nil, err
		}
	}
	for _, e := range sortedKeys(pp.Project.OptionalDependencies) {
		for _, s := range pp.Project.OptionalDependencies[e] {
			if err := add(s, "extra "+e, false, pep508.NormalizeName(e), ""); err != nil {
				return nil, err
			}
		}
	}
	groups, err := ExpandGroups(data, pp)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		for _, s := range g.Reqs {
			if err := add(s, "group "+g.Name, false, "", g.Name); err != nil {
				return nil, err
			}
		}
	}
	sort.Strings(r.Strings)
	return r, nil
}

// Group is one expanded PEP 735 dependency group.
type Group struct {
	Name string   // normalised
	Reqs []string // its requirement strings, include-group entries replaced
}

// ExpandGroups expands every [dependency-groups] entry (PEP 735): names
// compare normalised and must be unique, an entry is a string or
// {include-group = "NAME"} naming a defined group, and no group includes
// itself. The groups come sorted by name.
func ExpandGroups(data []byte, pp *Pyproject) ([]Group, error) {
	path := pp.Path
	groups := map[string][]any{}
	var names []string
	for g, v := range pp.DependencyGroups {
		n := pep508.NormalizeName(g)
		if _, dup := groups[n]; dup {
			return nil, fmt.Errorf("%s: [dependency-groups] names %s twice", path, n)
		}
		groups[n] = v
		names = append(names, n)
	}
	sort.Strings(names)
	var expand func(g string, stack []string) ([]string, error)
	expand = func(g string, stack []string) ([]string, error) {
		for _, s := range stack {
			if s == g {
				return nil, fmt.Errorf("%s: [dependency-groups] %s includes itself (%s)", path, g, strings.Join(append(stack, g), " -> "))
			}
		}
		entries, ok := groups[g]
		if !ok {
			l, c, _ := Locate(data, "[dependency-groups]", regexp.MustCompile(`include-group\s*=\s*["']`+regexp.QuoteMeta(g)+`["']`))
			return nil, fileerr.Errorf(path, l, c, "[dependency-groups] %s is included but not defined", g)
		}
		var out []string
		for _, e := range entries {
			switch v := e.(type) {
			case string:
				out = append(out, v)
			case map[string]any:
				inc, ok := v["include-group"].(string)
				if !ok || len(v) != 1 {
					return nil, fmt.Errorf("%s: [dependency-groups] %s: an entry must be a string or {include-group = \"NAME\"}", path, g)
				}
				more, err := expand(pep508.NormalizeName(inc), append(stack, g))
				if err != nil {
					return nil, err
				}
				out = append(out, more...)
			default:
				return nil, fmt.Errorf("%s: [dependency-groups] %s: an entry must be a string or {include-group = \"NAME\"}", path, g)
			}
		}
		return out, nil
	}
	out := make([]Group, 0, len(names))
	for _, g := range names {
		reqs, err := expand(g, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, Group{Name: g, Reqs: reqs})
	}
	return out, nil
}

// positionOf finds the line and column of the quoted string s in data.
func positionOf(data []byte, s string) (int, int) {
	for _, q := range []string{`"` + s + `"`, `'` + s + `'`} {
		if i := bytes.Index(data, []byte(q)); i >= 0 {
			return fileerr.Position(data, i)
		}
	}
	return 0, 0
}

// sortedKeys are m's keys, sorted.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// validName is the shape of PEP 735 group names and PEP 685 extra names
// (project-name shaped).
var validName = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9._-]*[a-z0-9])?$`)

// ValidName reports whether s can name a dependency group or an extra.
func ValidName(s string) bool { return validName.MatchString(s) }

// Spelling makes w use the spelling pp already has for its group or extra
// (names compare normalised, PEP 685 and 735); a new one is normalised.
func (pp *Pyproject) Spelling(w Where) Where {
	pick := func(name string, keys []string) string {
		n := pep508.NormalizeName(name)
		for _, k := range keys {
			if pep508.NormalizeName(k) == n {
				return k
			}
		}
		return n
	}
	if w.Group != "" {
		w.Group = pick(w.Group, sortedKeys(pp.DependencyGroups))
	}
	if w.Optional != "" {
		w.Optional = pick(w.Optional, sortedKeys(pp.Project.OptionalDependencies))
	}
	return w
}

// Listing is an array of requirements that names a distribution, with the
// flag that selects it.
type Listing struct {
	Where Where
	Flag  string // "--group dev", "--optional web", "no --group or --optional"
}

// ListedIn returns the arrays of pp (decoded from data) that list the
// distribution name: [project].dependencies, then groups and extras by
// name.
func ListedIn(data []byte, pp *Pyproject, name string) []Listing {
	name = pep508.NormalizeName(name)
	var out []Listing
	try := func(w Where, flag string) {
		reqs, ok, err := Requirements(pp.Path, data, w)
		if err != nil || !ok {
			return
		}
		for _, s := range reqs {
			if r, err := pep508.ParseRequirement(s); err == nil && pep508.NormalizeName(r.Name) == name {
				out = append(out, Listing{Where: w, Flag: flag})
				return
			}
		}
	}
	try(Where{}, "no --group or --optional")
	for _, k := range sortedKeys(pp.DependencyGroups) {
		try(Where{Group: k}, "--group "+k)
	}
	for _, k := range sortedKeys(pp.Project.OptionalDependencies) {
		try(Where{Optional: k}, "--optional "+k)
	}
	return out
}

// DirectURLs are the URLs of every direct reference ("name @ URL") among
// the project's requirements: [project].dependencies, every extra and every
// dependency group. The index client trusts their hosts for credentials
// (see index.Options.Trusted), which is how credentials that the user keeps
// in pyproject.toml, or in .netrc for such a host, reach the server.
func (pp *Pyproject) DirectURLs() []string {
	if pp == nil {
		return nil
	}
	var urls []string
	add := func(s string) {
		if strings.Contains(s, "@") { // only "name @ URL" can have one
			if r, err := pep508.ParseRequirement(s); err == nil && r.URL != "" {
				urls = append(urls, r.URL)
			}
		}
	}
	for _, s := range pp.Project.Dependencies {
		add(s)
	}
	for _, reqs := range pp.Project.OptionalDependencies {
		for _, s := range reqs {
			add(s)
		}
	}
	for _, entries := range pp.DependencyGroups {
		for _, e := range entries {
			if s, ok := e.(string); ok {
				add(s)
			}
		}
	}
	return urls
}
