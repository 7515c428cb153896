package resolver

import "github.com/pkginstall/pkginstall/internal/pep440"

// A term is a statement about one package: "pkg is selected at a version in
// rng" (positive) or "pkg is not selected at a version in rng" (negative; this
// includes pkg not being selected at all).
type term struct {
	pkg string
	pos bool
	rng pep440.Range
}

func newTerm(pkg string, pos bool, rng pep440.Range) term {
	return term{pkg, pos, rng}
}

func (t term) negate() term { return term{t.pkg, !t.pos, t.rng} }

// isAny reports whether t is true of every solution ("not pkg in ∅").
func (t term) isAny() bool { return !t.pos && t.rng.IsEmpty() }

// isNone reports whether t is true of no solution ("pkg in ∅").
func (t term) isNone() bool { return t.pos && t.rng.IsEmpty() }

// anyTerm is the term that every solution satisfies.
func anyTerm(pkg string) term { return term{pkg, false, pep440.Empty()} }

// intersect returns the term true exactly when t and u are; both refer to
// the same package.
func (t term) intersect(u term) term {
	switch {
	case t.pos && u.pos:
		return newTerm(t.pkg, true, t.rng.Intersect(u.rng))
	case t.pos:
		return newTerm(t.pkg, true, t.rng.Difference(u.rng))
	case u.pos:
		return newTerm(t.pkg, true, u.rng.Difference(t.rng))
	default:
		return newTerm(t.pkg, false, t.rng.Union(u.rng))
	}
}

// union returns the term true when t or u is.
func (t term) union(u term) term {
	return t.negate().intersect(u.negate()).negate()
}

// subsetOf reports whether every solution satisfying t satisfies u. Like
// disjoint and relationTo it only asks pep440's allocation-free relation
// checks, as unit propagation calls it for every term it looks at.
func (t term) subsetOf(u term) bool {
	switch {
	case t.pos && u.pos:
		return t.rng.SubsetOf(u.rng)
	case t.pos:
		return !t.rng.Intersects(u.rng)
	case u.pos:
		return false // t allows the package to be absent, u does not
	default:
		return u.rng.SubsetOf(t.rng)
	}
}

// disjoint reports whether no solution satisfies both t and u.
func (t term) disjoint(u term) bool {
	switch {
	case t.pos && u.pos:
		return !t.rng.Intersects(u.rng)
	case t.pos:
		return t.rng.SubsetOf(u.rng)
	case u.pos:
		return u.rng.SubsetOf(t.rng)
	default:
		return false // both allow the package to be absent
	}
}

type relation int

const (
	satisfied relation = iota
	contradicted
	inconclusive
)

// relationTo tells how u relates to t, where t is the intersection of the
// assignments to a package in the partial solution.
func (t term) relationTo(u term) relation {
	if t.subsetOf(u) {
		return satisfied
	}
	if t.disjoint(u) {
		return contradicted
	}
	return inconclusive
}
