package cache

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pkginstall/pkginstall/cache/layout"
	"github.com/pkginstall/pkginstall/internal/fsutil"
)

// OrphanAge is how old a temporary file or directory of the cache must be
// before Prune deletes it: younger ones may belong to a running process.
const OrphanAge = time.Hour

// PruneStats says what Prune removed.
type PruneStats struct {
	Trees, Wheels, Temps int
	Bytes                int64
}

// Clean removes every bucket of the cache directory, and the directory
// itself when nothing else is left in it but its CACHEDIR.TAG. It refuses,
// removing nothing, a directory that is not a pkginstall cache
// (layout.Check; the error is a *layout.NotACacheError), and never removes
// an entry of the root that is not a known bucket.
func Clean(cacheDir string) error {
	exists, err := layout.Check(cacheDir)
	if !exists || err != nil {
		return err
	}
	for _, b := range layout.Buckets {
		if err := fsutil.RemoveAll(filepath.Join(cacheDir, b)); err != nil {
			return err
		}
	}
	ents, err := os.ReadDir(cacheDir)
	if err != nil {
		return err
	}
	if len(ents) == 1 && ents[0].Name() == layout.TagName {
		if err := os.Remove(filepath.Join(cacheDir, layout.TagName)); err != nil {
			return err
		}
	}
	if len(ents) <= 1 {
		return os.Remove(cacheDir)
	}
	return nil
}

// Prune removes unpacked trees and downloaded wheels not used for maxAge
// (a wheel counts as used when its unpacked tree is), and temporary files
// older than OrphanAge. A tree that a project links in symlink mode is
// kept (see Linking). A tree is renamed away before it is deleted. It
// refuses, as Clean does, a directory that is not a pkginstall cache.
func Prune(cacheDir string, maxAge time.Duration, now time.Time) (PruneStats, error) {
	var st PruneStats
	if exists, err := layout.Check(cacheDir); !exists || err != nil {
		return st, err
	}
	cut := now.Add(-maxAge)
	orphan := now.Add(-OrphanAge)
	used := map[string]bool{} // sha -> tree kept
	for _, lp := range Linking(cacheDir, true) {
		for _, sha := range lp.Trees {
			used[sha] = true
		}
	}
	ub := filepath.Join(cacheDir, layout.UnpackedBucket)
	shards, _ := os.ReadDir(ub)
	for _, sh := range shards {
		if !sh.IsDir() {
			continue
		}
		dir := filepath.Join(ub, sh.Name())
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			p := filepath.Join(dir, e.Name())
			fi, err := e.Info()
			if err != nil {
				continue
			}
			switch {
			case strings.HasPrefix(e.Name(), tmpPrefix):
				if fi.ModTime().Before(orphan) {
					st.Bytes += du(p)
					if fsutil.RemoveAll(p) == nil {
						st.Temps++
					}
				}
			case validSHA(e.Name()):
				if used[e.Name()] || !fi.ModTime().Before(cut) {
					used[e.Name()] = true
					continue
				}
				tmp := filepath.Join(dir, tmpPrefix+"prune-"+e.Name())
				if os.Rename(p, tmp) != nil {
					continue
				}
				st.Bytes += du(tmp)
				if fsutil.RemoveAll(tmp) == nil {
					st.Trees++
				}
			}
		}
	}
	wb := filepath.Join(cacheDir, layout.WheelsBucket)
	shards, _ = os.ReadDir(wb)
	for _, sh := range shards {
		dir := filepath.Join(wb, sh.Name())
		if layout.IsWheelTempDir(sh.Name()) {
			ents, _ := os.ReadDir(dir)
			for _, e := range ents {
				if fi, err := e.Info(); err == nil && fi.ModTime().Before(orphan) {
					st.Bytes += fi.Size()
					if os.Remove(filepath.Join(dir, e.Name())) == nil {
						st.Temps++
					}
				}
			}
			continue
		}
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if !validSHA(e.Name()) || used[e.Name()] {
				continue
			}
			p := filepath.Join(dir, e.Name())
			if newest(p).Before(cut) {
				st.Bytes += du(p)
				if os.RemoveAll(p) == nil {
					st.Wheels++
				}
			}
		}
	}
	return st, nil
}

// newest is the latest mtime of dir and its direct entries.
func newest(dir string) time.Time {
	var t time.Time
	if fi, err := os.Stat(dir); err == nil {
		t = fi.ModTime()
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if fi, err := e.Info(); err == nil && fi.ModTime().After(t) {
			t = fi.ModTime()
		}
	}
	return t
}

// du is the size of the files under p.
func du(p string) int64 {
	var n int64
	_ = filepath.WalkDir(p, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
