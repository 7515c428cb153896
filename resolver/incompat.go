package resolver

import "github.com/pkginstall/pkginstall/internal/pep440"

// rootPkg names the request in terms and incompatibilities. It cannot clash
// with a package name, which may not contain NUL.
const rootPkg = "\x00request"

// kind says where an incompatibility comes from.
type kind int

const (
	kindRoot        kind = iota // {not root}: the request must be selected
	kindDependency              // {pkg in rng, not dep in depRng}
	kindNoVersions              // {pkg in rng}: no candidate lies in rng
	kindUnavailable             // {pkg}: the provider has no candidates at all
	kindSelf                    // {pkg ==version}: it depends on itself at another version
	kindDerived                 // learned from cause1 and cause2
)

// An incompatibility is a set of terms that cannot all be true in a
// solution. At most one term refers to a package, and no term is "any".
type incompat struct {
	terms []term
	kind  kind

	pkg     string       // dependency, no-versions, unavailable, self: the subject
	rng     pep440.Range // its range (for dependencies, the depending versions)
	dep     string       // dependency: the package depended on
	depRng  pep440.Range // dependency, self: the range depended on
	version pep440.Version

	cause1, cause2 *incompat // derived

	// supersededBy is set when a merged dependency incompatibility that
	// implies this one has been added; propagation then skips this one.
	supersededBy *incompat

	// cache[i] remembers how terms[i] related to its package's assignments
	// when that package's pkgState had the given gen and n assignments.
	cache []relCache
	// idle1 and idle2 index the terms that last showed ic to need no action
	// (see solver.relation): a contradicted term (idle2 < 0) or two
	// inconclusive ones. idle1 < 0 when there is none.
	idle1, idle2 int
}

type relCache struct {
	st     *pkgState // the package's state, nil until it has one
	gen, n int
	rel    relation
}

// valid reports whether c.rel still holds for the package's current state.
//
// A package's states form a tree: each assignment makes a child of the
// current state, whose accumulated term is a subset of its parent's, and a
// backtrack returns to an ancestor. gens grow with time, and a state stays
// current only while it is on the current path, so a state with a larger gen
// than the current one is a descendant of it. Hence:
//
//   - an inconclusive term (neither satisfied nor contradicted) stays so in
//     every ancestor state, as the accumulated term only grows towards the
//     root: the cache holds whenever c.gen >= st.gen;
//   - a satisfied or contradicted term stays so in every descendant state:
//     the cache holds when the state after the package's first c.n current
//     assignments is still the one with gen c.gen.
//
// gens start at 1, so a zero relCache is never valid.
func (s *solver) valid(c *relCache) bool {
	st := c.st
	if st == nil {
		return false
	}
	if c.rel == inconclusive {
		return c.gen >= st.gen
	}
	if c.n > len(st.assigns) {
		return false
	}
	if c.n == 0 {
		return st.gen0 == c.gen
	}
	return s.assigns[st.assigns[c.n-1]].gen == c.gen
}

// newIncompat builds an incompatibility from terms, dropping terms that every
// solution satisfies. It returns nil if some term can never be satisfied (the
// incompatibility would say nothing).
func newIncompat(k kind, terms ...term) *incompat {
	ic := &incompat{kind: k}
	for _, t := range terms {
		if t.isNone() {
			return nil
		}
		if !t.isAny() {
			ic.terms = append(ic.terms, t)
		}
	}
	return ic
}

func (ic *incompat) term(pkg string) (term, bool) {
	for _, t := range ic.terms {
		if t.pkg == pkg {
			return t, true
		}
	}
	return term{}, false
}

// isFailure reports whether ic says the request itself cannot be selected.
func (ic *incompat) isFailure() bool {
	return len(ic.terms) == 0 || (len(ic.terms) == 1 && ic.terms[0].pkg == rootPkg && ic.terms[0].pos)
}

// priorCause applies the generalised resolution rule to ic and cause on pkg:
// from {t1, q...} and {t2, r...} it derives {t1 ∪ t2, q..., r...}, where terms
// for the same package in q and r are intersected. from[i] is the index in
// ic.terms of the derived incompatibility's term i when that term is ic's
// own, unchanged; -1 otherwise.
func priorCause(ic, cause *incompat, pkg string) (d *incompat, from []int) {
	var terms []term
	add := func(t term, src int) {
		for i, u := range terms {
			if u.pkg == t.pkg {
				terms[i] = u.intersect(t)
				from[i] = -1
				return
			}
		}
		terms = append(terms, t)
		from = append(from, src)
	}
	for i, t := range ic.terms {
		if t.pkg != pkg {
			add(t, i)
		}
	}
	for _, t := range cause.terms {
		if t.pkg != pkg {
			add(t, -1)
		}
	}
	t1, ok1 := ic.term(pkg)
	t2, ok2 := cause.term(pkg)
	switch {
	case ok1 && ok2:
		add(t1.union(t2), -1)
	case ok1:
		// Cannot happen for a real satisfier's cause; keep the weaker union.
		add(t1.union(anyTerm(pkg)), -1)
	case ok2:
		add(t2.union(anyTerm(pkg)), -1)
	}
	d = &incompat{kind: kindDerived, cause1: ic, cause2: cause}
	kept := from[:0]
	for i, t := range terms {
		if !t.isAny() {
			d.terms = append(d.terms, t)
			kept = append(kept, from[i])
		}
	}
	return d, kept
}
