package workflow

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/installer"
	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/python"
	"github.com/pkginstall/pkginstall/scheme"
)

// Package is one installed distribution as show, tree and outdated
// present it.
type Package struct {
	Name       string   `json:"name"` // normalised
	Version    string   `json:"version"`
	Summary    string   `json:"summary,omitempty"`
	Location   string   `json:"location"` // the target's lib/
	Requested  bool     `json:"requested"`
	Installer  string   `json:"installer,omitempty"`
	Requires   []string `json:"requires"`    // Requires-Dist whose markers hold (no extras), as written
	DependsOn  []string `json:"-"`           // normalised names of Requires
	RequiredBy []string `json:"required_by"` // installed packages that require it, normalised
}

// Inventory reads every distribution of the target with its requirements
// (markers evaluated for py, extras not taken) and who requires it, sorted
// by name.
func Inventory(p scheme.Paths, py *python.Info) ([]*Package, error) {
	dists, err := scheme.List(p)
	if err != nil {
		return nil, err
	}
	env := py.MarkerEnv()
	env["extra"] = ""
	byName := map[string]*Package{}
	var out []*Package
	for _, d := range dists {
		pk := &Package{Name: pep508.NormalizeName(d.Name), Version: d.Version, Location: p.Lib, Requested: d.Requested, Installer: d.Installer, Requires: []string{}, RequiredBy: []string{}}
		if b, err := os.ReadFile(filepath.Join(d.DistInfo, "METADATA")); err == nil {
			if md, err := distinfo.ParseMetadata(b); err == nil {
				pk.Summary = md.Summary
				for _, h := range installer.HeldRequirements(md, env) {
					pk.Requires = append(pk.Requires, h.Req.String())
					pk.DependsOn = append(pk.DependsOn, pep508.NormalizeName(h.Req.Name))
				}
			}
		}
		byName[pk.Name] = pk
		out = append(out, pk)
	}
	for _, pk := range out {
		for _, dep := range pk.DependsOn {
			if d := byName[dep]; d != nil {
				d.RequiredBy = append(d.RequiredBy, pk.Name)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	for _, pk := range out {
		sort.Strings(pk.RequiredBy)
	}
	return out, nil
}

// Node is one line of a dependency tree: a package and its children
// (dependencies, or with invert its dependents). A package already shown
// above on the same branch is a leaf marked Cycle; one shown elsewhere
// in full is marked Seen, without its children again.
type Node struct {
	Name     string  `json:"name"`
	Version  string  `json:"version"`
	Missing  bool    `json:"missing,omitempty"` // required but not installed
	Seen     bool    `json:"seen,omitempty"`
	Cycle    bool    `json:"cycle,omitempty"`
	Children []*Node `json:"children,omitempty"`
}

// Tree arranges pkgs as a forest: from what nothing installed requires
// (with invert: from what requires nothing installed) down through
// dependencies (dependents). only, when not empty, picks the roots.
func Tree(pkgs []*Package, invert bool, only []string) ([]*Node, error) {
	byName := map[string]*Package{}
	for _, pk := range pkgs {
		byName[pk.Name] = pk
	}
	next := func(pk *Package) []string {
		if invert {
			return pk.RequiredBy
		}
		return pk.DependsOn
	}
	var roots []string
	for _, name := range only {
		n := pep508.NormalizeName(name)
		if byName[n] == nil {
			return nil, fmt.Errorf("%s is not installed", name)
		}
		roots = append(roots, n)
	}
	if len(only) == 0 {
		for _, pk := range pkgs {
			if invert && len(installedOf(pk.DependsOn, byName)) == 0 || !invert && len(pk.RequiredBy) == 0 {
				roots = append(roots, pk.Name)
			}
		}
	}
	shown := map[string]bool{}
	var build func(name string, path map[string]bool) *Node
	build = func(name string, path map[string]bool) *Node {
		pk := byName[name]
		if pk == nil {
			return &Node{Name: name, Missing: true}
		}
		n := &Node{Name: pk.Name, Version: pk.Version}
		switch {
		case path[name]:
			n.Cycle = true
			return n
		case shown[name]:
			n.Seen = true
			return n
		}
		shown[name] = true
		path[name] = true
		kids := append([]string(nil), next(pk)...)
		sort.Strings(kids)
		for _, k := range dedupeStrings(kids) {
			n.Children = append(n.Children, build(k, path))
		}
		delete(path, name)
		return n
	}
	var forest []*Node
	for _, r := range roots {
		forest = append(forest, build(r, map[string]bool{}))
	}
	return forest, nil
}

func installedOf(names []string, byName map[string]*Package) []string {
	var out []string
	for _, n := range names {
		if byName[n] != nil {
			out = append(out, n)
		}
	}
	return out
}

func dedupeStrings(xs []string) []string {
	var out []string
	for i, x := range xs {
		if i == 0 || xs[i-1] != x {
			out = append(out, x)
		}
	}
	return out
}

// Outdated is an installed package with a newer version on the index.
type Outdated struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Latest  string `json:"latest_version"`
}

// FindOutdated asks the index for the newest version of every installed
// package (pre-releases only with pre) and returns those behind it.
func FindOutdated(ctx context.Context, t *Target, env Env, pre bool) ([]Outdated, error) {
	py := t.Python
	pkgs, err := Inventory(t.Paths, py)
	if err != nil {
		return nil, err
	}
	idx, err := env.newIndex(t)
	if err != nil {
		return nil, err
	}
	if idx == nil {
		return nil, fmt.Errorf("outdated needs an index or --find-links to compare with")
	}
	var names []string
	for _, pk := range pkgs {
		names = append(names, pk.Name)
	}
	latest, err := installer.Latest(ctx, idx, py, names, pre)
	if err != nil {
		return nil, err
	}
	out := []Outdated{}
	for _, pk := range pkgs {
		l, ok := latest[pk.Name]
		if !ok {
			continue
		}
		if v, err := pep440.Parse(pk.Version); err == nil && l.Compare(v) > 0 {
			out = append(out, Outdated{Name: pk.Name, Version: pk.Version, Latest: l.String()})
		}
	}
	return out, nil
}
