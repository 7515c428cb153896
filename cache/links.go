package cache

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pkginstall/pkginstall/cache/layout"
	"github.com/pkginstall/pkginstall/internal/fsutil"
)

// Trees linked by symlinks (--link-mode symlink, see scheme.LinkSymlink).
// A project installed in symlink mode has symlinks in its lib/ that lead
// into trees of the cache, so the cache keeps a record of each such lib/
// (layout.LinkRecord, written by RecordLinks after the install). Prune
// keeps every tree a recorded lib/ still links (its symlink still leads
// there), whatever its age, and forgets records of lib/ directories that
// link nothing of the cache any more; Clean removes the trees regardless,
// and Linking tells the caller beforehand which projects that breaks (they
// are repaired by installing again: pkginstall sync or install relinks a
// dangling entry).
//
// Linked trees are made read-only (Tree.Seal): an edit through the symlink
// fails instead of changing every project that links the tree (root
// ignores file modes). Every removal of trees here makes their
// directories writable first (fsutil.RemoveAll).

// RecordLinks records that lib (a target's lib/ directory, absolute)
// links trees of the cache by symlinks.
func RecordLinks(cacheDir, lib string) error {
	f := layout.LinkRecord(cacheDir, lib)
	if b, err := os.ReadFile(f); err == nil && string(b) == lib+"\n" {
		return nil
	}
	if err := layout.MkdirAll(cacheDir, filepath.Dir(f)); err != nil {
		return err
	}
	return fsutil.WriteFile(f, []byte(lib+"\n"), 0o644)
}

// LinkingProject is a lib/ directory whose symlinks lead into the cache.
type LinkingProject struct {
	Lib   string   // the lib/ directory
	Trees []string // sha256 of each tree it links, sorted
}

// Linking lists the recorded lib/ directories that still link trees of
// the cache, sorted by path; with forget it deletes the records of those
// that link none (gone, or installed again in another mode).
func Linking(cacheDir string, forget bool) []LinkingProject {
	prefixes := treePrefixes(cacheDir)
	var out []LinkingProject
	_ = filepath.WalkDir(layout.LinkRecords(cacheDir), func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		lib := strings.TrimSuffix(string(b), "\n")
		trees := linkedTrees(lib, prefixes)
		if len(trees) == 0 {
			if forget {
				_ = os.Remove(p)
			}
			return nil
		}
		out = append(out, LinkingProject{Lib: lib, Trees: trees})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Lib < out[j].Lib })
	return out
}

// treePrefixes are the spellings of the unpacked bucket a symlink into it
// starts with (as given, absolute, with symlinks resolved).
func treePrefixes(cacheDir string) []string {
	ub := filepath.Join(cacheDir, layout.UnpackedBucket)
	out := []string{ub + string(filepath.Separator)}
	if a, err := filepath.Abs(ub); err == nil && a != ub {
		out = append(out, a+string(filepath.Separator))
	}
	if r, err := filepath.EvalSymlinks(ub); err == nil && r != ub {
		out = append(out, r+string(filepath.Separator))
	}
	return out
}

// linkedTrees are the trees (sha256) the symlinks of lib lead into.
func linkedTrees(lib string, prefixes []string) []string {
	ents, err := os.ReadDir(lib)
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, e := range ents {
		if e.Type()&fs.ModeSymlink == 0 {
			continue
		}
		t, err := os.Readlink(filepath.Join(lib, e.Name()))
		if err != nil {
			continue
		}
		for _, pfx := range prefixes {
			rest, ok := strings.CutPrefix(t, pfx)
			if !ok {
				continue
			}
			// <sha[:2]>/<sha>/files/...
			parts := strings.SplitN(filepath.ToSlash(rest), "/", 3)
			if len(parts) == 3 && validSHA(parts[1]) && !seen[parts[1]] {
				seen[parts[1]] = true
				out = append(out, parts[1])
			}
			break
		}
	}
	sort.Strings(out)
	return out
}

// Seal makes the tree read-only: its files 0444 (0555 when executable)
// and its directories 0555, so that an edit through a symlink fails for
// everyone but root. A sealed tree's files/ directory is 0555, which Seal
// checks first: a tree is walked once.
func (t *Tree) Seal() error {
	if t.Sealed() {
		return nil
	}
	files := filepath.Join(t.dir, filesDir)
	var dirs []string
	err := filepath.WalkDir(files, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			dirs = append(dirs, p)
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if m := fi.Mode().Perm(); m&0o222 != 0 {
			return os.Chmod(p, m&^0o222)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Deepest first, files/ itself (the mark) last.
	for i := len(dirs) - 1; i >= 0; i-- {
		if err := os.Chmod(dirs[i], 0o555); err != nil {
			return err
		}
	}
	return nil
}

// Sealed reports whether Seal made the tree read-only (its files/
// directory is 0555): a scheme.SealedSource, which symlink mode links
// without checking each file.
func (t *Tree) Sealed() bool {
	fi, err := os.Lstat(filepath.Join(t.dir, filesDir))
	return err == nil && fi.Mode().Perm() == 0o555
}

// Unseal makes the tree's directories writable again (its files stay
// read-only), so that byte code can be compiled into it; Seal it again
// afterwards.
func (t *Tree) Unseal() error {
	return fsutil.WritableDirs(filepath.Join(t.dir, filesDir))
}
