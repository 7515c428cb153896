package resolver

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pkginstall/pkginstall/internal/pep440"
)

// Solve finds one version of every package needed by root, a map from
// package name to the allowed range. The result maps every selected package
// (extras included, see the package documentation) to its version.
//
// If the request cannot be satisfied the error is a *NoSolutionError whose
// message explains why. An error from the provider aborts Solve and is
// returned wrapped with the package concerned (errors.Is and errors.As see
// through the wrapping); if ctx is done, Solve returns ctx.Err().
func Solve(ctx context.Context, p Provider, root map[string]pep440.Range) (map[string]pep440.Version, error) {
	for name := range root {
		if err := checkName(name); err != nil {
			return nil, fmt.Errorf("request: %w", err)
		}
	}
	s := &solver{
		ctx:      ctx,
		p:        p,
		root:     root,
		pkgs:     map[string]*pkgState{},
		depIndex: map[string]*incompat{},
		depsDone: map[string][]*incompat{},
	}
	s.pf, _ = p.(Prefetcher)
	return s.run()
}

func checkName(name string) error {
	if name == "" {
		return errors.New("empty package name")
	}
	if strings.IndexByte(name, 0) >= 0 {
		return fmt.Errorf("package name %q contains NUL", name)
	}
	return nil
}

// errInternal reports a broken invariant; it should never be returned.
var errInternal = errors.New("resolver: internal error: inconsistent partial solution")

// assignment is one entry of the partial solution.
type assignment struct {
	t        term
	acc      term      // intersection of the package's assignments up to this one
	gen      int       // pkgState.gen of that intersection
	level    int       // decision level
	cause    *incompat // nil for a decision
	decision bool
}

// pkgState is what the solver knows about one package.
type pkgState struct {
	name  string
	order int // when the package was first seen, for tie-breaks

	// Partial solution.
	assigns []int // indices into solver.assigns, ascending
	acc     term  // intersection of those assignments (anyTerm if none)
	decided bool
	version pep440.Version
	gen     int // identifies the value of acc: solver-wide unique per state, restored on backtracking
	gen0    int // gen of the state with no assignments

	incompats []*incompat // every incompatibility with a term for this package

	// Provider answers.
	fetched    bool
	versions   []pep440.Version
	prefetched bool
	countGen   int
	count      int
}

type solver struct {
	ctx  context.Context
	p    Provider
	pf   Prefetcher
	root map[string]pep440.Range

	pkgs  map[string]*pkgState
	order []*pkgState

	assigns []assignment
	level   int

	depIndex map[string]*incompat   // "pkg\x00dep" -> newest dependency incompatibility, for merging
	depsDone map[string][]*incompat // "pkg\x00version" -> incompatibilities of its dependencies
	nextGen  int                    // last pkgState.gen handed out
}

func (s *solver) state(pkg string) *pkgState {
	st := s.pkgs[pkg]
	if st == nil {
		s.nextGen++
		st = &pkgState{name: pkg, order: len(s.order), acc: anyTerm(pkg), gen: s.nextGen, gen0: s.nextGen}
		s.pkgs[pkg] = st
		s.order = append(s.order, st)
	}
	return st
}

func (s *solver) run() (map[string]pep440.Version, error) {
	s.addIncompat(newIncompat(kindRoot, newTerm(rootPkg, false, pep440.Full())))
	next := rootPkg
	for {
		if err := s.ctx.Err(); err != nil {
			return nil, err
		}
		if err := s.propagate(next); err != nil {
			return nil, err
		}
		var done bool
		var err error
		next, done, err = s.decide()
		if err != nil {
			return nil, err
		}
		if done {
			break
		}
	}
	sol := map[string]pep440.Version{}
	for _, st := range s.order {
		if st.decided && st.name != rootPkg {
			sol[st.name] = st.version
		}
	}
	return sol, nil
}

func (s *solver) addIncompat(ic *incompat) {
	if ic == nil {
		return
	}
	for _, t := range ic.terms {
		st := s.state(t.pkg)
		st.incompats = append(st.incompats, ic)
	}
}

// relation tells how ic relates to the partial solution; for inconclusive
// results with exactly one undecided term, almost is that term's index.
// Propagation only acts on "satisfied" and on "inconclusive with one
// undecided term"; whenever ic is neither, relation may answer contradicted
// or inconclusive with almost -1 without looking at every term.
//
// Term relations are cached (see solver.valid). The incompatibility also
// remembers a contradicted term, or two inconclusive ones, that proved it
// idle last time: when the cache says that proof still holds, relation
// answers at once, which keeps the rescans of long incompatibility lists
// cheap. None of this changes what propagation does, only how fast.
func (s *solver) relation(ic *incompat) (rel relation, almost int) {
	if ic.cache == nil {
		ic.cache = make([]relCache, len(ic.terms))
		for i, t := range ic.terms {
			ic.cache[i].st = s.pkgs[t.pkg]
		}
		ic.idle1, ic.idle2 = -1, -1
	}
	if i := ic.idle1; i >= 0 {
		c := &ic.cache[i]
		if ic.idle2 < 0 {
			if c.rel == contradicted && s.valid(c) {
				return contradicted, -1
			}
		} else if d := &ic.cache[ic.idle2]; c.rel == inconclusive && d.rel == inconclusive && s.valid(c) && s.valid(d) {
			return inconclusive, -1
		}
	}
	// First the terms whose cached relation is still valid, then the others:
	// often the valid ones already show that ic is idle.
	almost = -1
	stale := 0
	for i := range ic.cache {
		c := &ic.cache[i]
		if !s.valid(c) {
			stale++
			continue
		}
		switch c.rel {
		case contradicted:
			ic.idle1, ic.idle2 = i, -1
			return contradicted, -1
		case inconclusive:
			if almost >= 0 {
				ic.idle1, ic.idle2 = almost, i
				return inconclusive, -1
			}
			almost = i
		}
	}
	for i := 0; stale > 0; i++ {
		c := &ic.cache[i]
		if s.valid(c) {
			continue
		}
		stale--
		t := ic.terms[i]
		var rel relation
		if c.st == nil {
			c.st = s.pkgs[t.pkg]
		}
		if c.st == nil {
			rel = anyTerm(t.pkg).relationTo(t)
		} else {
			rel = c.st.acc.relationTo(t)
			c.gen, c.n, c.rel = c.st.gen, len(c.st.assigns), rel
		}
		switch rel {
		case contradicted:
			if c.st != nil {
				ic.idle1, ic.idle2 = i, -1
			}
			return contradicted, -1
		case inconclusive:
			if almost >= 0 {
				if c.st != nil && ic.cache[almost].st != nil {
					ic.idle1, ic.idle2 = almost, i
				}
				return inconclusive, -1
			}
			almost = i
		}
	}
	if almost < 0 {
		return satisfied, -1
	}
	return inconclusive, almost
}

// assign appends an assignment to the partial solution.
func (s *solver) assign(t term, cause *incompat, decision bool, v pep440.Version) {
	st := s.state(t.pkg)
	st.acc = st.acc.intersect(t)
	s.nextGen++
	st.gen = s.nextGen
	st.assigns = append(st.assigns, len(s.assigns))
	s.assigns = append(s.assigns, assignment{t: t, acc: st.acc, gen: st.gen, level: s.level, cause: cause, decision: decision})
	if decision {
		st.decided = true
		st.version = v
	}
}

// propagate performs unit propagation starting from pkg.
func (s *solver) propagate(pkg string) error {
	changed := []string{pkg}
	queued := map[string]bool{pkg: true}
	for len(changed) > 0 {
		cur := changed[0]
		changed = changed[1:]
		delete(queued, cur)
		st := s.pkgs[cur]
		if st == nil {
			continue
		}
		// Newest first: learned incompatibilities tend to be more general.
		for i := len(st.incompats) - 1; i >= 0; i-- {
			ic := st.incompats[i]
			if ic.supersededBy != nil {
				continue
			}
			rel, u := s.relation(ic)
			if rel == satisfied {
				cause, err := s.resolveConflict(ic)
				if err != nil {
					return err
				}
				rel, u = s.relation(cause)
				if rel != inconclusive || u < 0 {
					return errInternal
				}
				t := cause.terms[u]
				s.assign(t.negate(), cause, false, pep440.Version{})
				changed = []string{t.pkg}
				queued = map[string]bool{t.pkg: true}
				break
			}
			if rel == inconclusive && u >= 0 {
				t := ic.terms[u]
				s.assign(t.negate(), ic, false, pep440.Version{})
				if !queued[t.pkg] {
					queued[t.pkg] = true
					changed = append(changed, t.pkg)
				}
			}
		}
	}
	return nil
}

// resolveConflict finds the root cause of the satisfied incompatibility ic,
// learns it, backjumps, and returns it. If the root cause says the request
// cannot be selected it returns a *NoSolutionError.
func (s *solver) resolveConflict(ic *incompat) (*incompat, error) {
	orig := ic
	// pos[i] is the position in its package's assignments of the satisfier
	// of ic.terms[i], or -1 if not known yet. The partial solution does not
	// change until the backjump, so a term carried over unchanged from one
	// step to the next keeps its satisfier.
	var pos []int
	for {
		if ic.isFailure() {
			return nil, s.noSolution(ic)
		}
		if pos == nil {
			pos = make([]int, len(ic.terms))
			for i := range pos {
				pos[i] = -1
			}
		}
		satIdx, prevIdx, ok := s.satisfiers(ic, pos)
		if !ok {
			return nil, errInternal
		}
		sat := s.assigns[satIdx]
		prevLevel := 1
		if prevIdx >= 0 {
			prevLevel = max(1, s.assigns[prevIdx].level)
		}
		if sat.decision || prevLevel != sat.level {
			if ic != orig {
				s.addIncompat(ic)
			}
			s.backtrack(prevLevel)
			return ic, nil
		}
		var from []int
		ic, from = priorCause(ic, sat.cause, sat.t.pkg)
		next := make([]int, len(ic.terms))
		for i, j := range from {
			next[i] = -1
			if j >= 0 {
				next[i] = pos[j]
			}
		}
		pos = next
	}
}

// satisfiers finds the earliest assignment after which the partial solution
// satisfies ic (the satisfier) and the earliest one before it that, together
// with the satisfier, still satisfies ic (the previous satisfier, -1 if none).
// Because a package's accumulated term only shrinks, both are found by binary
// search over the package's assignments. pos[i] is the position of the
// satisfier of ic.terms[i] among its package's assignments if known, -1
// otherwise; satisfiers fills in the unknown ones.
func (s *solver) satisfiers(ic *incompat, pos []int) (satIdx, prevIdx int, ok bool) {
	idx := make([]int, len(ic.terms))
	satIdx, satTerm, satPos := -1, -1, -1
	for i, t := range ic.terms {
		st := s.pkgs[t.pkg]
		if st == nil {
			return 0, 0, false
		}
		k := pos[i]
		if k < 0 {
			k, _ = slices.BinarySearchFunc(st.assigns, t, func(ai int, t term) int {
				if s.assigns[ai].acc.subsetOf(t) {
					return 1
				}
				return -1
			})
			if k == len(st.assigns) {
				return 0, 0, false
			}
			pos[i] = k
		}
		idx[i] = st.assigns[k]
		if idx[i] > satIdx {
			satIdx, satTerm, satPos = idx[i], i, k
		}
	}
	if satIdx < 0 {
		return 0, 0, false
	}
	prevIdx = -1
	for i, ai := range idx {
		if i != satTerm && ai > prevIdx {
			prevIdx = ai
		}
	}
	t := ic.terms[satTerm]
	sat := s.assigns[satIdx].t
	if !sat.subsetOf(t) {
		st := s.pkgs[t.pkg]
		k, _ := slices.BinarySearchFunc(st.assigns[:satPos], t, func(ai int, t term) int {
			if sat.intersect(s.assigns[ai].acc).subsetOf(t) {
				return 1
			}
			return -1
		})
		if k < satPos {
			prevIdx = max(prevIdx, st.assigns[k])
		}
	}
	return satIdx, prevIdx, true
}

// backtrack removes every assignment above decision level lvl.
func (s *solver) backtrack(lvl int) {
	cut := len(s.assigns)
	for i, a := range s.assigns {
		if a.level > lvl {
			cut = i
			break
		}
	}
	s.assigns = s.assigns[:cut]
	s.level = lvl
	for _, st := range s.order {
		n := len(st.assigns)
		for n > 0 && st.assigns[n-1] >= cut {
			n--
		}
		if n == len(st.assigns) {
			continue
		}
		st.assigns = st.assigns[:n]
		st.acc, st.gen = anyTerm(st.name), st.gen0
		if n > 0 {
			a := s.assigns[st.assigns[n-1]]
			st.acc, st.gen = a.acc, a.gen
		}
		st.decided = false
		for _, ai := range st.assigns {
			if s.assigns[ai].decision {
				st.decided = true
			}
		}
	}
}

// decide makes the next decision. It returns the package whose state changed,
// or done when every required package is decided.
func (s *solver) decide() (next string, done bool, err error) {
	if !s.state(rootPkg).decided {
		s.decideRoot()
		return rootPkg, false, nil
	}
	var best *pkgState
	bestCount := 0
	for _, st := range s.order {
		if st.decided || !st.acc.pos || st.name == rootPkg {
			continue
		}
		if err := s.fetchVersions(st); err != nil {
			return "", false, err
		}
		if st.countGen != st.gen {
			st.count = 0
			for _, v := range st.versions {
				if st.acc.rng.Contains(v) {
					st.count++
				}
			}
			st.countGen = st.gen
		}
		if best == nil || st.count < bestCount {
			best, bestCount = st, st.count
			if bestCount == 0 {
				break
			}
		}
	}
	if best == nil {
		return "", true, nil
	}
	var v pep440.Version
	found := false
	for _, c := range best.versions {
		if best.acc.rng.Contains(c) {
			v, found = c, true
			break
		}
	}
	if !found {
		var ic *incompat
		if len(best.versions) == 0 {
			ic = newIncompat(kindUnavailable, newTerm(best.name, true, pep440.Full()))
			ic.rng = pep440.Full()
		} else {
			ic = newIncompat(kindNoVersions, newTerm(best.name, true, best.acc.rng))
			ic.rng = best.acc.rng
		}
		if ic == nil {
			return "", false, errInternal // a required package with an empty range
		}
		ic.pkg = best.name
		s.addIncompat(ic)
		return best.name, false, nil
	}
	ics, err := s.dependencies(best.name, v)
	if err != nil {
		return "", false, err
	}
	// Decide v unless one of its dependencies is already known to conflict;
	// propagation then rules v out.
	for _, ic := range ics {
		for ic.supersededBy != nil {
			ic = ic.supersededBy // the merged one, which covers v too
		}
		conflict := true
		for _, t := range ic.terms {
			if t.pkg == best.name {
				continue
			}
			acc := anyTerm(t.pkg)
			if st := s.pkgs[t.pkg]; st != nil {
				acc = st.acc
			}
			if acc.relationTo(t) != satisfied {
				conflict = false
				break
			}
		}
		if conflict {
			return best.name, false, nil
		}
	}
	s.level++
	s.assign(newTerm(best.name, true, pep440.Exactly(v)), nil, true, v)
	return best.name, false, nil
}

// decideRoot selects the request and adds its requirements.
func (s *solver) decideRoot() {
	names := make([]string, 0, len(s.root))
	for name := range s.root {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		ic := newIncompat(kindDependency, newTerm(rootPkg, true, pep440.Full()), newTerm(name, false, s.root[name]))
		ic.pkg, ic.rng, ic.dep, ic.depRng = rootPkg, pep440.Full(), name, s.root[name]
		s.addIncompat(ic)
		s.prefetch(name)
	}
	s.level++
	s.assign(newTerm(rootPkg, true, pep440.Full()), nil, true, pep440.Version{})
}

func (s *solver) fetchVersions(st *pkgState) error {
	if st.fetched {
		return nil
	}
	vs, err := s.p.Versions(s.ctx, st.name)
	if err != nil {
		return fmt.Errorf("listing versions of %s: %w", st.name, err)
	}
	st.versions = slices.Clone(vs)
	st.fetched = true
	return nil
}

func (s *solver) prefetch(pkg string) {
	st := s.state(pkg)
	if s.pf != nil && !st.prefetched {
		st.prefetched = true
		s.pf.Prefetch(s.ctx, pkg)
	}
}

// dependencies adds (once) and returns the incompatibilities for the
// dependencies of pkg at v.
func (s *solver) dependencies(pkg string, v pep440.Version) ([]*incompat, error) {
	key := pkg + "\x00" + v.String()
	if ics, ok := s.depsDone[key]; ok {
		return ics, nil
	}
	deps, err := s.p.Dependencies(s.ctx, pkg, v)
	if err != nil {
		return nil, fmt.Errorf("reading dependencies of %s %s: %w", pkg, v, err)
	}
	names := make([]string, 0, len(deps))
	for name := range deps {
		if err := checkName(name); err != nil {
			return nil, fmt.Errorf("dependencies of %s %s: %w", pkg, v, err)
		}
		names = append(names, name)
	}
	slices.Sort(names)
	ics := []*incompat{}
	for _, name := range names {
		r := deps[name]
		var ic *incompat
		if name == pkg {
			if r.Contains(v) {
				continue // depending on oneself at one's own version is harmless
			}
			ic = newIncompat(kindSelf, newTerm(pkg, true, pep440.Exactly(v)))
			ic.pkg, ic.rng, ic.version, ic.depRng = pkg, pep440.Exactly(v), v, r
		} else {
			ic = s.dependencyIncompat(pkg, v, name, r)
			s.prefetch(name)
		}
		if ic != nil {
			s.addIncompat(ic)
			ics = append(ics, ic)
		}
	}
	s.depsDone[key] = ics
	return ics, nil
}

// dependencyIncompat returns {pkg ==v, not dep in r}, merged with the
// incompatibility of an earlier version of pkg that depends on exactly the
// same range of dep.
func (s *solver) dependencyIncompat(pkg string, v pep440.Version, dep string, r pep440.Range) *incompat {
	key := pkg + "\x00" + dep
	rng := pep440.Exactly(v)
	old := s.depIndex[key]
	if old != nil && old.depRng.Equal(r) {
		rng = old.rng.Union(rng)
	}
	ic := newIncompat(kindDependency, newTerm(pkg, true, rng), newTerm(dep, false, r))
	if ic == nil {
		return nil
	}
	ic.pkg, ic.rng, ic.dep, ic.depRng = pkg, rng, dep, r
	if old != nil && old.depRng.Equal(r) {
		old.supersededBy = ic
	}
	s.depIndex[key] = ic
	return ic
}
