package installer

// The PEP 508 marker of a set of environments of a universal lock, and of
// the selections (extras, dependency groups) that need a package there.

import (
	"fmt"
	"sort"
	"strings"
)

// envSet is a set of environments, by index into the lock's environments.
type envSet map[int]bool

// markerOf writes the marker that holds in exactly the environments of
// set among all (and, beyond them, extends each Python range to the open
// ends: the lowest minor as "<", the highest as ">="). "" means always.
func markerOf(set envSet, all []Environment) string {
	if len(set) == len(all) {
		return ""
	}
	// The minors of each platform in the set, and the platforms that have
	// the same minors, grouped.
	universeMinors := map[int]bool{}
	universePlats := map[int]bool{}
	for _, e := range all {
		universeMinors[e.Minor] = true
		universePlats[e.Platform] = true
	}
	minorsOf := map[int][]int{}
	for i := range set {
		e := all[i]
		minorsOf[e.Platform] = append(minorsOf[e.Platform], e.Minor)
	}
	byMinors := map[string][]int{}
	var keys []string
	for plat, ms := range minorsOf {
		sort.Ints(ms)
		k := fmt.Sprint(ms)
		if byMinors[k] == nil {
			keys = append(keys, k)
		}
		byMinors[k] = append(byMinors[k], plat)
	}
	sort.Strings(keys)
	var terms []string
	for _, k := range keys {
		plats := byMinors[k]
		sort.Ints(plats)
		minors := minorsOf[plats[0]]
		py := pythonMarker(minors, sortedKeysInt(universeMinors))
		pl := platformMarker(plats, universePlats)
		terms = append(terms, and(pl, py))
	}
	return or(terms)
}

// pythonMarker is the marker of the minors set within universe (sorted).
func pythonMarker(set []int, universe []int) string {
	if len(set) == len(universe) {
		return ""
	}
	in := map[int]bool{}
	for _, m := range set {
		in[m] = true
	}
	var runs []string
	for i := 0; i < len(universe); {
		if !in[universe[i]] {
			i++
			continue
		}
		j := i
		for j+1 < len(universe) && in[universe[j+1]] {
			j++
		}
		var lo, hi string
		if i > 0 {
			lo = fmt.Sprintf("python_version >= '3.%d'", universe[i])
		}
		if j+1 < len(universe) {
			hi = fmt.Sprintf("python_version < '3.%d'", universe[j+1])
		}
		runs = append(runs, and(lo, hi))
		i = j + 1
	}
	return or(runs)
}

// platformMarker is the marker of the platforms plats (sorted) within
// universe: a whole system as sys_platform, else system and machine.
func platformMarker(plats []int, universe map[int]bool) string {
	if len(plats) == len(universe) {
		return ""
	}
	in := map[int]bool{}
	for _, p := range plats {
		in[p] = true
	}
	var terms []string
	done := map[string]bool{}
	for _, p := range plats {
		sys := UniversalPlatforms[p].System
		if done[sys] {
			continue
		}
		whole := true
		for q := range universe {
			if UniversalPlatforms[q].System == sys && !in[q] {
				whole = false
			}
		}
		if whole {
			done[sys] = true
			terms = append(terms, fmt.Sprintf("sys_platform == '%s'", sys))
			continue
		}
		terms = append(terms, fmt.Sprintf("sys_platform == '%s' and platform_machine == '%s'", sys, UniversalPlatforms[p].Machine))
	}
	return or(terms)
}

// selectionMarker is the marker term of a reason: "'web' in extras",
// "'dev' in dependency_groups".
func selectionMarker(reason string) string {
	kind, name, _ := strings.Cut(reason, ":")
	if kind == "extra" {
		return fmt.Sprintf("'%s' in extras", name)
	}
	return fmt.Sprintf("'%s' in dependency_groups", name)
}

// and joins two markers ("" is true).
func and(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return paren(a) + " and " + paren(b)
}

// or joins markers; one that is "" (true) makes the whole true.
func or(ms []string) string {
	for _, m := range ms {
		if m == "" {
			return ""
		}
	}
	if len(ms) == 1 {
		return ms[0]
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = paren(m)
		if parts[i] == m && strings.Contains(m, " and ") {
			parts[i] = "(" + m + ")" // and binds tighter; the parentheses are for the reader
		}
	}
	return strings.Join(parts, " or ")
}

// paren wraps a marker that has a top-level "or".
func paren(m string) string {
	depth := 0
	for i := 0; i < len(m); i++ {
		switch m[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ' ':
			if depth == 0 && strings.HasPrefix(m[i:], " or ") {
				return "(" + m + ")"
			}
		}
	}
	return m
}

func sortedKeysInt(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}
