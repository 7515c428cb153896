package pep440

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// randomRange builds a range from random specifier sets, sometimes
// complemented, unioned with single versions or with another range, so that
// it may have many intervals.
func randomRange(g gen, probes []Version) Range {
	r := mustSpec(strings.ReplaceAll(g.specString(), "===", "==")).Range()
	switch g.r.IntN(6) {
	case 0:
		r = r.Complement()
	case 1:
		r = r.Union(Exactly(probes[g.r.IntN(len(probes))]))
	case 2:
		o := mustSpec(strings.ReplaceAll(g.specString(), "===", "==")).Range()
		r = r.Union(o.Complement())
	case 3:
		r = Empty()
	case 4:
		if g.r.IntN(3) == 0 {
			r = Full()
		}
	}
	return r
}

// checkRelations compares Intersects and SubsetOf with the range algebra
// and, pointwise, with Contains on probes.
func checkRelations(t *testing.T, name string, a, b Range, probes []Version) {
	t.Helper()
	and := a.Intersect(b)
	wantMeet := !and.IsEmpty()
	if got := a.Intersects(b); got != wantMeet {
		t.Fatalf("%s: (%s).Intersects(%s) = %v, want %v", name, a, b, got, wantMeet)
	}
	if got := b.Intersects(a); got != wantMeet {
		t.Fatalf("%s: (%s).Intersects(%s) = %v, want %v", name, b, a, got, wantMeet)
	}
	wantSub := and.Equal(a)
	if got := a.SubsetOf(b); got != wantSub {
		t.Fatalf("%s: (%s).SubsetOf(%s) = %v, want %v", name, a, b, got, wantSub)
	}
	if got, want := b.SubsetOf(a), and.Equal(b); got != want {
		t.Fatalf("%s: (%s).SubsetOf(%s) = %v, want %v", name, b, a, got, want)
	}
	// Laws that tie the two together.
	if a.SubsetOf(b) != !a.Intersects(b.Complement()) {
		t.Fatalf("%s: A⊆B disagrees with A∩¬B=∅ for A=%s B=%s", name, a, b)
	}
	if !a.SubsetOf(a) || !and.SubsetOf(a) || !and.SubsetOf(b) || !a.SubsetOf(a.Union(b)) {
		t.Fatalf("%s: basic subset laws fail for A=%s B=%s", name, a, b)
	}
	if a.Intersects(a) == a.IsEmpty() {
		t.Fatalf("%s: (%s).Intersects(itself) = %v", name, a, !a.IsEmpty())
	}
	for _, v := range probes {
		ia, ib := a.Contains(v), b.Contains(v)
		if ia && ib && !a.Intersects(b) {
			t.Fatalf("%s: %s is in %s and %s, but Intersects is false", name, v, a, b)
		}
		if ia && !ib && a.SubsetOf(b) {
			t.Fatalf("%s: %s is in %s but not %s, yet SubsetOf is true", name, v, a, b)
		}
	}
}

func TestRelationsMatchAlgebra(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(5, 6))}
	probes := probeVersions(g, 150)
	meets, subs := 0, 0
	for i := 0; i < 4000; i++ {
		a, b := randomRange(g, probes), randomRange(g, probes)
		if i%4 == 0 {
			b = a.Union(b) // a ⊆ b
		}
		if i%7 == 0 {
			b = a.Intersect(b) // b ⊆ a
		}
		checkRelations(t, fmt.Sprint("case ", i), a, b, probes)
		if a.Intersects(b) {
			meets++
		}
		if a.SubsetOf(b) {
			subs++
		}
	}
	// Both answers must be exercised often enough to mean something.
	if meets < 400 || meets > 3600 || subs < 400 || subs > 3600 {
		t.Fatalf("unbalanced cases: %d intersecting, %d subsets of 4000", meets, subs)
	}
}

func TestRelationsExamples(t *testing.T) {
	tests := []struct {
		a, b       string
		meet, subs bool
	}{
		{">=1.0,<2", ">=1.5", true, false},
		{">=1.5,<1.8", ">=1.0,<2", true, true},
		{"<1.0", ">=1.0", false, false},
		{"<=1.0", ">1.0", false, false},       // <=1.0 holds 1.0+local, >1.0 does not
		{"==1.0", "<=1.0", true, true},        // 1.0 and its locals
		{"==1.0.post1", ">1.0", false, false}, // >1.0 excludes post-releases of 1.0
		{">1.0", ">=1.0.post0", true, true},
		{">=1.0.post0", ">1.0", true, false},
		{"!=1.5", ">=1.0,<2", true, false},
		{">=1.0,!=1.5,<2", "!=1.5", true, true},
		{"==1.*", "==1.5", true, false},
		{"==1.5", "==1.*", true, true},
		{"~=1.4", ">=1.4,<2.dev0", true, true},
	}
	for _, tt := range tests {
		a := mustSpec(tt.a).Range()
		b := mustSpec(tt.b).Range()
		if got := a.Intersects(b); got != tt.meet {
			t.Errorf("(%s).Intersects(%s) = %v, want %v", tt.a, tt.b, got, tt.meet)
		}
		if got := a.SubsetOf(b); got != tt.subs {
			t.Errorf("(%s).SubsetOf(%s) = %v, want %v", tt.a, tt.b, got, tt.subs)
		}
	}
	for _, r := range []Range{Empty(), Full(), Exactly(MustParse("1.0"))} {
		if !Empty().SubsetOf(r) || Empty().Intersects(r) || !r.SubsetOf(Full()) {
			t.Errorf("empty/full laws fail for %s", r)
		}
	}
	if Full().SubsetOf(Exactly(MustParse("1.0"))) {
		t.Error("Full is a subset of ==1.0")
	}
}

func TestRelationsDoNotAllocate(t *testing.T) {
	a := mustSpec(">=1.0,!=1.2,!=1.4,<3").Range()
	b := mustSpec("!=1.3,!=2.0").Range()
	var sink bool
	n := testing.AllocsPerRun(100, func() {
		sink = a.Intersects(b) && a.SubsetOf(b)
	})
	if n != 0 {
		t.Errorf("Intersects and SubsetOf allocate %v times per call", n)
	}
	_ = sink
}

func FuzzRelations(f *testing.F) {
	fuzzSpecPairs(f, func(t *testing.T, sa, sb string, a, b SpecifierSet, sv string) {
		probes := []Version{}
		if v, err := Parse(sv); err == nil {
			probes = append(probes, v, v.Public())
		}
		ra, rb := a.Range(), b.Range()
		checkRelations(t, sa+" / "+sb, ra, rb, probes)
		checkRelations(t, sa+" / ¬"+sb, ra, rb.Complement(), probes)
	})
}
