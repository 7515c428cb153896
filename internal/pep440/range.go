package pep440

import "strings"

// A cut is a point on the version line that falls between versions: it
// splits every version into "below" and "above". Cuts are kept in a
// canonical form so that two cuts with the same versions below them are
// identical; the only kinds needed are:
//
//	cutNegInf        every version is above
//	cutBelow(V)      just below V: v is above iff v >= V
//	cutAbove(V)      just above V: v is above iff v > V
//	cutAfterPosts(V) V a final release: above V, every V+local and every
//	                 V.postN (with its dev and local forms); below the next release
//	cutPosInf        every version is below
//
// packaging's AFTER_LOCALS(V) boundary (above V and its local versions) has a
// least successor, so it is stored as cutBelow of that successor; likewise
// AFTER_POSTS of a pre-release. Nothing lies just below cutBelow(0.dev0),
// so that cut is cutNegInf.
type cut struct {
	kind cutKind
	v    Version
}

type cutKind uint8

const (
	cutNegInf cutKind = iota
	cutBelow
	cutAbove
	cutAfterPosts
	cutPosInf
)

var minVersion = MustParse("0.dev0")

func negInf() cut { return cut{kind: cutNegInf} }
func posInf() cut { return cut{kind: cutPosInf} }

func below(v Version) cut {
	if v.key == minVersion.key {
		return negInf()
	}
	return cut{kind: cutBelow, v: v}
}

func above(v Version) cut { return cut{kind: cutAbove, v: v} }

// afterLocals is the cut above v (no local) and every v+local: just below
// v's least successor (v.dev(N+1), v.post(N+1).dev0 or v.post0.dev0).
func afterLocals(v Version) cut {
	p := v.parts()
	p.local = nil
	switch {
	case p.hasDev:
		p.dev = incNum(p.dev)
	case p.hasPost:
		p.post, p.dev, p.hasDev = incNum(p.post), "0", true
	default:
		p.post, p.hasPost, p.dev, p.hasDev = "0", true, "0", true
	}
	return below(p.build())
}

// afterPosts is the cut above v (final or pre-release, no post, dev or
// local), its local versions and all its post-releases.
func afterPosts(v Version) cut {
	p := v.parts()
	p.local = nil
	if p.preL != "" {
		p.preN, p.post, p.hasPost, p.dev, p.hasDev = incNum(p.preN), "", false, "0", true
		return below(p.build())
	}
	return cut{kind: cutAfterPosts, v: p.build()}
}

// isAbove reports whether version x lies above cut c.
func (c *cut) isAbove(x *Version) bool {
	switch c.kind {
	case cutNegInf:
		return true
	case cutBelow:
		return x.key >= c.v.key
	case cutAbove:
		return x.key > c.v.key
	case cutAfterPosts:
		// Same epoch, release and "no pre-release" marker: x is c.v+local
		// or a post-release of c.v.
		return x.key > c.v.key && x.key[:x.preEnd] != c.v.key[:c.v.preEnd]
	}
	return false
}

// compare orders cuts by the set of versions below them.
func (c cut) compare(d cut) int {
	if c.kind == d.kind {
		if c.kind == cutNegInf || c.kind == cutPosInf {
			return 0
		}
		return c.v.Compare(d.v)
	}
	switch {
	case c.kind == cutNegInf || d.kind == cutPosInf:
		return -1
	case c.kind == cutPosInf || d.kind == cutNegInf:
		return 1
	case c.kind == cutBelow:
		// No canonical cut of another kind equals a cutBelow.
		if d.isAbove(&c.v) {
			return 1
		}
		return -1
	case d.kind == cutBelow:
		return -d.compare(c)
	case c.kind == cutAbove: // d is cutAfterPosts
		if d.isAbove(&c.v) {
			return 1
		}
		return -1
	default: // c is cutAfterPosts, d is cutAbove
		return -d.compare(c)
	}
}

func minCut(a, b cut) cut {
	if a.compare(b) <= 0 {
		return a
	}
	return b
}

func maxCut(a, b cut) cut {
	if a.compare(b) >= 0 {
		return a
	}
	return b
}

// interval holds the versions above lo and below hi; lo < hi, so it is never
// empty.
type interval struct{ lo, hi cut }

// Range is an immutable set of versions: a union of disjoint intervals.
// Bounds are exact, including PEP 440's special points (just above 1.0 and
// all 1.0+local; above every 1.0.postN), so a Range built from a
// SpecifierSet contains exactly the versions the set contains. The zero
// Range is empty.
type Range struct {
	ivs []interval // sorted, disjoint, not touching
}

// Full returns the range holding every version.
func Full() Range { return Range{ivs: []interval{{negInf(), posInf()}}} }

// Empty returns the range holding no version.
func Empty() Range { return Range{} }

// Exactly returns the range holding v and the versions equal to it
// (1.0 and 1.0.0) but not v+local.
func Exactly(v Version) Range {
	return Range{ivs: []interval{{below(v), above(v)}}}
}

// span returns the range of versions above lo and below hi.
func span(lo, hi cut) Range {
	if lo.compare(hi) >= 0 {
		return Empty()
	}
	return Range{ivs: []interval{{lo, hi}}}
}

// Contains reports whether v is in r.
func (r Range) Contains(v Version) bool {
	for i := range r.ivs {
		iv := &r.ivs[i] // not a copy: an interval is two Versions
		if !iv.lo.isAbove(&v) {
			return false
		}
		if !iv.hi.isAbove(&v) {
			return true
		}
	}
	return false
}

// Intersect returns the versions in both r and o.
func (r Range) Intersect(o Range) Range {
	var out []interval
	i, j := 0, 0
	for i < len(r.ivs) && j < len(o.ivs) {
		a, b := r.ivs[i], o.ivs[j]
		lo, hi := maxCut(a.lo, b.lo), minCut(a.hi, b.hi)
		if lo.compare(hi) < 0 {
			out = append(out, interval{lo, hi})
		}
		if a.hi.compare(b.hi) < 0 {
			i++
		} else {
			j++
		}
	}
	return Range{ivs: out}
}

// Union returns the versions in r or o.
func (r Range) Union(o Range) Range {
	all := make([]interval, 0, len(r.ivs)+len(o.ivs))
	i, j := 0, 0
	for i < len(r.ivs) || j < len(o.ivs) {
		var next interval
		if j >= len(o.ivs) || (i < len(r.ivs) && r.ivs[i].lo.compare(o.ivs[j].lo) <= 0) {
			next = r.ivs[i]
			i++
		} else {
			next = o.ivs[j]
			j++
		}
		if n := len(all); n > 0 && all[n-1].hi.compare(next.lo) >= 0 {
			all[n-1].hi = maxCut(all[n-1].hi, next.hi)
			continue
		}
		all = append(all, next)
	}
	return Range{ivs: all}
}

// Complement returns every version not in r.
func (r Range) Complement() Range {
	var out []interval
	lo := negInf()
	for _, iv := range r.ivs {
		if lo.compare(iv.lo) < 0 {
			out = append(out, interval{lo, iv.lo})
		}
		lo = iv.hi
	}
	if lo.kind != cutPosInf {
		out = append(out, interval{lo, posInf()})
	}
	return Range{ivs: out}
}

// Difference returns the versions in r but not in o.
func (r Range) Difference(o Range) Range { return r.Intersect(o.Complement()) }

// IsEmpty reports whether r holds no version.
func (r Range) IsEmpty() bool { return len(r.ivs) == 0 }

// IsFull reports whether r holds every version.
func (r Range) IsFull() bool {
	return len(r.ivs) == 1 && r.ivs[0].lo.kind == cutNegInf && r.ivs[0].hi.kind == cutPosInf
}

// Equal reports whether r and o hold the same versions.
func (r Range) Equal(o Range) bool {
	if len(r.ivs) != len(o.ivs) {
		return false
	}
	for i := range r.ivs {
		if r.ivs[i].lo.compare(o.ivs[i].lo) != 0 || r.ivs[i].hi.compare(o.ivs[i].hi) != 0 {
			return false
		}
	}
	return true
}

// String returns a human form for explanations: ">=1.0, <2.0", "==1.3",
// "*" (everything), "<1.0 || >=2.0", ">=1.0, !=1.5, <2", "==1.*", "∅"
// (nothing). Bounds use PEP 440 meanings: "<=1.0" includes 1.0+local, "<2.0"
// excludes 2.0's pre-releases, "!=1.5" also excludes 1.5+local.
func (r Range) String() string {
	if r.IsEmpty() {
		return "∅"
	}
	if r.IsFull() {
		return "*"
	}
	var groups []string
	for i := 0; i < len(r.ivs); {
		// Join intervals separated by a single excluded version into one
		// group with "!=" clauses.
		j := i
		var holes []string
		for j+1 < len(r.ivs) {
			hole, ok := pointBetween(r.ivs[j].hi, r.ivs[j+1].lo)
			if !ok {
				break
			}
			holes = append(holes, "!="+hole)
			j++
		}
		lo, hi := r.ivs[i].lo, r.ivs[j].hi
		var clauses []string
		if single := pointString(lo, hi); single != "" && len(holes) == 0 {
			clauses = append(clauses, single)
		} else if wild := wildcardString(lo, hi); wild != "" && len(holes) == 0 {
			clauses = append(clauses, wild)
		} else {
			if s := lowerString(lo); s != "" {
				clauses = append(clauses, s)
			}
			clauses = append(clauses, holes...)
			if s := upperString(hi); s != "" {
				clauses = append(clauses, s)
			}
		}
		groups = append(groups, strings.Join(clauses, ", "))
		i = j + 1
	}
	return strings.Join(groups, " || ")
}

// pointString renders [lo, hi) when it is a single version, or a single
// public version with its local versions, as "==V".
func pointString(lo, hi cut) string {
	if lo.kind != cutBelow {
		return ""
	}
	if hi.kind == cutAbove && hi.v.Compare(lo.v) == 0 {
		return "==" + lo.v.String()
	}
	if lo.v.flags&flagLocal == 0 && hi.compare(afterLocals(lo.v)) == 0 {
		return "==" + lo.v.String()
	}
	return ""
}

// pointBetween reports whether the gap [hi, lo) is a single version (or a
// single public version and its locals), returning it.
func pointBetween(hi, lo cut) (string, bool) {
	if s := pointString(hi, lo); s != "" {
		return s[2:], true
	}
	return "", false
}

// wildcardString renders [X.dev0, Y.dev0) as "==X.*" when Y is X with its
// last release number incremented.
func wildcardString(lo, hi cut) string {
	if lo.kind != cutBelow || hi.kind != cutBelow {
		return ""
	}
	p, q := lo.v.parts(), hi.v.parts()
	if !isBareDev0(p) || !isBareDev0(q) || p.epoch != q.epoch || len(p.release) != len(q.release) {
		return ""
	}
	n := len(p.release)
	for i := 0; i < n-1; i++ {
		if p.release[i] != q.release[i] {
			return ""
		}
	}
	if incNum(p.release[n-1]) != q.release[n-1] {
		return ""
	}
	p.dev, p.hasDev = "", false
	return "==" + p.build().String() + ".*"
}

// isBareDev0 reports whether p is X.dev0 for a release X.
func isBareDev0(p parts) bool {
	return p.hasDev && p.dev == "0" && !p.hasPost && p.preL == "" && len(p.local) == 0
}

func lowerString(lo cut) string {
	switch lo.kind {
	case cutBelow:
		if pred, ok := localPredecessor(lo.v); ok && pred.flags&(flagPost|flagDev) != 0 {
			// For a post- or dev-release P, ">P" excludes only P+local.
			return ">" + pred.String()
		}
		return ">=" + lo.v.String()
	case cutAbove, cutAfterPosts:
		return ">" + lo.v.String()
	}
	return ""
}

func upperString(hi cut) string {
	switch hi.kind {
	case cutBelow:
		if pred, ok := localPredecessor(hi.v); ok {
			return "<=" + pred.String()
		}
		if p := hi.v.parts(); isBareDev0(p) {
			// Below X.dev0 is PEP 440's "<X".
			p.dev, p.hasDev = "", false
			return "<" + p.build().String()
		}
		return "<" + hi.v.String()
	case cutAbove:
		return "<=" + hi.v.String()
	case cutAfterPosts:
		return "<=" + hi.v.String() + ".post*"
	}
	return ""
}

// localPredecessor returns V when cutBelow(w) is the cut just above V and
// all V+local.
func localPredecessor(w Version) (Version, bool) {
	p := w.parts()
	if !p.hasDev || len(p.local) > 0 {
		return Version{}, false
	}
	switch {
	case p.dev != "0":
		p.dev = decNum(p.dev)
	case p.hasPost && p.post == "0":
		p.post, p.hasPost, p.dev, p.hasDev = "", false, "", false
	case p.hasPost:
		p.post, p.dev, p.hasDev = decNum(p.post), "", false
	default:
		return Version{}, false
	}
	v := p.build()
	return v, afterLocals(v).compare(below(w)) == 0
}

// ranges returns the versions one (non-===) clause matches, following
// packaging's range model of PEP 440.
func (s specifier) ranges() Range {
	v := s.v
	if s.wildcard {
		// ==1.2.* is [1.2.dev0, 1.3.dev0); != is its complement.
		p := v.parts()
		p.preL, p.hasPost, p.hasDev, p.local = "", false, true, nil
		p.dev = "0"
		lo := p.build()
		p.release = append([]string(nil), p.release...)
		p.release[len(p.release)-1] = incNum(p.release[len(p.release)-1])
		hi := p.build()
		r := span(below(lo), below(hi))
		if s.op == "!=" {
			return r.Complement()
		}
		return r
	}
	switch s.op {
	case ">=":
		return span(below(v), posInf())
	case "<=":
		return span(negInf(), afterLocals(v))
	case ">":
		p := v.parts()
		p.local = nil
		switch {
		case p.hasDev:
			p.dev = incNum(p.dev)
			return span(below(p.build()), posInf())
		case p.hasPost:
			p.post, p.dev, p.hasDev = incNum(p.post), "0", true
			return span(below(p.build()), posInf())
		}
		return span(afterPosts(v), posInf())
	case "<":
		bound := v
		if !v.IsPrerelease() {
			p := v.parts()
			p.local, p.dev, p.hasDev = nil, "0", true
			bound = p.build()
		}
		return span(negInf(), below(bound))
	case "==", "!=":
		var r Range
		if s.hasLocal {
			r = Exactly(v)
		} else {
			r = span(below(v), afterLocals(v))
		}
		if s.op == "!=" {
			return r.Complement()
		}
		return r
	case "~=":
		p := v.parts()
		rel := append([]string(nil), p.release[:len(p.release)-1]...)
		rel[len(rel)-1] = incNum(rel[len(rel)-1])
		hi := parts{epoch: p.epoch, release: rel, dev: "0", hasDev: true}
		return span(below(v), below(hi.build()))
	}
	return Empty()
}

// Between returns the versions v with lo <= v <= hi (hi+local excluded, as
// in Exactly); empty when hi < lo. The resolver uses it to let one
// incompatibility cover neighbouring versions that depend alike.
func Between(lo, hi Version) Range {
	return span(below(lo), above(hi))
}

// Pinned reports whether r is what an exact pin leaves: a non-empty set of
// versions that all share one public version V, V itself included, as
// "==V" (V and V+local), "===V" or "==V+local" give, also after being
// intersected with wider ranges (">=1,<=3"). It returns the lowest
// version in r. PEP 592 allows a yanked release only for such a pin.
func (r Range) Pinned() (Version, bool) {
	if len(r.ivs) != 1 || r.ivs[0].lo.kind != cutBelow {
		return Version{}, false
	}
	v := r.ivs[0].lo.v
	return v, r.SubsetOf(span(below(v), afterLocals(v.Public())))
}
