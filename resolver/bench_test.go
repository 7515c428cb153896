package resolver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/pkginstall/pkginstall/internal/pep440"
)

// fanOut is a synthetic index of nPkgs packages with nVers versions each.
// Version j of package i depends on
//
//	q(i+1) >=j-20, q(i+2) <j+10, q(i+5 mod n) >=j-5,<j+5,
//
// and its three newest versions also depend on a package that does not
// exist, so every package has to back off from its newest version while the
// windowed cycle keeps the choices coupled. All packages at version
// nVers-3 is a solution.
type fanOut struct {
	nPkgs, nVers int
	versions     []pep440.Version // newest first
	ranges       map[string]pep440.Range
}

func newFanOut(nPkgs, nVers int) *fanOut {
	f := &fanOut{nPkgs: nPkgs, nVers: nVers, ranges: map[string]pep440.Range{}}
	for j := nVers; j >= 1; j-- {
		f.versions = append(f.versions, pep440.MustParse(fmt.Sprintf("%d.0", j)))
	}
	return f
}

func (f *fanOut) name(i int) string { return fmt.Sprintf("q%03d", i) }

func (f *fanOut) rng(spec string) pep440.Range {
	r, ok := f.ranges[spec]
	if !ok {
		ss, err := pep440.ParseSpecifierSet(spec)
		if err != nil {
			panic(err)
		}
		r = ss.Range()
		f.ranges[spec] = r
	}
	return r
}

func (f *fanOut) Versions(_ context.Context, pkg string) ([]pep440.Version, error) {
	if pkg == "missing" {
		return nil, nil
	}
	return f.versions, nil
}

func (f *fanOut) Dependencies(_ context.Context, pkg string, v pep440.Version) (map[string]pep440.Range, error) {
	var i, j int
	if _, err := fmt.Sscanf(pkg, "q%d", &i); err != nil {
		return nil, err
	}
	if _, err := fmt.Sscanf(v.String(), "%d.0", &j); err != nil {
		return nil, err
	}
	deps := map[string]pep440.Range{}
	if i+1 < f.nPkgs {
		deps[f.name(i+1)] = f.rng(fmt.Sprintf(">=%d", max(0, j-20)))
	}
	if i+2 < f.nPkgs {
		deps[f.name(i+2)] = f.rng(fmt.Sprintf("<%d", j+10))
	}
	deps[f.name((i+5)%f.nPkgs)] = f.rng(fmt.Sprintf(">=%d,<%d", max(0, j-5), j+5))
	if j > f.nVers-3 {
		deps["missing"] = pep440.Full()
	}
	return deps, nil
}

func solveFanOut(tb testing.TB, f *fanOut) map[string]pep440.Version {
	sol, err := Solve(context.Background(), f, map[string]pep440.Range{f.name(0): pep440.Full()})
	if err != nil {
		tb.Fatal(err)
	}
	return sol
}

func TestFanOut(t *testing.T) {
	f := newFanOut(40, 20)
	sol := solveFanOut(t, f)
	if len(sol) != f.nPkgs {
		t.Fatalf("solution has %d packages, want %d", len(sol), f.nPkgs)
	}
	for i := range f.nPkgs {
		v := sol[f.name(i)]
		deps, err := f.Dependencies(context.Background(), f.name(i), v)
		if err != nil {
			t.Fatal(err)
		}
		for dep, r := range deps {
			if w, ok := sol[dep]; !ok || !r.Contains(w) {
				t.Errorf("%s %s: %s%s not satisfied", f.name(i), v, dep, r)
			}
		}
	}
}

// BenchmarkFanOut solves 200 packages × 50 versions.
func BenchmarkFanOut(b *testing.B) {
	f := newFanOut(200, 50)
	for b.Loop() {
		solveFanOut(b, f)
	}
}

// brokenTail is fanOut where every version of the last package depends on
// the missing package, so there is no solution; proving that takes the
// solver through many conflicts.
type brokenTail struct{ *fanOut }

func (b brokenTail) Dependencies(ctx context.Context, pkg string, v pep440.Version) (map[string]pep440.Range, error) {
	deps, err := b.fanOut.Dependencies(ctx, pkg, v)
	if err == nil && pkg == b.name(b.nPkgs-1) {
		deps["missing"] = pep440.Full()
	}
	return deps, err
}

func TestFanOutUnsolvable(t *testing.T) {
	f := newFanOut(30, 15)
	_, err := Solve(context.Background(), brokenTail{f}, map[string]pep440.Range{f.name(0): pep440.Full()})
	var nse *NoSolutionError
	if !errors.As(err, &nse) {
		t.Fatalf("Solve = %v, want *NoSolutionError", err)
	}
	if !strings.Contains(err.Error(), "missing is not available") {
		t.Errorf("explanation does not name the missing package:\n%s", err)
	}
}

// BenchmarkFanOutUnsolvable proves that 40 packages × 20 versions have no
// solution.
func BenchmarkFanOutUnsolvable(b *testing.B) {
	f := newFanOut(40, 20)
	for b.Loop() {
		_, err := Solve(context.Background(), brokenTail{f}, map[string]pep440.Range{f.name(0): pep440.Full()})
		if err == nil {
			b.Fatal("solved an unsolvable index")
		}
	}
}

// BenchmarkFanOutUnsolvableLarge proves that 200 packages × 50 versions have
// no solution. It takes minutes per iteration, so it only runs when
// RESOLVER_BENCH_LARGE is set.
func BenchmarkFanOutUnsolvableLarge(b *testing.B) {
	if os.Getenv("RESOLVER_BENCH_LARGE") == "" {
		b.Skip("set RESOLVER_BENCH_LARGE=1 to run (minutes per iteration)")
	}
	benchUnsolvable(b, 200, 50)
}

// BenchmarkFanOutUnsolvableMedium proves that 80 packages × 30 versions have
// no solution.
func BenchmarkFanOutUnsolvableMedium(b *testing.B) {
	benchUnsolvable(b, 80, 30)
}

func benchUnsolvable(b *testing.B, nPkgs, nVers int) {
	f := newFanOut(nPkgs, nVers)
	for b.Loop() {
		_, err := Solve(context.Background(), brokenTail{f}, map[string]pep440.Range{f.name(0): pep440.Full()})
		var nse *NoSolutionError
		if !errors.As(err, &nse) {
			b.Fatalf("Solve = %v, want *NoSolutionError", err)
		}
	}
}
