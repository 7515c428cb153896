package resolver

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/pkginstall/pkginstall/internal/pep440"
)

// randomCase writes a small random universe in the testdata language.
func randomCase(seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	n := 2 + rng.IntN(4)
	specs := []string{"", ">=2", "<2", "==1.0", "!=2.0", ">=2,<3", ">=4", "<=2.0", ">1"}
	req := func() string {
		extra := ""
		if rng.IntN(5) == 0 {
			extra = "[x]"
		}
		return fmt.Sprintf("p%d%s%s", rng.IntN(n), extra, specs[rng.IntN(len(specs))])
	}
	var b strings.Builder
	for i := range n {
		for _, v := range []string{"1.0", "2.0", "3.0"} {
			if rng.IntN(4) == 0 {
				continue
			}
			var deps []string
			for range rng.IntN(3) {
				deps = append(deps, req())
			}
			fmt.Fprintf(&b, "p%d %s: %s\n", i, v, strings.Join(deps, ", "))
			if rng.IntN(3) == 0 {
				fmt.Fprintf(&b, "p%d %s [x]: %s\n", i, v, req())
			}
		}
	}
	var root []string
	for range 1 + rng.IntN(2) {
		root = append(root, req())
	}
	fmt.Fprintf(&b, "request: %s\n", strings.Join(root, ", "))
	return b.String()
}

// check solves text and compares the outcome with an exhaustive search.
func check(t *testing.T, text string) {
	t.Helper()
	tc, err := parseCase(text)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	sol, err := Solve(context.Background(), tc, tc.request)
	var nse *NoSolutionError
	switch {
	case err == nil:
		if msg := tc.invalid(sol); msg != "" {
			t.Fatalf("invalid solution %s: %s\n%s", format(sol), msg, text)
		}
	case errors.As(err, &nse):
		if found := tc.bruteForce(); found != nil {
			t.Fatalf("no solution reported, but %s works:\n%s\n%s", format(found), err, text)
		}
		if !strings.HasSuffix(err.Error(), "version solving failed.") {
			t.Fatalf("explanation lacks its conclusion:\n%s\n%s", err, text)
		}
	default:
		t.Fatalf("Solve: %v\n%s", err, text)
	}
}

// invalid says what is wrong with sol, or "" if it satisfies everything.
func (tc *testCase) invalid(sol map[string]pep440.Version) string {
	ok := func(deps map[string]pep440.Range) string {
		for dep, r := range deps {
			v, in := sol[dep]
			if !in || !r.Contains(v) {
				return fmt.Sprintf("%s%s not satisfied", dep, r)
			}
		}
		return ""
	}
	if msg := ok(tc.request); msg != "" {
		return "request: " + msg
	}
	for pkg, v := range sol {
		deps, err := tc.Dependencies(context.Background(), pkg, v)
		if err != nil {
			return err.Error()
		}
		if msg := ok(deps); msg != "" {
			return fmt.Sprintf("%s %s: %s", pkg, v, msg)
		}
	}
	return ""
}

// bruteForce searches every combination of versions (or absence) of every
// package, pruning as soon as a requirement between two packages already
// chosen fails, and returns the first valid one, or nil.
func (tc *testCase) bruteForce() map[string]pep440.Version {
	var names []string
	for name := range tc.versions {
		names = append(names, name, ExtraPackage(name, "x"))
	}
	slices.Sort(names)
	pos := map[string]int{}
	for i, name := range names {
		pos[name] = i
	}
	deps := map[string]map[string]pep440.Range{}
	depsOf := func(pkg string, v pep440.Version) map[string]pep440.Range {
		key := pkg + " " + v.String()
		d, ok := deps[key]
		if !ok {
			d, _ = tc.Dependencies(context.Background(), pkg, v)
			deps[key] = d
		}
		return d
	}
	sol := map[string]pep440.Version{}
	// fine reports whether the requirements of pkg (nil: the request) on
	// packages decided so far (index <= i) hold.
	fine := func(reqs map[string]pep440.Range, i int) bool {
		for dep, r := range reqs {
			j, known := pos[dep]
			if !known {
				return false // depends on a package that has no versions
			}
			if j > i {
				continue
			}
			if v, in := sol[dep]; !in || !r.Contains(v) {
				return false
			}
		}
		return true
	}
	var try func(i int) bool
	try = func(i int) bool {
		if i == len(names) {
			return tc.invalid(sol) == ""
		}
		// Every package chosen so far must be content with names[i].
		consistent := func() bool {
			if !fine(tc.request, i) {
				return false
			}
			for pkg, v := range sol {
				if !fine(depsOf(pkg, v), i) {
					return false
				}
			}
			return true
		}
		if consistent() && try(i+1) {
			return true
		}
		base, _ := SplitExtra(names[i])
		for _, v := range tc.versions[base] {
			sol[names[i]] = v
			if consistent() && try(i+1) {
				return true
			}
		}
		delete(sol, names[i])
		return false
	}
	if try(0) {
		return sol
	}
	return nil
}

// TestRandomUniverses compares Solve with exhaustive search on thousands of
// small random universes.
func TestRandomUniverses(t *testing.T) {
	n := uint64(3000)
	if testing.Short() {
		n = 300
	}
	for seed := range n {
		check(t, randomCase(seed))
	}
}

// FuzzSolve checks random universes chosen by the fuzzer: a solution must be
// valid, and "no solution" must be true.
func FuzzSolve(f *testing.F) {
	f.Add(uint64(1))
	f.Add(uint64(42))
	f.Fuzz(func(t *testing.T, seed uint64) {
		check(t, randomCase(seed))
	})
}
