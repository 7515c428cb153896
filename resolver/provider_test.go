package resolver

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pkginstall/pkginstall/internal/pep440"
)

// testCase is one file of testdata/*.txt, in this language:
//
//	# comment
//	a 1.0: b>=2, c>=1,<3     version 1.0 of a, with its dependencies
//	a 1.0 [x]: d             what extra x of a 1.0 adds
//	b 1.0                    a version without dependencies
//	order a: 1.0 2.0         preference order (default: newest first)
//	hint b: only yanked      what Hint("b") returns
//	yanked c: 2.0            versions not listed, offered by Fallback only for
//	                         a pinned range (PEP 592, as the installer does);
//	                         each still needs its "c 2.0: ..." line
//	ioerror: b               Versions("b") fails
//	ioerror: b 1.0           Dependencies("b", 1.0) fails
//	request: a, b[x]>=2      the request, same syntax as dependencies
//	want: a==1.0 b==2.0      the expected solution, sorted, extras included
//	error: substring         the explanation must contain it (repeatable)
//	abort: substring         Solve must fail with a non-resolution error
//
// A package that is named but never listed is unknown: Versions returns
// (nil, nil). A dependency "b[x]>=2" means b>=2 plus b[x]>=2 (the extras
// convention); "b[x]" has the same versions as b and depends on b ==v plus
// what the extra adds.
type testCase struct {
	versions map[string][]pep440.Version
	deps     map[string]map[string]pep440.Range // "pkg version" -> deps
	extras   map[string]map[string]pep440.Range // "pkg version [x]" -> deps
	hints    map[string]string
	yanked   map[string][]pep440.Version
	ioerrs   map[string]bool // "pkg" or "pkg version"
	request  map[string]pep440.Range
	want     string
	hasWant  bool
	errs     []string
	aborts   []string

	// Recorded calls.
	prefetched     []string
	versionsCalls  map[string]int
	dependencyCall map[string]int
}

var errIO = errors.New("connection reset")

func parseCase(text string) (*testCase, error) {
	tc := &testCase{
		versions: map[string][]pep440.Version{},
		deps:     map[string]map[string]pep440.Range{},
		extras:   map[string]map[string]pep440.Range{},
		hints:    map[string]string{},
		yanked:   map[string][]pep440.Version{},
		ioerrs:   map[string]bool{},
	}
	ordered := map[string]bool{}
	for n, raw := range strings.Split(text, "\n") {
		ln := strings.TrimSpace(raw)
		if ln == "" || strings.HasPrefix(ln, "#") {
			continue
		}
		fail := func(err error) error { return fmt.Errorf("line %d: %q: %w", n+1, ln, err) }
		key, rest, _ := strings.Cut(ln, ":")
		rest = strings.TrimSpace(rest)
		fields := strings.Fields(key)
		var err error
		switch {
		case key == "request":
			tc.request, err = parseDeps(rest)
		case key == "want":
			tc.want, tc.hasWant = strings.Join(strings.Fields(rest), " "), true
		case key == "error":
			tc.errs = append(tc.errs, rest)
		case key == "abort":
			tc.aborts = append(tc.aborts, rest)
		case key == "ioerror":
			tc.ioerrs[strings.Join(strings.Fields(rest), " ")] = true
		case len(fields) == 2 && fields[0] == "hint":
			tc.hints[fields[1]] = rest
		case len(fields) == 2 && fields[0] == "yanked":
			for _, f := range strings.Fields(rest) {
				v, perr := pep440.Parse(f)
				if perr != nil {
					return nil, fail(perr)
				}
				tc.yanked[fields[1]] = append(tc.yanked[fields[1]], v)
			}
		case len(fields) == 2 && fields[0] == "order":
			var vs []pep440.Version
			for _, f := range strings.Fields(rest) {
				v, perr := pep440.Parse(f)
				if perr != nil {
					return nil, fail(perr)
				}
				vs = append(vs, v)
			}
			tc.versions[fields[1]] = vs
			ordered[fields[1]] = true
		case len(fields) == 2 || len(fields) == 3:
			var v pep440.Version
			if v, err = pep440.Parse(fields[1]); err != nil {
				break
			}
			var deps map[string]pep440.Range
			if deps, err = parseDeps(rest); err != nil {
				break
			}
			id := fields[0] + " " + v.String()
			if len(fields) == 3 {
				tc.extras[id+" "+fields[2]] = deps
				break
			}
			if _, dup := tc.deps[id]; dup {
				err = errors.New("version listed twice")
				break
			}
			tc.deps[id] = deps
			if !ordered[fields[0]] {
				tc.versions[fields[0]] = append(tc.versions[fields[0]], v)
			}
		default:
			err = errors.New("unknown line")
		}
		if err != nil {
			return nil, fail(err)
		}
	}
	for name, vs := range tc.versions {
		vs = slices.DeleteFunc(vs, func(v pep440.Version) bool {
			return slices.ContainsFunc(tc.yanked[name], func(y pep440.Version) bool { return y.Compare(v) == 0 })
		})
		if !ordered[name] {
			slices.SortFunc(vs, func(a, b pep440.Version) int { return b.Compare(a) })
		}
		tc.versions[name] = vs
	}
	return tc, nil
}

// parseDeps parses "b>=2, c[x]<3,>=1, d". A piece starting with an operator
// continues the previous specifier set.
func parseDeps(s string) (map[string]pep440.Range, error) {
	deps := map[string]pep440.Range{}
	if strings.TrimSpace(s) == "" {
		return deps, nil
	}
	var reqs []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p != "" && strings.ContainsRune("<>=!~", rune(p[0])) && len(reqs) > 0 {
			reqs[len(reqs)-1] += "," + p
			continue
		}
		reqs = append(reqs, p)
	}
	for _, req := range reqs {
		i := strings.IndexFunc(req, func(r rune) bool { return strings.ContainsRune("<>=!~[", r) })
		if i < 0 {
			i = len(req)
		}
		name, spec, extra := req[:i], req[i:], ""
		if strings.HasPrefix(spec, "[") {
			j := strings.IndexByte(spec, ']')
			if j < 0 {
				return nil, fmt.Errorf("unclosed extra in %q", req)
			}
			extra, spec = spec[1:j], spec[j+1:]
		}
		if name == "" {
			return nil, fmt.Errorf("missing name in %q", req)
		}
		rng := pep440.Full()
		if spec != "" {
			ss, err := pep440.ParseSpecifierSet(spec)
			if err != nil {
				return nil, err
			}
			rng = ss.Range()
		}
		for _, pkg := range []string{name, ExtraPackage(name, extra)} {
			if old, ok := deps[pkg]; ok {
				deps[pkg] = old.Intersect(rng)
			} else {
				deps[pkg] = rng
			}
		}
	}
	return deps, nil
}

func (tc *testCase) Versions(ctx context.Context, pkg string) ([]pep440.Version, error) {
	if tc.versionsCalls == nil {
		tc.versionsCalls = map[string]int{}
	}
	tc.versionsCalls[pkg]++
	if tc.ioerrs[pkg] {
		return nil, errIO
	}
	name, _ := SplitExtra(pkg)
	return slices.Clone(tc.versions[name]), nil
}

func (tc *testCase) Dependencies(ctx context.Context, pkg string, v pep440.Version) (map[string]pep440.Range, error) {
	if tc.dependencyCall == nil {
		tc.dependencyCall = map[string]int{}
	}
	tc.dependencyCall[pkg+" "+v.String()]++
	if tc.ioerrs[pkg+" "+v.String()] {
		return nil, errIO
	}
	name, extra := SplitExtra(pkg)
	base, ok := tc.deps[name+" "+v.String()]
	if !ok {
		return nil, fmt.Errorf("no such version %s %s", pkg, v)
	}
	if extra == "" {
		return base, nil
	}
	deps := map[string]pep440.Range{name: pep440.Exactly(v)}
	for dep, r := range tc.extras[name+" "+v.String()+" ["+extra+"]"] {
		deps[dep] = r
	}
	return deps, nil
}

func (tc *testCase) Hint(pkg string) string { return tc.hints[pkg] }

// Fallback offers a yanked version for a pinned range, as the installer's
// provider does.
func (tc *testCase) Fallback(ctx context.Context, pkg string, rng pep440.Range) (pep440.Version, bool) {
	name, _ := SplitExtra(pkg)
	if _, ok := rng.Pinned(); !ok {
		return pep440.Version{}, false
	}
	for _, v := range tc.yanked[name] {
		if rng.Contains(v) {
			return v, true
		}
	}
	return pep440.Version{}, false
}

func (tc *testCase) Prefetch(ctx context.Context, pkg string) {
	tc.prefetched = append(tc.prefetched, pkg)
}

// format renders a solution as the "want:" line does.
func format(sol map[string]pep440.Version) string {
	var s []string
	for name, v := range sol {
		s = append(s, name+"=="+v.String())
	}
	slices.Sort(s)
	return strings.Join(s, " ")
}
