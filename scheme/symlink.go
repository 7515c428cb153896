package scheme

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
)

// Symlink mode (LinkSymlink, opt-in). For a LinkSource (a cache tree),
// every top-level entry of lib/ (a package directory, or one module file:
// .py, .so, .pyd) that belongs to this distribution alone becomes one
// symbolic link, lib/<entry> -> the tree's absolute path of the entry.
// Its files are still listed one by one in RECORD, under their lib/
// paths, with the wheel's hashes (the tree was verified when written), so
// RECORD reads as in the other modes. The .dist-info, scripts, headers
// and data files are written per project as in the other modes.
//
// An entry goes file by file (as LinkAuto would link it) when another
// distribution installed or installed by the same run has files under it
// (a namespace package such as google/), when it is not a package or a
// module (a .pth file), when its files do not all come from the wheel's
// own member of that name (a .data/purelib part), when a directory is in
// the way that holds files the run does not remove, when the source is
// not a cache tree, and on Windows (symbolic links need privileges there).
// One warning per run lists those entries (see symlinkWarning).
//
// A symlinked entry is removed as a whole: uninstall and upgrade unlink
// the symlink (removalSet), never anything behind it; an upgrade that
// links the entry again replaces the old symlink by the rename of the new
// one. A real directory that the run empties and that a symlink replaces
// is removed by the commit (journal RemoveDirs) before the symlink moves
// in. The tree behind a symlink is not checked file by file for in-place
// edits (that stat per file is what the mode saves): the cache makes the
// tree read-only instead. A tree not read-only yet (a SealedSource that is
// not sealed: hard-linked projects could have written into it) has every
// file checked once, in Stage (checkUnsealed), before it is linked.

// linkEntry is a top-level entry of lib/ placed as one symbolic link.
type linkEntry struct {
	dest   string // target-relative: lib/<entry>
	target string // the source tree's absolute path of the entry
}

// symlinksWork says whether this system makes symbolic links for an
// ordinary user (Windows needs a privilege or developer mode).
var symlinksWork = runtime.GOOS != "windows"

// libTop splits target-relative t into its top-level entry of lib/
// ("lib/<first>") and the rest below it; top is "" when t does not lie
// below libRel.
func libTop(libRel, t string) (top, rest string) {
	r, ok := strings.CutPrefix(t, libRel+"/")
	if !ok {
		return "", ""
	}
	first, rest, _ := strings.Cut(r, "/")
	return libRel + "/" + first, rest
}

// moduleFile reports whether a file at the top of lib/ is a module of its
// own (source or extension), which symlink mode may link as one entry.
func moduleFile(name string) bool {
	return strings.HasSuffix(name, ".py") || strings.HasSuffix(name, ".so") || strings.HasSuffix(name, ".pyd")
}

// symlinkPlanner is one run's decision of what symlink mode links.
type symlinkPlanner struct {
	root      *os.Root
	libRel    string
	plans     []*jobPlan
	dists     []Dist
	owner     map[string]string // top -> "p<i>" or a .dist-info dirRel; "*" when shared
	fallbacks []string          // entries linked file by file, with the reason
}

// planSymlinks decides, for LinkSymlink, which top-level entries of lib/
// each plan links as one symlink (jobPlan.links), marks their files
// covered, and returns the files the commit must not remove (keep: every
// destination not covered, and every symlink) and the one warning naming
// what goes file by file. It reads each plan's replaced (markReplaced);
// replacements then computes the removals with that keep.
func planSymlinks(root *os.Root, libRel string, plans []*jobPlan, dists []Dist) (keep map[string]bool, warning string) {
	sp := &symlinkPlanner{root: root, libRel: libRel, plans: plans, dists: dists, owner: map[string]string{}}
	sp.owners()
	for i, pl := range plans {
		sp.plan(i, pl)
	}
	keep = map[string]bool{}
	for _, pl := range plans {
		for _, f := range pl.files {
			if !f.covered {
				keep[f.dest] = true
			}
		}
		for _, l := range pl.links {
			keep[l.dest] = true
		}
	}
	return keep, symlinkWarning(sp.fallbacks)
}

// owners records who has files under each top-level entry of lib/: each
// plan, and each installed distribution the run does not replace.
func (sp *symlinkPlanner) owners() {
	note := func(top, who string) {
		if top == "" {
			return
		}
		if o, ok := sp.owner[top]; ok && o != who {
			sp.owner[top] = "*"
			return
		}
		sp.owner[top] = who
	}
	replaced := map[string]bool{}
	for i, pl := range sp.plans {
		who := planOwner(i)
		for _, f := range pl.files {
			top, _ := libTop(sp.libRel, f.dest)
			note(top, who)
		}
		for _, d := range pl.replaced {
			replaced[d.dirRel] = true
		}
	}
	for j := range sp.dists {
		d := &sp.dists[j]
		if replaced[d.dirRel] {
			continue
		}
		in, _ := d.targetFiles()
		for _, t := range in {
			top, _ := libTop(sp.libRel, t)
			note(top, d.dirRel)
		}
	}
}

// planOwner names plan i in symlinkPlanner.owner.
func planOwner(i int) string { return "p" + strconv.Itoa(i) }

// plan decides the entries of plan i.
func (sp *symlinkPlanner) plan(i int, pl *jobPlan) {
	groups := map[string][]*planFile{}
	var tops []string
	for _, f := range pl.files {
		top, _ := libTop(sp.libRel, f.dest)
		if top == "" || top == pl.distInfo {
			continue
		}
		if _, ok := groups[top]; !ok {
			tops = append(tops, top)
		}
		groups[top] = append(groups[top], f)
	}
	if len(tops) == 0 {
		return
	}
	ls, ok := pl.job.Source.(LinkSource)
	if !ok || !symlinksWork {
		why := "not from the cache"
		if !symlinksWork {
			why = "no symbolic links on " + runtime.GOOS
		}
		sp.fallbacks = append(sp.fallbacks, fmt.Sprintf("%s (%s)", pl.label, why))
		return
	}
	for _, top := range tops {
		name := path.Base(top)
		why := sp.refuse(i, pl, top, groups[top])
		if why != "" {
			if len(groups[top]) > 1 || groups[top][0].dest != top {
				name += "/"
			}
			sp.fallbacks = append(sp.fallbacks, fmt.Sprintf("%s (%s)", name, why))
			continue
		}
		for _, f := range groups[top] {
			f.covered = true
		}
		pl.links = append(pl.links, &linkEntry{dest: top, target: ls.Path(strings.TrimPrefix(top, sp.libRel+"/"))})
	}
}

// refuse says why entry top of plan i (whose files are files) cannot be one
// symlink, or "".
func (sp *symlinkPlanner) refuse(i int, pl *jobPlan, top string, files []*planFile) string {
	if sp.owner[top] != planOwner(i) {
		return "shared with another distribution"
	}
	single := len(files) == 1 && files[0].dest == top
	if single && !moduleFile(top) {
		return "not a package or module"
	}
	init := false
	for _, f := range files {
		if f.src == "" || f.shebang || f.src != strings.TrimPrefix(f.dest, sp.libRel+"/") {
			return "not all from the wheel's " + path.Base(top)
		}
		init = init || f.dest == top+"/__init__.py"
	}
	if !single && (!init || namespaceInit(pl.job.Source.(LinkSource).Path(strings.TrimPrefix(top, sp.libRel+"/")+"/__init__.py"))) {
		// Another distribution may add to it later: it must stay a real
		// directory.
		return "a namespace package"
	}
	return sp.inTheWay(pl, top, single)
}

// namespaceInit reports whether the __init__.py at name makes its package
// a pkgutil- or pkg_resources-style namespace package (or cannot be read).
func namespaceInit(name string) bool {
	f, err := os.Open(name)
	if err != nil {
		return true
	}
	defer f.Close()
	b := make([]byte, 4096)
	n, _ := io.ReadFull(f, b)
	s := string(b[:n])
	return strings.Contains(s, "extend_path") || strings.Contains(s, "declare_namespace")
}

// inTheWay says why what is on disk at top keeps a symlink from taking its
// place, or "": nothing, a symlink (the rename replaces it), a module file
// for a module, or a directory holding nothing but what the run removes
// (then pl.removeDirs lists its directories, deepest first).
func (sp *symlinkPlanner) inTheWay(pl *jobPlan, top string, single bool) string {
	fi, err := sp.root.Lstat(top)
	switch {
	case err != nil:
		return "" // missing (or unreadable: the commit's rename says why)
	case fi.Mode()&fs.ModeSymlink != 0:
		return ""
	case !fi.IsDir():
		if single {
			return ""
		}
		return "a file is in the way"
	}
	// Removed by the run: the replaced distributions' files and byte code,
	// as removalSet computes them when the entry's files are not kept.
	removed := map[string]bool{}
	files, _ := removalSet(sp.root, pl.replaced, map[string]string{}, nil)
	for _, r := range files {
		removed[r] = true
	}
	var dirs []string
	ok := true
	_ = fs.WalkDir(sp.root.FS(), top, func(p string, e fs.DirEntry, err error) error {
		switch {
		case err != nil:
			ok = false
		case e.IsDir():
			dirs = append(dirs, p)
		case !removed[p]:
			ok = false
		}
		if !ok {
			return fs.SkipAll
		}
		return nil
	})
	if !ok {
		return "a directory with other files is in the way"
	}
	sort.Sort(sort.Reverse(sort.StringSlice(dirs))) // children before parents
	pl.removeDirs = append(pl.removeDirs, dirs...)
	return ""
}

// symlinkWarning is the one warning of a run about entries linked file by
// file in symlink mode ("" when there are none).
func symlinkWarning(fallbacks []string) string {
	if len(fallbacks) == 0 {
		return ""
	}
	const shown = 8
	list := strings.Join(fallbacks[:min(len(fallbacks), shown)], ", ")
	if len(fallbacks) > shown {
		list += fmt.Sprintf(" and %d more", len(fallbacks)-shown)
	}
	return fmt.Sprintf("--link-mode symlink: %d entries of lib/ linked file by file: %s", len(fallbacks), list)
}

// libLink is what Verify found at a symlinked top-level entry of lib/.
type libLink struct {
	target   string // the resolved entry ("" when broken)
	problem  string // why it is broken
	dangling bool   // it leads nowhere
}

// checkLink checks the symlink top (target-relative) that d's RECORD files
// lie under: it must name an absolute path of the same base name beside
// d's own .dist-info (a cache tree of this wheel) that exists.
func (d *Dist) checkLink(top string) libLink {
	abs := filepath.Join(d.target, filepath.FromSlash(top))
	t, err := os.Readlink(abs)
	if err != nil {
		return libLink{problem: err.Error()}
	}
	// Symlink mode links absolute paths: a relative link is someone
	// else's (and would be read relative to the working directory below).
	if !filepath.IsAbs(t) {
		return libLink{problem: fmt.Sprintf("symlink to %s, which is not this distribution's cache tree", t)}
	}
	if _, err := os.Stat(t); err != nil {
		return libLink{dangling: true, problem: fmt.Sprintf("dangling symlink to %s (its cache tree is gone; pkginstall sync or install links it again)", t)}
	}
	if filepath.Base(t) != path.Base(top) {
		return libLink{problem: fmt.Sprintf("symlink to %s, which is not this distribution's cache tree", t)}
	}
	if fi, err := os.Stat(filepath.Join(filepath.Dir(t), path.Base(d.dirRel))); err != nil || !fi.IsDir() {
		return libLink{problem: fmt.Sprintf("symlink to %s, which is not this distribution's cache tree", t)}
	}
	return libLink{target: t}
}

// libSymlinks lists the symlinks among the entries of lib/ (ents), with
// whether each resolves.
func libSymlinks(libAbs string, ents []fs.DirEntry) map[string]bool {
	var links map[string]bool
	for _, e := range ents {
		if e.Type()&fs.ModeSymlink == 0 {
			continue
		}
		if links == nil {
			links = map[string]bool{}
		}
		_, err := os.Stat(filepath.Join(libAbs, e.Name()))
		links[e.Name()] = err == nil
	}
	return links
}
