package scheme

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Names pkginstall reserves at the top of a target directory.
const (
	JournalName = ".pkginstall-journal.json"
	StagingDir  = ".pkginstall-staging"
	LockName    = ".pkginstall.lock" // in __pypackages__
	reservedPfx = ".pkginstall"
	journalTmp  = JournalName + ".tmp"
	maxJournal  = 256 << 20
)

// journal is the commit record of one run. Once it is on disk every step
// it describes is rolled forward: remove every Remove path of every dist
// (none of them is an Add path of any dist or lies below one), rename
// every staged Add path into place in order (an Add path is a file, or a
// whole directory that did not exist in the target; RECORD and the
// .dist-info come last), remove directories left empty, remove the
// staging directory and the journal. Each step is idempotent: an Add path
// no longer staged must already be in place.
type journal struct {
	Version int           `json:"version"`
	ID      string        `json:"id"`
	Staging string        `json:"staging,omitempty"` // ".pkginstall-staging/<id>"
	Dists   []journalDist `json:"dists"`

	links map[string]bool // every Links path, by underLink
}

type journalDist struct {
	Project string   `json:"project"`
	Version string   `json:"version,omitempty"`
	Staged  string   `json:"staged,omitempty"` // target-relative dir holding the staged Add files
	Remove  []string `json:"remove,omitempty"` // target-relative files to delete
	// RemoveDirs are directories removed after Remove, in order, when they
	// are (still) real directories: where a symlink of the run goes. Empty
	// by then; one that is not stops the commit.
	RemoveDirs []string `json:"remove_dirs,omitempty"`
	// RemoveLinks are symlinks of lib/ (--link-mode symlink) unlinked after
	// Remove when they are (still) symlinks; what they lead to is never
	// touched.
	RemoveLinks []string `json:"remove_links,omitempty"`
	// Links are the Add paths that are symlinks. A Remove path below one
	// lies in the directory the symlink replaced: once the symlink is in
	// place, it is gone.
	Links []string `json:"links,omitempty"`
	Add   []string `json:"add,omitempty"` // target-relative files or directories to rename from Staged
}

func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// parseJournal decodes and validates a journal: every path is a clean
// relative path, none lies in a reserved name except staged ones under the
// journal's staging directory, and no path is both removed and added.
func parseJournal(b []byte) (*journal, error) {
	var j journal
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if dec.More() {
		return nil, errors.New("journal: trailing data")
	}
	if j.Version != 1 {
		return nil, fmt.Errorf("journal: version %d, want 1", j.Version)
	}
	if j.Staging != "" && (validName(j.Staging) != nil || !strings.HasPrefix(j.Staging, StagingDir+"/")) {
		return nil, fmt.Errorf("journal: bad staging directory %q", j.Staging)
	}
	added := map[string]bool{}
	linkAdded := map[string]bool{}
	for i := range j.Dists {
		d := &j.Dists[i]
		if d.Project == "" {
			return nil, errors.New("journal: a distribution without a name")
		}
		if len(d.Add) == 0 {
			d.Add = nil
		}
		if len(d.Remove) == 0 {
			d.Remove = nil
		}
		if len(d.RemoveDirs) == 0 {
			d.RemoveDirs = nil
		}
		if len(d.RemoveLinks) == 0 {
			d.RemoveLinks = nil
		}
		if len(d.Links) == 0 {
			d.Links = nil
		}
		for _, r := range slices.Concat(d.RemoveDirs, d.RemoveLinks, d.Links) {
			if err := checkDest(r); err != nil {
				return nil, fmt.Errorf("journal: %q: %w", r, err)
			}
		}
		for _, l := range d.Links {
			if !slices.Contains(d.Add, l) {
				return nil, fmt.Errorf("journal: link %q is not added", l)
			}
			linkAdded[l] = true
		}
		if d.Staged != "" && (j.Staging == "" || validName(d.Staged) != nil || !strings.HasPrefix(d.Staged, j.Staging+"/")) {
			return nil, fmt.Errorf("journal: bad staged directory %q", d.Staged)
		}
		if len(d.Add) > 0 && d.Staged == "" {
			return nil, fmt.Errorf("journal: %s adds files but has no staged directory", d.Project)
		}
		for _, a := range d.Add {
			if err := checkDest(a); err != nil {
				return nil, fmt.Errorf("journal: %q: %w", a, err)
			}
			added[a] = true
		}
	}
	for _, d := range j.Dists {
		for _, r := range d.Remove {
			if err := checkDest(r); err != nil {
				return nil, fmt.Errorf("journal: %q: %w", r, err)
			}
			for a := r; a != "."; a = path.Dir(a) {
				if added[a] && (a == r || !linkAdded[a]) {
					return nil, fmt.Errorf("journal: %q is both removed and added", r)
				}
			}
		}
		for _, r := range d.RemoveLinks {
			if linkAdded[r] {
				return nil, fmt.Errorf("journal: symlink %q is both removed and added", r)
			}
		}
	}
	return &j, nil
}

// checkDest validates a target-relative destination.
func checkDest(p string) error {
	if err := validName(p); err != nil {
		return err
	}
	if strings.HasPrefix(p, reservedPfx) {
		return errors.New("name reserved by pkginstall")
	}
	return nil
}

// writeJournal writes j atomically (temporary file, fsync, rename).
func writeJournal(root *os.Root, j *journal) error {
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	f, err := root.OpenFile(journalTmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("write journal: %w", err)
	}
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = root.Rename(journalTmp, JournalName)
	}
	if err != nil {
		_ = root.Remove(journalTmp)
		return fmt.Errorf("write journal: %w", err)
	}
	syncDir(root.Name())
	return nil
}

// syncDir fsyncs a directory, best effort.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// apply rolls the journal forward. hook, for tests, runs after each rename
// and can stop the commit as a crash would.
func (j *journal) apply(root *os.Root, stops map[string]bool, hook func(n int) error) error {
	for _, d := range j.Dists {
		for _, r := range d.Remove {
			if err := root.Remove(r); err != nil && !errors.Is(err, fs.ErrNotExist) {
				if fi, lerr := root.Lstat(r); lerr == nil && fi.IsDir() {
					continue // a directory listed in a RECORD: kept while not empty
				}
				if j.underLink(r) {
					continue // its directory is already replaced by a symlink
				}
				return fmt.Errorf("remove %s: %w", r, err)
			}
		}
		for _, r := range d.RemoveLinks {
			if fi, err := root.Lstat(r); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
				continue
			}
			if err := root.Remove(r); err != nil {
				return fmt.Errorf("remove %s: %w", r, err)
			}
		}
		for _, r := range d.RemoveDirs {
			// Only a real directory: once the symlink is in place (a run
			// rolled forward twice), it stays.
			if fi, err := root.Lstat(r); err != nil || !fi.IsDir() {
				continue
			}
			if err := root.Remove(r); err != nil {
				return fmt.Errorf("remove %s: %w", r, err)
			}
		}
	}
	m := &mover{root: root, made: map[string]bool{}, hook: hook}
	for _, d := range j.Dists {
		for _, a := range d.Add {
			if err := m.move(d.Project, d.Staged, a); err != nil {
				m.close()
				return err
			}
		}
	}
	m.close()
	for _, d := range j.Dists {
		for _, r := range d.Remove {
			if !j.underLink(r) { // never through (nor the) symlink
				removeEmptyParents(root, path.Dir(r), stops)
			}
		}
	}
	if j.Staging != "" {
		if err := root.RemoveAll(j.Staging); err != nil {
			return fmt.Errorf("remove staging directory: %w", err)
		}
		_ = root.Remove(StagingDir) // only when empty
	}
	if err := root.Remove(JournalName); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove journal: %w", err)
	}
	syncDir(root.Name())
	return nil
}

// underLink reports whether target-relative r lies below a symlink the
// journal adds.
func (j *journal) underLink(r string) bool {
	if j.links == nil {
		j.links = map[string]bool{}
		for _, d := range j.Dists {
			for _, l := range d.Links {
				j.links[l] = true
			}
		}
	}
	if len(j.links) == 0 {
		return false
	}
	for a := path.Dir(r); a != "." && a != "/"; a = path.Dir(a) {
		if j.links[a] {
			return true
		}
	}
	return false
}

// removeEmptyParents removes dir and its ancestors while they are empty,
// stopping at the target and at the scheme's own directories.
func removeEmptyParents(root *os.Root, dir string, stops map[string]bool) {
	for dir != "." && dir != "" && !stops[dir] {
		if err := root.Remove(dir); err != nil {
			return
		}
		dir = path.Dir(dir)
	}
}

// stopDirs are the directories empty-directory cleanup never removes.
func (p Paths) stopDirs() map[string]bool {
	stops := map[string]bool{".": true}
	for _, d := range []string{p.Lib, p.Bin, p.Include} {
		if r, err := p.rel(d); err == nil {
			for ; r != "."; r = path.Dir(r) {
				stops[r] = true
			}
		}
	}
	return stops
}

// Recover brings the target to a consistent state after an interrupted
// run: a journal is rolled forward to the end, and with no journal any
// staging directory is deleted (nothing of it was committed). Callers
// hold Lock. Install, InstallAll and Uninstall call it first.
func Recover(p Paths) error {
	if err := p.check(); err != nil {
		return err
	}
	if _, err := os.Stat(p.Target); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	root, err := os.OpenRoot(p.Target)
	if err != nil {
		return fmt.Errorf("open target: %w", err)
	}
	defer root.Close()
	return recoverRoot(root, p)
}

func recoverRoot(root *os.Root, p Paths) error {
	b, err := readLimited(root, JournalName, maxJournal)
	switch {
	case err == nil:
		j, err := parseJournal(b)
		if err != nil {
			return fmt.Errorf("cannot finish the interrupted install in %s: %w; remove %s after checking the target", p.Target, err, filepath.Join(p.Target, JournalName))
		}
		if err := j.apply(root, p.stopDirs(), nil); err != nil {
			return fmt.Errorf("cannot finish the interrupted install in %s: %w", p.Target, err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("read journal: %w", err)
	}
	if err := root.Remove(journalTmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", journalTmp, err)
	}
	if err := root.RemoveAll(StagingDir); err != nil {
		return fmt.Errorf("remove stale staging directory: %w", err)
	}
	return nil
}

// Leftovers lists, as absolute paths, what an interrupted run left in the
// target (a journal, staging directories), for doctor. Recover clears them.
func Leftovers(p Paths) ([]string, error) {
	var out []string
	for _, n := range []string{JournalName, journalTmp} {
		if _, err := os.Lstat(filepath.Join(p.Target, n)); err == nil {
			out = append(out, filepath.Join(p.Target, n))
		}
	}
	ents, err := os.ReadDir(filepath.Join(p.Target, StagingDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return out, err
	}
	for _, e := range ents {
		out = append(out, filepath.Join(p.Target, StagingDir, e.Name()))
	}
	return out, nil
}

// readLimited reads a file through root, refusing files larger than max.
func readLimited(root *os.Root, name string, max int64) ([]byte, error) {
	f, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", name)
	}
	if fi.Size() > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, max)
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, max)
	}
	return b, nil
}
