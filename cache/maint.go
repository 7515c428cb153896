package cache

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// OrphanAge is how old a temporary file or directory of the cache must be
// before Prune deletes it: younger ones may belong to a running process.
const OrphanAge = time.Hour

// PruneStats says what Prune removed.
type PruneStats struct {
	Trees, Wheels, Temps int
	Bytes                int64
}

// Clean removes the whole cache directory. It refuses a directory that
// does not look like a pkginstall cache (holding something other than
// known buckets and files).
func Clean(cacheDir string) error {
	ents, err := os.ReadDir(cacheDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range ents {
		n := e.Name()
		if !strings.Contains(n, "-v") && !strings.HasPrefix(n, ".") && n != "CACHEDIR.TAG" {
			return fmt.Errorf("refusing to clean %s: %s does not belong to a pkginstall cache", cacheDir, n)
		}
	}
	return os.RemoveAll(cacheDir)
}

// Prune removes unpacked trees and downloaded wheels not used for maxAge
// (a wheel counts as used when its unpacked tree is), and temporary files
// older than OrphanAge. A tree is renamed away before it is deleted.
func Prune(cacheDir string, maxAge time.Duration, now time.Time) (PruneStats, error) {
	var st PruneStats
	cut := now.Add(-maxAge)
	orphan := now.Add(-OrphanAge)
	used := map[string]bool{} // sha -> tree kept
	ub := filepath.Join(cacheDir, UnpackedBucket)
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
					if os.RemoveAll(p) == nil {
						st.Temps++
					}
				}
			case validSHA(e.Name()):
				if !fi.ModTime().Before(cut) {
					used[e.Name()] = true
					continue
				}
				tmp := filepath.Join(dir, tmpPrefix+"prune-"+e.Name())
				if os.Rename(p, tmp) != nil {
					continue
				}
				st.Bytes += du(tmp)
				if os.RemoveAll(tmp) == nil {
					st.Trees++
				}
			}
		}
	}
	wb := filepath.Join(cacheDir, WheelBucket)
	shards, _ = os.ReadDir(wb)
	for _, sh := range shards {
		dir := filepath.Join(wb, sh.Name())
		if sh.Name() == ".tmp" {
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
