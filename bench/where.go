package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// location is one file system the cases run on: all scratch work of a
// round there (projects, caches, every tool's TMPDIR and XDG directories).
type location struct {
	Name    string    `json:"name"` // "tmpfs" or "disk"
	Dir     string    `json:"dir"`
	FS      string    `json:"fs"` // file-system type of Dir
	Cases   []*result `json:"cases"`
	Targets []target  `json:"targets"`
	NA      string    `json:"na,omitempty"` // why nothing ran here

	results map[string]*result
	mounted bool // a tmpfs this run mounted (and unmounts)
}

// tmp is the TMPDIR of every run at this location.
func (l *location) tmp() string { return filepath.Join(l.Dir, "tmp") }

// locations prepares the scratch directories the -where list names under
// root: "tmpfs" mounts a tmpfs at root/tmpfs (root on Linux only; else it
// is n/a with the reason), "disk" is root/disk.
func locations(ctx context.Context, root string, where []string, logf func(string, ...any)) ([]*location, error) {
	var locs []*location
	for _, w := range where {
		l := &location{Name: w, Dir: filepath.Join(root, w), results: map[string]*result{}}
		if err := os.MkdirAll(l.Dir, 0o755); err != nil {
			return nil, err
		}
		switch w {
		case "tmpfs":
			if err := mountTmpfs(l.Dir); err != nil {
				l.NA = "no tmpfs: " + err.Error()
				logf("tmpfs cases are n/a: %v", err)
			} else {
				l.mounted = true
			}
		case "disk":
		default:
			return nil, fmt.Errorf("unknown -where %q (tmpfs, disk)", w)
		}
		l.FS = fsType(l.Dir)
		if w == "disk" && l.FS == "tmpfs" {
			l.NA = l.Dir + " is on a tmpfs: give -dir on a disk"
		}
		if l.NA == "" {
			if err := os.MkdirAll(l.tmp(), 0o755); err != nil {
				return nil, err
			}
		}
		locs = append(locs, l)
	}
	return locs, nil
}

// release unmounts what locations mounted.
func release(locs []*location, logf func(string, ...any)) {
	for _, l := range locs {
		if l.mounted {
			if err := unmount(l.Dir); err != nil {
				logf("unmounting %s: %v", l.Dir, err)
			}
			l.mounted = false
		}
	}
}

// fsType is the type of the file system that holds dir, from
// /proc/self/mounts (the longest mount point that is a prefix of it).
func fsType(dir string) string {
	b, err := os.ReadFile("/proc/self/mounts")
	if err != nil {
		return "unknown"
	}
	abs, _ := filepath.Abs(dir)
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	best, typ := "", "unknown"
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		mp := strings.ReplaceAll(f[1], `\040`, " ")
		if (abs == mp || strings.HasPrefix(abs, strings.TrimSuffix(mp, "/")+"/")) && len(mp) >= len(best) {
			best, typ = mp, f[2]
		}
	}
	return typ
}

var errNotRoot = errors.New("mounting a tmpfs needs root on Linux")
