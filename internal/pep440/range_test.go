package pep440

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// numEq compares two normalised decimal strings.
func numEq(a, b string) bool { return normNum(a) == normNum(b) }

func trimmed(rel []string) []string {
	for len(rel) > 0 && rel[len(rel)-1] == "0" {
		rel = rel[:len(rel)-1]
	}
	return rel
}

// prefixMatch reports whether rel, padded with zeros, starts with prefix.
func prefixMatch(rel, prefix []string) bool {
	for i, p := range prefix {
		r := "0"
		if i < len(rel) {
			r = rel[i]
		}
		if !numEq(r, p) {
			return false
		}
	}
	return true
}

// refMatch is an independent statement of PEP 440 matching as packaging 26
// implements it, written as predicates on the parts of the candidate rather
// than as intervals. It checks that the interval construction is exact.
func refMatch(sp specifier, pv parts, x Version, px parts) bool {
	if sp.op == "===" {
		return strings.EqualFold(x.Text(), sp.ver)
	}
	v := sp.v
	sameER := pv.epoch == px.epoch && strings.Join(trimmed(pv.release), ".") == strings.Join(trimmed(px.release), ".")
	if sp.wildcard {
		m := pv.epoch == px.epoch && prefixMatch(px.release, pv.release)
		return m == (sp.op == "==")
	}
	c := x.Compare(v)
	switch sp.op {
	case "==":
		if sp.hasLocal {
			return c == 0
		}
		return x.Public().Compare(v) == 0
	case "!=":
		if sp.hasLocal {
			return c != 0
		}
		return x.Public().Compare(v) != 0
	case ">=":
		return c >= 0
	case "<=":
		return c <= 0 || x.Public().Compare(v) == 0
	case ">":
		if c <= 0 {
			return false
		}
		if pv.hasDev || pv.hasPost {
			return x.Public().Compare(v) != 0
		}
		postFamily := sameER && px.preL == pv.preL && numEq(px.preN, pv.preN) && (!px.hasDev || px.hasPost)
		return !postFamily
	case "<":
		if c >= 0 {
			return false
		}
		if v.IsPrerelease() {
			return true
		}
		if pv.hasPost {
			return !(sameER && px.preL == "" && px.hasPost && numEq(px.post, pv.post) && px.hasDev)
		}
		return !(sameER && x.IsPrerelease())
	case "~=":
		return c >= 0 && pv.epoch == px.epoch && prefixMatch(px.release, pv.release[:len(pv.release)-1])
	}
	panic("unknown operator " + sp.op)
}

type gen struct{ r *rand.Rand }

func (g gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g gen) versionString() string {
	var b strings.Builder
	if g.r.IntN(8) == 0 {
		b.WriteString("1!")
	}
	n := 1 + g.r.IntN(3)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(g.pick("0", "0", "1", "1", "2"))
	}
	if g.r.IntN(3) == 0 {
		b.WriteString(g.pick("a", "b", "rc") + g.pick("0", "1", "2"))
	}
	if g.r.IntN(3) == 0 {
		b.WriteString(".post" + g.pick("0", "1", "2"))
	}
	if g.r.IntN(3) == 0 {
		b.WriteString(".dev" + g.pick("0", "1", "2"))
	}
	if g.r.IntN(5) == 0 {
		b.WriteString("+" + g.pick("a", "1", "a.1", "0", "b"))
	}
	return b.String()
}

func (g gen) specString() string {
	n := 1 + g.r.IntN(3)
	var clauses []string
	for len(clauses) < n {
		op := g.pick("==", "!=", "<=", ">=", "<", ">", "~=", "==", "!=", "===")
		v := g.versionString()
		if (op == "==" || op == "!=") && g.r.IntN(3) == 0 {
			p := MustParse(v).parts()
			rel := p.release[:1+g.r.IntN(len(p.release))]
			v = strings.Join(rel, ".") + ".*"
			if p.epoch != "0" {
				v = p.epoch + "!" + v
			}
		}
		s := op + v
		if _, err := ParseSpecifierSet(s); err != nil {
			continue // e.g. "<1.0+a", "~=1"
		}
		clauses = append(clauses, s)
	}
	return strings.Join(clauses, ",")
}

// probeVersions returns random versions plus the neighbours of each that sit
// next to specifier boundaries.
func probeVersions(g gen, n int) []Version {
	var out []Version
	for i := 0; i < n; i++ {
		v := MustParse(g.versionString())
		out = append(out, v)
		p := v.Public().String()
		for _, suffix := range []string{"+a", "+0", ".post0.dev0", ".post0", ".post3", ".dev0", "a0.dev0", ".0"} {
			if w, err := Parse(p + suffix); err == nil {
				out = append(out, w)
			}
		}
	}
	return out
}

func TestContainsMatchesReference(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(1, 2))}
	probes := probeVersions(g, 250)
	probeParts := make([]parts, len(probes))
	for i, v := range probes {
		probeParts[i] = v.parts()
	}
	for i := 0; i < 1000; i++ {
		spec := g.specString()
		s := mustSpec(spec)
		r := s.Range()
		specParts := make([]parts, len(s.specs))
		for j, sp := range s.specs {
			specParts[j] = sp.v.parts()
		}
		for k, v := range probes {
			want := true
			for j, sp := range s.specs {
				want = want && refMatch(sp, specParts[j], v, probeParts[k])
			}
			if got := s.Contains(v, true); got != want {
				t.Fatalf("%q.Contains(%s, true) = %v, reference says %v", spec, v, got, want)
			}
			if got := s.Contains(v, false); got != (want && !v.IsPrerelease()) {
				t.Fatalf("%q.Contains(%s, false) = %v", spec, v, got)
			}
			if !strings.Contains(spec, "===") && r.Contains(v) != want {
				t.Fatalf("%q.Range() = %s: Contains(%s) = %v, want %v", spec, r, v, !want, want)
			}
		}
	}
}

// checkAlgebra asserts the set laws for a and b, pointwise on probes and by
// Equal.
func checkAlgebra(t *testing.T, name string, a, b Range, probes []Version) {
	t.Helper()
	na, nb := a.Complement(), b.Complement()
	and, or := a.Intersect(b), a.Union(b)
	for _, v := range probes {
		ia, ib := a.Contains(v), b.Contains(v)
		if na.Contains(v) == ia {
			t.Fatalf("%s: complement of %s wrong at %s", name, a, v)
		}
		if and.Contains(v) != (ia && ib) {
			t.Fatalf("%s: %s ∩ %s = %s wrong at %s", name, a, b, and, v)
		}
		if or.Contains(v) != (ia || ib) {
			t.Fatalf("%s: %s ∪ %s = %s wrong at %s", name, a, b, or, v)
		}
	}
	laws := []struct {
		what string
		ok   bool
	}{
		{"A∩¬A empty", a.Intersect(na).IsEmpty()},
		{"A∪¬A full", a.Union(na).IsFull()},
		{"¬¬A = A", na.Complement().Equal(a)},
		{"¬(A∪B) = ¬A∩¬B", or.Complement().Equal(na.Intersect(nb))},
		{"¬(A∩B) = ¬A∪¬B", and.Complement().Equal(na.Union(nb))},
		{"A∩B = B∩A", and.Equal(b.Intersect(a))},
		{"A∪B = B∪A", or.Equal(b.Union(a))},
		{"A∩A = A", a.Intersect(a).Equal(a)},
		{"A∪A = A", a.Union(a).Equal(a)},
		{"A∪(A∩B) = A", a.Union(and).Equal(a)},
		{"A.Difference(B) = A∩¬B", a.Difference(b).Equal(a.Intersect(nb))},
		{"A∩Full = A", a.Intersect(Full()).Equal(a)},
		{"A∪Empty = A", a.Union(Empty()).Equal(a)},
		{"IsEmpty = Equal(Empty)", a.IsEmpty() == a.Equal(Empty())},
		{"IsFull = Equal(Full)", a.IsFull() == a.Equal(Full())},
	}
	for _, l := range laws {
		if !l.ok {
			t.Fatalf("%s: law %s fails for A=%s B=%s", name, l.what, a, b)
		}
	}
}

func TestRangeAlgebra(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(3, 4))}
	probes := probeVersions(g, 150)
	for i := 0; i < 1500; i++ {
		a := mustSpec(strings.ReplaceAll(g.specString(), "===", "==")).Range()
		b := mustSpec(strings.ReplaceAll(g.specString(), "===", "==")).Range()
		if i%3 == 0 {
			b = b.Union(Exactly(probes[g.r.IntN(len(probes))]))
		}
		if i%5 == 0 {
			a = a.Complement()
		}
		checkAlgebra(t, fmt.Sprint("case ", i), a, b, probes)
	}
}

func TestRangeEquivalentForms(t *testing.T) {
	tests := []struct {
		a, b  string
		equal bool
	}{
		{">1.0a1", ">=1.0a2.dev0", true},
		{">1.0a1", ">=1.0a2", false},
		{"==1.0", ">=1.0,<=1.0", true},
		{"==1.0", ">=1.0,<1.0.post0.dev0", true},
		{"<=1.0.dev1", "<1.0.dev2", true},
		{"<=1.0.post1", "<1.0.post2.dev0", true},
		{">1.0.post1", ">=1.0.post2.dev0", true},
		{">1.0.dev1", ">=1.0.dev2", true},
		{"==1.*", ">=1.dev0,<2.dev0", true},
		{"~=1.4.5", ">=1.4.5,==1.4.*", true},
		{"~=1.4", ">=1.4,<2", true},
		{">=0.dev0", "", true},
		{">=0", "", false},
		{"!=1.0.*", "<1.0.dev0,>=1.1.dev0", false}, // ">=1.1.dev0" is not "<1.0.dev0 or"
		{"==1.0", "==1.0.0", true},
		{"==1.0+a", "==1.0.0+a", true},
		{"==1.0+a", "==1.0", false},
	}
	for _, tt := range tests {
		a := mustSpec(tt.a).Range()
		b := mustSpec(tt.b).Range()
		if tt.a == "!=1.0.*" {
			b = mustSpec("<1.0.dev0").Range().Union(mustSpec(">=1.1.dev0").Range())
			tt.equal = true
		}
		if got := a.Equal(b); got != tt.equal {
			t.Errorf("Range(%q).Equal(Range(%q)) = %v, want %v (%s vs %s)", tt.a, tt.b, got, tt.equal, a, b)
		}
	}
	for _, s := range []string{"<0", "<0.dev0", ">=2,<1", "==1.0,!=1.0", ">1.0,<1.0.post1", "<1.0,>1.0a1.post2"} {
		if r := mustSpec(s).Range(); !r.IsEmpty() {
			t.Errorf("Range(%q) = %s, want empty", s, r)
		}
	}
	if r := mustSpec("<1.0").Range().Union(mustSpec(">=1.0.dev0").Range()); !r.IsFull() {
		t.Errorf("<1.0 ∪ >=1.0.dev0 = %s, want full", r)
	}
	if r := mustSpec("!=1.0").Range().Union(mustSpec("==1.0").Range()); !r.IsFull() {
		t.Errorf("!=1.0 ∪ ==1.0 = %s, want full", r)
	}
	var zero Range
	if !zero.IsEmpty() || zero.Contains(MustParse("1.0")) {
		t.Error("zero Range is not empty")
	}
	if !(SpecifierSet{}).Range().IsFull() {
		t.Error("zero SpecifierSet's Range is not full")
	}
}

func TestExactly(t *testing.T) {
	r := Exactly(MustParse("1.0"))
	for v, want := range map[string]bool{"1.0": true, "1.0.0": true, "1.0+a": false, "1.0.post0": false, "1.0rc1": false} {
		if got := r.Contains(MustParse(v)); got != want {
			t.Errorf("Exactly(1.0).Contains(%s) = %v, want %v", v, got, want)
		}
	}
	r = Exactly(MustParse("1.0+a"))
	for v, want := range map[string]bool{"1.0+a": true, "1.0+a.0": false, "1.0": false, "1.0+b": false} {
		if got := r.Contains(MustParse(v)); got != want {
			t.Errorf("Exactly(1.0+a).Contains(%s) = %v, want %v", v, got, want)
		}
	}
}

func TestRangeString(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"", "*"},
		{">=2,<1", "∅"},
		{">=1.0,<2.0", ">=1.0, <2.0"},
		{"==1.3", "==1.3"},
		{"==1.3+local", "==1.3+local"},
		{"!=1.3", "!=1.3"},
		{"!=1.3+local", "!=1.3+local"},
		{">1.3.post1", ">1.3.post1"},
		{">1.3.dev1", ">1.3.dev1"},
		{">1.3,!=1.4,!=1.5", ">1.3, !=1.4, !=1.5"},
		{"<=1.3", "<=1.3"},
		{">1.3", ">1.3"},
		{">1.3a1", ">=1.3a2.dev0"},
		{"~=1.4.5", ">=1.4.5, <1.5"},
		{"==1.*", "==1.*"},
		{"==1!1.2.*", "==1!1.2.*"},
		{"!=1.*", "<1 || >=2.dev0"},
		{"<1.0rc1", "<1.0rc1"},
		{">=1.0,!=1.5,<2", ">=1.0, !=1.5, <2"},
	}
	for _, tt := range tests {
		if got := mustSpec(tt.spec).Range().String(); got != tt.want {
			t.Errorf("Range(%q).String() = %q, want %q", tt.spec, got, tt.want)
		}
	}
	u := mustSpec("<1.0").Range().Union(mustSpec(">=2.0").Range())
	if got := u.String(); got != "<1.0 || >=2.0" {
		t.Errorf("union String() = %q", got)
	}
	if got := Exactly(MustParse("1.0")).String(); got != "==1.0" {
		t.Errorf("Exactly(1.0).String() = %q", got)
	}
}

// fuzzSpecPairs seeds f and calls check with each pair of specifier sets
// (=== left out: it has no range) and the version text that the fuzzer
// made.
func fuzzSpecPairs(f *testing.F, check func(t *testing.T, sa, sb string, a, b SpecifierSet, sv string)) {
	f.Add(">=1.0,<2", "!=1.5.*", "1.5.1")
	f.Add(">1.0a1", "<=1.0", "1.0+x")
	f.Add("~=2.2.post3", "==2.*", "2.2.post3")
	f.Fuzz(func(t *testing.T, sa, sb, sv string) {
		a, err := ParseSpecifierSet(sa)
		if err != nil || strings.Contains(sa, "===") {
			return
		}
		b, err := ParseSpecifierSet(sb)
		if err != nil || strings.Contains(sb, "===") {
			return
		}
		check(t, sa, sb, a, b, sv)
	})
}

func FuzzRange(f *testing.F) {
	fuzzSpecPairs(f, func(t *testing.T, sa, sb string, a, b SpecifierSet, sv string) {
		v, err := Parse(sv)
		if err != nil {
			return
		}
		ra, rb := a.Range(), b.Range()
		if ra.Contains(v) != a.Contains(v, true) || rb.Contains(v) != b.Contains(v, true) {
			t.Fatalf("Range and Contains disagree on %s", v)
		}
		probes := []Version{v, v.Public()}
		for _, sp := range append(a.specs, b.specs...) {
			probes = append(probes, sp.v)
		}
		checkAlgebra(t, sa+" / "+sb, ra, rb, probes)
	})
}

func TestPinned(t *testing.T) {
	for _, tt := range []struct {
		spec string
		pin  string // "" = not a pin
	}{
		{"==2.0.0", "2.0.0"},
		{"===2.0.0", "2.0.0"},
		{"==2.0.0+local", "2.0.0+local"},
		{"==2.0.0,>=1,<=3", "2.0.0"},
		{"==2.0.*", ""},
		{">=2.0", ""},
		{"<=2.0", ""},
		{"==2.0,!=2.0", ""},
		{"", ""},
		{"~=2.0.0", ""},
	} {
		r := mustSpec(tt.spec).Range()
		v, ok := r.Pinned()
		got := ""
		if ok {
			got = v.String()
		}
		if got != tt.pin {
			t.Errorf("%q: Pinned() = %q, %v; want %q", tt.spec, got, ok, tt.pin)
		}
	}
	if v, ok := Exactly(MustParse("1.5")).Pinned(); !ok || v.String() != "1.5" {
		t.Errorf("Exactly(1.5).Pinned() = %s, %v", v, ok)
	}
}

func TestBetween(t *testing.T) {
	r := Between(MustParse("1.2"), MustParse("1.5"))
	for v, want := range map[string]bool{"1.1": false, "1.2": true, "1.3.post1": true, "1.5": true, "1.5+x": false, "1.5.post0": false, "1.2.dev0": false} {
		if got := r.Contains(MustParse(v)); got != want {
			t.Errorf("Between(1.2, 1.5).Contains(%s) = %v", v, got)
		}
	}
	if !Between(MustParse("2"), MustParse("1")).IsEmpty() {
		t.Error("Between(2, 1) is not empty")
	}
}
