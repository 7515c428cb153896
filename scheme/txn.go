package scheme

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/pkginstall/pkginstall/internal/python"
)

// Txn is one install transaction whose wheels are staged one by one, as
// each becomes ready (Stage may be called from many goroutines at once),
// then checked together and committed at once (Commit). InstallAll is a
// Txn whose wheels are all ready. Nothing visible in the target changes
// before Commit: a Txn closed without a commit leaves the target as it
// was. Callers hold Lock from Begin until Close.
type Txn struct {
	p          Paths
	info       *python.Info
	opts       InstallOptions
	root       *os.Root
	rels       map[string]string
	id         string
	stagingRel string
	sem        chan struct{} // one slot per file-writing task, over every Stage
	budget     atomic.Int64  // directory handles Stage may keep open

	mu        sync.Mutex
	plans     map[int]*jobPlan // staged wheels by position
	problems  map[int][]error  // why the wheel at a position cannot be installed
	staged    int              // staging directories handed out
	committed bool
}

// Begin starts a transaction on the target (created when missing): it
// finishes an interrupted run (see Recover) and makes the staging
// directory. Close it.
func Begin(ctx context.Context, p Paths, info *python.Info, opts InstallOptions) (*Txn, error) {
	if info == nil {
		return nil, errors.New("no interpreter information")
	}
	rels, err := schemeRels(p)
	if err != nil {
		return nil, err
	}
	if err := CreateTarget(p); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(p.Target)
	if err != nil {
		return nil, fmt.Errorf("open target: %w", err)
	}
	t := &Txn{p: p, info: info, opts: opts, root: root, rels: rels, id: newID(), plans: map[int]*jobPlan{}, problems: map[int][]error{}}
	t.stagingRel = StagingDir + "/" + t.id
	if err := recoverRoot(root, p); err != nil {
		root.Close()
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		root.Close()
		return nil, err
	}
	if err := root.Mkdir(StagingDir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		root.Close()
		return nil, fmt.Errorf("create staging directory: %w", err)
	}
	if err := root.Mkdir(t.stagingRel, 0o755); err != nil {
		_ = root.Remove(StagingDir)
		root.Close()
		return nil, fmt.Errorf("create staging directory: %w", err)
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = 2 * runtime.GOMAXPROCS(0)
	}
	t.sem = make(chan struct{}, workers)
	t.budget.Store(int64(handleBudget()))
	// Staging opens up to that many handles at once: make room for them
	// now, in the background (see reserveHandles).
	reserveHandles()
	return t, nil
}

// Stage plans the wheel of job, the i-th of the run, and writes all its
// files to staging. A wheel that breaks an install rule is not staged:
// Commit reports it with every other problem of the run. Staging position
// i again replaces what was staged there (after a *SourceChangedError,
// with a source unpacked again). In symlink mode (LinkSymlink), what a
// wheel links as one symlink depends on every wheel of the run and on
// what is installed: Stage only plans, and Commit stages.
func (t *Txn) Stage(ctx context.Context, i int, job Job) error {
	pl, problems := planJob(t.p, t.rels, t.info, job)
	if pl != nil {
		problems = planDests(t.p, pl)
	}
	if pl != nil && t.opts.LinkMode == LinkSymlink {
		if err := checkUnsealed(pl); err != nil {
			return err
		}
	}
	t.mu.Lock()
	delete(t.plans, i)
	delete(t.problems, i)
	if len(problems) > 0 {
		t.problems[i] = problems
		t.mu.Unlock()
		return nil
	}
	pl.staged = t.stagingRel + "/" + strconv.Itoa(t.staged)
	t.staged++
	if t.opts.LinkMode == LinkSymlink {
		t.plans[i] = pl
		t.mu.Unlock()
		return nil
	}
	t.mu.Unlock()
	if err := t.stagePlan(ctx, pl); err != nil {
		return err
	}
	t.mu.Lock()
	t.plans[i] = pl
	t.mu.Unlock()
	return nil
}

// checkUnsealed checks, for symlink mode, every file of a source that is
// neither fresh nor sealed (see SealedSource): a symlink exposes the tree
// as it is, so a file written to through a hard link since the tree was
// unpacked is a *SourceChangedError here, in Stage, where the caller can
// replace the source. A sealed tree costs nothing per file.
func checkUnsealed(pl *jobPlan) error {
	cs, ok := pl.job.Source.(CheckedLinkSource)
	if !ok || isFresh(cs) {
		return nil
	}
	if ss, ok := cs.(SealedSource); ok && ss.Sealed() {
		return nil
	}
	for _, f := range pl.files {
		if f.src == "" || f.shebang {
			continue
		}
		p := cs.Path(f.src)
		size, mtime, err := statPath(p)
		if err != nil {
			return fmt.Errorf("%s: %w", pl.label, err)
		}
		if !cs.Unchanged(f.src, size, mtime) {
			return &SourceChangedError{Project: pl.label, Member: f.src, Path: p}
		}
	}
	return nil
}

// Commit checks the staged wheels together (the rules of the package doc
// that span distributions, and what is on disk where they go), then
// commits them: each replaces every installed version of its project.
// Results are in the order of the positions given to Stage. Call it once,
// after every Stage returned.
func (t *Txn) Commit(ctx context.Context) ([]*Result, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.committed {
		return nil, errors.New("transaction committed twice")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	plans, err := t.ordered()
	if err != nil {
		return nil, err
	}
	if len(plans) == 0 {
		return nil, nil
	}
	dists, err := listRoot(t.root, t.p)
	if err != nil {
		return nil, err
	}
	if err := checkAll(t.root, t.p, t.info, plans, dists, t.opts); err != nil {
		return nil, err
	}
	if t.opts.LinkMode == LinkSymlink {
		if err := t.stageAll(ctx, plans); err != nil {
			return nil, err
		}
	}
	if err := moveUnits(t.root, plans, t.p.stopDirs()); err != nil {
		return nil, err
	}
	j := &journal{Version: 1, ID: t.id, Staging: t.stagingRel}
	for _, pl := range plans {
		jd := journalDist{Project: pl.job.Source.Project(), Version: pl.job.Source.Version(), Staged: pl.staged, Remove: pl.remove, RemoveLinks: pl.removeLinks, RemoveDirs: pl.removeDirs, Add: pl.units}
		for _, l := range pl.links {
			jd.Links = append(jd.Links, l.dest)
		}
		j.Dists = append(j.Dists, jd)
	}
	if err := writeJournal(t.root, j); err != nil {
		return nil, err
	}
	t.committed = true // from here on the journal owns the staging directory
	if err := j.apply(t.root, t.p.stopDirs(), t.opts.testHookAfterRename); err != nil {
		return nil, fmt.Errorf("commit: %w (the next run finishes it)", err)
	}
	return t.results(plans), nil
}

// stageAll stages plans whose symlinks are planned (symlink mode): the
// files a symlink covers are not staged, nor their directories.
func (t *Txn) stageAll(ctx context.Context, plans []*jobPlan) error {
	g, gctx := errgroup.WithContext(ctx)
	for _, pl := range plans {
		if len(pl.links) > 0 {
			pl.dirs = map[string]bool{}
			for _, f := range pl.files {
				if !f.covered {
					addDirs(pl.dirs, f.dest)
				}
			}
		}
		g.Go(func() error { return t.stagePlan(gctx, pl) })
	}
	return g.Wait()
}

// ordered are the staged plans by position, or every problem of the run.
func (t *Txn) ordered() ([]*jobPlan, error) {
	var pos []int
	for i := range t.plans {
		pos = append(pos, i)
	}
	for i := range t.problems {
		pos = append(pos, i)
	}
	sort.Ints(pos)
	var errs []error
	var plans []*jobPlan
	byNorm := map[string]bool{}
	for _, i := range pos {
		errs = append(errs, t.problems[i]...)
		pl := t.plans[i]
		if pl == nil {
			continue
		}
		if byNorm[pl.norm] {
			errs = append(errs, fmt.Errorf("%s is given twice in one install", pl.label))
			continue
		}
		byNorm[pl.norm] = true
		plans = append(plans, pl)
	}
	if len(errs) > 0 {
		return nil, &PlanError{Errs: errs}
	}
	return plans, nil
}

// results describe the committed plans.
func (t *Txn) results(plans []*jobPlan) []*Result {
	// filepath.Join(Target, rel) for a clean relative rel, without a
	// Clean pass per file.
	prefix := filepath.Clean(t.p.Target)
	if !strings.HasSuffix(prefix, string(filepath.Separator)) {
		prefix += string(filepath.Separator)
	}
	abs := func(rel string) string { return prefix + filepath.FromSlash(rel) }
	out := make([]*Result, len(plans))
	for i, pl := range plans {
		r := &Result{
			Project:  pl.job.Source.Project(),
			Version:  pl.job.Source.Version(),
			DistInfo: abs(pl.distInfo),
			Warnings: pl.warnings,
		}
		for _, d := range pl.replaced {
			r.Replaced = append(r.Replaced, d.DistInfo)
		}
		hard := pl.linker != nil && pl.linker.mode() == LinkHardlink
		r.Files = make([]string, len(pl.files))
		r.From = make([]string, len(pl.files))
		for k, f := range pl.files {
			r.Files[k] = abs(f.dest)
			if f.covered || (hard && f.src != "" && !f.shebang) {
				r.From[k] = f.src // as stageFile placed it
			}
		}
		for _, s := range pl.scripts {
			r.Scripts = append(r.Scripts, abs(s))
		}
		for _, l := range pl.links {
			r.Links = append(r.Links, abs(l.dest))
		}
		out[i] = r
	}
	return out
}

// Close ends the transaction: without a commit, everything staged is
// removed. Call it after every Stage returned.
func (t *Txn) Close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.root == nil {
		return
	}
	if !t.committed {
		_ = t.root.RemoveAll(t.stagingRel)
		_ = t.root.Remove(StagingDir) // only when empty
	}
	t.root.Close()
	t.root = nil
}

// LinkMode is how the files of the wheel staged at position i were placed
// from its LinkSource (LinkAuto when it is not one, or not staged).
func (t *Txn) LinkMode(i int) LinkMode {
	t.mu.Lock()
	pl := t.plans[i]
	t.mu.Unlock()
	if pl == nil || pl.linker == nil {
		return LinkAuto
	}
	return pl.linker.mode()
}
