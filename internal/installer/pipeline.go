package installer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/pkginstall/pkginstall/internal/phase"
	"github.com/pkginstall/pkginstall/scheme"
)

// Installs is how many distributions of the plan are installed (added,
// upgraded or reinstalled).
func (r *Result) Installs() int { return len(r.installs()) }

func (r *Result) installs() []*Change {
	var todo []*Change
	for i := range r.Changes {
		switch r.Changes[i].Action {
		case Add, Upgrade, Reinstall:
			todo = append(todo, &r.Changes[i])
		}
	}
	return todo
}

// Install installs the distributions res adds, upgrades or reinstalls in
// one transaction. Their wheels are fetched, hash-checked, validated and
// (with a cache directory) unpacked into the cache in parallel (or found
// unpacked there, without a fetch), and each is staged in the target as
// soon as it is ready, while the others still download; once every wheel
// is staged, before (when not nil) runs and the transaction commits.
// Nothing in the target changes before the commit: a failure of any wheel
// leaves it as it was. It takes no lock: the caller holds the target lock
// (scheme.Lock) around it, as the workflow's install transaction does.
func (in *Installer) Install(ctx context.Context, res *Result, before func() error) error {
	start := time.Now()
	todo := res.installs()
	if len(todo) == 0 {
		if before != nil {
			if err := before(); err != nil {
				return err
			}
		}
		in.Reporter.Installed(nil, time.Since(start))
		return nil
	}
	txn, err := scheme.Begin(ctx, in.Paths, in.Python, scheme.InstallOptions{Workers: 2 * runtime.GOMAXPROCS(0), LinkMode: in.LinkMode, Overwrite: in.Overwrite})
	if err != nil {
		return err
	}
	defer txn.Close()
	pc := in.startPrecompile(ctx)
	defer pc.stop()
	prepared, err := in.prepareAll(ctx, res, todo, txn, pc)
	defer func() {
		for _, p := range prepared {
			if p != nil {
				p.Close()
			}
		}
	}()
	if err != nil {
		return err
	}
	if before != nil {
		if err := before(); err != nil {
			return err
		}
	}
	in.phases().Installing(len(todo))
	endLink := phase.Start(phase.Link)
	results, err := txn.Commit(ctx)
	endLink()
	for _, r := range results {
		for _, w := range r.Warnings {
			in.Reporter.Warn(w)
		}
	}
	if err != nil {
		return err
	}
	applied := make([]Change, len(todo))
	sources := make([]scheme.Source, len(todo))
	for i, ch := range todo {
		applied[i], sources[i] = *ch, prepared[i].Source()
	}
	// Committed: the trees linked by symlinks are recorded at once (prune
	// keeps them) and sealed again after byte-compiling, also when that
	// fails or is interrupted.
	linked := symlinkedTrees(results, sources)
	in.recordLinked(linked)
	if in.Compile {
		for _, t := range linked {
			if err := t.Unseal(); err != nil { // byte code goes into the tree
				in.Reporter.Warn(fmt.Sprintf("cannot byte-compile into %s: %v", t.Dir(), err))
			}
		}
		endCompile := phase.Start(phase.Compile)
		err = in.compile(ctx, results, sources, pc.wait())
		endCompile()
	}
	in.sealLinked(linked)
	if err != nil {
		return err
	}
	in.Reporter.Installed(applied, time.Since(start))
	return nil
}

// prepareAll makes every wheel of todo ready (prepareOne), at most
// in.Jobs at once, checks it against the metadata resolution used, and
// stages it in txn at its position in todo, handing a tree staged by
// hard links to pc. It returns what it prepared
// (nil where it did not), also on failure, for the caller to close.
func (in *Installer) prepareAll(ctx context.Context, res *Result, todo []*Change, txn *scheme.Txn, pc *precompiler) ([]*Prepared, error) {
	prepared := make([]*Prepared, len(todo))
	start := time.Now()
	changes := make([]Change, len(todo))
	for i, ch := range todo {
		changes[i] = *ch
	}
	in.phases().Preparing(changes)
	cacheDir := in.CacheDir
	if cacheDir == "" {
		tmp, err := os.MkdirTemp("", "pkginstall-wheels-")
		if err != nil {
			return prepared, err
		}
		defer os.RemoveAll(tmp) // wheels are opened below; opened files stay readable
		cacheDir = tmp
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallelWheels(in.Jobs))
	for i, ch := range todo {
		g.Go(func() error {
			// After an interrupt or a failure, start nothing new.
			if err := gctx.Err(); err != nil {
				return err
			}
			p, err := in.prepareOne(gctx, ch, cacheDir)
			if err != nil {
				return err
			}
			prepared[i] = p
			if err := checkResolvedMetadata(res.Provider.usedMetadata(ch.Candidate), ch, p); err != nil {
				return err
			}
			p, err = in.stage(gctx, txn, i, ch, p, cacheDir)
			prepared[i] = p
			if err == nil && p.Tree != nil && txn.LinkMode(i) == scheme.LinkHardlink {
				pc.tree(p.Tree)
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return prepared, err
	}
	in.phases().Prepared(len(todo), time.Since(start))
	return prepared, nil
}

// parallelWheels is how many wheels are prepared at once: jobs, or 8.
func parallelWheels(jobs int) int {
	if jobs <= 0 {
		return 8
	}
	return jobs
}

// stage stages the prepared wheel p of ch at position i of txn and
// returns what it staged from. A cached tree found changed since it was
// verified (a program wrote into a hard-linked copy) is discarded,
// fetched and unpacked again, and staged again, once.
func (in *Installer) stage(ctx context.Context, txn *scheme.Txn, i int, ch *Change, p *Prepared, cacheDir string) (*Prepared, error) {
	job := scheme.Job{Source: p.Source(), Requested: ch.Requested, DirectURL: directURL(ch.Candidate)}
	end := phase.Start(phase.Link)
	err := txn.Stage(ctx, i, job)
	end()
	var sce *scheme.SourceChangedError
	if !errors.As(err, &sce) || p.Tree == nil {
		return p, err
	}
	in.Reporter.Warn(sce.Error() + "; unpacking it again")
	if err := p.Tree.Discard(); err != nil {
		return p, err
	}
	np, err := in.prepareOne(ctx, ch, cacheDir)
	if err != nil {
		return p, err
	}
	p.Close()
	job.Source = np.Source()
	end = phase.Start(phase.Link)
	err = txn.Stage(ctx, i, job)
	end()
	return np, err
}
