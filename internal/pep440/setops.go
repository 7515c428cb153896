package pep440

// Relation checks that answer questions about two ranges without building a
// new one. They walk both interval lists once and never allocate, so hot
// loops (the resolver's unit propagation) can ask them millions of times.

// Intersects reports whether r and o have a version in common: it is
// !r.Intersect(o).IsEmpty() without building the intersection.
func (r Range) Intersects(o Range) bool {
	i, j := 0, 0
	for i < len(r.ivs) && j < len(o.ivs) {
		a, b := &r.ivs[i], &o.ivs[j]
		// Two intervals meet when each starts below the other's end; every
		// interval with lo < hi holds a version.
		if a.lo.compare(b.hi) < 0 && b.lo.compare(a.hi) < 0 {
			return true
		}
		if a.hi.compare(b.hi) < 0 {
			i++
		} else {
			j++
		}
	}
	return false
}

// SubsetOf reports whether every version in r is in o: it is
// r.Intersect(o).Equal(r) without building the intersection. The empty
// range is a subset of every range.
func (r Range) SubsetOf(o Range) bool {
	j := 0
	for i := range r.ivs {
		a := &r.ivs[i]
		// Skip the intervals of o that end at or below a's start.
		for j < len(o.ivs) && o.ivs[j].hi.compare(a.lo) <= 0 {
			j++
		}
		if j == len(o.ivs) {
			return false
		}
		// o's intervals neither overlap nor touch, so a, being one piece,
		// must lie inside o.ivs[j] alone.
		b := &o.ivs[j]
		if b.lo.compare(a.lo) > 0 || a.hi.compare(b.hi) > 0 {
			return false
		}
	}
	return true
}
