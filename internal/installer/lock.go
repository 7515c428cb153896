package installer

// Locks: turning a resolution into pylock.toml packages, and a lock into a
// plan without resolving.
//
// A locked package lists every wheel of the locked version that its index
// offers (not only the one this interpreter uses), each with url, size and
// sha256, so another platform with the same resolution can install from the
// same lock. Installing a lock never asks an index for a project page: each
// wheel comes from its URL (file:// URLs and paths are read in place) and
// is checked against the lock's sha256 before it is opened.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pkginstall/pkginstall/index"
	"github.com/pkginstall/pkginstall/internal/build"
	"github.com/pkginstall/pkginstall/internal/fileerr"
	"github.com/pkginstall/pkginstall/internal/fsutil"
	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pep508"
	pproject "github.com/pkginstall/pkginstall/internal/project"
	"github.com/pkginstall/pkginstall/internal/pylock"
	"github.com/pkginstall/pkginstall/internal/redact"
	"github.com/pkginstall/pkginstall/internal/tags"
)

// lockWheels is the lock entry of candidate c without marker and
// dependencies: every wheel of its version that its index lists, with url,
// size and sha256.
func (in *Installer) lockWheels(ctx context.Context, c *Candidate, shared *Shared) (*pylock.Package, error) {
	name := c.Name
	pkg := &pylock.Package{Name: name, Version: c.Version.String()}
	if c.SourceDir != "" {
		// A local project: its folder, relative to the lock (PEP 751).
		rel, err := filepath.Rel(in.Paths.Project, c.SourceDir)
		if err != nil {
			rel = c.SourceDir
		}
		pkg.Directory = map[string]any{"path": filepath.ToSlash(rel)}
		if c.Editable {
			pkg.Directory["editable"] = true
		}
		return pkg, nil
	}
	files := []index.File{c.File}
	if c.Local != "" && c.File.URL == "" {
		abs, err := filepath.Abs(c.Local)
		if err != nil {
			return nil, err
		}
		files[0].URL = (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
	}
	var sdist *index.File
	if c.Sdist {
		f := files[0]
		sdist, files = &f, nil
	}
	if !c.Direct && in.Index != nil {
		proj, err := shared.project(ctx, in.Index, name)
		if err != nil {
			return nil, fmt.Errorf("locking %s: %w", name, err)
		}
		if proj.Index != "" && c.File.Index == proj.Index {
			pkg.Index = proj.Index
		}
		files = files[:0]
		for _, f := range proj.Files {
			if !f.IsWheel() {
				if sdist == nil && isLockedSdist(f, name, c) {
					f := f
					sdist = &f
				}
				continue
			}
			wn, err := tags.ParseWheelFilename(f.Filename)
			if err != nil || pep508.NormalizeName(wn.Name) != name {
				continue
			}
			v, err := pep440.Parse(wn.Version)
			if err != nil || v.Compare(c.Version) != 0 {
				continue
			}
			if f.Yanked && f.Filename != c.File.Filename {
				continue
			}
			files = append(files, f)
		}
		if len(files) == 0 && !c.Sdist {
			files = []index.File{c.File}
		}
	}
	if sdist != nil {
		// The sdist too, so environments without a wheel can build it.
		sha, size, err := in.fileFacts(ctx, *sdist)
		if err != nil {
			return nil, fmt.Errorf("locking %s: %w", sdist.Filename, err)
		}
		pkg.Sdist = pylock.SdistEntry(pylock.Wheel{Name: sdist.Filename, URL: redact.Strip(sdist.URL), Size: size, Hashes: map[string]string{"sha256": sha}})
	}
	for _, f := range files {
		sha, size, err := in.fileFacts(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("locking %s: %w", f.Filename, err)
		}
		pkg.Wheels = append(pkg.Wheels, pylock.Wheel{
			Name:   f.Filename,
			URL:    redact.Strip(f.URL),
			Size:   size,
			Hashes: map[string]string{"sha256": sha},
		})
	}
	return pkg, nil
}

// isLockedSdist reports whether f is an sdist of c's project and version.
func isLockedSdist(f index.File, name string, c *Candidate) bool {
	sn, v, err := build.ParseSdistFilename(f.Filename)
	return err == nil && sn == name && v.Compare(c.Version) == 0 && !f.Yanked
}

// fileFacts returns the sha256 and size of f: from the index when it gave
// both, else by reading the local file or downloading it into the cache.
func (in *Installer) fileFacts(ctx context.Context, f index.File) (string, int64, error) {
	if f.SHA256 != "" && f.Size > 0 {
		return strings.ToLower(f.SHA256), f.Size, nil
	}
	local := ""
	if u, err := url.Parse(f.URL); err == nil && strings.EqualFold(u.Scheme, "file") {
		local = filepath.FromSlash(u.Path)
	} else {
		if in.Index == nil {
			return "", 0, fmt.Errorf("%s: no index to download it from", f.Filename)
		}
		p, err := in.Index.Fetch(ctx, f, in.CacheDir)
		if err != nil {
			return "", 0, err
		}
		local = p
	}
	fh, _, err := fsutil.OpenRegular(local)
	if err != nil {
		return "", 0, err
	}
	defer fh.Close()
	h := sha256.New()
	n, err := io.Copy(h, fh)
	if err != nil {
		return "", 0, fmt.Errorf("reading %s: %w", local, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if f.SHA256 != "" && !strings.EqualFold(f.SHA256, sum) {
		return "", 0, &index.HashMismatchError{File: f.Filename, Want: strings.ToLower(f.SHA256), Got: sum}
	}
	return sum, n, nil
}

// LockOptions tune PlanLock.
type LockOptions struct {
	Path      string             // the lock file, for messages and relative wheel paths
	Reinstall bool               // reinstall what is installed at the locked version
	Requested map[string]bool    // names the user asked for (REQUESTED)
	Selection pproject.Selection // the extras and groups to install
}

// PlanLock turns a lock into a plan for the target without resolving and
// without asking any index: for each package whose marker holds, the best
// wheel for the interpreter. Installed distributions the lock does not
// list come back as Remove changes (callers that sync apply them).
func (in *Installer) PlanLock(ctx context.Context, l *pylock.Lock, opts LockOptions) (*Result, error) {
	fail := func(line, col int, format string, args ...any) error {
		return fileerr.Errorf(opts.Path, line, col, format, args...)
	}
	if ok, why := l.Admits(in.Python); !ok {
		return nil, fail(0, 0, "%s; choose another interpreter with --python, or widen requires-python or [tool.pkginstall] environments and run pkginstall lock", why)
	}
	matcher := tags.NewMatcher(tags.Supported(in.Python))
	// The provider answers metadata questions about the locked wheels
	// (for --report); it resolves nothing.
	prov, err := in.newProvider(false, false)
	if err != nil {
		return nil, err
	}
	res := &Result{Resolved: map[string]*Candidate{}, Provider: prov}
	selected, err := l.Selected(opts.Path, in.Python, opts.Selection)
	if err != nil {
		return nil, err
	}
	for _, i := range selected {
		p := l.Packages[i]
		name := pep508.NormalizeName(p.Name)
		src := p.Source()
		if src != "" && src != "sdist" && src != "directory" {
			return nil, fail(p.Line, p.Col, "package %s is locked as %s, not wheels, an sdist or a directory; pkginstall installs only those", p.Name, src)
		}
		if res.Resolved[name] != nil {
			return nil, fail(p.Line, p.Col, "package %s is locked twice for this environment", p.Name)
		}
		var c *Candidate
		if src == "directory" {
			c, err = in.lockedDirectory(ctx, &p, opts.Path)
		} else {
			c, err = in.lockedCandidate(&p, name, opts.Path, matcher)
		}
		if err != nil {
			return nil, err
		}
		res.Resolved[name] = c
	}

	inst, err := in.installed()
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(res.Resolved))
	for n := range res.Resolved {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		res.Changes = append(res.Changes, change(name, res.Resolved[name], inst, opts.Reinstall, opts.Requested[name]))
	}
	var extra []string
	for n := range inst {
		if res.Resolved[n] == nil {
			extra = append(extra, n)
		}
	}
	sort.Strings(extra)
	for _, n := range extra {
		res.Changes = append(res.Changes, Change{Action: Remove, Name: n, OldVersion: inst[n].Version})
	}
	return res, nil
}

// lockedCandidate picks the best wheel of the locked package p (named
// name) for the interpreter: every wheel must be of p's distribution and
// version; a path is relative to the lock file, lockPath, and must exist.
func (in *Installer) lockedCandidate(p *pylock.Package, name, lockPath string, matcher *tags.Matcher) (*Candidate, error) {
	fail := func(line, col int, format string, args ...any) error {
		return fileerr.Errorf(lockPath, line, col, format, args...)
	}
	var names []string
	for i := range p.Wheels {
		w := &p.Wheels[i]
		names = append(names, w.FileName())
		wn, err := tags.ParseWheelFilename(w.FileName())
		if err != nil {
			return nil, fail(p.Line, p.Col, "package %s: %v", p.Name, err)
		}
		if pep508.NormalizeName(wn.Name) != name {
			return nil, fail(p.Line, p.Col, "package %s: wheel %s is of another distribution", p.Name, w.FileName())
		}
		if p.Version != "" {
			pv, err1 := pep440.Parse(p.Version)
			wv, err2 := pep440.Parse(wn.Version)
			if err1 != nil || err2 != nil || pv.Compare(wv) != 0 {
				return nil, fail(p.Line, p.Col, "package %s %s: wheel %s is of another version", p.Name, p.Version, w.FileName())
			}
		}
	}
	best := bestLocked(matcher, p.Wheels)
	if sd, ok := p.SdistFile(); best == nil && ok && !in.Build.Refuses(name) {
		return in.lockedSdist(p, name, lockPath, sd, fail)
	}
	if best == nil {
		return nil, fail(p.Line, p.Col, "%s %s has no wheel for %s %s on %s (locked: %s)",
			p.Name, p.Version, in.Python.Implementation, in.Python.Version, in.Python.Platform, strings.Join(names, ", "))
	}
	wn, _ := tags.ParseWheelFilename(best.FileName())
	v, err := pep440.Parse(wn.Version)
	if err != nil {
		return nil, fail(p.Line, p.Col, "package %s: wheel %s: invalid version", p.Name, best.FileName())
	}
	c := &Candidate{
		Name:          name,
		Version:       v,
		File:          index.File{Filename: best.FileName(), URL: best.URL, SHA256: best.SHA256(), Size: best.Size, Index: p.Index},
		AllowedHashes: []string{"sha256:" + best.SHA256()},
	}
	// A path is read in place and checked against AllowedHashes; a URL
	// (file:// included) goes through the index client's Fetch, which
	// checks File.SHA256 and reuses the cache.
	local := ""
	if best.URL == "" {
		local = filepath.FromSlash(best.Path)
		if !filepath.IsAbs(local) {
			local = filepath.Join(filepath.Dir(lockPath), local)
		}
		c.Local = local
	} else {
		c.AllowedHashes = nil
		if in.Index == nil {
			return nil, fail(p.Line, p.Col, "package %s: %s needs fetching, and no index client is set", p.Name, best.URL)
		}
		if u, err := url.Parse(best.URL); err == nil && strings.EqualFold(u.Scheme, "file") {
			local = filepath.FromSlash(u.Path)
		}
	}
	if local != "" {
		f, _, err := fsutil.OpenRegular(local)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fail(p.Line, p.Col, "package %s: locked wheel %s is missing", p.Name, local)
		}
		if err != nil {
			return nil, fail(p.Line, p.Col, "package %s: locked wheel: %v", p.Name, err)
		}
		f.Close()
	}
	return c, nil
}

// lockedSdist is the candidate of a locked package built from its sdist
// (no wheel fits the interpreter): fetched by URL (checked against the
// lock's sha256 before it is unpacked) or read from a path relative to
// the lock file.
func (in *Installer) lockedSdist(p *pylock.Package, name, lockPath string, sd pylock.Wheel, fail func(int, int, string, ...any) error) (*Candidate, error) {
	v, err := pep440.Parse(p.Version)
	if err != nil {
		return nil, fail(p.Line, p.Col, "package %s: an sdist needs a valid version (%q)", p.Name, p.Version)
	}
	if sd.SHA256() == "" || sd.URL == "" && sd.Path == "" {
		return nil, fail(p.Line, p.Col, "package %s: [packages.sdist] needs a url or path and a sha256", p.Name)
	}
	c := &Candidate{Name: name, Version: v, Sdist: true, build: &sourceBuild{},
		File: index.File{Filename: sd.FileName(), URL: sd.URL, SHA256: sd.SHA256(), Size: sd.Size, Index: p.Index}}
	if sd.URL == "" {
		c.Local = filepath.FromSlash(sd.Path)
		if !filepath.IsAbs(c.Local) {
			c.Local = filepath.Join(filepath.Dir(lockPath), c.Local)
		}
	} else if in.Index == nil {
		return nil, fail(p.Line, p.Col, "package %s: %s needs fetching, and no index client is set", p.Name, sd.URL)
	}
	return c, nil
}

// lockedDirectory is the candidate of a package locked as a local
// project folder ([packages.directory] path, relative to the lock file).
func (in *Installer) lockedDirectory(ctx context.Context, p *pylock.Package, lockPath string) (*Candidate, error) {
	rel, _ := p.Directory["path"].(string)
	editable, _ := p.Directory["editable"].(bool)
	if rel == "" {
		return nil, fileerr.Errorf(lockPath, p.Line, p.Col, "package %s: [packages.directory] has no path", p.Name)
	}
	dir := filepath.FromSlash(rel)
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(filepath.Dir(lockPath), dir)
	}
	c, err := in.SourceCandidate(ctx, dir, editable)
	if err != nil {
		return nil, fileerr.Errorf(lockPath, p.Line, p.Col, "package %s: %v", p.Name, err)
	}
	if c.Name != pep508.NormalizeName(p.Name) {
		return nil, fileerr.Errorf(lockPath, p.Line, p.Col, "package %s: the folder %s is the project %s", p.Name, rel, c.Name)
	}
	return c, nil
}

// bestLocked returns the wheel of a locked package that tags.BestWheel
// prefers (the same choice an install from the index makes), or nil when
// none is compatible.
func bestLocked(m *tags.Matcher, wheels []pylock.Wheel) *pylock.Wheel {
	names := make([]string, len(wheels))
	for i := range wheels {
		names[i] = wheels[i].FileName()
	}
	i, ok := tags.BestWheel(m, names)
	if !ok {
		return nil
	}
	return &wheels[i]
}
