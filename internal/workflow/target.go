package workflow

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"

	"github.com/pkginstall/pkginstall/index"
	"github.com/pkginstall/pkginstall/internal/installer"
	"github.com/pkginstall/pkginstall/internal/project"
	"github.com/pkginstall/pkginstall/internal/pylock"
	"github.com/pkginstall/pkginstall/internal/python"
	"github.com/pkginstall/pkginstall/scheme"
)

// Target is where a workflow installs: the project, its interpreter and
// the scheme paths of its __pypackages__ target.
type Target struct {
	Root      string             // the project root
	Pyproject *project.Pyproject // root/pyproject.toml as read (Exists false when missing)
	Python    *python.Info
	Paths     scheme.Paths
}

// Env is what every workflow shares: how to reach the index (and the
// cache directory, Index.CacheDir, "" for none) and where events go.
type Env struct {
	// Index configures the index client; NoIndex with no FindLinks means
	// there is nothing to ask (local wheels only).
	Index    index.Options
	Reporter Reporter
	// IndexExplicit says the command named its index (a flag or an
	// environment variable): only then does a lock made with other index
	// settings count as stale.
	IndexExplicit bool
}

// Reporter receives everything a workflow has to say. Implementations must
// be safe for concurrent use.
type Reporter interface {
	installer.Reporter
	ProjectWaiting(root string)           // another pkginstall holds the project's lock
	Created(path string)                  // add wrote a new pyproject.toml
	Added(req string, w project.Where)    // add recorded req in w
	Dropped(name string, w project.Where) // remove took name out of w
	Locked(n int, path string)            // pylock.toml was written with n packages
	Removed(changes []installer.Change)   // a sync uninstalled these (after it did)
}

// newIndex is the index client env describes, or nil when there is
// nothing to ask (--no-index and no --find-links). The hosts of t's direct
// references are trusted for credentials (t may be nil).
func (env Env) newIndex(t *Target) (*index.Client, error) {
	if env.Index.NoIndex && len(env.Index.FindLinks) == 0 {
		return nil, nil
	}
	o := env.Index
	o.Trusted = append(append([]string(nil), o.Trusted...), t.directURLs()...)
	return index.New(o)
}

// urlOnlyIndex is a client that knows no index and no find-links: it can
// only fetch files by URL. Installing a lock uses it, so no project page
// is ever read. The configured indexes and find-links locations, and the
// hosts of t's direct references, still count as the user's for
// credentials: a lock's wheels live there.
func (env Env) urlOnlyIndex(t *Target) (*index.Client, error) {
	o := env.Index
	trusted := append(append([]string(nil), o.Trusted...), t.directURLs()...)
	if !o.NoIndex {
		trusted = append(append(trusted, o.IndexURL), o.ExtraIndexURLs...)
	}
	trusted = append(trusted, o.FindLinks...)
	// A lock's wheels may also sit in a --find-links folder (the class's
	// copy): used by file name when the sha256 is the locked one.
	var copies []string
	for _, fl := range o.FindLinks {
		if u, err := url.Parse(fl); err == nil && u.Scheme == "file" {
			fl = filepath.FromSlash(u.Path)
		}
		if st, err := os.Stat(fl); err == nil && st.IsDir() {
			copies = append(copies, fl)
		}
	}
	return index.New(index.Options{NoIndex: true, Offline: o.Offline, CacheDir: o.CacheDir, Timeout: o.Timeout, Logger: o.Logger, Netrc: o.Netrc, Trusted: trusted, LocalCopies: copies})
}

// directURLs are the URLs of t's project's direct references.
func (t *Target) directURLs() []string {
	if t == nil {
		return nil
	}
	return t.Pyproject.DirectURLs()
}

// ApplyOptions are how the files of an install reach the target.
type ApplyOptions struct {
	LinkMode scheme.LinkMode // zero: the fastest that works
	Compile  bool            // byte-compile the installed .py files
	// Build says what may be built from source ([tool.pkginstall]
	// no-build adds to it).
	Build installer.BuildPolicy
}

// installer makes the target's installer with the index client idx.
func (env Env) installer(t *Target, idx *index.Client, o ApplyOptions, overwrite bool) *installer.Installer {
	return &installer.Installer{
		Paths:     t.Paths,
		Python:    t.Python,
		Index:     idx,
		CacheDir:  env.Index.CacheDir,
		Reporter:  env.Reporter,
		LinkMode:  o.LinkMode,
		Compile:   o.Compile,
		Overwrite: overwrite,
		Build:     o.buildPolicy(t),
	}
}

// buildPolicy is o.Build with the project's [tool.pkginstall] no-build.
func (o ApplyOptions) buildPolicy(t *Target) installer.BuildPolicy {
	b := o.Build
	if t != nil && t.Pyproject != nil && t.Pyproject.Tool.Pkginstall.NoBuild {
		b.NoBuild = true
	}
	return b
}

// lockProject serialises the commands that read and rewrite the project's
// pyproject.toml and pylock.toml (add, remove, lock, sync, install of the
// project), so that concurrent runs do not lose each other's edits.
func lockProject(ctx context.Context, t *Target, r Reporter) (func(), error) {
	return project.LockRoot(ctx, t.Root, func() { r.ProjectWaiting(t.Root) })
}

// projectAndLock takes the project's lock and reads its pylock.toml (nil
// when there is none): the start of installing the project and of sync.
func projectAndLock(ctx context.Context, t *Target, r Reporter) (files, *pylock.Lock, func(), error) {
	unlock, err := lockProject(ctx, t, r)
	if err != nil {
		return files{}, nil, nil, err
	}
	f := filesOf(t)
	l, err := readLock(f)
	if err != nil {
		unlock()
		return files{}, nil, nil, err
	}
	return f, l, unlock, nil
}

// files are the project's pyproject.toml and pylock.toml.
type files struct {
	pyproject string
	lock      string
}

func filesOf(t *Target) files {
	return files{
		pyproject: filepath.Join(t.Root, "pyproject.toml"),
		lock:      filepath.Join(t.Root, pylock.FileName),
	}
}

// DisplayPath is p relative to the working directory when that is shorter.
func DisplayPath(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, p); err == nil && len(r) < len(p) {
			return r
		}
	}
	return p
}

// readLock reads pylock.toml; nil, nil when there is none.
func readLock(f files) (*pylock.Lock, error) {
	l, err := pylock.ReadFile(f.lock)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return l, err
}
