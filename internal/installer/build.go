package installer

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pkginstall/pkginstall/cache/layout"
	"github.com/pkginstall/pkginstall/index"
	"github.com/pkginstall/pkginstall/internal/build"
	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/fsutil"
	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/python"
	"github.com/pkginstall/pkginstall/internal/tags"
	"github.com/pkginstall/pkginstall/scheme"
	"github.com/pkginstall/pkginstall/wheel"
)

// BuildPolicy says what may be built from source and how.
type BuildPolicy struct {
	NoBuild         bool            // --no-build, --only-binary :all:, [tool.pkginstall] no-build
	NoBuildPackages map[string]bool // --no-build-package, --only-binary NAME (normalised)
	NoIsolation     bool            // --no-build-isolation: build with the target's packages
}

// Refuses reports whether name may not be built from an sdist.
func (b BuildPolicy) Refuses(name string) bool {
	return b.NoBuild || b.NoBuildPackages[name]
}

// refusal is the error (and resolution hint) for a refused build.
func (b BuildPolicy) refusal(name string) string {
	if b.NoBuild {
		return fmt.Sprintf("%s has only a source distribution for this target, and building is turned off (--no-build, --only-binary :all: or [tool.pkginstall] no-build)", name)
	}
	return fmt.Sprintf("%s has only a source distribution for this target, and --no-build-package %s (or --only-binary) refuses to build it", name, name)
}

// sourceBuild is what a run knows about building one candidate: its
// unpacked source tree and its built wheel, each made once.
type sourceBuild struct {
	srcOnce   sync.Once
	src       string // the source tree
	srcHash   string // the sdist's sha256, or the tree's content hash
	tmp       string // the folder to remove (the unpacked sdist)
	srcErr    error
	wheelOnce sync.Once
	wheel     string
	wheelErr  error
	envs      map[string][]string // build environments by requirements (used under the once of a hook)
	fresh     bool                // the wheel was built by this run, not found in the cache
}

// hostPython is the interpreter that builds: the target's, or for a
// universal lock's synthetic environments the interpreter of the machine.
func (in *Installer) hostPython() *python.Info {
	if in.buildPython != nil {
		return in.buildPython
	}
	return in.Python
}

// sourceTree fetches (hash-checked by the index client before it is kept)
// and unpacks the sdist of c, or takes c's local folder.
func (in *Installer) sourceTree(ctx context.Context, c *Candidate) (string, string, error) {
	b := c.build
	b.srcOnce.Do(func() {
		if c.SourceDir != "" {
			b.src = c.SourceDir
			if c.Editable {
				// An editable wheel points at the tree: its build inputs
				// and its place make it, not the code (edits need no
				// rebuild).
				b.srcHash, b.srcErr = build.EditableHash(c.SourceDir)
			} else {
				b.srcHash, b.srcErr = build.TreeHash(c.SourceDir)
			}
			return
		}
		archive := c.Local
		if archive == "" {
			dir := in.CacheDir
			if dir == "" {
				dir = os.TempDir()
			}
			archive, b.srcErr = in.Index.Fetch(ctx, c.File, dir)
			if b.srcErr != nil {
				return
			}
		}
		if b.srcHash, b.srcErr = FileSHA256(archive); b.srcErr != nil {
			return
		}
		if want := strings.ToLower(c.File.SHA256); want != "" && want != b.srcHash {
			b.srcErr = fmt.Errorf("%s: sha256 is %s, but %s", c.describe(), b.srcHash, want)
			return
		}
		if len(c.AllowedHashes) > 0 {
			if b.srcErr = checkFileHash(archive, c.AllowedHashes); b.srcErr != nil {
				return
			}
		}
		tmp, err := os.MkdirTemp("", "pkginstall-sdist-")
		if err != nil {
			b.srcErr = err
			return
		}
		b.tmp = tmp
		b.src, b.srcErr = build.Unpack(archive, filepath.Join(tmp, "src"))
		if b.srcErr != nil {
			os.RemoveAll(tmp) // a refused sdist leaves nothing
			b.tmp = ""
		}
	})
	return b.src, b.srcHash, b.srcErr
}

// sourceMetadata is the core metadata of an sdist or source-tree
// candidate: its PKG-INFO when PEP 643 makes it static, else the METADATA
// of the wheel built from it (which the install then reuses).
func (in *Installer) sourceMetadata(ctx context.Context, c *Candidate) (*distinfo.Metadata, error) {
	if c.SourceDir == "" {
		if p, ok := in.cachedByIndexHash(c); ok {
			return wheelMetadata(p)
		}
		src, hash, err := in.sourceTree(ctx, c)
		if err != nil {
			return nil, err
		}
		if md, ok := build.StaticMetadata(src); ok {
			return md, nil
		}
		if in.CacheDir != "" {
			// Built before: its wheel says, and no backend runs.
			if p, ok := cachedBuilt(in.CacheDir, layout.BuiltKey(hash, interpreterTag(in.hostPython()))); ok {
				return wheelMetadata(p)
			}
		}
		if md, ok, err := in.hookMetadata(ctx, c, src); err != nil || ok {
			return md, err
		}
	}
	p, err := in.builtWheel(ctx, c)
	if err != nil {
		return nil, err
	}
	return wheelMetadata(p)
}

func wheelMetadata(p string) (*distinfo.Metadata, error) {
	w, err := wheel.Open(p)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	return w.Metadata, nil
}

// cachedByIndexHash is the wheel built from c's sdist, found in the cache
// by the sha256 the index vouches for, without fetching or unpacking.
func (in *Installer) cachedByIndexHash(c *Candidate) (string, bool) {
	sha := strings.ToLower(c.File.SHA256)
	if sha == "" || c.SourceDir != "" || in.CacheDir == "" {
		return "", false
	}
	return cachedBuilt(in.CacheDir, layout.BuiltKey(sha, interpreterTag(in.hostPython())))
}

// builtWheel is the wheel built from c: from the cache of built wheels
// (keyed by the source's hash and the interpreter's tag) when it is
// there, else built now and published to that cache.
func (in *Installer) builtWheel(ctx context.Context, c *Candidate) (string, error) {
	b := c.build
	b.wheelOnce.Do(func() {
		b.wheel, b.wheelErr = in.buildOnce(ctx, c)
		if b.tmp != "" && in.CacheDir != "" {
			// The source is not needed once its wheel is in the cache.
			os.RemoveAll(b.tmp)
			b.tmp, b.envs = "", nil
		}
	})
	return b.wheel, b.wheelErr
}

func (in *Installer) buildOnce(ctx context.Context, c *Candidate) (string, error) {
	if in.Build.Refuses(c.Name) && c.SourceDir == "" {
		return "", errors.New(in.Build.refusal(c.Name))
	}
	py := in.hostPython()
	if p, ok := in.cachedByIndexHash(c); ok {
		in.Reporter.Debug("built wheel of %s from the cache: %s", c.describe(), filepath.Base(p))
		return p, nil
	}
	src, hash, err := in.sourceTree(ctx, c)
	if err != nil {
		return "", err
	}
	key := layout.BuiltKey(hash, interpreterTag(py))
	if in.CacheDir != "" {
		if p, ok := cachedBuilt(in.CacheDir, key); ok {
			in.Reporter.Debug("built wheel of %s from the cache: %s", c.describe(), filepath.Base(p))
			return p, nil
		}
	}
	tmp, err := os.MkdirTemp("", "pkginstall-build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	in.Reporter.Debug("building %s from %s", c.Name, c.describe())
	p, err := build.Wheel(ctx, src, filepath.Join(tmp, "out"), c.Editable, in.buildOptions(c))
	if c.Editable && errors.Is(err, build.ErrNoEditableHook) {
		// PEP 660 absent: the regular wheel's metadata and a .pth.
		in.Reporter.Debug("%s: the backend has no build_editable; installing a .pth to the source", c.describe())
		if p, err = build.Wheel(ctx, src, filepath.Join(tmp, "regular"), false, in.buildOptions(c)); err == nil {
			p, err = build.PthEditable(p, src, filepath.Join(tmp, "out"))
		}
	}
	if err != nil {
		return "", err
	}
	if err := checkBuilt(c, p); err != nil {
		return "", err
	}
	c.build.fresh = true
	if in.CacheDir == "" {
		// No cache: keep the wheel beside the unpacked source.
		dst := filepath.Join(c.build.tmpDir(), filepath.Base(p))
		return dst, os.Rename(p, dst)
	}
	return publishBuilt(in.CacheDir, key, p)
}

// buildOptions are the options of c's builds: the target interpreter,
// -v output, and the build environments (isolated: installed once per set
// of requirements, shared by the metadata hook and the build, in c's
// temporary folder; else the target's packages).
func (in *Installer) buildOptions(c *Candidate) build.Options {
	opts := build.Options{Python: in.hostPython().Executable, Name: c.Name + " " + c.Version.String(), Log: func(l string) { in.Reporter.Debug("  %s", l) }}
	if c.SourceDir != "" {
		opts.Name = c.SourceDir
	}
	if in.Build.NoIsolation {
		opts.Paths = []string{in.Paths.Lib}
		return opts
	}
	b := c.build
	opts.Env = func(ctx context.Context, reqs []string) ([]string, error) {
		key := strings.Join(reqs, "\x00")
		if paths, ok := b.envs[key]; ok {
			return paths, nil
		}
		if b.envs == nil {
			b.envs = map[string][]string{}
		}
		paths, err := in.buildEnv(ctx, filepath.Join(b.tmpDir(), fmt.Sprintf("env%d", len(b.envs))), reqs)
		if err == nil {
			b.envs[key] = paths
		}
		return paths, err
	}
	return opts
}

// hookMetadata is the metadata of c from the backend's
// prepare_metadata_for_build_wheel; false when the backend has no such
// hook.
func (in *Installer) hookMetadata(ctx context.Context, c *Candidate, src string) (*distinfo.Metadata, bool, error) {
	out, err := os.MkdirTemp(c.build.tmpDir(), "metadata-")
	if err != nil {
		return nil, false, err
	}
	defer os.RemoveAll(out)
	in.Reporter.Debug("reading the metadata of %s from its backend", c.describe())
	p, found, err := build.Metadata(ctx, src, out, in.buildOptions(c))
	if err != nil || !found {
		return nil, false, err
	}
	b, err := fsutil.ReadRegular(p, distinfo.MaxMetadataSize)
	if err != nil {
		return nil, false, err
	}
	md, err := distinfo.ParseMetadata(b)
	return md, err == nil, err
}

// Release removes the temporary folders (unpacked sdists, build
// environments, wheels built without a cache) of every candidate built
// from source that p offered: call it once the run is over (installed,
// or only planned). Candidates that resolution passed over are released
// too.
func (p *Provider) Release() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	release := func(c *Candidate) {
		if b := c.build; b != nil && b.tmp != "" {
			os.RemoveAll(b.tmp)
			b.tmp, b.envs = "", nil
		}
	}
	for _, pr := range p.projects {
		for _, c := range pr.byVersion {
			release(c)
		}
	}
	for _, c := range p.Direct {
		release(c)
	}
}

// tmpDir is a folder that lives as long as the run (the unpacked sdist's,
// or a new one).
func (b *sourceBuild) tmpDir() string {
	if b.tmp == "" {
		b.tmp, _ = os.MkdirTemp("", "pkginstall-sdist-")
	}
	return b.tmp
}

// interpreterTag is what a built wheel depends on: the interpreter's most
// specific tag (implementation, ABI, platform).
func interpreterTag(py *python.Info) string {
	sup := tags.Supported(py)
	if len(sup) == 0 {
		return py.Implementation + py.Version + py.Platform
	}
	return fmt.Sprint(sup[0])
}

// checkBuilt refuses a built wheel of another project or version.
func checkBuilt(c *Candidate, p string) error {
	wn, err := tags.ParseWheelFilename(filepath.Base(p))
	if err != nil {
		return fmt.Errorf("building %s: %w", c.describe(), err)
	}
	if c.SourceDir != "" {
		return nil // a source tree's name and version are what its build says
	}
	if pep508.NormalizeName(wn.Name) != c.Name {
		return fmt.Errorf("building %s gave %s, a wheel of another project", c.describe(), filepath.Base(p))
	}
	if !sameVersion(wn.Version, c.Version) {
		return fmt.Errorf("building %s gave %s, a wheel of version %s", c.describe(), filepath.Base(p), wn.Version)
	}
	return nil
}

// cachedBuilt is the wheel in the built-wheel cache under key.
func cachedBuilt(root, key string) (string, bool) {
	ents, err := os.ReadDir(layout.BuiltDir(root, key))
	if err != nil {
		return "", false
	}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".whl") && e.Type().IsRegular() {
			return filepath.Join(layout.BuiltDir(root, key), e.Name()), true
		}
	}
	return "", false
}

// publishBuilt moves a built wheel into the cache under key, by renaming
// a complete folder into place (a concurrent build of the same source
// publishes first and wins; both wheels are equivalent).
func publishBuilt(root, key, p string) (string, error) {
	dir := layout.BuiltDir(root, key)
	if err := layout.MkdirAll(root, filepath.Dir(dir)); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(layout.BuiltTempDir(root), layout.TempPrefix)
	if err != nil {
		return "", err
	}
	if err := os.Rename(p, filepath.Join(tmp, filepath.Base(p))); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		if q, ok := cachedBuilt(root, key); ok {
			return q, nil
		}
		return "", err
	}
	return filepath.Join(dir, filepath.Base(p)), nil
}

// buildEnv installs reqs (wheels only, from the same indexes and cache,
// with pkginstall's own resolver and installer) into a new environment at
// dir and returns the folder to put on the build's path.
func (in *Installer) buildEnv(ctx context.Context, dir string, reqs []string) ([]string, error) {
	py := in.hostPython()
	paths, err := scheme.NewPaths(dir, py, "")
	if err != nil {
		return nil, err
	}
	idx := in.Index
	if in.BuildIndex != nil {
		idx = in.BuildIndex
	}
	env := &Installer{Paths: paths, Python: py, Index: idx, CacheDir: in.CacheDir, Reporter: quiet{in.Reporter}, Jobs: in.Jobs,
		Build: BuildPolicy{NoBuild: true}}
	req := &Request{}
	for _, r := range reqs {
		pr, err := pep508.ParseRequirement(r)
		if err != nil {
			return nil, fmt.Errorf("build requirement %q: %w", r, err)
		}
		req.Reqs = append(req.Reqs, Req{Req: pr, Origin: "build-system.requires"})
	}
	res, _, err := env.Plan(ctx, req)
	if err != nil {
		return nil, err
	}
	if err := env.Install(ctx, res, nil); err != nil {
		return nil, err
	}
	return []string{paths.Lib}, nil
}

// quiet passes a build environment's diagnostics on, and nothing else.
type quiet struct{ r Reporter }

func (quiet) Waiting(string)                    {}
func (quiet) Resolved(int, time.Duration)       {}
func (quiet) Fetched(*Candidate, bool)          {}
func (quiet) Installed([]Change, time.Duration) {}
func (q quiet) Warn(msg string)                 { q.r.Debug("build environment: warning: %s", msg) }
func (q quiet) Debug(format string, args ...any) {
	q.r.Debug("build environment: "+format, args...)
}
func (quiet) Plan([]Change, bool) {}

// SourceCandidate is the candidate of the local source tree dir (a
// project folder), built (editable: PEP 660) now to learn its name and
// version; the wheel is reused when it is installed.
func (in *Installer) SourceCandidate(ctx context.Context, dir string, editable bool) (*Candidate, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(filepath.Join(abs, "pyproject.toml")); err != nil || !st.Mode().IsRegular() {
		if _, err := os.Stat(filepath.Join(abs, "setup.py")); err != nil {
			return nil, fmt.Errorf("%s: not a Python project (no pyproject.toml or setup.py)", dir)
		}
	}
	c := &Candidate{Name: pep508.NormalizeName(filepath.Base(abs)), SourceDir: abs, Editable: editable, Direct: true, build: &sourceBuild{}}
	p, err := in.builtWheel(ctx, c)
	if err != nil {
		return nil, err
	}
	wn, err := tags.ParseWheelFilename(filepath.Base(p))
	if err != nil {
		return nil, err
	}
	c.Name = pep508.NormalizeName(wn.Name)
	if c.Version, err = pep440.Parse(wn.Version); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(p), err)
	}
	c.File = index.File{Filename: filepath.Base(p)}
	return c, nil
}

// builtNow reports whether c's wheel was built by this run (a source
// whose build inputs changed), not found in the cache of built wheels.
func (c *Candidate) builtNow() bool { return c.build != nil && c.build.fresh }

// localDir is the folder a file:// URL names, or "" (not a file URL, or
// not a folder).
func localDir(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || !strings.EqualFold(u.Scheme, "file") {
		return ""
	}
	p := filepath.FromSlash(u.Path)
	if st, err := os.Stat(p); err != nil || !st.IsDir() {
		return ""
	}
	return p
}

// sourceDir registers the source tree a requirement names with p (its
// only candidate), and names the requirement after it.
func (in *Installer) sourceDir(ctx context.Context, p *Provider, r *Req) error {
	c, err := in.SourceCandidate(ctx, r.Dir, r.Editable)
	if err != nil {
		return fmt.Errorf("%s: %w", r.Origin, err)
	}
	if r.Req.Name != "" && pep508.NormalizeName(r.Req.Name) != c.Name {
		return fmt.Errorf("%s: %s is the project %s, not %s", r.Origin, r.Dir, c.Name, r.Req.Name)
	}
	if old := p.Direct[c.Name]; old != nil && old.SourceDir != c.SourceDir {
		return fmt.Errorf("%s: %s is given twice, as %s and %s", r.Origin, c.Name, old.describe(), c.describe())
	}
	p.Direct[c.Name] = c
	r.Req.Name = c.Name
	return nil
}

// AddSource adds the local source tree dir to a plan (the project
// itself, after its locked dependencies): installed unless the same
// version is installed from the same wheel (a wheel found in the cache of
// built wheels: the tree's build inputs did not change), and never
// removed by an exact sync.
func (in *Installer) AddSource(ctx context.Context, res *Result, dir string, editable, reinstall bool) error {
	c, err := in.SourceCandidate(ctx, dir, editable)
	if err != nil {
		return err
	}
	inst, err := in.installed()
	if err != nil {
		return err
	}
	ch := change(c.Name, c, inst, reinstall || c.builtNow(), true)
	kept := res.Changes[:0]
	for _, old := range res.Changes {
		if old.Name != c.Name {
			kept = append(kept, old)
		}
	}
	res.Changes = append(kept, ch)
	if res.Resolved == nil {
		res.Resolved = map[string]*Candidate{}
	}
	res.Resolved[c.Name] = c
	return nil
}
