package scheme

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"
)

// moveUnits decides what the commit renames for each plan: for every file,
// the shallowest of its directories that does not exist in the target, is
// not one of the scheme's own directories and receives files of this plan
// only (everything staged under it belongs to the distribution, so one
// rename moves it all); else the file itself. The units inside the plan's
// .dist-info come last, RECORD last of all, so a distribution is listed
// as installed only once everything else is in place. A symlinked entry
// of lib/ (jobPlan.links) is one unit.
func moveUnits(root *os.Root, plans []*jobPlan, stops map[string]bool) error {
	users := map[string]int{} // directory -> plan index + 1, or -1 when shared
	for i, pl := range plans {
		for d := range pl.dirs {
			if u, ok := users[d]; !ok {
				users[d] = i + 1
			} else if u != i+1 {
				users[d] = -1
			}
		}
	}
	exists := map[string]bool{}
	for _, pl := range plans {
		for _, l := range pl.removeLinks {
			exists[l] = false // unlinked before the renames
		}
	}
	exist := func(d string) (bool, error) {
		if e, ok := exists[d]; ok {
			return e, nil
		}
		_, err := root.Lstat(d)
		switch {
		case err == nil:
			exists[d] = true
		case errors.Is(err, fs.ErrNotExist):
			exists[d] = false
		default:
			return false, err
		}
		return exists[d], nil
	}
	for i, pl := range plans {
		seen := map[string]bool{}
		var units, last []string
		for _, l := range pl.links {
			units = append(units, l.dest)
		}
		for _, f := range pl.files {
			if f.covered {
				continue
			}
			u := f.dest
			for k := 0; k < len(f.dest); k++ {
				if f.dest[k] != '/' {
					continue
				}
				d := f.dest[:k]
				if stops[d] || users[d] != i+1 {
					continue
				}
				e, err := exist(d)
				if err != nil {
					return fmt.Errorf("commit: %w", err)
				}
				if !e {
					u = d
					break
				}
			}
			if seen[u] {
				continue
			}
			seen[u] = true
			if u == pl.distInfo || strings.HasPrefix(u, pl.distInfo+"/") {
				last = append(last, u)
			} else {
				units = append(units, u)
			}
		}
		pl.units = append(units, last...)
	}
	return nil
}

// mover renames staged units into place, keeping the handles of the last
// staged and destination directories open.
type mover struct {
	root           *os.Root
	made           map[string]bool // destination directories known to exist
	fromRel, toRel string
	from, to       *dirHandle
	hook           func(n int) error
	n              int
}

func (m *mover) close() {
	if m.from != nil {
		m.from.close()
		m.from = nil
	}
	if m.to != nil {
		m.to.close()
		m.to = nil
	}
}

// move rolls unit a of staging directory staged forward: renamed into
// place when still staged; else it must already be in place.
func (m *mover) move(project, staged, a string) error {
	sdir, sname := path.Split(path.Join(staged, a))
	sdir = strings.TrimSuffix(sdir, "/")
	ddir, dname := path.Dir(a), path.Base(a)
	if m.from == nil || m.fromRel != sdir {
		if m.from != nil {
			m.from.close()
			m.from = nil
		}
		h, err := openDir(m.root, sdir)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			// The whole staged directory is gone: a is in place, or lost.
			if _, err := m.root.Lstat(a); err != nil {
				return fmt.Errorf("cannot finish installing %s: staged %s is gone and %s is missing", project, path.Join(staged, a), a)
			}
			return nil
		case err != nil:
			return fmt.Errorf("install %s: %w", a, err)
		}
		m.from, m.fromRel = h, sdir
	}
	ok, err := m.from.exists(sname)
	if err != nil {
		return fmt.Errorf("install %s: %w", a, err)
	}
	if !ok {
		if _, err := m.root.Lstat(a); err != nil {
			return fmt.Errorf("cannot finish installing %s: staged %s is gone and %s is missing", project, path.Join(staged, a), a)
		}
		return nil
	}
	if m.to == nil || m.toRel != ddir {
		if m.to != nil {
			m.to.close()
			m.to = nil
		}
		if ddir != "." && !m.made[ddir] {
			if err := m.root.MkdirAll(ddir, 0o755); err != nil {
				return fmt.Errorf("install %s: %w", a, err)
			}
			m.made[ddir] = true
		}
		h, err := openDir(m.root, ddir)
		if err != nil {
			return fmt.Errorf("install %s: %w", a, err)
		}
		m.to, m.toRel = h, ddir
	}
	if err := m.from.renameTo(sname, m.to, dname); err != nil {
		// A directory already in place (which the plan did not expect):
		// merge the staged one into it, entry by entry.
		if !errors.Is(err, syscall.EEXIST) && !errors.Is(err, syscall.ENOTEMPTY) {
			return fmt.Errorf("install %s: %w", a, err)
		}
		if err := mergeTree(m.root, path.Join(staged, a), a); err != nil {
			return fmt.Errorf("install %s: %w", a, err)
		}
	}
	m.n++
	if m.hook != nil {
		return m.hook(m.n)
	}
	return nil
}

// mergeTree moves every entry of directory from into directory to,
// recursing where both hold a directory of one name.
func mergeTree(root *os.Root, from, to string) error {
	ents, err := fs.ReadDir(root.FS(), from)
	if err != nil {
		return err
	}
	for _, e := range ents {
		f, t := from+"/"+e.Name(), to+"/"+e.Name()
		if err := root.Rename(f, t); err != nil {
			fi, lerr := root.Lstat(t)
			if e.IsDir() && lerr == nil && fi.IsDir() {
				if err := mergeTree(root, f, t); err != nil {
					return err
				}
				continue
			}
			return err
		}
	}
	return nil
}
