package installer

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/pkginstall/pkginstall/internal/pylock"
)

// MissingWheel is a locked package that has no wheel for an environment.
type MissingWheel struct {
	Name, Version string
	Env           Environment
}

// Error is the message lock warns with and sync fails with.
func (m MissingWheel) Error() string {
	return fmt.Sprintf("%s %s has no wheel for %s (and no sdist to build)", m.Name, m.Version, m.Env.Label())
}

// UniversalPackages merges the resolutions of every environment into the
// packages of one lock: one entry per locked version, with the marker of
// the environments and selections that need it ("" when every environment
// needs it without an extra or group), every wheel of that version and
// its dependencies. It also returns the wheels missing per environment.
func (in *Installer) UniversalPackages(ctx context.Context, envs []Environment, rs []*EnvResolution) ([]pylock.Package, []MissingWheel, error) {
	type entry struct {
		c       *Candidate
		reasons map[string]envSet // reason -> environments
		deps    map[string]map[string]bool
	}
	entries := map[string]*entry{} // "name version"
	versions := map[string]map[string]bool{}
	var missing []MissingWheel
	for i, r := range rs {
		for name, c := range r.Sol {
			k := name + " " + c.Version.String()
			e := entries[k]
			if e == nil {
				e = &entry{c: c, reasons: map[string]envSet{}, deps: map[string]map[string]bool{}}
				entries[k] = e
			}
			if versions[name] == nil {
				versions[name] = map[string]bool{}
			}
			versions[name][c.Version.String()] = true
			for reason := range r.Needs[name] {
				if e.reasons[reason] == nil {
					e.reasons[reason] = envSet{}
				}
				e.reasons[reason][i] = true
			}
			for d := range r.Deps[name] {
				if dc := r.Sol[d]; dc != nil {
					if e.deps[d] == nil {
						e.deps[d] = map[string]bool{}
					}
					e.deps[d][dc.Version.String()] = true
				}
			}
		}
		for _, name := range r.Missing {
			missing = append(missing, MissingWheel{Name: name, Version: r.Sol[name].Version.String(), Env: r.Env})
		}
	}
	keys := make([]string, 0, len(entries))
	for k := range entries {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pkgs := make([]pylock.Package, len(keys))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i, k := range keys {
		e := entries[k]
		g.Go(func() error {
			p, err := in.lockWheels(gctx, e.c, rs[0].shared)
			if err != nil {
				return err
			}
			p.Marker = entryMarker(e.reasons, envs)
			for d, vs := range e.deps {
				for v := range vs {
					dep := pylock.Dependency{Name: d}
					if len(versions[d]) > 1 {
						dep.Version = v
					}
					p.Dependencies = append(p.Dependencies, dep)
				}
			}
			sort.Slice(p.Dependencies, func(a, b int) bool {
				da, db := p.Dependencies[a], p.Dependencies[b]
				return da.Name < db.Name || da.Name == db.Name && da.Version < db.Version
			})
			pkgs[i] = *p
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	// A version whose sdist is locked is built where no wheel fits.
	withSdist := map[string]bool{}
	for _, p := range pkgs {
		if p.Sdist != nil {
			withSdist[p.Name+" "+p.Version] = true
		}
	}
	kept := missing[:0]
	for _, m := range missing {
		if !withSdist[m.Name+" "+m.Version] {
			kept = append(kept, m)
		}
	}
	missing = kept
	sort.SliceStable(missing, func(a, b int) bool {
		return missing[a].Error() < missing[b].Error()
	})
	return pkgs, missing, nil
}

// entryMarker is the marker of a locked version: where [project]
// dependencies need it, or where a selection does (and the project's
// dependencies do not).
func entryMarker(reasons map[string]envSet, envs []Environment) string {
	base := reasons[""]
	var terms []string
	if len(base) > 0 {
		terms = append(terms, markerOf(base, envs))
	}
	var names []string
	for r := range reasons {
		if r != "" {
			names = append(names, r)
		}
	}
	sort.Strings(names)
	for _, r := range names {
		rest := envSet{}
		for i := range reasons[r] {
			if !base[i] {
				rest[i] = true
			}
		}
		if len(rest) > 0 {
			terms = append(terms, and(selectionMarker(r), markerOf(rest, envs)))
		}
	}
	return strings.TrimSpace(or(terms))
}

// SummarizeMissing words missing wheels one line per locked version:
// "cffi 2.0.0 has no wheel for Windows x86_64, macOS arm64 (Python 3.11)".
func SummarizeMissing(missing []MissingWheel) []string {
	type key struct{ name, version string }
	var order []key
	byPkg := map[key]map[int][]int{} // platform -> minors
	for _, m := range missing {
		k := key{m.Name, m.Version}
		if byPkg[k] == nil {
			byPkg[k] = map[int][]int{}
			order = append(order, k)
		}
		byPkg[k][m.Env.Platform] = append(byPkg[k][m.Env.Platform], m.Env.Minor)
	}
	var out []string
	for _, k := range order {
		plats := sortedKeysInt(func() map[int]bool {
			s := map[int]bool{}
			for p := range byPkg[k] {
				s[p] = true
			}
			return s
		}())
		// Platforms that lack the same Pythons are named together.
		var groups []string
		seen := map[string][]string{}
		var pyOrder []string
		for _, p := range plats {
			minors := byPkg[k][p]
			sort.Ints(minors)
			py := pythons(minors)
			if seen[py] == nil {
				pyOrder = append(pyOrder, py)
			}
			seen[py] = append(seen[py], UniversalPlatforms[p].Label)
		}
		for _, py := range pyOrder {
			groups = append(groups, fmt.Sprintf("%s (%s)", strings.Join(seen[py], ", "), py))
		}
		out = append(out, fmt.Sprintf("%s %s has no wheel for %s, and no sdist to build", k.name, k.version, strings.Join(groups, "; ")))
	}
	return out
}

// pythons words sorted minors: "Python 3.11", "Python 3.8, 3.9".
func pythons(minors []int) string {
	parts := make([]string, len(minors))
	for i, m := range minors {
		parts[i] = fmt.Sprintf("3.%d", m)
	}
	return "Python " + strings.Join(parts, ", ")
}
