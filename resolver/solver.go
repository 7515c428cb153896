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
	return SolveWith(ctx, p, root, Options{})
}

// DefaultMaxSteps bounds the work of Solve: decisions plus conflicts. A
// request that needs more ends with a *GaveUpError. Real requests take a few
// hundred steps; proving a 200-package, 50-version grid unsolvable takes
// tens of thousands.
const DefaultMaxSteps = 100_000

// Options tune SolveWith.
type Options struct {
	// MaxSteps bounds decisions plus conflicts (0: DefaultMaxSteps).
	MaxSteps int
}

// SolveWith is Solve with options.
func SolveWith(ctx context.Context, p Provider, root map[string]pep440.Range, opts Options) (map[string]pep440.Version, error) {
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
		maxSteps: opts.MaxSteps,
	}
	if s.maxSteps <= 0 {
		s.maxSteps = DefaultMaxSteps
	}
	s.pf, _ = p.(Prefetcher)
	s.fb, _ = p.(Fallbacker)
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
	sorted     []pep440.Version    // versions, lowest first (for neighbours)
	fallback   map[string]fallback // Fallbacker answers by range
	prefetched bool
	countGen   int
	count      int

	// Decision order (see noteConflict).
	conflicts int // times this package's choice was undone by another's
	prio      int // +1: decide early, -1: decide late, 0: normal
}

type solver struct {
	ctx  context.Context
	p    Provider
	pf   Prefetcher
	fb   Fallbacker
	root map[string]pep440.Range

	steps, maxSteps int
	// reorder, when > 0, is the decision level to go back to before the
	// next decision, because the decision order changed (noteConflict).
	reorder int

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
	next := []string{rootPkg}
	for {
		if err := s.ctx.Err(); err != nil {
			return nil, err
		}
		if err := s.propagate(next...); err != nil {
			return nil, err
		}
		if s.steps > s.maxSteps {
			return nil, s.gaveUp()
		}
		if s.reorder > 0 {
			next = s.reorderBacktrack()
			continue
		}
		pkg, done, err := s.decide()
		if err != nil {
			return nil, err
		}
		if done {
			break
		}
		next = []string{pkg}
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

// propagate performs unit propagation starting from pkgs.
func (s *solver) propagate(pkgs ...string) error {
	changed := slices.Clone(pkgs)
	queued := map[string]bool{}
	for _, pkg := range pkgs {
		queued[pkg] = true
	}
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
			s.steps++
			s.noteConflict(sat.t.pkg, ic)
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
	best, err := s.pick()
	if err != nil || best == nil {
		return "", best == nil && err == nil, err
	}
	s.steps++
	v, found := s.candidate(best)
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
	ics, err := s.dependencies(best, v)
	if err != nil {
		return "", false, err
	}
	// Decide v unless one of its dependencies is already known to conflict;
	// propagation then rules v out.
	for _, ic := range ics {
		for ic.supersededBy != nil {
			ic = ic.supersededBy // the merged one, which covers v too
		}
		if s.conflicts(ic, best.name) {
			s.noteConflict(best.name, ic)
			return best.name, false, nil
		}
	}
	s.level++
	s.assign(newTerm(best.name, true, pep440.Exactly(v)), nil, true, v)
	return best.name, false, nil
}

// conflicts reports whether the partial solution satisfies every term of
// ic except pkg's.
func (s *solver) conflicts(ic *incompat, pkg string) bool {
	for _, t := range ic.terms {
		if t.pkg == pkg {
			continue
		}
		acc := anyTerm(t.pkg)
		if st := s.pkgs[t.pkg]; st != nil {
			acc = st.acc
		}
		if acc.relationTo(t) != satisfied {
			return false
		}
	}
	return true
}

// pick chooses the package to decide next, or nil when every required
// package is decided: a package with no candidate left comes first (to
// learn why at once); then packages that kept losing their choices to
// another's (prio +1), then the rest, then the packages that kept causing
// such conflicts (prio -1); within each, the fewest candidates left in the
// allowed range first, ties to the package required first.
func (s *solver) pick() (*pkgState, error) {
	var best *pkgState
	for _, st := range s.order {
		if st.decided || !st.acc.pos || st.name == rootPkg {
			continue
		}
		if err := s.fetchVersions(st); err != nil {
			return nil, err
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
		if st.count == 0 {
			return st, nil
		}
		if best == nil || st.prio > best.prio || (st.prio == best.prio && st.count < best.count) {
			best = st
		}
	}
	return best, nil
}

// candidate returns the first version of st, in the provider's order, that
// its allowed range holds, else the provider's fallback for that range.
func (s *solver) candidate(st *pkgState) (pep440.Version, bool) {
	for _, c := range st.versions {
		if st.acc.rng.Contains(c) {
			return c, true
		}
	}
	if s.fb == nil {
		return pep440.Version{}, false
	}
	if st.fallback == nil {
		st.fallback = map[string]fallback{}
	}
	key := st.acc.rng.String()
	f, ok := st.fallback[key]
	if !ok {
		f.v, f.ok = s.fb.Fallback(s.ctx, st.name, st.acc.rng)
		f.ok = f.ok && st.acc.rng.Contains(f.v)
		st.fallback[key] = f
	}
	return f.v, f.ok
}

type fallback struct {
	v  pep440.Version
	ok bool
}

// conflictThreshold is how many times a package's choice must be undone
// by the same cause before the decision order changes (uv uses 5).
const conflictThreshold = 5

// noteConflict records that a choice for affected was ruled out by ic (a
// candidate whose dependencies conflict, or a learned root cause). The
// other decided packages of ic are the culprits. When affected has lost
// conflictThreshold choices, it is moved ahead in the decision order and
// its culprits behind, and the solver goes back to before the earliest
// culprit's decision, so the package that keeps conflicting is decided
// first: root needs a and b, a 2 has no dependencies, every b 2.x needs
// a==1: after a few b 2.x are ruled out by a 2, b goes first and the
// solver finds b 2.x with a 1 (pip's and uv's answer), not a 2 with an
// old b. This changes only the order of decisions, never what is correct.
func (s *solver) noteConflict(affected string, ic *incompat) {
	st := s.pkgs[affected]
	if st == nil || st.prio > 0 {
		return
	}
	st.conflicts++
	if st.conflicts < conflictThreshold {
		return
	}
	st.prio = 1
	lvl := 0
	for _, t := range ic.terms {
		c := s.pkgs[t.pkg]
		if c == nil || c == st || !c.decided || c.name == rootPkg {
			continue
		}
		if c.prio == 0 {
			c.prio = -1
		}
		for _, ai := range c.assigns {
			if a := s.assigns[ai]; a.decision && (lvl == 0 || a.level-1 < lvl) {
				lvl = a.level - 1
			}
		}
	}
	if lvl >= 1 && (s.reorder == 0 || lvl < s.reorder) {
		s.reorder = lvl
	}
}

// reorderBacktrack goes back to the level noteConflict asked for and
// returns the packages to propagate from: going back over several levels
// can leave learned incompatibilities unit that were not before.
func (s *solver) reorderBacktrack() []string {
	lvl := s.reorder
	s.reorder = 0
	if lvl >= s.level {
		return nil
	}
	s.backtrack(lvl)
	var pkgs []string
	for _, st := range s.order {
		if len(st.assigns) > 0 {
			pkgs = append(pkgs, st.name)
		}
	}
	return pkgs
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
// dependencies of st's package at v.
func (s *solver) dependencies(st *pkgState, v pep440.Version) ([]*incompat, error) {
	pkg := st.name
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
			ic = s.dependencyIncompat(st, v, name, r)
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
// incompatibility of earlier versions of pkg that depend on exactly the
// same range of dep. When v's neighbour among pkg's candidates (in version
// order) is already covered, the merged range takes in everything between
// them, so a run of neighbouring versions that depend alike (most of a
// project's history) is one interval rather than a union of points, and
// stays cheap to intersect however long the history is. Versions between
// two neighbouring candidates are not candidates, so this claims nothing
// about a version the solver could choose.
func (s *solver) dependencyIncompat(st *pkgState, v pep440.Version, dep string, r pep440.Range) *incompat {
	pkg := st.name
	key := pkg + "\x00" + dep
	rng := pep440.Exactly(v)
	old := s.depIndex[key]
	if old != nil && old.depRng.Equal(r) {
		lo, hi := v, v
		if prev, next, ok := st.neighbours(v); ok {
			if prev != nil && old.rng.Contains(*prev) {
				lo = *prev
			}
			if next != nil && old.rng.Contains(*next) {
				hi = *next
			}
		}
		rng = old.rng.Union(pep440.Between(lo, hi)).Union(rng)
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

// neighbours returns the candidates just below and just above v in version
// order (nil at the ends); ok is false when v is not a listed candidate.
func (st *pkgState) neighbours(v pep440.Version) (prev, next *pep440.Version, ok bool) {
	if st.sorted == nil {
		st.sorted = slices.Clone(st.versions)
		slices.SortStableFunc(st.sorted, func(a, b pep440.Version) int { return a.Compare(b) })
	}
	i, found := slices.BinarySearchFunc(st.sorted, v, func(a, b pep440.Version) int { return a.Compare(b) })
	if !found {
		return nil, nil, false
	}
	// Versions equal under Compare (1.0, 1.0.0) are one point for a Range.
	j := i
	for j+1 < len(st.sorted) && st.sorted[j+1].Compare(v) == 0 {
		j++
	}
	if i > 0 {
		prev = &st.sorted[i-1]
	}
	if j+1 < len(st.sorted) {
		next = &st.sorted[j+1]
	}
	return prev, next, true
}
