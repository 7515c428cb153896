// Package installer turns requirements into installed distributions: plan
// (resolve against the index and what is installed), then install: fetch
// and verify every wheel, in parallel, each staged through scheme as soon
// as it is ready, in one all-or-nothing transaction (pipeline.go). It
// never prints: progress and results go through a Reporter.
//
// A universal lock (universal.go) is one resolution per supported
// environment (CPython minor version x platform), merged into one entry per
// locked version with the marker of the environments and selections that
// need it; one version is used wherever the requirements allow it.
//
// Rules: nothing in the target changes until every wheel of the run is
// downloaded, hash-checked and validated; an upgrade replaces exactly the
// files of the old RECORD; a distribution already installed at the resolved
// version is left alone unless Reinstall is set.
package installer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pkginstall/pkginstall/cache"
	"github.com/pkginstall/pkginstall/index"
	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/phase"
	"github.com/pkginstall/pkginstall/internal/python"
	"github.com/pkginstall/pkginstall/internal/tags"
	"github.com/pkginstall/pkginstall/resolver"
	"github.com/pkginstall/pkginstall/scheme"
	"github.com/pkginstall/pkginstall/wheel"
)

// Req is one requirement of a run.
type Req struct {
	Req  pep508.Requirement // Name is empty for a bare wheel path until planned
	Path string             // a local wheel file given by path
	Dir  string             // a local source tree (project folder), built
	// Editable installs Dir editable (PEP 660).
	Editable bool
	Hashes   []string // allowed "sha256:<hex>" digests (--hash)
	Origin   string   // where it came from, for messages: "requirements.txt:3"
}

// Request is what a run is asked to do.
type Request struct {
	Reqs          []Req
	Constraints   []Req
	Upgrade       bool // prefer the newest versions over installed ones
	Reinstall     bool // reinstall even what is installed at the right version
	Pre           bool // allow pre-releases everywhere
	NoDeps        bool // install only the named requirements
	DryRun        bool // plan only
	RequireHashes bool // every wheel must match a --hash
}

// Reporter receives progress. Implementations must be safe for concurrent use.
type Reporter interface {
	Waiting(lockPath string)                     // another process holds the target lock
	Resolved(n int, d time.Duration)             // the plan is made
	Fetched(c *Candidate, cached bool)           // one wheel is ready
	Installed(changes []Change, d time.Duration) // the transaction committed
	Warn(msg string)                             // a "warning: …" line
	Debug(format string, args ...any)            // -v diagnostics
	Plan(changes []Change, dryRun bool)          // what will change
}

// Action is what happens to one distribution.
type Action int

// The actions of a plan.
const (
	Keep      Action = iota // installed at the resolved version
	Add                     // not installed
	Upgrade                 // another version installed
	Reinstall               // same version, reinstalled
	Remove                  // uninstalled
)

// Change is one line of a plan.
type Change struct {
	Action     Action
	Name       string // normalised
	Version    string // new version ("" for Remove)
	OldVersion string // installed version ("" for Add)
	Candidate  *Candidate
	Requested  bool // named by the user (REQUESTED)
	Path       string
}

// Installer holds one target and the tools to fill it.
type Installer struct {
	Paths    scheme.Paths
	Python   *python.Info
	Index    *index.Client // nil: local wheels only
	CacheDir string        // wheels cache; "" means a temporary directory
	Reporter Reporter
	Jobs     int // parallel downloads; 0 means 8
	// LinkMode says how files reach the target from the cache's unpacked
	// trees (see scheme.LinkMode); the zero value picks the fastest.
	LinkMode scheme.LinkMode
	// Compile byte-compiles the .py files of every distribution the run
	// installs, with the target interpreter.
	Compile bool
	// Overwrite lets a distribution replace files another installed
	// distribution owns (--reinstall), instead of refusing the conflict.
	Overwrite bool
	// Build says what may be built from source, and how.
	Build BuildPolicy
	// BuildIndex, when set, is where build environments come from when
	// Index cannot list projects (installing a lock reads no index page,
	// but building the project itself needs its backend).
	BuildIndex *index.Client

	buildPython *python.Info // the machine's interpreter when Python is synthetic
}

// Result is what a run did.
type Result struct {
	Changes  []Change
	Resolved map[string]*Candidate // every distribution of the resolution
	// Provider answered the resolver; it still holds every metadata file
	// fetched, for reports.
	Provider *Provider
}

// Plan resolves the request against the index and the installed
// distributions, without changing anything.
func (in *Installer) Plan(ctx context.Context, req *Request) (*Result, *Provider, error) {
	start := time.Now()
	in.phases().Resolving()
	defer phase.Start(phase.Resolve)()
	inst, err := in.installed()
	if err != nil {
		return nil, nil, err
	}
	p, err := in.newProvider(req.Pre, req.Upgrade)
	if err != nil {
		return nil, nil, err
	}
	for name, d := range inst {
		if v, err := pep440.Parse(d.Version); err == nil {
			p.Prefer[name] = v
		}
	}
	env := in.Python.MarkerEnv()
	root, requested, err := in.roots(ctx, p, req, env)
	if err != nil {
		return nil, nil, err
	}
	p.Constraints = constraintRanges(p, req, env)
	if names, ok := satisfied(req, inst, env, p.Direct); ok {
		res := &Result{Resolved: map[string]*Candidate{}, Provider: p}
		for _, name := range names {
			d := inst[name]
			v, _ := pep440.Parse(d.Version)
			c := &Candidate{Name: name, Version: v}
			res.Resolved[name] = c
			res.Changes = append(res.Changes, Change{Action: Keep, Name: name, Version: d.Version, OldVersion: d.Version, Candidate: c, Requested: requested[name]})
		}
		in.Reporter.Resolved(len(names), time.Since(start))
		return res, p, nil
	}
	if len(root) == 0 {
		return &Result{Resolved: map[string]*Candidate{}, Provider: p}, p, nil
	}
	if req.NoDeps {
		p.NoDepsAll = true
	}

	sol, err := resolver.Solve(ctx, p, root)
	p.Wait()
	if err != nil {
		return nil, nil, err
	}
	res := &Result{Resolved: map[string]*Candidate{}, Provider: p}
	names := make([]string, 0, len(sol))
	for pkg := range sol {
		if name, extra := resolver.SplitExtra(pkg); extra == "" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		c, err := p.Candidate(ctx, name, sol[name])
		if err != nil {
			return nil, nil, err
		}
		res.Resolved[name] = c
		ch := change(name, c, inst, req.Reinstall || c.builtNow(), requested[name])
		res.Changes = append(res.Changes, ch)
		if w := yankedWarning(c); w != "" && ch.Action != Keep {
			in.Reporter.Warn(w)
		}
	}
	in.warnMissingExtras(ctx, p, sol)
	if err := checkHashes(req, res); err != nil {
		return nil, nil, err
	}
	in.Reporter.Resolved(len(names), time.Since(start))
	return res, p, nil
}

// warnMissingExtras warns, as pip does, of each requested extra that the
// resolved version does not provide (its requirements are then ignored).
func (in *Installer) warnMissingExtras(ctx context.Context, p *Provider, sol map[string]pep440.Version) {
	var pkgs []string
	for pkg := range sol {
		pkgs = append(pkgs, pkg)
	}
	sort.Strings(pkgs)
	for _, pkg := range pkgs {
		name, extra := resolver.SplitExtra(pkg)
		if extra == "" {
			continue
		}
		c, err := p.Candidate(ctx, name, sol[pkg])
		if err != nil {
			continue
		}
		if md, err := p.Metadata(ctx, c); err == nil && !p.providesExtra(md, extra) {
			in.Reporter.Warn(fmt.Sprintf("%s %s does not provide the extra %q", name, c.Version, extra))
		}
	}
}

// yankedWarning is PEP 592's warning for a yanked file that resolution
// took (only an exact pin, from any requirement, allows one: see
// Provider.Fallback), with the index's reason.
func yankedWarning(c *Candidate) string {
	if !c.File.Yanked {
		return ""
	}
	msg := fmt.Sprintf("installing %s %s, which is yanked", c.Name, c.Version)
	if c.File.YankedReason != "" {
		msg += ": " + c.File.YankedReason
	}
	return msg + " (" + c.File.Filename + ")"
}

// installed are the distributions installed in the target, by normalised
// name (none when the target does not exist).
func (in *Installer) installed() (map[string]scheme.Dist, error) {
	installed, err := scheme.ListHeads(in.Paths)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	inst := map[string]scheme.Dist{}
	for _, d := range installed {
		inst[pep508.NormalizeName(d.Name)] = d
	}
	return inst, nil
}

// change is the plan's line for the resolved candidate c of name.
func change(name string, c *Candidate, inst map[string]scheme.Dist, reinstall, requested bool) Change {
	ch := Change{Name: name, Version: c.Version.String(), Candidate: c, Requested: requested}
	d, ok := inst[name]
	switch {
	case !ok:
		ch.Action = Add
	case sameVersion(d.Version, c.Version) && !reinstall && len(d.DanglingLinks) == 0:
		ch.Action, ch.OldVersion = Keep, d.Version
	case sameVersion(d.Version, c.Version):
		ch.Action, ch.OldVersion = Reinstall, d.Version
	default:
		ch.Action, ch.OldVersion = Upgrade, d.Version
	}
	return ch
}

// roots turns the request's requirements whose markers hold into the
// resolver's roots (extras as packages of their own), registering direct
// wheels, pre-release and no-deps wishes with p. requested are the
// names asked for.
func (in *Installer) roots(ctx context.Context, p *Provider, req *Request, env map[string]string) (root map[string]pep440.Range, requested map[string]bool, _ error) {
	root = map[string]pep440.Range{}
	requested = map[string]bool{}
	addRoot := func(key string, r pep440.Range) {
		if old, ok := root[key]; ok {
			root[key] = old.Intersect(r)
		} else {
			root[key] = r
		}
	}
	for i := range req.Reqs {
		r := &req.Reqs[i]
		if r.Dir != "" {
			if err := in.sourceDir(ctx, p, r); err != nil {
				return nil, nil, err
			}
		} else if r.Path != "" || r.Req.URL != "" {
			if err := in.direct(ctx, p, r); err != nil {
				return nil, nil, err
			}
		}
		if r.Req.Marker != nil {
			e := copyEnv(env)
			e["extra"] = ""
			ok, err := r.Req.Marker.Evaluate(e)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %s: %w", r.Origin, r.Req.String(), err)
			}
			if !ok {
				in.Reporter.Debug("ignoring %s: its marker does not hold for this interpreter", r.Req.String())
				continue
			}
		}
		name := pep508.NormalizeName(r.Req.Name)
		requested[name] = true
		rng := r.Req.Specifier.Range()
		addRoot(name, rng)
		for _, e := range r.Req.Extras {
			addRoot(resolver.ExtraPackage(name, pep508.NormalizeName(e)), rng)
		}
		if r.Req.Specifier.HasPrerelease() {
			p.PreNamed[name] = true
		}
		if r.Req.Specifier.HasArbitrary() {
			p.Arbitrary[name] = append(p.Arbitrary[name], r.Req.Specifier)
		}
		if req.NoDeps {
			p.NoDeps[name] = true
		}
		if req.Reinstall || req.Upgrade {
			delete(p.Prefer, name)
		}
	}
	return root, requested, nil
}

// direct registers the wheel a requirement names by path or URL with p,
// and names the requirement after it when it had no name.
func (in *Installer) direct(ctx context.Context, p *Provider, r *Req) error {
	if dir := localDir(r.Req.URL); dir != "" {
		r.Dir = dir // name @ file:///folder: a local project
		return in.sourceDir(ctx, p, r)
	}
	c, err := directCandidate(r.Req.Name, r.Req.URL, r.Path)
	if err != nil {
		return fmt.Errorf("%s: %w", r.Origin, err)
	}
	if c.Local == "" && in.Index == nil {
		return fmt.Errorf("%s: %s: only file:// URLs and paths can be installed without an index", r.Origin, r.Req.URL)
	}
	if c.Local != "" {
		if _, err := os.Stat(c.Local); err != nil {
			return fmt.Errorf("%s: %s: no such wheel file", r.Origin, c.Local)
		}
	}
	if old := p.Direct[c.Name]; old != nil && old.Version.Compare(c.Version) != 0 {
		return fmt.Errorf("%s: %s is given twice, as %s and %s", r.Origin, c.Name, old.describe(), c.describe())
	}
	p.Direct[c.Name] = c
	if r.Req.Name == "" {
		r.Req.Name = c.Name
	}
	return nil
}

// constraintRanges are the version ranges of the constraints whose
// markers hold, by name (an exact pin among them lets Provider.Fallback
// take a yanked release); === clauses are registered with p.
func constraintRanges(p *Provider, req *Request, env map[string]string) map[string]pep440.Range {
	constraints := map[string]pep440.Range{}
	for _, c := range req.Constraints {
		if c.Req.Marker != nil {
			e := copyEnv(env)
			e["extra"] = ""
			if ok, err := c.Req.Marker.Evaluate(e); err != nil || !ok {
				continue
			}
		}
		name := pep508.NormalizeName(c.Req.Name)
		r := c.Req.Specifier.Range()
		if old, ok := constraints[name]; ok {
			r = old.Intersect(r)
		}
		constraints[name] = r
		if c.Req.Specifier.HasArbitrary() {
			p.Arbitrary[name] = append(p.Arbitrary[name], c.Req.Specifier)
		}
	}
	return constraints
}

// newProvider is the resolver's provider for the target's interpreter and
// index, reading local wheels' metadata from the files.
func (in *Installer) newProvider(pre, upgrade bool) (*Provider, error) {
	p := &Provider{
		Build:          in.Build,
		SourceMetadata: in.sourceMetadata,
		Index:          in.Index,
		Python:         in.Python,
		Matcher:        tags.NewMatcher(tags.Supported(in.Python)),
		Pre:            pre,
		Upgrade:        upgrade,
		Prefer:         map[string]pep440.Version{},
		Direct:         map[string]*Candidate{},
		PreNamed:       map[string]bool{},
		Arbitrary:      map[string][]pep440.SpecifierSet{},
		NoDeps:         map[string]bool{},
		OpenLocal: func(path string) (*distinfo.Metadata, error) {
			w, err := wheel.Open(path)
			if err != nil {
				return nil, err
			}
			defer w.Close()
			return w.Metadata, nil
		},
	}
	if err := p.Init(); err != nil {
		return nil, err
	}
	return p, nil
}

func sameVersion(installed string, v pep440.Version) bool {
	iv, err := pep440.Parse(installed)
	return err == nil && iv.Compare(v) == 0
}

// pinsExactly reports whether a specifier set pins with == (no wildcard) or ===.
func pinsExactly(spec string) bool {
	for _, clause := range strings.Split(spec, ",") {
		clause = strings.TrimSpace(clause)
		if strings.HasPrefix(clause, "===") || (strings.HasPrefix(clause, "==") && !strings.HasSuffix(clause, ".*")) {
			return true
		}
	}
	return false
}

func copyEnv(m map[string]string) map[string]string {
	e := make(map[string]string, len(m)+1)
	for k, v := range m {
		e[k] = v
	}
	return e
}

// checkHashes applies --hash and --require-hashes as pip does. Hash-checking
// mode is on with RequireHashes or as soon as any requirement carries a
// --hash; then every requirement must be pinned (== without a wildcard, or
// ===, or a URL or wheel file) and every distribution of the run, its
// dependencies included, must carry hashes. A sha256 given must match the
// chosen file's sha256 when the index told it, so a dry run already fails
// on a wrong one (the download itself is checked again while fetched, and
// sha384/sha512 digests are checked on the file).
func checkHashes(req *Request, res *Result) error {
	given := map[string][]string{}
	hashMode := req.RequireHashes
	for _, r := range req.Reqs {
		if len(r.Hashes) > 0 {
			hashMode = true
			name := pep508.NormalizeName(r.Req.Name)
			given[name] = append(given[name], r.Hashes...)
		}
	}
	if !hashMode {
		return nil
	}
	var problems []string
	for _, r := range req.Reqs {
		if r.Path != "" || r.Req.URL != "" || pinsExactly(r.Req.Specifier.String()) {
			continue
		}
		problems = append(problems, fmt.Sprintf("%s: %s is not pinned with == (hash-checking mode, turned on by --require-hashes or any --hash, needs every requirement pinned)", r.Origin, r.Req.String()))
	}
	for _, ch := range res.Changes {
		if ch.Action == Keep || ch.Action == Remove || ch.Candidate == nil {
			continue
		}
		hs, ok := given[ch.Name]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s==%s has no --hash (hash-checking mode, turned on by --require-hashes or any --hash, needs one for every package, dependencies included)", ch.Name, ch.Version))
			continue
		}
		ch.Candidate.AllowedHashes = hs
		if known := ch.Candidate.File.SHA256; known != "" {
			var mm *distinfo.HashMismatchError
			if errors.As(distinfo.CheckHashes(distinfo.Digests{"sha256": strings.ToLower(known)}, hs), &mm) {
				problems = append(problems, fmt.Sprintf("%s: hash mismatch: --hash allows %s, the index gives sha256:%s", ch.Candidate.File.Filename, strings.Join(mm.Allowed, ", "), known))
			}
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

// symlinkedTrees are the cache trees of sources that results link by
// symlinks (--link-mode symlink).
func symlinkedTrees(results []*scheme.Result, sources []scheme.Source) []*cache.Tree {
	var out []*cache.Tree
	for i, r := range results {
		if t, ok := sources[i].(*cache.Tree); ok && r != nil && len(r.Links) > 0 {
			out = append(out, t)
		}
	}
	return out
}

// recordLinked records in the cache that this target links trees by
// symlinks (cache.RecordLinks: prune keeps them), once the install that
// links trees is committed. A failure is a warning.
func (in *Installer) recordLinked(trees []*cache.Tree) {
	if len(trees) == 0 {
		return
	}
	if err := cache.RecordLinks(in.CacheDir, in.Paths.Lib); err != nil {
		in.Reporter.Warn(fmt.Sprintf("cannot record in the cache that %s links its trees (cache prune may remove them): %v", in.Paths.Lib, err))
	}
}

// sealLinked makes the trees a symlink-mode install linked read-only, so
// that an edit through a symlink fails instead of changing every project
// that links the tree. The install is committed already: a failure is a
// warning.
func (in *Installer) sealLinked(trees []*cache.Tree) {
	for _, t := range trees {
		if err := t.Seal(); err != nil {
			in.Reporter.Warn(fmt.Sprintf("cannot make %s read-only: %v", t.Dir(), err))
		}
	}
}

// directURL is PEP 610's direct_url.json for a wheel given by path or URL.
func directURL(c *Candidate) string {
	if c.SourceDir != "" {
		return string(distinfo.DirectURLDir(c.SourceDir, c.Editable))
	}
	if !c.Direct {
		return ""
	}
	u := c.File.URL
	if c.Local != "" {
		abs, err := filepath.Abs(c.Local)
		if err == nil {
			u = distinfo.FileURL(abs)
		}
	}
	return string(distinfo.DirectURL(u))
}
