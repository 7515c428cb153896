package installer

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pkginstall/pkginstall/internal/fsutil"
	"github.com/pkginstall/pkginstall/scheme"
)

// ManifestName is the no-op manifest at the top of a target: what the
// last successful install was asked and what it left, so that the same
// request with nothing changed is answered by a read and a few stats.
const ManifestName = ".pkginstall-manifest.json"

// manifest is ManifestName's content.
type manifest struct {
	Version int              `json:"version"`
	Key     string           `json:"key"`
	Lib     int64            `json:"lib_mtime_ns"`
	Dists   map[string]int64 `json:"dists"`           // .dist-info name -> mtime (ns)
	Links   []string         `json:"links,omitempty"` // symlinks of lib/ (--link-mode symlink), which must resolve
}

// RequestKey condenses everything a request depends on (requirements,
// constraints, indexes, options, interpreter) into one string. Callers
// pass every part in a fixed order.
func RequestKey(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// UpToDate reports whether the target is as the last install with the
// same key left it: the manifest names key, lib/ and every .dist-info in
// it have the recorded mtimes, every symlink of lib/ still resolves (its
// cache tree is there), and no interrupted run is pending. It never fails:
// any doubt is false.
func UpToDate(p scheme.Paths, key string) bool {
	b, err := os.ReadFile(filepath.Join(p.Target, ManifestName))
	if err != nil {
		return false
	}
	var m manifest
	if json.Unmarshal(b, &m) != nil || m.Version != 1 || m.Key != key || len(m.Dists) == 0 {
		return false
	}
	// Anything an interrupted run left (a journal, a staging directory)
	// sends the run down the full path, which finishes or removes it.
	for _, n := range []string{scheme.JournalName, scheme.StagingDir} {
		if _, err := os.Lstat(filepath.Join(p.Target, n)); !errors.Is(err, fs.ErrNotExist) {
			return false
		}
	}
	fi, err := os.Stat(p.Lib)
	if err != nil || fi.ModTime().UnixNano() != m.Lib {
		return false
	}
	for name, mt := range m.Dists {
		if !strings.HasSuffix(name, ".dist-info") || strings.ContainsAny(name, `/\`) {
			return false
		}
		fi, err := os.Stat(filepath.Join(p.Lib, name, "RECORD"))
		if err != nil || fi.ModTime().UnixNano() != mt {
			return false
		}
	}
	for _, name := range m.Links {
		if strings.ContainsAny(name, `/\`) {
			return false
		}
		if _, err := os.Stat(filepath.Join(p.Lib, name)); err != nil {
			return false
		}
	}
	return true
}

// WriteManifest records key and the current state of the target for
// UpToDate. Best effort: the manifest is only a shortcut.
func WriteManifest(p scheme.Paths, key string) error {
	ents, err := os.ReadDir(p.Lib)
	if err != nil {
		return err
	}
	m := manifest{Version: 1, Key: key, Dists: map[string]int64{}}
	for _, e := range ents {
		if e.Type()&fs.ModeSymlink != 0 {
			m.Links = append(m.Links, e.Name())
			continue
		}
		if !e.IsDir() || !strings.HasSuffix(e.Name(), ".dist-info") {
			continue
		}
		fi, err := os.Stat(filepath.Join(p.Lib, e.Name(), "RECORD"))
		if err != nil {
			return err
		}
		m.Dists[e.Name()] = fi.ModTime().UnixNano()
	}
	fi, err := os.Stat(p.Lib)
	if err != nil {
		return err
	}
	m.Lib = fi.ModTime().UnixNano()
	b, err := json.Marshal(&m)
	if err != nil {
		return err
	}
	return fsutil.WriteFile(filepath.Join(p.Target, ManifestName), b, 0o644)
}

// ForgetManifest removes the manifest (before a run that changes the
// target another way).
func ForgetManifest(p scheme.Paths) {
	_ = os.Remove(filepath.Join(p.Target, ManifestName))
}
