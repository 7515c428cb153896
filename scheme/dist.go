package scheme

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/pep508"
)

// Dist is an installed distribution: a lib/*.dist-info directory.
type Dist struct {
	Name      string        // METADATA Name (the directory's name part when missing)
	Version   string        // METADATA Version
	DistInfo  string        // absolute path of the .dist-info directory
	Installer string        // INSTALLER, trimmed ("" when missing)
	Requested bool          // REQUESTED exists
	Files     []RecordEntry // RECORD, paths as written (relative to lib/)
	// RecordErr is why RECORD could not be read (nil when it was).
	RecordErr error
	// DanglingLinks are the symlinked top-level entries of lib/ holding
	// its files (--link-mode symlink) that no longer resolve (their cache
	// tree is gone), as absolute paths: installing it again repairs them.
	DanglingLinks []string

	target string // absolute target directory
	libRel string // target-relative directory holding the .dist-info
	dirRel string // target-relative .dist-info directory
}

// Problem is one way an installed file differs from its RECORD.
type Problem struct {
	Path   string // absolute path, or the RECORD path when it lies outside the target
	Detail string // "missing", "sha256 is X, RECORD says Y", ...
}

// String formats the problem as "path: detail".
func (p Problem) String() string { return p.Path + ": " + p.Detail }

// ErrNotInstalled is wrapped by Uninstall when no distribution has the name.
var ErrNotInstalled = errors.New("not installed")

// List returns the distributions installed in the target, sorted by
// normalised name, from lib/*.dist-info.
func List(p Paths) ([]Dist, error) {
	return list(p, true)
}

// ListHeads is List without reading each RECORD (Files and RecordErr are
// left empty): names, versions, INSTALLER and REQUESTED, for a caller that
// needs no file list (planning, the check of requirements). Where a
// symlink of lib/ dangles (--link-mode symlink) it reads them all the
// same, to find DanglingLinks.
func ListHeads(p Paths) ([]Dist, error) {
	return list(p, false)
}

func list(p Paths, records bool) ([]Dist, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(p.Target); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	root, err := os.OpenRoot(p.Target)
	if err != nil {
		return nil, fmt.Errorf("open target: %w", err)
	}
	defer root.Close()
	return listDists(root, p, records)
}

// listRoot lists the distributions of the target opened as root, with
// their RECORDs.
func listRoot(root *os.Root, p Paths) ([]Dist, error) {
	return listDists(root, p, true)
}

func listDists(root *os.Root, p Paths, records bool) ([]Dist, error) {
	libRel, err := p.rel(p.Lib)
	if err != nil {
		return nil, err
	}
	d, err := root.Open(libRel)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", p.Lib, err)
	}
	ents, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", p.Lib, err)
	}
	links := libSymlinks(p.Lib, ents)
	// Dangling symlinks (--link-mode symlink) are assigned to their
	// distributions from RECORD; when none dangles, no RECORD is needed
	// to know that no distribution has one.
	dangles := false
	for _, ok := range links {
		dangles = dangles || !ok
	}
	var out []Dist
	for _, e := range ents {
		if !e.IsDir() || !strings.HasSuffix(e.Name(), ".dist-info") {
			continue
		}
		d := readDist(root, p, libRel, e.Name(), records || dangles)
		if dangles {
			d.DanglingLinks = d.dangling(links)
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool {
		ni, nj := pep508.NormalizeName(out[i].Name), pep508.NormalizeName(out[j].Name)
		if ni != nj {
			return ni < nj
		}
		return out[i].DistInfo < out[j].DistInfo
	})
	return out, nil
}

func readDist(root *os.Root, p Paths, libRel, dir string, record bool) Dist {
	rel := libRel + "/" + dir
	stem := strings.TrimSuffix(dir, ".dist-info")
	d := Dist{
		DistInfo: filepath.Join(p.Target, filepath.FromSlash(rel)),
		target:   p.Target,
		libRel:   libRel,
		dirRel:   rel,
	}
	if i := strings.LastIndexByte(stem, '-'); i > 0 {
		d.Name, d.Version = stem[:i], stem[i+1:]
	} else {
		d.Name = stem
	}
	if b, err := readLimited(root, rel+"/METADATA", distinfo.MaxMetadataSize); err == nil {
		if hs, _, err := distinfo.ParseHeaders(b); err == nil {
			if n := hs.Get("Name"); n != "" {
				d.Name = n
			}
			if v := hs.Get("Version"); v != "" {
				d.Version = v
			}
		}
	}
	if b, err := readLimited(root, rel+"/INSTALLER", 4096); err == nil {
		d.Installer = strings.TrimSpace(string(b))
	}
	if _, err := root.Lstat(rel + "/REQUESTED"); err == nil {
		d.Requested = true
	}
	if d.Name == "" {
		d.Name = dir
	}
	if !record {
		return d
	}
	b, err := readLimited(root, rel+"/RECORD", MaxRecordSize)
	if err == nil {
		d.Files, err = distinfo.ParseRecord(b)
	}
	if err != nil {
		d.RecordErr = fmt.Errorf("%s: %w", filepath.Join(d.DistInfo, "RECORD"), err)
	}
	return d
}

// dangling lists the symlinks of lib/ that hold d's files and do not
// resolve (links: name -> resolves).
func (d *Dist) dangling(links map[string]bool) []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range d.Files {
		// RECORD paths are relative to lib/: the first element is the entry.
		name, _, _ := strings.Cut(e.Path, "/")
		if ok, isLink := links[name]; !isLink || ok || seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, filepath.Join(d.target, filepath.FromSlash(d.libRel), name))
	}
	return out
}

// targetFiles returns the target-relative paths of d's RECORD that lie in
// the target, and the RECORD paths that do not.
func (d *Dist) targetFiles() (in []string, outside []string) {
	for _, e := range d.Files {
		t, err := recordToTarget(d.libRel, e.Path)
		if err != nil {
			outside = append(outside, e.Path)
			continue
		}
		in = append(in, t)
	}
	return in, outside
}

// Verify compares the installed files with RECORD: missing files, sizes and
// hashes (sha256, sha384, sha512) that differ, paths outside the target and
// an unreadable RECORD. The files of a symlinked top-level entry of lib/
// (--link-mode symlink) are read through the link when it leads to this
// distribution's cache tree; a dangling link, or one that leads elsewhere,
// is one problem.
func (d *Dist) Verify() []Problem {
	var probs []Problem
	if d.RecordErr != nil {
		return []Problem{{Path: filepath.Join(d.DistInfo, "RECORD"), Detail: d.RecordErr.Error()}}
	}
	root, err := os.OpenRoot(d.target)
	if err != nil {
		return []Problem{{Path: d.target, Detail: err.Error()}}
	}
	defer root.Close()
	links := map[string]libLink{} // top-level entries of lib/, looked at once
	for _, e := range d.Files {
		t, err := recordToTarget(d.libRel, e.Path)
		if err != nil {
			probs = append(probs, Problem{Path: e.Path, Detail: "RECORD path lies outside the target"})
			continue
		}
		abs := filepath.Join(d.target, filepath.FromSlash(t))
		lstat := func() (fs.FileInfo, error) { return root.Lstat(t) }
		open := func() (io.ReadCloser, error) { return root.Open(t) }
		if top, rest := libTop(d.libRel, t); top != "" {
			l, seen := links[top]
			if !seen {
				if fi, err := root.Lstat(top); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
					if l = d.checkLink(top); l.problem != "" {
						probs = append(probs, Problem{Path: filepath.Join(d.target, filepath.FromSlash(top)), Detail: l.problem})
					}
				}
				links[top] = l
			}
			if l.problem != "" {
				continue
			}
			if l.target != "" {
				p := filepath.Join(l.target, filepath.FromSlash(rest))
				lstat = func() (fs.FileInfo, error) { return os.Lstat(p) }
				open = func() (io.ReadCloser, error) { return os.Open(p) }
			}
		}
		if pr := verifyEntry(abs, e, lstat, open); pr != nil {
			probs = append(probs, *pr)
		}
	}
	return probs
}

// verifyEntry checks the file of one RECORD entry (at abs, for messages),
// read through lstat and open.
func verifyEntry(abs string, e RecordEntry, lstat func() (fs.FileInfo, error), open func() (io.ReadCloser, error)) *Problem {
	fi, err := lstat()
	if err != nil {
		return &Problem{Path: abs, Detail: "missing"}
	}
	if e.Hash == "" && e.Size < 0 {
		return nil
	}
	if !fi.Mode().IsRegular() {
		return &Problem{Path: abs, Detail: "not a regular file"}
	}
	if e.Size >= 0 && fi.Size() != e.Size {
		return &Problem{Path: abs, Detail: fmt.Sprintf("size is %d, RECORD says %d", fi.Size(), e.Size)}
	}
	if e.Hash == "" {
		return nil
	}
	algo, _, _ := strings.Cut(e.Hash, "=")
	h, ok := distinfo.NewHash(algo)
	if !ok {
		return &Problem{Path: abs, Detail: fmt.Sprintf("RECORD uses unknown hash %q", algo)}
	}
	f, err := open()
	if err != nil {
		return &Problem{Path: abs, Detail: err.Error()}
	}
	_, err = io.Copy(h, f)
	f.Close()
	if err != nil {
		return &Problem{Path: abs, Detail: err.Error()}
	}
	if got := algo + "=" + base64.RawURLEncoding.EncodeToString(h.Sum(nil)); got != e.Hash {
		return &Problem{Path: abs, Detail: fmt.Sprintf("hash is %s, RECORD says %s", got, e.Hash)}
	}
	return nil
}

// owners maps target-relative paths to the distribution ("name version")
// whose RECORD claims them, skipping the dists in skip.
func owners(dists []Dist, skip map[string]bool) map[string]string {
	m := map[string]string{}
	for i := range dists {
		d := &dists[i]
		if skip[d.dirRel] {
			continue
		}
		in, _ := d.targetFiles()
		for _, t := range in {
			if _, ok := m[t]; !ok {
				m[t] = d.Name + " " + d.Version
			}
		}
	}
	return m
}

// removalSet lists the target-relative files that removing the dists in
// old deletes: their RECORD files inside the target, every file of their
// .dist-info directories, and the __pycache__ byte code of their .py
// files; minus files owned (per owned) by another distribution and minus
// keep (files the same run installs).
//
// A top-level entry of lib/ that is a symlink made by --link-mode symlink
// (one leading to a tree beside the distribution's own .dist-info, or a
// dangling one) is removed as one, as a link in links, never through it,
// and not while another distribution has files below it. A symlink
// leading elsewhere (someone else's) is left alone with what lies below.
func removalSet(root *os.Root, old []*Dist, owned map[string]string, keep map[string]bool) (out, links []string) {
	seen := map[string]bool{}
	add := func(t string) {
		if seen[t] || keep[t] || checkDest(t) != nil {
			return
		}
		if _, ok := owned[t]; ok {
			return
		}
		// Missing files need no removal; a path reached through a symlink
		// that leaves the target is not ours to remove.
		if _, err := root.Lstat(t); err != nil {
			return
		}
		seen[t] = true
		out = append(out, t)
	}
	const (
		notLink     = iota
		ownLink     // made by symlink mode: unlinked as one
		foreignLink // someone else's: left alone with what lies below
	)
	linked := map[string]int{}
	linkKind := func(d *Dist, top string) int {
		k, ok := linked[top]
		if !ok {
			if fi, err := root.Lstat(top); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
				k = foreignLink
				if l := d.checkLink(top); l.target != "" || l.dangling {
					k = ownLink
				}
			}
			linked[top] = k
		}
		return k
	}
	// The top-level entries of lib/ that other distributions have files
	// below, gathered from owned at the first own link only: without
	// symlinks, owned (every file of every other installed distribution)
	// is not walked again for each plan.
	var ownedTops map[string]bool
	ownedTop := func(d *Dist, top string) bool {
		if ownedTops == nil {
			ownedTops = map[string]bool{}
			for t := range owned {
				if top, _ := libTop(d.libRel, t); top != "" {
					ownedTops[top] = true
				}
			}
		}
		return ownedTops[top]
	}
	for _, d := range old {
		in, _ := d.targetFiles()
		// The .dist-info directory's own files first: once RECORD is gone the
		// distribution no longer lists as installed.
		_ = fs.WalkDir(root.FS(), d.dirRel, func(p string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				add(p)
			}
			return nil
		})
		pycache := map[string][]string{}
		for _, t := range in {
			if top, _ := libTop(d.libRel, t); top != "" {
				switch linkKind(d, top) {
				case ownLink:
					if !keep[top] && !seen[top] && !ownedTop(d, top) {
						seen[top] = true
						links = append(links, top)
					}
					if t != top {
						continue
					}
				case foreignLink:
					continue // never through it (os.Root follows a link inside the target), nor it
				}
			}
			add(t)
			if strings.HasSuffix(t, ".py") {
				dir, base := path.Split(t)
				pycache[dir] = append(pycache[dir], strings.TrimSuffix(base, ".py")+".")
			}
		}
		for dir, stems := range pycache {
			cache := dir + "__pycache__"
			ents, err := fs.ReadDir(root.FS(), cache)
			if err != nil {
				continue
			}
			for _, e := range ents {
				if e.IsDir() || !strings.HasSuffix(e.Name(), ".pyc") {
					continue
				}
				for _, s := range stems {
					if strings.HasPrefix(e.Name(), s) {
						add(cache + "/" + e.Name())
					}
				}
			}
		}
	}
	return out, links
}

// Uninstall removes the distribution called name (any spelling that
// normalises alike): the files its RECORD lists inside the target (scripts
// included), its whole .dist-info directory and the byte code of its .py
// files, never a file another distribution's RECORD claims; then it
// removes directories left empty. Paths outside the target are left alone.
// A crash part-way is finished by Recover. Callers hold Lock.
func Uninstall(ctx context.Context, p Paths, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := p.check(); err != nil {
		return err
	}
	root, err := os.OpenRoot(p.Target)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("uninstall %s: %w", name, ErrNotInstalled)
	}
	if err != nil {
		return fmt.Errorf("open target: %w", err)
	}
	defer root.Close()
	if err := recoverRoot(root, p); err != nil {
		return err
	}
	dists, err := listRoot(root, p)
	if err != nil {
		return err
	}
	norm := pep508.NormalizeName(name)
	var old []*Dist
	skip := map[string]bool{}
	for i := range dists {
		if pep508.NormalizeName(dists[i].Name) == norm {
			old = append(old, &dists[i])
			skip[dists[i].dirRel] = true
		}
	}
	if len(old) == 0 {
		return fmt.Errorf("uninstall %s: %w", name, ErrNotInstalled)
	}
	files, links := removalSet(root, old, owners(dists, skip), nil)
	j := &journal{Version: 1, ID: newID(), Dists: []journalDist{{
		Project:     old[0].Name,
		Version:     old[0].Version,
		Remove:      files,
		RemoveLinks: links,
	}}}
	if err := writeJournal(root, j); err != nil {
		return err
	}
	if err := j.apply(root, p.stopDirs(), nil); err != nil {
		return fmt.Errorf("uninstall %s: %w", name, err)
	}
	return nil
}
