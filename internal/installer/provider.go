package installer

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/pkginstall/pkginstall/index"
	"github.com/pkginstall/pkginstall/internal/build"
	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/python"
	"github.com/pkginstall/pkginstall/internal/suggest"
	"github.com/pkginstall/pkginstall/internal/tags"
	"github.com/pkginstall/pkginstall/resolver"
)

// Candidate is one installable version of a project: the best wheel of that
// version for the target interpreter.
type Candidate struct {
	Name    string // normalised
	Version pep440.Version
	File    index.File // the chosen wheel (File.URL may be file://)
	Local   string     // a local wheel path, when the candidate is a file on disk
	Direct  bool       // from a `name @ URL` requirement or a wheel path
	// AllowedHashes are the "sha256:<hex>" digests a --hash allows ("" = any).
	AllowedHashes []string
	// Sdist is set when File (or Local) is a source distribution, built
	// into a wheel before it is installed.
	Sdist bool
	// SourceDir is a local source tree (a project folder), built too;
	// Editable builds it with PEP 660's build_editable.
	SourceDir string
	Editable  bool
	build     *sourceBuild // nil for a wheel
	// wheel is File's parsed name when load made the candidate from an
	// index page, kept for ranking the files of its version.
	wheel tags.WheelName
}

// FromSource reports whether c is built before it is installed.
func (c *Candidate) FromSource() bool { return c.build != nil }

// project is what the provider knows about one project name.
type project struct {
	once       sync.Once
	err        error
	candidates []*Candidate          // best first
	yanked     []*Candidate          // versions whose every usable file is yanked (PEP 592), newest first
	byVersion  map[string]*Candidate // candidates and yanked
	hint       string                // why files were passed over, for explanations
}

// metaResult is the parsed metadata of one candidate.
type metaResult struct {
	once sync.Once
	md   *distinfo.Metadata
	err  error
}

// Provider answers the resolver's questions from an index (and direct
// references), for one target interpreter. It is safe for concurrent use:
// Prefetch starts metadata fetches in the background.
type Provider struct {
	Index    *index.Client
	Python   *python.Info
	Matcher  *tags.Matcher
	Pre      bool                      // --pre
	Upgrade  bool                      // --upgrade: no preference for installed versions
	Prefer   map[string]pep440.Version // installed or locked versions, preferred when allowed
	Direct   map[string]*Candidate     // name @ URL and wheel paths: the only candidate
	PreNamed map[string]bool           // names whose requirement names a pre-release
	// Arbitrary are the requirements and constraints with an "===" clause,
	// by name: a Range cannot see how a version was written, so their
	// candidates are filtered here with the exact SpecifierSet.Contains.
	Arbitrary map[string][]pep440.SpecifierSet
	NoDeps    map[string]bool // names whose dependencies are ignored (--no-deps)
	NoDepsAll bool            // --no-deps: no dependencies at all
	// Constraints (-c) narrow the candidates of a name without requiring it.
	Constraints map[string]pep440.Range
	// OpenLocal reads the metadata of a local wheel file.
	OpenLocal func(path string) (*distinfo.Metadata, error)
	// AnyPlatform keeps wheels built for other platforms when their
	// interpreter and ABI fit (a universal lock: which platforms lack a
	// wheel is reported after resolution).
	AnyPlatform bool
	// Shared, when set, holds the project pages and metadata that several
	// providers (one per environment of a universal lock) fetch once.
	Shared *Shared
	// Build says which sdists may become candidates (a version with no
	// compatible wheel); SourceMetadata reads the metadata of one.
	Build          BuildPolicy
	SourceMetadata func(ctx context.Context, c *Candidate) (*distinfo.Metadata, error)

	pyVersion pep440.Version
	env       map[string]string
	mu        sync.Mutex
	projects  map[string]*project
	meta      map[*Candidate]*metaResult
	prefetch  chan struct{}
	wg        sync.WaitGroup
}

// Init prepares the provider; call once before Solve.
func (p *Provider) Init() error {
	v, err := pep440.Parse(p.Python.Version)
	if err != nil {
		return fmt.Errorf("interpreter %s reports version %q: %w", p.Python.Executable, p.Python.Version, err)
	}
	p.pyVersion = v
	p.env = map[string]string{}
	for k, v := range p.Python.Markers {
		p.env[k] = v
	}
	p.projects = map[string]*project{}
	p.meta = map[*Candidate]*metaResult{}
	p.prefetch = make(chan struct{}, 8)
	return nil
}

// Wait waits for background prefetches to end.
func (p *Provider) Wait() { p.wg.Wait() }

func (p *Provider) project(ctx context.Context, name string) (*project, error) {
	p.mu.Lock()
	pr := p.projects[name]
	if pr == nil {
		pr = &project{}
		p.projects[name] = pr
	}
	p.mu.Unlock()
	pr.once.Do(func() { pr.err = p.load(ctx, name, pr) })
	return pr, pr.err
}

// load lists the candidates of a project: one per version, the best
// compatible wheel of each, skipping what the target cannot use.
func (p *Provider) load(ctx context.Context, name string, pr *project) error {
	pr.byVersion = map[string]*Candidate{}
	if d := p.Direct[name]; d != nil {
		if r, ok := p.Constraints[name]; ok && !r.Contains(d.Version) {
			pr.hint = fmt.Sprintf("%s is version %s, which the constraints (%s) exclude", d.describe(), d.Version, r)
			return nil
		}
		pr.candidates = []*Candidate{d}
		pr.byVersion[d.Version.String()] = d
		return nil
	}
	if p.Index == nil {
		pr.hint = "--no-index without --find-links: only wheel files given by path can be installed"
		return nil
	}
	proj, err := p.Shared.project(ctx, p.Index, name)
	if err != nil {
		if _, ok := err.(*index.NotFoundError); ok {
			pr.hint = fmt.Sprintf("%s was not found on %s", name, p.Index.Where())
			if s := suggest.Closest(name, p.Index.ProjectNames(ctx)); s != "" {
				pr.hint += fmt.Sprintf("; did you mean %s?", s)
			}
			return nil
		}
		return err
	}
	// Compatible wheels by version, in index order; the best of each
	// version is its candidate.
	groups := map[string][]*Candidate{}
	var order []string
	var skipped []string
	var sdists, yanked int
	var sdistFiles []index.File
	fit := pythonFit{py: p.pyVersion}
	for _, f := range proj.Files {
		if !hasSuffixFold(f.Filename, ".whl") {
			if build.IsSdist(f.Filename) {
				sdists++
				sdistFiles = append(sdistFiles, f)
			} else if ext := index.SdistSuffix(f.Filename); ext != "" {
				skipped = append(skipped, fmt.Sprintf("%s: a %s sdist, which pkginstall cannot unpack (it builds .tar.gz, .tgz and .zip)", f.Filename, ext))
			}
			continue
		}
		c, why := p.wheelCandidate(name, f, &fit)
		if why != "" {
			skipped = append(skipped, why)
		}
		if c == nil {
			continue
		}
		if f.Yanked {
			// PEP 592: passed over unless an exact pin leaves nothing
			// else (Fallback); kept aside for that.
			yanked++
		}
		key := c.Version.String()
		if groups[key] == nil {
			order = append(order, key)
		}
		groups[key] = append(groups[key], c)
	}
	order, skipped = p.sdistCandidates(name, sdistFiles, groups, order, skipped, &fit)
	cons, constrained := p.Constraints[name]
	for _, key := range order {
		c, isYanked := bestUnyanked(p.Matcher, groups[key])
		if constrained && !cons.Contains(c.Version) {
			skipped = append(skipped, fmt.Sprintf("%s: excluded by the constraints (%s)", c.File.Filename, cons))
			continue
		}
		if isYanked {
			pr.yanked = append(pr.yanked, c)
		} else {
			pr.candidates = append(pr.candidates, c)
		}
		pr.byVersion[c.Version.String()] = c
	}
	p.order(name, pr)
	sort.SliceStable(pr.yanked, func(i, j int) bool { return pr.yanked[i].Version.Compare(pr.yanked[j].Version) > 0 })
	refused := ""
	if p.Build.Refuses(name) {
		refused = p.Build.refusal(name)
	}
	pr.hint = loadHint(name, len(proj.Files), pr, skipped, yanked, sdists, refused)
	return nil
}

// wheelCandidate makes the candidate of the wheel f on the page of name,
// or says why f is passed over (a file of another project is silently
// not one: nil, ""). A yanked wheel is a candidate and a reason.
func (p *Provider) wheelCandidate(name string, f index.File, fit *pythonFit) (*Candidate, string) {
	wn, err := tags.ParseWheelFilename(f.Filename)
	if err != nil {
		return nil, fmt.Sprintf("%s: %v", f.Filename, err)
	}
	if pep508.NormalizeName(wn.Name) != name {
		return nil, ""
	}
	v, err := pep440.Parse(wn.Version)
	if err != nil {
		return nil, fmt.Sprintf("%s: invalid version", f.Filename)
	}
	if why := p.passOver(name, v, f, fit); why != "" {
		return nil, why
	}
	if _, ok := p.Matcher.Rank(wn.Tags); !ok && !(p.AnyPlatform && p.Matcher.FitsInterpreter(wn.Tags)) {
		return nil, fmt.Sprintf("%s: no tag matches %s", f.Filename, p.interpreterName())
	}
	c := &Candidate{Name: name, Version: v, File: f, wheel: wn}
	if f.Yanked {
		return c, fmt.Sprintf("%s: yanked%s", f.Filename, reason(f.YankedReason))
	}
	return c, ""
}

// passOver says why the file f of name at v is no candidate (a ===
// clause it fails, a Requires-Python the target does not meet), or "".
func (p *Provider) passOver(name string, v pep440.Version, f index.File, fit *pythonFit) string {
	if spec, ok := p.arbitraryMismatch(name, v); !ok {
		return fmt.Sprintf("%s: version %s does not match %s", f.Filename, v.Text(), spec)
	}
	if f.RequiresPython != "" && !fit.admits(f.RequiresPython) {
		return fmt.Sprintf("%s: requires Python %s", f.Filename, f.RequiresPython)
	}
	return ""
}

// pythonFit says whether a file's Requires-Python admits the target
// interpreter py (an unparsable one admits it), parsing each distinct
// string once: the files of a page share a handful. It belongs to one
// load, so it needs no lock.
type pythonFit struct {
	py   pep440.Version
	seen map[string]bool
}

func (f *pythonFit) admits(requiresPython string) bool {
	ok, found := f.seen[requiresPython]
	if !found {
		rp, err := pep440.ParseSpecifierSet(requiresPython)
		ok = err != nil || rp.Contains(f.py, true)
		if f.seen == nil {
			f.seen = map[string]bool{}
		}
		f.seen[requiresPython] = ok
	}
	return ok
}

// arbitraryMismatch checks v, as written, against the === clauses of the
// requirements on name; it returns the first that v fails.
func (p *Provider) arbitraryMismatch(name string, v pep440.Version) (pep440.SpecifierSet, bool) {
	for _, spec := range p.Arbitrary[name] {
		if !spec.Contains(v, true) {
			return spec, false
		}
	}
	return pep440.SpecifierSet{}, true
}

// order sorts the candidates of name in the order the resolver tries them.
func (p *Provider) order(name string, pr *project) {
	// The preferred (installed or locked) version first, then final
	// releases newest first, then pre-releases newest first, so a
	// pre-release is chosen only when no final release fits (as packaging's
	// filter) — unless --pre or a requirement names a pre-release, when the
	// order is simply newest first.
	plain := p.Pre || p.PreNamed[name]
	sort.SliceStable(pr.candidates, func(i, j int) bool {
		a, b := pr.candidates[i].Version, pr.candidates[j].Version
		if !plain && a.IsPrerelease() != b.IsPrerelease() {
			return !a.IsPrerelease()
		}
		return a.Compare(b) > 0
	})
	if pref, ok := p.Prefer[name]; ok && !p.Upgrade {
		for i, c := range pr.candidates {
			if c.Version.Compare(pref) == 0 && i > 0 {
				copy(pr.candidates[1:i+1], pr.candidates[:i])
				pr.candidates[0] = c
				break
			}
		}
	}
}

// loadHint explains, after a failed resolution, what the index offered for
// name (files of them; skipped files with why, yanked and sdists counted).
func loadHint(name string, files int, pr *project, skipped []string, yanked, sdists int, refused string) string {
	var hints []string
	if len(pr.candidates) == 0 {
		switch {
		case files == 0:
			hints = append(hints, fmt.Sprintf("the index lists no files for %s", name))
		case yanked > 0 && yanked == len(skipped):
			hints = append(hints, fmt.Sprintf("every file of %s is yanked (pin a version with == to use one)", name))
		}
		if sdists > 0 && refused != "" {
			hints = append(hints, refused)
		}
	}
	if n := len(pr.candidates); n > 0 {
		const maxVersions = 10
		versions := make([]pep440.Version, n)
		for i, c := range pr.candidates {
			versions[i] = c.Version
		}
		sort.Slice(versions, func(i, j int) bool { return versions[i].Compare(versions[j]) > 0 })
		vs := make([]string, 0, min(n, maxVersions)+1)
		for _, v := range versions[:min(n, maxVersions)] {
			vs = append(vs, v.String())
		}
		if n > maxVersions {
			vs = append(vs, fmt.Sprintf("… %d more", n-maxVersions))
		}
		hints = append(hints, fmt.Sprintf("available: %s", strings.Join(vs, ", ")))
	}
	if len(skipped) > 0 {
		const maxShown = 12
		shown := skipped
		if len(shown) > maxShown {
			shown = shown[:maxShown]
		}
		h := fmt.Sprintf("files of %s passed over:\n    %s", name, strings.Join(shown, "\n    "))
		if len(skipped) > maxShown {
			h += fmt.Sprintf("\n    … and %d more", len(skipped)-maxShown)
		}
		hints = append(hints, h)
	}
	return strings.Join(hints, "\n  ")
}

func (p *Provider) interpreterName() string {
	return fmt.Sprintf("%s %s on %s", p.Python.Implementation, p.Python.Version, p.Python.Platform)
}

func reason(r string) string {
	if r == "" {
		return ""
	}
	return " (" + r + ")"
}

// hasSuffixFold is strings.HasSuffix ignoring case (without the copy
// strings.ToLower makes).
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// sdistCandidates adds to groups, after the wheels, the sdists of the
// versions that have no compatible wheel (an sdist is a candidate only
// there), unless the build policy refuses name; the same filters as
// wheels apply (=== clauses, Requires-Python).
func (p *Provider) sdistCandidates(name string, files []index.File, groups map[string][]*Candidate, order, skipped []string, fit *pythonFit) ([]string, []string) {
	if len(files) == 0 || p.Build.Refuses(name) || p.SourceMetadata == nil {
		return order, skipped
	}
	for _, f := range files {
		sn, v, err := build.ParseSdistFilename(f.Filename)
		if err != nil || sn != name {
			continue
		}
		key := v.String()
		if hasWheel(groups[key]) {
			continue
		}
		if why := p.passOver(name, v, f, fit); why != "" {
			skipped = append(skipped, why)
			continue
		}
		if groups[key] == nil {
			order = append(order, key)
		}
		groups[key] = append(groups[key], &Candidate{Name: name, Version: v, File: f, Sdist: true, build: &sourceBuild{}})
	}
	return order, skipped
}

func hasWheel(cs []*Candidate) bool {
	for _, c := range cs {
		if !c.Sdist {
			return true
		}
	}
	return false
}

// bestCandidate returns the candidate whose wheel tags.BestWheel prefers
// among cs, all of one version and all compatible (an sdist's name is no
// wheel name: when none is a wheel, the first is taken).
func bestCandidate(m *tags.Matcher, cs []*Candidate) *Candidate {
	wheels := make([]tags.WheelName, len(cs))
	for i, c := range cs {
		wheels[i] = c.wheel
		if c.wheel.Tags == nil {
			wheels[i], _ = tags.ParseWheelFilename(c.File.Filename) // not from load
		}
	}
	i, ok := tags.BestParsedWheel(m, wheels)
	if !ok {
		return cs[0] // AnyPlatform: none is for this platform
	}
	return cs[i]
}

// bestUnyanked is bestCandidate among the files of cs that are not
// yanked; when every file is yanked, the best of them and true.
func bestUnyanked(m *tags.Matcher, cs []*Candidate) (*Candidate, bool) {
	var ok []*Candidate
	for _, c := range cs {
		if !c.File.Yanked {
			ok = append(ok, c)
		}
	}
	if len(ok) == 0 {
		return bestCandidate(m, cs), true
	}
	return bestCandidate(m, ok), false
}

// Fallback implements resolver.Fallbacker with PEP 592's rule, the only
// place yanked files are let in: a yanked release is used only when the
// allowed range is an exact pin (== without a wildcard, or ===, from any
// requirement: the command line, a -c constraint or a dependency's
// metadata) and no release that is not yanked matches it. The installer
// then prints yankedWarning with the index's reason.
func (p *Provider) Fallback(ctx context.Context, pkg string, rng pep440.Range) (pep440.Version, bool) {
	name, _ := resolver.SplitExtra(pkg)
	pr, err := p.project(ctx, name)
	if err != nil {
		return pep440.Version{}, false
	}
	if cons, ok := p.Constraints[name]; ok {
		rng = rng.Intersect(cons) // a -c pin counts as a pin
	}
	if _, pinned := rng.Pinned(); !pinned {
		return pep440.Version{}, false
	}
	for _, c := range pr.yanked {
		if rng.Contains(c.Version) {
			return c.Version, true
		}
	}
	return pep440.Version{}, false
}

// Versions implements resolver.Provider.
func (p *Provider) Versions(ctx context.Context, pkg string) ([]pep440.Version, error) {
	name, _ := resolver.SplitExtra(pkg)
	pr, err := p.project(ctx, name)
	if err != nil {
		return nil, err
	}
	if len(pr.candidates) == 0 {
		return nil, nil
	}
	vs := make([]pep440.Version, len(pr.candidates))
	for i, c := range pr.candidates {
		vs[i] = c.Version
	}
	return vs, nil
}

// Candidate returns the chosen candidate of name at v.
func (p *Provider) Candidate(ctx context.Context, name string, v pep440.Version) (*Candidate, error) {
	pr, err := p.project(ctx, name)
	if err != nil {
		return nil, err
	}
	c := pr.byVersion[v.String()]
	if c == nil {
		return nil, fmt.Errorf("%s %s: no such candidate", name, v)
	}
	return c, nil
}

// Metadata returns the parsed core metadata of a candidate, fetching it once.
func (p *Provider) Metadata(ctx context.Context, c *Candidate) (*distinfo.Metadata, error) {
	m := p.Shared.meta(c)
	if m == nil {
		p.mu.Lock()
		m = p.meta[c]
		if m == nil {
			m = &metaResult{}
			p.meta[c] = m
		}
		p.mu.Unlock()
	}
	m.once.Do(func() {
		if c.FromSource() {
			m.md, m.err = p.SourceMetadata(ctx, c)
		} else if c.Local != "" {
			m.md, m.err = p.OpenLocal(c.Local)
		} else {
			var b []byte
			b, m.err = p.Index.Metadata(ctx, c.File)
			if m.err == nil {
				m.md, m.err = distinfo.ParseMetadata(b)
			}
		}
		if m.err == nil {
			m.err = checkMetadata(c, m.md)
		}
		if m.err != nil {
			m.err = fmt.Errorf("metadata of %s: %w", c.describe(), m.err)
		}
	})
	return m.md, m.err
}

func (c *Candidate) describe() string {
	if c.SourceDir != "" {
		return c.SourceDir
	}
	if c.Local != "" {
		return c.Local
	}
	return c.File.Filename
}

// checkMetadata refuses metadata whose name or version disagrees with the file.
func checkMetadata(c *Candidate, md *distinfo.Metadata) error {
	if pep508.NormalizeName(md.Name) != c.Name {
		return fmt.Errorf("METADATA names %q, not %s", md.Name, c.Name)
	}
	v, err := pep440.Parse(md.Version)
	if err != nil {
		return fmt.Errorf("METADATA version %q: %w", md.Version, err)
	}
	if v.Compare(c.Version) != 0 {
		return fmt.Errorf("METADATA says version %s, the file name %s", v, c.Version)
	}
	return nil
}

// Dependencies implements resolver.Provider: the requirements of pkg at v
// whose markers hold for the target. A package "name[extra]" depends on
// "name" at exactly v plus the requirements that the extra enables.
func (p *Provider) Dependencies(ctx context.Context, pkg string, v pep440.Version) (map[string]pep440.Range, error) {
	name, extra := resolver.SplitExtra(pkg)
	c, err := p.Candidate(ctx, name, v)
	if err != nil {
		return nil, err
	}
	deps := map[string]pep440.Range{}
	if extra != "" {
		deps[name] = pep440.Exactly(v)
	}
	if p.NoDepsAll || p.NoDeps[name] {
		return deps, nil
	}
	md, err := p.Metadata(ctx, c)
	if err != nil {
		return nil, err
	}
	if md.RequiresPython != "" {
		rp, err := pep440.ParseSpecifierSet(md.RequiresPython)
		if err == nil && !rp.Contains(p.pyVersion, true) {
			// The index did not say so; the metadata does. No dependencies
			// can make this version usable: depend on an impossible range.
			deps[name] = pep440.Empty()
			return deps, nil
		}
	}
	if extra != "" && !hasExtra(md, extra) {
		return deps, nil
	}
	for _, line := range md.RequiresDist {
		req, err := pep508.ParseRequirement(line)
		if err != nil {
			return nil, fmt.Errorf("%s %s: Requires-Dist %q: %w", name, v, line, err)
		}
		if !p.markerHolds(req, extra) {
			continue
		}
		dn := pep508.NormalizeName(req.Name)
		r := req.Specifier.Range()
		add := func(key string) {
			if old, ok := deps[key]; ok {
				deps[key] = old.Intersect(r)
			} else {
				deps[key] = r
			}
		}
		add(dn)
		for _, e := range req.Extras {
			add(resolver.ExtraPackage(dn, pep508.NormalizeName(e)))
		}
	}
	// A requirement of a package on itself (extras that include other
	// extras) is satisfied by the exact pin above.
	if r, ok := deps[name]; ok && extra == "" {
		delete(deps, name)
		if !r.Contains(v) {
			deps[name] = pep440.Empty()
		}
	}
	return deps, nil
}

func hasExtra(md *distinfo.Metadata, extra string) bool {
	for _, e := range md.ProvidesExtra {
		if pep508.NormalizeName(e) == extra {
			return true
		}
	}
	return len(md.ProvidesExtra) == 0 // old metadata may omit Provides-Extra
}

// providesExtra says whether md offers extra: Provides-Extra names it, or
// (old metadata without Provides-Extra) a Requires-Dist is enabled by it.
func (p *Provider) providesExtra(md *distinfo.Metadata, extra string) bool {
	if len(md.ProvidesExtra) > 0 {
		return hasExtra(md, extra)
	}
	for _, line := range md.RequiresDist {
		if req, err := pep508.ParseRequirement(line); err == nil && p.markerHolds(req, extra) {
			return true
		}
	}
	return false
}

// markerHolds evaluates a requirement's marker for the target, with extra
// set to the extra being resolved ("" for the base package). Requirements
// that only hold under an extra belong to that extra, not to the base.
func (p *Provider) markerHolds(req pep508.Requirement, extra string) bool {
	if req.Marker == nil {
		return extra == ""
	}
	env := make(map[string]string, len(p.env)+1)
	for k, v := range p.env {
		env[k] = v
	}
	env["extra"] = extra
	ok, err := req.Marker.Evaluate(env)
	if err != nil || !ok {
		return false
	}
	if extra == "" {
		return true
	}
	// Under an extra, keep only what the extra adds: a requirement that
	// holds without the extra is already a dependency of the base package.
	env["extra"] = ""
	base, err := req.Marker.Evaluate(env)
	return err == nil && !base
}

// Prefetch implements resolver's optional prefetching: as soon as a package
// becomes a candidate, its project page and the metadata of its preferred
// version are fetched in the background, a bounded number at a time.
func (p *Provider) Prefetch(ctx context.Context, pkg string) {
	name, _ := resolver.SplitExtra(pkg)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		select {
		case p.prefetch <- struct{}{}:
		case <-ctx.Done():
			return
		}
		defer func() { <-p.prefetch }()
		pr, err := p.project(ctx, name)
		if err != nil || len(pr.candidates) == 0 || p.NoDepsAll || p.NoDeps[name] {
			return
		}
		p.Metadata(ctx, pr.candidates[0]) //nolint:errcheck // errors surface when the resolver asks
	}()
}

// Hint implements resolver's optional hints for explanations.
func (p *Provider) Hint(pkg string) string {
	name, _ := resolver.SplitExtra(pkg)
	p.mu.Lock()
	pr := p.projects[name]
	p.mu.Unlock()
	if pr == nil {
		return ""
	}
	return pr.hint
}

// directCandidate makes the candidate of a `name @ URL` requirement or of a
// wheel file given by path.
func directCandidate(name, rawURL, localPath string) (*Candidate, error) {
	fn := path.Base(localPath)
	if rawURL != "" {
		u, err := url.Parse(rawURL)
		if err != nil {
			return nil, fmt.Errorf("%s @ %s: %w", name, rawURL, err)
		}
		fn = path.Base(u.Path)
		if u.Scheme == "file" {
			localPath = u.Path
		}
	}
	if build.IsSdist(fn) {
		return sdistCandidate(name, rawURL, localPath, fn)
	}
	wn, err := tags.ParseWheelFilename(fn)
	if err != nil {
		return nil, fmt.Errorf("%s: only wheels and sdists can be installed: %w", fn, err)
	}
	v, err := pep440.Parse(wn.Version)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	c := &Candidate{Name: pep508.NormalizeName(wn.Name), Version: v, Local: localPath, Direct: true}
	if name != "" && pep508.NormalizeName(name) != c.Name {
		return nil, fmt.Errorf("%s names %s, not %s", fn, c.Name, name)
	}
	c.File = index.File{Filename: fn, URL: rawURL}
	if fragSHA := sha256Fragment(rawURL); fragSHA != "" {
		c.File.SHA256 = fragSHA
	}
	return c, nil
}

// sdistCandidate is directCandidate for an sdist, built before it is
// installed.
func sdistCandidate(name, rawURL, localPath, fn string) (*Candidate, error) {
	sn, v, err := build.ParseSdistFilename(fn)
	if err != nil {
		return nil, err
	}
	c := &Candidate{Name: sn, Version: v, Local: localPath, Direct: true, Sdist: true, build: &sourceBuild{}}
	if name != "" && pep508.NormalizeName(name) != c.Name {
		return nil, fmt.Errorf("%s names %s, not %s", fn, c.Name, name)
	}
	c.File = index.File{Filename: fn, URL: rawURL, SHA256: sha256Fragment(rawURL)}
	return c, nil
}

func sha256Fragment(rawURL string) string {
	_, frag, ok := strings.Cut(rawURL, "#")
	if !ok {
		return ""
	}
	for _, part := range strings.Split(frag, "&") {
		if v, ok := strings.CutPrefix(part, "sha256="); ok {
			return strings.ToLower(v)
		}
	}
	return ""
}
