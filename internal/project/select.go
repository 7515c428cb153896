package project

// Which extras and dependency groups an install takes.

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pkginstall/pkginstall/internal/pep508"
)

// Selection is what an install of the project takes besides (unless
// NoProject) [project].dependencies.
type Selection struct {
	Extras    []string // normalised, sorted
	Groups    []string // normalised, sorted
	NoProject bool     // --only-group: only the groups' requirements
}

// SelectOptions are the selection flags of sync and install.
type SelectOptions struct {
	Groups          []string // --group, repeatable: in addition to the default groups
	OnlyGroups      []string // --only-group: these groups and nothing else
	Extras          []string // --extra
	AllExtras       bool
	AllGroups       bool
	NoDefaultGroups bool
	NoDev           bool // leave out the dev group
}

// DefaultGroupsOf are the groups pp installs by default: [tool.pkginstall]
// default-groups, else "dev" when the project has that group (as uv).
func DefaultGroupsOf(pp *Pyproject, groups []string) []string {
	if d := pp.Tool.Pkginstall.DefaultGroups; d != nil {
		out := make([]string, 0, len(d))
		for _, g := range d {
			out = append(out, pep508.NormalizeName(g))
		}
		sort.Strings(out)
		return out
	}
	for _, g := range groups {
		if g == "dev" {
			return []string{"dev"}
		}
	}
	return nil
}

// Select turns the flags into a selection among the extras and groups a
// lock or project defines, whose default groups are defaults. Naming an
// extra or group that does not exist is an error that lists those that do.
func Select(o SelectOptions, extras, groups, defaults []string) (Selection, error) {
	var sel Selection
	has := func(kind string, all []string, name string) (string, error) {
		n := pep508.NormalizeName(name)
		for _, x := range all {
			if x == n {
				return n, nil
			}
		}
		known := "none"
		if len(all) > 0 {
			known = strings.Join(all, ", ")
		}
		return "", fmt.Errorf("the project has no %s %q (it has: %s)", kind, name, known)
	}
	gs := map[string]bool{}
	if len(o.OnlyGroups) > 0 {
		sel.NoProject = true
		for _, g := range o.OnlyGroups {
			n, err := has("dependency group", groups, g)
			if err != nil {
				return sel, err
			}
			gs[n] = true
		}
	} else {
		if !o.NoDefaultGroups {
			for _, g := range defaults {
				gs[g] = true
			}
		}
		if o.AllGroups {
			for _, g := range groups {
				gs[g] = true
			}
		}
		if o.NoDev {
			delete(gs, "dev")
		}
		for _, g := range o.Groups {
			n, err := has("dependency group", groups, g)
			if err != nil {
				return sel, err
			}
			gs[n] = true
		}
	}
	for g := range gs {
		sel.Groups = append(sel.Groups, g)
	}
	es := map[string]bool{}
	if o.AllExtras {
		for _, e := range extras {
			es[e] = true
		}
	}
	for _, e := range o.Extras {
		n, err := has("extra", extras, e)
		if err != nil {
			return sel, err
		}
		es[n] = true
	}
	for e := range es {
		sel.Extras = append(sel.Extras, e)
	}
	sort.Strings(sel.Groups)
	sort.Strings(sel.Extras)
	return sel, nil
}

// ExtrasAndGroups are the normalised names of pp's extras and dependency
// groups, sorted.
func (pp *Pyproject) ExtrasAndGroups() (extras, groups []string) {
	e, g := map[string]bool{}, map[string]bool{}
	for k := range pp.Project.OptionalDependencies {
		e[pep508.NormalizeName(k)] = true
	}
	for k := range pp.DependencyGroups {
		g[pep508.NormalizeName(k)] = true
	}
	return sortedKeys(e), sortedKeys(g)
}
