package resolver

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/pkginstall/pkginstall/internal/pep440"
)

// TestGaveUp: a bound on work ends Solve with a clear error instead of
// running on.
func TestGaveUp(t *testing.T) {
	f := newFanOut(30, 15)
	_, err := SolveWith(context.Background(), brokenTail{f}, map[string]pep440.Range{f.name(0): pep440.Full()}, Options{MaxSteps: 20})
	var gu *GaveUpError
	if !errors.As(err, &gu) {
		t.Fatalf("Solve = %v, want *GaveUpError", err)
	}
	if !strings.HasPrefix(err.Error(), "gave up after ") || gu.Steps <= 20 {
		t.Errorf("error %q (steps %d)", err, gu.Steps)
	}
	// The same universe with the default bound is proven unsolvable.
	_, err = Solve(context.Background(), brokenTail{f}, map[string]pep440.Range{f.name(0): pep440.Full()})
	var nse *NoSolutionError
	if !errors.As(err, &nse) {
		t.Fatalf("Solve = %v, want *NoSolutionError", err)
	}
}

// TestNeighbourRanges: when the versions of x tried one after another all
// depend alike, their incompatibility is one interval, not a union of
// points.
func TestNeighbourRanges(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= 60; i++ {
		fmt.Fprintf(&b, "x %d.0: y>=5\n", i)
	}
	b.WriteString("y 1.0\nrequest: x\n")
	tc, err := parseCase(b.String())
	if err != nil {
		t.Fatal(err)
	}
	s := &solver{ctx: context.Background(), p: tc, root: tc.request, pkgs: map[string]*pkgState{},
		depIndex: map[string]*incompat{}, depsDone: map[string][]*incompat{}, maxSteps: DefaultMaxSteps}
	if _, err := s.run(); err == nil {
		t.Fatal("solved, want no solution")
	}
	ic := s.depIndex["x\x00y"]
	if ic == nil {
		t.Fatal("no dependency incompatibility for x -> y")
	}
	if got := ic.rng.String(); strings.Contains(got, "||") || strings.Contains(got, "!=") {
		t.Errorf("x's merged range = %s, want one interval", got)
	}
	if !ic.rng.Contains(pep440.MustParse("1.0")) || !ic.rng.Contains(pep440.MustParse("60.0")) {
		t.Errorf("x's merged range = %s, want all of 1.0 to 60.0", ic.rng)
	}
}
