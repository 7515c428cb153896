package scheme

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/python"
)

// InstallOptions tunes Install and InstallAll.
type InstallOptions struct {
	// Requested writes .dist-info/REQUESTED (Install only; InstallAll
	// takes it per Job).
	Requested bool
	// DirectURL, when not empty, is written as .dist-info/direct_url.json
	// (PEP 610; Install only; InstallAll takes it per Job).
	DirectURL string
	// Overwrite lets a wheel replace files that another installed
	// distribution's RECORD claims, with a warning. Without it such a
	// collision is refused with a *ConflictError.
	Overwrite bool
	// Workers bounds the files written at once; 0 means 2*GOMAXPROCS.
	Workers int
	// LinkMode says how the files of a LinkSource are placed; LinkAuto
	// picks the fastest that works.
	LinkMode LinkMode

	// testHookAfterRename, for tests, runs after each file or directory
	// renamed into place; an error stops the commit there, as a crash
	// would.
	testHookAfterRename func(n int) error
}

// Job is one wheel of an InstallAll transaction.
type Job struct {
	Source    Source
	Requested bool   // write REQUESTED
	DirectURL string // direct_url.json contents, or ""
}

// Result describes one installed distribution.
type Result struct {
	Project, Version string
	DistInfo         string   // absolute path of the new .dist-info
	Replaced         []string // absolute paths of the .dist-info directories it replaced
	Files            []string // absolute paths of every file written, RECORD last
	Scripts          []string // absolute paths of the scripts written to bin/
	Links            []string // absolute paths of the symlinks into the source tree (LinkSymlink)
	// From is, for each of Files (same index), the LinkSource member that
	// the file is: hard-linked from it (LinkHardlink), or its own file
	// reached through one of Links; "" for a file written, copied or
	// cloned (its own inode).
	From     []string
	Warnings []string // for the CLI to print as "warning: ..."
}

// ConflictError is a destination already owned by another installed
// distribution.
type ConflictError struct {
	Project string // the distribution being installed ("name version")
	Path    string // absolute destination
	Owner   string // the distribution whose RECORD claims it ("name version")
}

// Error names both distributions and the file.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s would overwrite %s, which belongs to %s", e.Project, e.Path, e.Owner)
}

// PlanError lists every problem found while checking a run, before
// anything was written. It unwraps to each problem (errors.As finds a
// *ConflictError among them).
type PlanError struct {
	Errs []error
}

// Error lists the problems on one line (the first ten, then a count).
func (e *PlanError) Error() string {
	if len(e.Errs) == 1 {
		return e.Errs[0].Error()
	}
	var msgs []string
	for i, err := range e.Errs {
		if i == maxListed {
			msgs = append(msgs, fmt.Sprintf("and %d more", len(e.Errs)-maxListed))
			break
		}
		msgs = append(msgs, err.Error())
	}
	return fmt.Sprintf("%d problems: %s", len(e.Errs), strings.Join(msgs, "; "))
}

// maxListed bounds the problems PlanError.Error spells out.
const maxListed = 10

// Unwrap returns the problems.
func (e *PlanError) Unwrap() []error { return e.Errs }

// Install installs one wheel into the target: InstallAll with one Job.
// Callers hold Lock.
func Install(ctx context.Context, p Paths, info *python.Info, src Source, opts InstallOptions) (*Result, error) {
	rs, err := InstallAll(ctx, p, info, []Job{{Source: src, Requested: opts.Requested, DirectURL: opts.DirectURL}}, opts)
	if err != nil {
		return nil, err
	}
	return rs[0], nil
}

// planFile is one file to write.
type planFile struct {
	src     string // wheel member; "" for generated content
	dest    string // target-relative
	exec    bool
	shebang bool   // a .data/scripts file: rewrite "#!python"
	content []byte // generated content
	head    []byte // the "#!python" replacement, for shebang files
	headErr error  // why there is no head
	size    int64  // declared size of src
	hash    string // declared hash of src

	outHash string // RECORD hash of what was written
	outSize int64
	covered bool // placed by a symlink of jobPlan.links, not staged
	record  bool // the RECORD itself, listed without a hash: nothing to hash
}

// jobPlan is everything one wheel does to the target.
type jobPlan struct {
	job      Job
	label    string // "name version"
	norm     string
	distInfo string // target-relative .dist-info
	files    []*planFile
	scripts  []string
	replaced []*Dist
	remove   []string
	warnings []string
	staged   string
	units    []string        // what the commit renames into place, in order
	dirs     map[string]bool // every directory its staged files lie in (target-relative), by planDests
	linker   *linker         // for a LinkSource
	// links are the top-level entries of lib/ placed as one symlink each
	// (LinkSymlink); removeDirs the directories in their way that the
	// commit removes once emptied.
	links       []*linkEntry
	removeDirs  []string
	removeLinks []string // old symlinks of lib/ the commit unlinks
}

// InstallAll installs the wheels of jobs as one transaction (a Txn whose
// wheels are all ready): every file of every wheel is written to a staging
// directory and verified, every wheel planned and checked, and only then
// is anything committed (see the package doc). Each wheel replaces every
// installed version of its project. A failure before the commit leaves the
// target as it was. Callers hold Lock.
func InstallAll(ctx context.Context, p Paths, info *python.Info, jobs []Job, opts InstallOptions) ([]*Result, error) {
	if info == nil {
		return nil, errors.New("no interpreter information")
	}
	if len(jobs) == 0 {
		return nil, nil
	}
	t, err := Begin(ctx, p, info, opts)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	g, gctx := errgroup.WithContext(ctx)
	for i, job := range jobs {
		g.Go(func() error { return t.Stage(gctx, i, job) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return t.Commit(ctx)
}

// checkAll checks the planned wheels of a run together: against each
// other, against the installed distributions they replace or whose files
// they would overwrite, and against what is on disk where they go.
func checkAll(root *os.Root, p Paths, info *python.Info, plans []*jobPlan, dists []Dist, opts InstallOptions) error {
	dest, errs := destinations(p, info, plans)
	markReplaced(plans, dists)
	keep := make(map[string]bool, len(dest))
	for d := range dest {
		keep[d] = true
	}
	if opts.LinkMode == LinkSymlink && len(errs) == 0 {
		libRel, err := p.rel(p.Lib)
		if err != nil {
			return err
		}
		var w string
		if keep, w = planSymlinks(root, libRel, plans, dists); w != "" {
			plans[0].warnings = append(plans[0].warnings, w)
		}
	}
	removing, cerrs := replacements(root, p, plans, dists, keep, opts)
	errs = append(errs, cerrs...)

	// What is on disk must let every rename succeed (a symlinked entry:
	// planSymlinks checked its place).
	dc := newDiskCheck(root, removing)
	for d := range dest {
		if !keep[d] {
			continue
		}
		if err := dc.check(d); err != nil {
			errs = append(errs, fmt.Errorf("cannot install %s: %w", filepath.Join(p.Target, filepath.FromSlash(d)), err))
		}
	}
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
		return &PlanError{Errs: errs}
	}
	return nil
}

// schemeRels are the scheme's directories relative to the target
// ("pypackages": __pypackages__ relative to bin/, for launchers).
func schemeRels(p Paths) (map[string]string, error) {
	rels := map[string]string{}
	for k, d := range map[string]string{"lib": p.Lib, "bin": p.Bin, "include": p.Include, "pypackages": p.PyPackages} {
		if k == "pypackages" {
			r, err := filepath.Rel(p.Bin, d)
			if err != nil {
				return nil, err
			}
			rels[k] = filepath.ToSlash(r)
			continue
		}
		r, err := p.rel(d)
		if err != nil {
			return nil, err
		}
		rels[k] = r
	}
	return rels, nil
}

// planDests checks the files of one plan against each other: unique
// destinations, none both a file and a directory. It fills pl.dirs.
func planDests(p Paths, pl *jobPlan) []error {
	var errs []error
	dest := make(map[string]bool, len(pl.files))
	pl.dirs = map[string]bool{}
	for _, f := range pl.files {
		if dest[f.dest] {
			errs = append(errs, fmt.Errorf("%s and %s both install %s", pl.label, pl.label, filepath.Join(p.Target, filepath.FromSlash(f.dest))))
			continue
		}
		dest[f.dest] = true
		addDirs(pl.dirs, f.dest)
	}
	for dir := range pl.dirs {
		if dest[dir] {
			errs = append(errs, fmt.Errorf("%s installs file %s where %s installs a directory", pl.label, dir, pl.label))
		}
	}
	return errs
}

// addDirs adds the directories file lies in (target-relative) to dirs.
func addDirs(dirs map[string]bool, file string) {
	for dir := parentDir(file); dir != "." && !dirs[dir]; dir = parentDir(dir) {
		dirs[dir] = true
	}
}

// parentDir is path.Dir of a clean relative path (a checked destination,
// or a staging path), without path.Dir's allocation and Clean pass: it
// runs for every file of a run.
func parentDir(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return "."
}

// destinations are the files of the whole run, by destination, with the
// label of the distribution that installs each: unique, not both file and
// directory, and (where the file system ignores case) not differing only
// in case. Each plan was checked on its own by planDests.
func destinations(p Paths, info *python.Info, plans []*jobPlan) (map[string]string, []error) {
	var errs []error
	n := 0
	for _, pl := range plans {
		n += len(pl.files)
	}
	dest := make(map[string]string, n)
	for _, pl := range plans {
		for _, f := range pl.files {
			if other, ok := dest[f.dest]; ok {
				errs = append(errs, fmt.Errorf("%s and %s both install %s", other, pl.label, filepath.Join(p.Target, filepath.FromSlash(f.dest))))
				continue
			}
			dest[f.dest] = pl.label
		}
	}
	if info.OS == "darwin" || info.OS == "windows" {
		// Their usual file systems ignore case: "A.py" and "a.py" collide.
		folded := map[string]string{}
		for d := range dest {
			k := strings.ToLower(d)
			if other, ok := folded[k]; ok {
				a, b := min(d, other), max(d, other)
				errs = append(errs, fmt.Errorf("%s and %s differ only in case", filepath.Join(p.Target, filepath.FromSlash(a)), filepath.Join(p.Target, filepath.FromSlash(b))))
				continue
			}
			folded[k] = d
		}
	}
	for _, pl := range plans {
		for dir := range pl.dirs {
			if other, ok := dest[dir]; ok && other != pl.label {
				errs = append(errs, fmt.Errorf("%s installs file %s where %s installs a directory", other, dir, pl.label))
			}
		}
	}
	return dest, errs
}

// markReplaced sets each plan's replaced: the installed distributions of
// its project, which the commit removes. Everything that asks which
// distributions a run replaces (the symlink planner, replacements) reads
// it from there.
func markReplaced(plans []*jobPlan, dists []Dist) {
	for _, pl := range plans {
		pl.replaced = nil
		for i := range dists {
			if pep508.NormalizeName(dists[i].Name) == pl.norm {
				pl.replaced = append(pl.replaced, &dists[i])
			}
		}
	}
}

// replacements finds what removing the distributions each plan replaces
// (markReplaced) removes, and the files of other distributions a plan
// would overwrite (a conflict, or a warning with opts.Overwrite). keep
// are the paths the run places (never removed: renamed over). It returns
// every path removed.
func replacements(root *os.Root, p Paths, plans []*jobPlan, dists []Dist, keep map[string]bool, opts InstallOptions) (map[string]bool, []error) {
	var errs []error
	skip := map[string]bool{}
	for _, pl := range plans {
		for _, d := range pl.replaced {
			skip[d.dirRel] = true
		}
	}
	owned := owners(dists, skip)
	removing := map[string]bool{}
	for _, pl := range plans {
		for _, d := range pl.replaced {
			if d.RecordErr != nil {
				pl.warnings = append(pl.warnings, fmt.Sprintf("cannot read the RECORD of %s %s (%v): only its .dist-info is removed", d.Name, d.Version, d.RecordErr))
			}
		}
		pl.remove, pl.removeLinks = removalSet(root, pl.replaced, owned, keep)
		for _, r := range pl.remove {
			removing[r] = true
		}
		for _, r := range pl.removeLinks {
			removing[r] = true
		}
		for _, f := range pl.files {
			owner, ok := owned[f.dest]
			if !ok {
				continue
			}
			ce := &ConflictError{Project: pl.label, Path: filepath.Join(p.Target, filepath.FromSlash(f.dest)), Owner: owner}
			if opts.Overwrite {
				pl.warnings = append(pl.warnings, ce.Error()+": overwriting it")
			} else {
				errs = append(errs, ce)
			}
		}
	}
	return removing, errs
}

// generated .dist-info files pkginstall writes itself; a wheel's own copies
// are not installed.
var generated = map[string]bool{"RECORD": true, "INSTALLER": true, "REQUESTED": true, "direct_url.json": true}

// planJob maps one wheel's files and entry points to destinations.
func planJob(p Paths, rels map[string]string, info *python.Info, job Job) (*jobPlan, []error) {
	src := job.Source
	if src == nil {
		return nil, []error{errors.New("no wheel given")}
	}
	if err := checkJobNames(src); err != nil {
		return nil, []error{err}
	}
	project, version, distInfo := src.Project(), src.Version(), src.DistInfo()
	label := project + " " + version
	pl := &jobPlan{job: job, label: label, norm: pep508.NormalizeName(project), distInfo: rels["lib"] + "/" + distInfo}
	var errs []error
	fail := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{label}, a...)...))
	}
	for _, f := range src.Files() {
		if pf := planMember(pl, rels, info, src, f, fail); pf != nil {
			pl.files = append(pl.files, pf)
		}
	}
	planEntryPoints(pl, rels, info, src.EntryPoints(), fail)
	for _, s := range pl.scripts {
		if strings.HasSuffix(s, ".py") {
			pl.warnings = append(pl.warnings, fmt.Sprintf("distribution %s installs script %s, which can shadow a module of that name", project, s))
		}
	}
	if len(pl.scripts) > 0 {
		if w := binWarning(p); w != "" {
			pl.warnings = append(pl.warnings, w)
		}
	}

	// Files pkginstall writes into .dist-info.
	pl.files = append(pl.files, &planFile{dest: pl.distInfo + "/INSTALLER", content: []byte("pkginstall\n")})
	if job.Requested {
		pl.files = append(pl.files, &planFile{dest: pl.distInfo + "/REQUESTED", content: []byte{}})
	}
	if job.DirectURL != "" {
		pl.files = append(pl.files, &planFile{dest: pl.distInfo + "/direct_url.json", content: []byte(job.DirectURL)})
	}
	// RECORD is written after staging, from what was written.
	pl.files = append(pl.files, &planFile{dest: pl.distInfo + "/RECORD"})
	if len(errs) > 0 {
		return nil, errs
	}
	return pl, nil
}

// checkJobNames checks the names a wheel source gives: a usable project
// and version, and .dist-info and .data directories that name it.
func checkJobNames(src Source) error {
	project, version := src.Project(), src.Version()
	label := project + " " + version
	if project == "" || version == "" || !validComponent(project) || !validComponent(version) {
		return fmt.Errorf("wheel names no usable project and version (%q, %q)", project, version)
	}
	distInfo, dataDir := src.DistInfo(), src.DataDir()
	if !validComponent(distInfo) || !strings.HasSuffix(distInfo, ".dist-info") {
		return fmt.Errorf("%s: bad .dist-info directory %q", label, distInfo)
	}
	if !validComponent(dataDir) || !strings.HasSuffix(dataDir, ".data") {
		return fmt.Errorf("%s: bad .data directory %q", label, dataDir)
	}
	stem := strings.TrimSuffix(distInfo, ".dist-info")
	if i := strings.LastIndexByte(stem, '-'); i <= 0 || pep508.NormalizeName(stem[:i]) != pep508.NormalizeName(project) {
		return fmt.Errorf("%s: .dist-info directory %q does not name the project", label, distInfo)
	}
	return nil
}

// planMember is the destination of one member of the wheel, or nil for a
// member not installed as it is (a generated .dist-info file) or refused
// (through fail).
func planMember(pl *jobPlan, rels map[string]string, info *python.Info, src Source, f SourceFile, fail func(string, ...any)) *planFile {
	distInfo, dataDir := src.DistInfo(), src.DataDir()
	if err := validName(f.Name); err != nil {
		fail("member %q: %v", f.Name, err)
		return nil
	}
	pf := &planFile{src: f.Name, size: f.Size, hash: f.Hash, exec: f.Mode&0o111 != 0}
	switch {
	case strings.HasPrefix(f.Name, dataDir+"/"):
		key, sub, _ := strings.Cut(strings.TrimPrefix(f.Name, dataDir+"/"), "/")
		if sub == "" {
			fail("member %q is not inside a .data scheme directory", f.Name)
			return nil
		}
		switch key {
		case "purelib", "platlib":
			pf.dest = rels["lib"] + "/" + sub
		case "scripts":
			pf.dest = rels["bin"] + "/" + sub
			pf.exec, pf.shebang = true, true
			pf.head, pf.headErr = DataScriptHead(info, relFrom(path.Dir(pf.dest), rels["lib"]),
				relFrom(path.Dir(pf.dest), "."), path.Join(relFrom(path.Dir(pf.dest), rels["bin"]), rels["pypackages"]))
			pl.scripts = append(pl.scripts, pf.dest)
			if info.OS == "windows" {
				if err := planWindowsDataScript(pl, rels, info, src, f.Name, pf.dest); err != nil {
					fail("%v", err)
					return nil
				}
			}
		case "headers":
			pf.dest = rels["include"] + "/" + src.Project() + "/" + sub
		case "data":
			pf.dest = sub
		default:
			fail("member %q: unknown .data directory %q", f.Name, key)
			return nil
		}
	case strings.HasPrefix(f.Name, distInfo+"/"):
		if generated[strings.TrimPrefix(f.Name, distInfo+"/")] {
			return nil
		}
		pf.dest = rels["lib"] + "/" + f.Name
	default:
		pf.dest = rels["lib"] + "/" + f.Name
	}
	if err := checkJoinedDest(pf.dest, rels["lib"], f.Name); err != nil {
		fail("member %q goes to %s: %v", f.Name, pf.dest, err)
		return nil
	}
	if first, _, _ := strings.Cut(strings.TrimPrefix(pf.dest, rels["lib"]+"/"), "/"); strings.HasPrefix(pf.dest, rels["lib"]+"/") && (strings.HasSuffix(first, ".dist-info") && first != distInfo || strings.HasSuffix(strings.ToLower(first), ".egg-info")) {
		fail("member %q would write into another distribution's %s", f.Name, first)
		return nil
	}
	return pf
}

// checkJoinedDest is checkDest(dest) without validating name a second
// time: when dest is dir + "/" + name and both are valid names (name was
// checked by the caller), so is dest (clean relative paths joined by "/"
// stay clean, and valid UTF-8 without control characters or backslashes
// stays so), and only the reserved prefix is left to check. Otherwise it
// is checkDest.
func checkJoinedDest(dest, dir, name string) error {
	if len(dest) != len(dir)+1+len(name) || !strings.HasPrefix(dest, dir) || dest[len(dir)] != '/' || validName(dir) != nil {
		return checkDest(dest)
	}
	if strings.HasPrefix(dest, reservedPfx) {
		return checkDest(dest)
	}
	return nil
}

// planEntryPoints adds the launchers of the console and GUI entry points.
func planEntryPoints(pl *jobPlan, rels map[string]string, info *python.Info, eps []EntryPoint, fail func(string, ...any)) {
	for _, ep := range eps {
		if ep.Group != GroupConsole && ep.Group != GroupGUI {
			continue
		}
		if !validComponent(ep.Name) {
			fail("entry point name %q is not a file name", ep.Name)
			continue
		}
		l := Launcher{
			Interpreter:   info.Executable,
			Dist:          pl.label,
			Name:          ep.Name,
			Module:        ep.Module,
			Attr:          ep.Attr,
			LibRel:        relFrom(rels["bin"], rels["lib"]),
			TargetRel:     relFrom(rels["bin"], "."),
			PyPackagesRel: rels["pypackages"],
			Windows:       info.OS == "windows",
		}
		body, err := WriteLauncher(l)
		if err != nil {
			fail("%v", err)
			continue
		}
		if l.Windows {
			if err := addWindowsLauncher(pl, rels, info.Executable, ep.Name, body, ep.Group == GroupGUI); err != nil {
				fail("%v", err)
			}
			continue
		}
		dest := rels["bin"] + "/" + ep.Name
		pl.files = append(pl.files, &planFile{dest: dest, content: body, exec: true})
		pl.scripts = append(pl.scripts, dest)
	}
}

// scriptHead is the first line(s) replacing "#!python" in a script.
func scriptHead(info *python.Info) ([]byte, error) {
	if info.OS == "windows" {
		return []byte("#!" + strings.NewReplacer("\n", " ", "\r", " ").Replace(info.Executable) + "\n"), nil
	}
	return Shebang(info.Executable)
}

// relFrom returns target-relative to as seen from target-relative from.
func relFrom(from, to string) string {
	r, err := filepath.Rel(filepath.FromSlash(from), filepath.FromSlash(to))
	if err != nil {
		return to
	}
	return filepath.ToSlash(r)
}

// binWarning warns when bin/'s nearest __pypackages__ ancestor is not the
// one receiving the packages.
func binWarning(p Paths) string {
	for dir := filepath.Dir(p.Bin); ; dir = filepath.Dir(dir) {
		if filepath.Base(dir) == PyPackagesDir {
			if dir != p.PyPackages {
				return fmt.Sprintf("scripts go to %s, whose nearest %s is %s, not %s", p.Bin, PyPackagesDir, dir, p.PyPackages)
			}
			return ""
		}
		if filepath.Dir(dir) == dir {
			return fmt.Sprintf("scripts go to %s, which is not inside %s", p.Bin, p.PyPackages)
		}
	}
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
