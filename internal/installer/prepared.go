package installer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/pkginstall/pkginstall/cache"
	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/fsutil"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/phase"
	"github.com/pkginstall/pkginstall/scheme"
	"github.com/pkginstall/pkginstall/wheel"
)

// Prepared is one wheel ready to install: an unpacked tree of the cache,
// or an open wheel when there is no cache to unpack it into.
type Prepared struct {
	Tree  *cache.Tree  // nil when Wheel is set
	Wheel *wheel.Wheel // nil when Tree is set
	Path  string       // the wheel file, "" when the tree was found without it
}

// Close releases the wheel file, if one is open.
func (p *Prepared) Close() error {
	if p.Wheel != nil {
		return p.Wheel.Close()
	}
	return nil
}

// Source is what scheme installs from.
func (p *Prepared) Source() scheme.Source {
	if p.Tree != nil {
		return p.Tree
	}
	return Source(p.Wheel)
}

// VerifiesContent says wheel readers check every member against RECORD.
func (s *wheelSource) VerifiesContent() bool { return true }

// prepareOne makes one changed distribution ready: the cached unpacked
// tree when the index told the wheel's sha256 and the cache has it (no
// fetch at all), else fetch, verify, open and unpack into the cache.
func (in *Installer) prepareOne(ctx context.Context, ch *Change, cacheDir string) (*Prepared, error) {
	c := ch.Candidate
	useCache := in.CacheDir != ""
	sha := strings.ToLower(c.File.SHA256)
	local := c.Local
	if c.FromSource() {
		// Built (or found in the cache of built wheels), then installed
		// like any local wheel: the same validation and unpacking.
		p, err := in.builtWheel(ctx, c)
		if err != nil {
			return nil, err
		}
		local, sha = p, ""
	}
	if useCache && local == "" && sha != "" {
		if distinfo.CheckHashes(distinfo.Digests{"sha256": sha}, c.AllowedHashes) == nil {
			t, err := cache.Lookup(in.CacheDir, sha)
			if err == nil && pep508.NormalizeName(t.Project()) == c.Name && sameVersion(t.Version(), c.Version) {
				in.Reporter.Fetched(c, true)
				return &Prepared{Tree: t}, nil
			}
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				in.Reporter.Debug("unpacked cache of %s: %v", c.File.Filename, err)
			}
		}
	}
	path := local
	cached := true
	if path == "" {
		var err error
		endFetch := phase.Start(phase.Download)
		path, err = in.Index.Fetch(in.withDownloadProgress(ctx, c), c.File, cacheDir)
		endFetch()
		if err != nil {
			return nil, err
		}
		cached = false
	}
	if local != "" && (useCache || sha != "") {
		// A local wheel is hashed once, here, when something needs it: the
		// cache key, or a "name @ file:///...#sha256=..." fragment, which
		// binds as it does for a URL the index serves.
		got, err := FileSHA256(path)
		if err != nil {
			return nil, err
		}
		if sha != "" && got != sha {
			return nil, fmt.Errorf("%s: sha256 of %s is %s, but the requirement says %s", c.describe(), path, got, sha)
		}
		sha = got
	}
	if len(c.AllowedHashes) > 0 && !c.FromSource() {
		if err := checkFileHash(path, c.AllowedHashes); err != nil {
			return nil, fmt.Errorf("%s: %w", c.describe(), err)
		}
	}
	endUnpack := phase.Start(phase.Unpack)
	defer endUnpack()
	w, err := wheel.Open(path)
	if err != nil {
		return nil, err
	}
	if pep508.NormalizeName(w.Project) != c.Name || !sameVersion(w.Version, c.Version) {
		w.Close()
		return nil, fmt.Errorf("%s: contains %s %s, not %s %s", c.describe(), w.Project, w.Version, c.Name, c.Version)
	}
	if w.NewerWheelVersion {
		in.Reporter.Warn(fmt.Sprintf("%s has Wheel-Version %s, newer than the 1.0 this installer knows; installing it anyway", w.Filename, w.WheelVersion))
	}
	ch.Path = path
	p := &Prepared{Wheel: w, Path: path}
	if err := ctx.Err(); err != nil {
		w.Close()
		return nil, err
	}
	if useCache {
		if sha == "" {
			if sha, err = FileSHA256(path); err != nil {
				w.Close()
				return nil, err
			}
		}
		t, err := cache.Unpack(in.CacheDir, sha, w, 0)
		if err != nil {
			w.Close()
			return nil, err
		}
		w.Close()
		p = &Prepared{Tree: t, Path: path}
	}
	in.Reporter.Fetched(c, cached)
	return p, nil
}

// FileSHA256 is the sha256 (hex) of the file at path.
func FileSHA256(path string) (string, error) {
	f, _, err := fsutil.OpenRegular(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
