package installer

// The universal lock: one resolution per supported environment (Python
// minor version x platform), made with one shared view of the index, then
// merged into one list of locked packages with PEP 751 markers.
//
// Per environment, the provider keeps wheels of any platform whose
// interpreter and ABI fit (AnyPlatform), as uv does: a locked version
// without a wheel for some environment is reported (MissingWheels), not
// resolved around. After a first pass, environments that chose a newer
// version of a package than another environment of the same Python are
// resolved again preferring that older version, so one version is used on
// every platform where it can be (uv's default strategy: newest per Python
// version, fewest versions across platforms).

import (
	"context"
	"fmt"
	"sort"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/python"
	"github.com/pkginstall/pkginstall/internal/tags"
	"github.com/pkginstall/pkginstall/resolver"
)

// Environment is one environment a universal lock is resolved for.
type Environment struct {
	Python   *python.Info // synthetic, from TargetInfo
	Minor    int          // 3.Minor
	Platform int          // index into UniversalPlatforms
}

// Label names the environment in messages: "Windows x86_64, Python 3.12".
func (e Environment) Label() string {
	return fmt.Sprintf("%s, Python 3.%d", UniversalPlatforms[e.Platform].Label, e.Minor)
}

// UniversalPlatform is one platform of the default supported set.
type UniversalPlatform struct {
	Tag     string // the platform tag the environment is described by
	Label   string // for messages
	System  string // sys_platform
	Machine string // platform_machine
}

// UniversalPlatforms are Linux, macOS and Windows on x86_64 and arm64 (the
// default supported set; [tool.pkginstall] environments narrows it). The
// Linux and macOS tags are recent, so wheels for older glibc and macOS
// releases fit too.
var UniversalPlatforms = []UniversalPlatform{
	{"manylinux_2_39_x86_64", "Linux x86_64", "linux", "x86_64"},
	{"manylinux_2_39_aarch64", "Linux aarch64", "linux", "aarch64"},
	{"macosx_14_0_x86_64", "macOS x86_64", "darwin", "x86_64"},
	{"macosx_14_0_arm64", "macOS arm64", "darwin", "arm64"},
	{"win_amd64", "Windows x86_64", "win32", "AMD64"},
	{"win_arm64", "Windows arm64", "win32", "ARM64"},
}

// UniversalMinors are the CPython 3 minor versions a universal lock
// considers (requires-python narrows them).
var UniversalMinors = []int{8, 9, 10, 11, 12, 13, 14}

// Environments lists the supported environments: every minor version that
// requires-python admits on every platform, kept when one of the markers
// narrow holds (all when narrow is empty).
func Environments(requiresPython string, narrow []*pep508.Marker) ([]Environment, error) {
	var rp pep440.Range = pep440.Full()
	if requiresPython != "" {
		s, err := pep440.ParseSpecifierSet(requiresPython)
		if err != nil {
			return nil, fmt.Errorf("requires-python %q: %w", requiresPython, err)
		}
		rp = s.Range()
	}
	var out []Environment
	pythons := 0
	for _, minor := range UniversalMinors {
		band, _ := pep440.ParseSpecifierSet(fmt.Sprintf(">=3.%d.0, <3.%d", minor, minor+1))
		if rp.Intersect(band.Range()).IsEmpty() {
			continue
		}
		pythons++
		for pi, plat := range UniversalPlatforms {
			info, err := TargetInfo(TargetSpec{PythonVersion: fmt.Sprintf("3.%d", minor), Platform: plat.Tag}, nil)
			if err != nil {
				return nil, err
			}
			if !HoldsAny(narrow, info) {
				continue
			}
			out = append(out, Environment{Python: info, Minor: minor, Platform: pi})
		}
	}
	if pythons == 0 {
		return nil, fmt.Errorf("the project requires Python %s, which no Python a lock is made for (3.%d to 3.%d) satisfies",
			requiresPython, UniversalMinors[0], UniversalMinors[len(UniversalMinors)-1])
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("[tool.pkginstall] environments leave no supported environment")
	}
	return out, nil
}

// HoldsAny reports whether one of ms holds for info (true when ms is empty).
func HoldsAny(ms []*pep508.Marker, info *python.Info) bool {
	if len(ms) == 0 {
		return true
	}
	env := info.MarkerEnv()
	env["extra"], env["extras"], env["dependency_groups"] = "", "", ""
	for _, m := range ms {
		if ok, err := m.Evaluate(env); err == nil && ok {
			return true
		}
	}
	return false
}

// UniversalRoot is a root of a universal lock and the selection that
// needs it: Extra or Group set, or neither for [project].dependencies.
type UniversalRoot struct {
	Req          Req
	Extra, Group string // normalised
}

// Reason is the selection label of a root: "", "extra:NAME" or "group:NAME".
func (r UniversalRoot) Reason() string {
	switch {
	case r.Extra != "":
		return "extra:" + r.Extra
	case r.Group != "":
		return "group:" + r.Group
	}
	return ""
}

// EnvResolution is the resolution of one environment.
type EnvResolution struct {
	Env   Environment
	Sol   map[string]*Candidate      // name -> candidate
	Needs map[string]map[string]bool // name -> reasons (UniversalRoot.Reason) that need it here
	Deps  map[string]map[string]bool // name -> the names it depends on here
	// Missing are the names whose locked version has no wheel for this
	// environment.
	Missing []string

	shared *Shared // the index view every environment used
}

// ResolveUniversal resolves roots for every environment. Prefer holds
// versions to keep when allowed (the previous lock's).
func (in *Installer) ResolveUniversal(ctx context.Context, envs []Environment, roots []UniversalRoot, pre bool, prefer map[string]pep440.Version) ([]*EnvResolution, error) {
	start := time.Now()
	in.phases().Resolving()
	shared := NewShared()
	out := make([]*EnvResolution, len(envs))
	run := func(idx []int, prefer func(Environment) map[string]pep440.Version) error {
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(4)
		for _, i := range idx {
			g.Go(func() error {
				r, err := in.resolveEnv(gctx, envs[i], roots, pre, prefer(envs[i]), shared)
				if err != nil {
					return fmt.Errorf("resolving for %s: %w", envs[i].Label(), err)
				}
				out[i] = r
				return nil
			})
		}
		return g.Wait()
	}
	all := make([]int, len(envs))
	for i := range all {
		all[i] = i
	}
	if err := run(all, func(Environment) map[string]pep440.Version { return prefer }); err != nil {
		return nil, err
	}
	low, again := unify(out)
	if len(again) > 0 {
		// Preferred, not required: an environment that cannot take the
		// version keeps its own.
		if err := run(again, func(e Environment) map[string]pep440.Version { return low[e.Minor] }); err != nil {
			return nil, err
		}
	}
	names := map[string]bool{}
	for _, r := range out {
		for n := range r.Sol {
			names[n] = true
		}
	}
	in.Reporter.Resolved(len(names), time.Since(start))
	return out, nil
}

// unify picks, for each name and Python minor version, the lowest version
// that an environment of that Python chose (as uv's default strategy:
// the newest per Python version, as few versions across platforms as
// possible), and lists the environments that chose another: they are
// resolved again preferring those versions.
func unify(rs []*EnvResolution) (map[int]map[string]pep440.Version, []int) {
	low := map[int]map[string]pep440.Version{} // minor -> name -> version
	for _, r := range rs {
		m := low[r.Env.Minor]
		if m == nil {
			m = map[string]pep440.Version{}
			low[r.Env.Minor] = m
		}
		for name, c := range r.Sol {
			if v, ok := m[name]; !ok || c.Version.Compare(v) < 0 {
				m[name] = c.Version
			}
		}
	}
	var again []int
	for i, r := range rs {
		for name, c := range r.Sol {
			if c.Version.Compare(low[r.Env.Minor][name]) != 0 {
				again = append(again, i)
				break
			}
		}
	}
	return low, again
}

// resolveEnv resolves roots for one environment and records which
// selection needs each package there.
func (in *Installer) resolveEnv(ctx context.Context, e Environment, roots []UniversalRoot, pre bool, prefer map[string]pep440.Version, shared *Shared) (*EnvResolution, error) {
	ei := *in
	ei.Python = e.Python
	ei.buildPython = in.hostPython() // sdists build with the machine's interpreter
	p, err := ei.newProvider(pre, false)
	if err != nil {
		return nil, err
	}
	p.AnyPlatform, p.Shared = true, shared
	defer p.Release()
	for n, v := range prefer {
		p.Prefer[n] = v
	}
	env := e.Python.MarkerEnv()
	req := &Request{Pre: pre}
	for _, r := range roots {
		req.Reqs = append(req.Reqs, r.Req)
	}
	root, _, err := ei.roots(ctx, p, req, env)
	if err != nil {
		return nil, err
	}
	res := &EnvResolution{Env: e, shared: shared, Sol: map[string]*Candidate{}, Needs: map[string]map[string]bool{}, Deps: map[string]map[string]bool{}}
	if len(root) == 0 {
		return res, nil
	}
	sol, err := resolver.Solve(ctx, p, root)
	p.Wait()
	if err != nil {
		return nil, err
	}
	for key, v := range sol {
		if name, extra := resolver.SplitExtra(key); extra == "" {
			c, err := p.Candidate(ctx, name, v)
			if err != nil {
				return nil, err
			}
			res.Sol[name] = c
		}
	}
	if err := res.walk(ctx, p, sol, roots, env); err != nil {
		return nil, err
	}
	m := tags.NewMatcher(tags.Supported(e.Python))
	for name, c := range res.Sol {
		if c.Direct {
			continue
		}
		if wn, err := tags.ParseWheelFilename(c.File.Filename); err == nil {
			if _, ok := m.Rank(wn.Tags); !ok {
				res.Missing = append(res.Missing, name)
			}
		}
	}
	sort.Strings(res.Missing)
	return res, nil
}

// walk follows the dependencies of the solution from each root whose
// marker holds, recording the root's reason on everything it reaches.
func (res *EnvResolution) walk(ctx context.Context, p *Provider, sol map[string]pep440.Version, roots []UniversalRoot, env map[string]string) error {
	env = copyEnv(env)
	env["extra"] = ""
	for _, r := range roots {
		if r.Req.Req.Marker != nil {
			if ok, err := r.Req.Req.Marker.Evaluate(env); err != nil || !ok {
				continue
			}
		}
		name := pep508.NormalizeName(r.Req.Req.Name)
		if r.Req.Req.Name == "" {
			continue
		}
		queue := []string{name}
		for _, e := range r.Req.Req.Extras {
			queue = append(queue, resolver.ExtraPackage(name, pep508.NormalizeName(e)))
		}
		seen := map[string]bool{}
		for len(queue) > 0 {
			key := queue[0]
			queue = queue[1:]
			v, ok := sol[key]
			if seen[key] || !ok {
				continue
			}
			seen[key] = true
			n, _ := resolver.SplitExtra(key)
			if res.Needs[n] == nil {
				res.Needs[n] = map[string]bool{}
			}
			res.Needs[n][r.Reason()] = true
			deps, err := p.Dependencies(ctx, key, v)
			if err != nil {
				return err
			}
			for d := range deps {
				queue = append(queue, d)
				if dn, _ := resolver.SplitExtra(d); dn != n {
					if res.Deps[n] == nil {
						res.Deps[n] = map[string]bool{}
					}
					res.Deps[n][dn] = true
				}
			}
		}
	}
	return nil
}
