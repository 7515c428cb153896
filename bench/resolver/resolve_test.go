package main

import (
	"context"
	"errors"
	"testing"

	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/resolver"
)

func solve(u *universe) (map[string]pep440.Version, int64, error) {
	p := &memProvider{u: u}
	root := map[string]pep440.Range{}
	for _, line := range u.Request {
		req, err := pep508.ParseRequirement(line)
		if err != nil {
			return nil, 0, err
		}
		root[pep508.NormalizeName(req.Name)] = req.Specifier.Range()
	}
	sol, err := resolver.Solve(context.Background(), p, root)
	return sol, p.fetches.Load(), err
}

// TestUniverses checks that each synthetic index has the answer it is
// built for (no timing here: timings belong to the benchmark).
func TestUniverses(t *testing.T) {
	for _, u := range universes() {
		t.Run(u.ID, func(t *testing.T) {
			sol, fetches, err := solve(u)
			var nse *resolver.NoSolutionError
			var gu *resolver.GaveUpError
			switch {
			case u.Solvable && err != nil:
				t.Fatalf("Solve: %v", err)
			case !u.Solvable && !errors.As(err, &nse) && !errors.As(err, &gu):
				t.Fatalf("Solve = %v, want no solution or a give-up", err)
			}
			for name, want := range u.Want {
				if got := sol[name]; got.String() != want {
					t.Errorf("%s = %s, want %s", name, got, want)
				}
			}
			t.Logf("%s: %d metadata fetches of %d versions", u.ID, fetches, u.Versions())
		})
	}
}

// BenchmarkResolve solves each synthetic index in memory and reports the
// metadata fetches per solve and their share of all versions.
func BenchmarkResolve(b *testing.B) {
	for _, u := range universes() {
		b.Run(u.ID, func(b *testing.B) {
			var fetches int64
			for b.Loop() {
				_, fetches, _ = solve(u)
			}
			b.ReportMetric(float64(fetches), "fetches/op")
			b.ReportMetric(100*float64(fetches)/float64(u.Versions()), "fetch%")
		})
	}
}
