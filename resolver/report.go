package resolver

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pkginstall/pkginstall/internal/pep440"
)

// NoSolutionError reports that no set of versions satisfies the request.
// Its message is a plain-English explanation of the conflict, one sentence
// per line, built from the derivation tree of the failure.
type NoSolutionError struct {
	explanation string
}

// Error returns the explanation: sentences on lines of their own (numbered
// "(1) " when a later sentence refers back to them), the last one ending in
// "version solving failed.". There is no final newline.
func (e *NoSolutionError) Error() string { return e.explanation }

func (s *solver) noSolution(ic *incompat) error {
	r := &reporter{
		s:        s,
		numbers:  map[*incompat]int{},
		outgoing: map[*incompat]int{},
		sorted:   map[string][]pep440.Version{},
	}
	if h, ok := s.p.(Hinter); ok {
		r.hinter = h
	}
	return &NoSolutionError{explanation: r.explain(ic)}
}

type line struct {
	text string
	num  int // 0: unnumbered
}

// reporter renders a derivation tree following the error-reporting
// algorithm of pub's solver documentation.
type reporter struct {
	s        *solver
	hinter   Hinter
	lines    []line
	numbers  map[*incompat]int
	outgoing map[*incompat]int
	next     int
	sorted   map[string][]pep440.Version
}

func (r *reporter) explain(root *incompat) string {
	root = r.eff(root)
	if !r.isDerived(root) {
		return capitalise("because " + r.external(root) + ", version solving failed.")
	}
	seen := map[*incompat]bool{}
	var count func(*incompat)
	count = func(ic *incompat) {
		if seen[ic] || !r.isDerived(ic) {
			return
		}
		seen[ic] = true
		for _, c := range []*incompat{r.eff(ic.cause1), r.eff(ic.cause2)} {
			r.outgoing[c]++
			count(c)
		}
	}
	count(root)
	r.visit(root)

	last := &r.lines[len(r.lines)-1]
	if len(r.lines) > 1 {
		for _, p := range []string{"Because ", "And because ", "Thus, "} {
			if rest, ok := strings.CutPrefix(last.text, p); ok {
				if p == "Thus, " {
					last.text = "So, " + rest
				} else {
					last.text = "So, because " + rest
				}
				break
			}
		}
	}
	var b strings.Builder
	for i, l := range r.lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		if l.num > 0 {
			fmt.Fprintf(&b, "(%d) ", l.num)
		}
		b.WriteString(l.text)
	}
	return b.String()
}

func (r *reporter) write(format string, args ...any) {
	r.lines = append(r.lines, line{text: capitalise(fmt.Sprintf(format, args...))})
}

// number gives the last line a number, if it has none, and returns it.
func (r *reporter) number() int {
	l := &r.lines[len(r.lines)-1]
	if l.num == 0 {
		r.next++
		l.num = r.next
	}
	return l.num
}

// isDerived reports whether ic (as returned by eff) is explained by its
// causes rather than stated as a fact.
func (r *reporter) isDerived(ic *incompat) bool {
	return ic.kind == kindDerived && !boring(ic)
}

// eff returns the incompatibility to explain in place of ic. A derivation
// from "no versions of a match R" and a fact C about versions of a outside R
// says nothing more than C about the versions that exist, so C is explained
// instead; when C is a dependency, ic itself is stated as that dependency
// (see boring), keeping ic's wider range for a.
func (r *reporter) eff(ic *incompat) *incompat {
	for ic.kind == kindDerived {
		c := ic.cause2
		if c.kind == kindNoVersions {
			c = ic.cause1
		}
		if !boring(ic) {
			return ic
		}
		if c.kind == kindDependency {
			if _, ok := dependencyOf(ic); ok {
				return ic
			}
		}
		ic = c
	}
	return ic
}

// boring reports whether ic was derived from "no versions of a match R" and
// an incompatibility with a positive term for a.
func boring(ic *incompat) bool {
	if ic.kind != kindDerived {
		return false
	}
	n, c := ic.cause1, ic.cause2
	if c.kind == kindNoVersions {
		n, c = c, n
	}
	if n.kind != kindNoVersions {
		return false
	}
	t, ok := c.term(n.pkg)
	return ok && t.pos
}

type dependency struct {
	depender string
	rng      pep440.Range
	dep      string
	depRng   pep440.Range
}

// dependencyOf returns the dependency that ic states, if it states one.
func dependencyOf(ic *incompat) (dependency, bool) {
	switch {
	case ic.kind == kindDependency:
		return dependency{ic.pkg, ic.rng, ic.dep, ic.depRng}, true
	case ic.kind == kindDerived && len(ic.terms) == 2 && ic.terms[0].pos != ic.terms[1].pos:
		pos, neg := ic.terms[0], ic.terms[1]
		if !pos.pos {
			pos, neg = neg, pos
		}
		return dependency{pos.pkg, pos.rng, neg.pkg, neg.rng}, true
	}
	return dependency{}, false
}

func (r *reporter) visit(ic *incompat) {
	c1, c2 := r.eff(ic.cause1), r.eff(ic.cause2)
	d1, d2 := r.isDerived(c1), r.isDerived(c2)
	concl := r.derived(ic)
	switch {
	case d1 && d2:
		n1, ok1 := r.numbers[c1]
		n2, ok2 := r.numbers[c2]
		switch {
		case ok1 && ok2:
			r.write("because %s (%d) and %s (%d), %s.", r.derived(c1), n1, r.derived(c2), n2, concl)
		case ok1 || ok2:
			numbered, other, n := c1, c2, n1
			if ok2 {
				numbered, other, n = c2, c1, n2
			}
			r.visit(other)
			r.write("and because %s (%d), %s.", r.derived(numbered), n, concl)
		default:
			simple1, simple2 := r.bothExternal(c1), r.bothExternal(c2)
			if simple1 || simple2 {
				simple, complex := c1, c2
				if !simple1 {
					simple, complex = c2, c1
				}
				r.visit(complex)
				if n, ok := r.numbers[simple]; ok {
					// Explained while explaining complex.
					r.write("and because %s (%d), %s.", r.derived(simple), n, concl)
					break
				}
				r.visit(simple)
				r.write("thus, %s.", concl)
			} else {
				r.visit(c1)
				n1 := r.number()
				r.numbers[c1] = n1
				r.lines = append(r.lines, line{})
				r.visit(c2)
				r.write("and because %s (%d), %s.", r.derived(c1), n1, concl)
			}
		}
	case d1 || d2:
		derived, external := c1, c2
		if d2 {
			derived, external = c2, c1
		}
		if n, ok := r.numbers[derived]; ok {
			r.write("because %s and %s (%d), %s.", r.external(external), r.derived(derived), n, concl)
			break
		}
		p1, p2 := r.eff(derived.cause1), r.eff(derived.cause2)
		pd1, pd2 := r.isDerived(p1), r.isDerived(p2)
		if pd1 != pd2 && r.outgoing[derived] <= 1 {
			priorDerived, priorExternal := p1, p2
			if pd2 {
				priorDerived, priorExternal = p2, p1
			}
			if _, ok := r.numbers[priorDerived]; !ok {
				r.visit(priorDerived)
				r.write("and because %s, %s.", r.externals(priorExternal, external), concl)
				break
			}
		}
		r.visit(derived)
		r.write("and because %s, %s.", r.external(external), concl)
	default:
		r.write("because %s, %s.", r.externals(c1, c2), concl)
	}
	if r.outgoing[ic] > 1 {
		r.numbers[ic] = r.number()
	}
}

// bothExternal reports whether ic is derived from two stated facts, so that
// it is explained in one line.
func (r *reporter) bothExternal(ic *incompat) bool {
	return r.isDerived(ic) && !r.isDerived(r.eff(ic.cause1)) && !r.isDerived(r.eff(ic.cause2))
}

// externals joins two stated facts, merging "a depends on b" and
// "a depends on c" into "a depends on b and c".
func (r *reporter) externals(a, b *incompat) string {
	if db, ok := dependencyOf(b); ok && db.depender == rootPkg {
		a, b = b, a // the request first
	}
	da, oka := dependencyOf(a)
	db, okb := dependencyOf(b)
	if oka && okb && da.depender == db.depender && da.rng.Equal(db.rng) {
		first, second := r.depTarget(da), r.depTarget(db)
		if da.depender == rootPkg {
			return "you require " + first + " and " + second
		}
		return r.term(newTerm(da.depender, true, da.rng), true) + " depends on " + first + " and " + second
	}
	return r.external(a) + " and " + r.external(b)
}

// external states a fact: an external incompatibility, or a collapsed one.
func (r *reporter) external(ic *incompat) string {
	switch ic.kind {
	case kindRoot:
		return "the request must be satisfied"
	case kindNoVersions:
		rng := ic.rng.String()
		if ic.rng.IsFull() {
			return "there are no versions of " + ic.pkg + r.hint(ic.pkg)
		}
		if vs := r.known(ic.pkg); (strings.Contains(rng, "||") || strings.Contains(rng, "!=")) && len(vs) > 0 && len(vs) <= maxListed {
			// The range is what is left after ruling out versions one by
			// one; the versions that exist say the same more plainly.
			s := make([]string, len(vs))
			for i, v := range vs {
				s[i] = v.String()
			}
			if len(s) == 1 {
				return "the only version of " + ic.pkg + " is " + s[0] + r.hint(ic.pkg)
			}
			return "the only versions of " + ic.pkg + " are " + strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1] + r.hint(ic.pkg)
		}
		return "no versions of " + ic.pkg + " match " + compact(rng) + r.hint(ic.pkg)
	case kindUnavailable:
		return ic.pkg + " is not available" + r.hint(ic.pkg)
	case kindSelf:
		if ic.depRng.IsEmpty() {
			return fmt.Sprintf("%s==%s depends on an impossible version of itself", ic.pkg, ic.version)
		}
		return fmt.Sprintf("%s==%s depends on another version of itself (%s)", ic.pkg, ic.version, r.term(newTerm(ic.pkg, true, ic.depRng), false))
	}
	d, ok := dependencyOf(ic)
	if !ok {
		return r.derived(ic)
	}
	if d.depender == rootPkg {
		return "you require " + r.depTarget(d)
	}
	return r.term(newTerm(d.depender, true, d.rng), true) + " depends on " + r.depTarget(d)
}

func (r *reporter) depTarget(d dependency) string {
	if d.depRng.IsEmpty() {
		return "an impossible version of " + d.dep
	}
	return r.term(newTerm(d.dep, true, d.depRng), false)
}

// derived states what a derived incompatibility means. Positive terms for
// the request are left out: the request is always selected.
func (r *reporter) derived(ic *incompat) string {
	var pos, neg []term
	for _, t := range ic.terms {
		switch {
		case t.pkg == rootPkg && t.pos:
		case t.pos:
			pos = append(pos, t)
		default:
			neg = append(neg, t)
		}
	}
	list := func(ts []term, simplify bool, sep string) string {
		s := make([]string, len(ts))
		for i, t := range ts {
			s[i] = r.term(newTerm(t.pkg, true, t.rng), simplify)
		}
		// Ranges contain commas, so the separator is a word throughout.
		return strings.Join(s, sep)
	}
	switch {
	case len(pos) == 0 && len(neg) == 0:
		return "version solving failed"
	case len(neg) == 0 && len(pos) == 1:
		return list(pos, true, "") + " cannot be used"
	case len(neg) == 0:
		return list(pos, true, " and ") + " are incompatible"
	case len(pos) == 0:
		return list(neg, false, " or ") + " is required"
	case len(pos) == 1:
		return list(pos, true, "") + " requires " + list(neg, false, " or ")
	default:
		return "if " + list(pos, true, " and ") + " are used, " + list(neg, false, " or ") + " is required"
	}
}

func (r *reporter) hint(pkg string) string {
	if r.hinter == nil {
		return ""
	}
	if h := r.hinter.Hint(pkg); h != "" {
		return " (" + h + ")"
	}
	return ""
}

// term renders "name" + range, e.g. "a>=1.0,<2.0", "a" for any version.
// With simplify, a positive range is rewritten in terms of the versions
// that exist when that is shorter.
func (r *reporter) term(t term, simplify bool) string {
	name := t.pkg
	if name == rootPkg {
		name = "the request"
	}
	if t.rng.IsFull() {
		return name
	}
	if t.rng.IsEmpty() {
		return name + " (no version)"
	}
	s := compact(t.rng.String())
	if simplify || strings.Contains(s, "||") {
		if alt, ok := r.simplify(t.pkg, t.rng); ok && (len(alt) < len(s) || simplify && len(alt) == len(s)) {
			if alt == "*" {
				return name
			}
			s = alt
		}
	}
	if s == "*" {
		return name
	}
	if s != "" && !strings.ContainsRune("<>=!~", rune(s[0])) {
		return name + " " + s
	}
	return name + s
}

// simplify describes the known versions of pkg that lie in rng as runs of
// consecutive versions: "*" (all of them), "==1.0", "<=1.2", ">=2.0",
// ">=1.0,<=1.2", joined with " || ".
func (r *reporter) simplify(pkg string, rng pep440.Range) (string, bool) {
	vs := r.known(pkg)
	var runs []string
	for i := 0; i < len(vs); {
		if !rng.Contains(vs[i]) {
			i++
			continue
		}
		j := i
		for j+1 < len(vs) && rng.Contains(vs[j+1]) {
			j++
		}
		lo, hi := vs[i].String(), vs[j].String()
		switch {
		case i == 0 && j == len(vs)-1:
			return "*", true
		case i == j:
			runs = append(runs, "=="+lo)
		case i == 0:
			runs = append(runs, "<="+hi)
		case j == len(vs)-1:
			runs = append(runs, ">="+lo)
		default:
			runs = append(runs, ">="+lo+",<="+hi)
		}
		i = j + 1
	}
	if len(runs) == 0 {
		return "", false
	}
	return strings.Join(runs, " || "), true
}

// maxListed is the most versions an explanation lists one by one.
const maxListed = 10

// known returns the candidate versions of pkg, ascending.
func (r *reporter) known(pkg string) []pep440.Version {
	vs, ok := r.sorted[pkg]
	if !ok {
		if st := r.s.pkgs[pkg]; st != nil {
			vs = slices.Clone(st.versions)
			slices.SortFunc(vs, func(a, b pep440.Version) int { return a.Compare(b) })
			vs = slices.CompactFunc(vs, func(a, b pep440.Version) bool { return a.Compare(b) == 0 })
		}
		r.sorted[pkg] = vs
	}
	return vs
}

// compact removes the blanks after commas: ">=1.0, <2.0" -> ">=1.0,<2.0".
func compact(s string) string { return strings.ReplaceAll(s, ", ", ",") }

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
