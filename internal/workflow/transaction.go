package workflow

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/pkginstall/pkginstall/internal/installer"
	"github.com/pkginstall/pkginstall/internal/safety"
	"github.com/pkginstall/pkginstall/scheme"
)

// The hints a file conflict error gets: how to let a distribution
// overwrite files another one owns.
const (
	reinstallHint     = "use --reinstall to let it overwrite them"
	syncReinstallHint = "run pkginstall sync --reinstall to let it overwrite them"
)

// transaction is one install into a target: the only place the target
// changes. Run it with run.
type transaction struct {
	in  *installer.Installer
	rep Reporter
	// plan says what to install; it runs after an interrupted run was
	// recovered, under the target lock.
	plan func(ctx context.Context) (*installer.Result, error)
	// exact uninstalls the distributions the plan removes (sync); without
	// it Remove changes are left alone and not reported.
	exact  bool
	dryRun bool // report the plan, change nothing
	// before runs once every wheel is ready and before the target
	// changes: it writes the project's files (add, remove, sync).
	before func() error
	// key is the no-op manifest key to record when the run succeeds; ""
	// forgets the manifest instead.
	key  string
	hint string // added to a file conflict error
}

// run checks that the target is safe (safety.CheckTarget: SPEC §6),
// stats it, takes its lock, recovers an interrupted run, plans, prepares
// and stages every wheel, calls before, commits, uninstalls
// (exact), removes a target this run created when installing fails, and
// writes or forgets the no-op manifest. The target lock is held from the
// recovery until the manifest is written; a target that does not exist
// yet is locked (and so created) only when something is installed or
// removed.
func (tx *transaction) run(ctx context.Context) (*installer.Result, error) {
	in := tx.in
	// SPEC §6: never write where run would refuse to read.
	if err := safety.CheckTarget(in.Paths.SafetyDirs()...); err != nil {
		return nil, err
	}
	var unlock func()
	defer func() {
		if unlock != nil {
			unlock()
		}
	}()
	lock := func() error {
		u, err := scheme.Lock(ctx, in.Paths, func() { in.Reporter.Waiting(in.Paths.PyPackages) })
		unlock = u
		return err
	}
	_, statErr := os.Stat(in.Paths.PyPackages)
	fresh := errors.Is(statErr, os.ErrNotExist)
	if statErr == nil && !tx.dryRun {
		// Finish or undo an interrupted run before reading the state.
		if err := lock(); err != nil {
			return nil, err
		}
		if err := scheme.Recover(in.Paths); err != nil {
			return nil, err
		}
	}
	res, err := tx.plan(ctx)
	if err != nil {
		return nil, err
	}
	// Sources unpacked or built for this run go when it ends.
	defer res.Provider.Release()
	var removals []installer.Change
	for _, ch := range res.Changes {
		if ch.Action == installer.Remove {
			removals = append(removals, ch)
		}
	}
	if !tx.exact {
		in.Reporter.Plan(withoutRemovals(res.Changes), tx.dryRun)
		removals = nil
	} else {
		in.Reporter.Plan(res.Changes, tx.dryRun)
	}
	if tx.dryRun {
		return res, nil
	}
	installs := res.Installs() > 0
	if !installs && len(removals) == 0 {
		if tx.before != nil {
			if err := tx.before(); err != nil {
				return nil, err
			}
		}
		in.Reporter.Installed(nil, 0)
		tx.recordManifest()
		return res, nil
	}
	// Wheels are staged in the target as they become ready, under its
	// lock; nothing in it changes before the commit, so a bad wheel or an
	// unsatisfiable request leaves no trace (a target this run created is
	// removed again).
	if unlock == nil {
		if err := lock(); err != nil {
			return nil, err
		}
	}
	if installs {
		if err := tx.install(ctx, res, fresh); err != nil {
			return nil, err
		}
	} else if tx.before != nil {
		if err := tx.before(); err != nil {
			return nil, err
		}
	}
	if err := tx.uninstall(ctx, removals); err != nil {
		return nil, err
	}
	warnUnmet(in)
	tx.recordManifest()
	return res, nil
}

// install installs what res adds, upgrades or reinstalls, calling
// before once every wheel is staged; when it fails, a target this run
// created is removed again and a file conflict gets the hint.
func (tx *transaction) install(ctx context.Context, res *installer.Result, fresh bool) error {
	err := tx.in.Install(ctx, res, tx.before)
	if err == nil {
		return nil
	}
	if fresh {
		scheme.RemoveIfPristine(tx.in.Paths)
	}
	var ce *scheme.ConflictError
	if errors.As(err, &ce) && tx.hint != "" {
		return fmt.Errorf("%w (%s)", err, tx.hint)
	}
	return err
}

// uninstall removes the distributions of removals and reports those it
// removed, after it did.
func (tx *transaction) uninstall(ctx context.Context, removals []installer.Change) error {
	var done []installer.Change
	var err error
	for _, ch := range removals {
		if err = scheme.Uninstall(ctx, tx.in.Paths, ch.Name); err != nil {
			err = fmt.Errorf("uninstalling %s: %w", ch.Name, err)
			break
		}
		done = append(done, ch)
	}
	if len(done) > 0 {
		tx.rep.Removed(done)
	}
	return err
}

// recordManifest writes the no-op manifest (best effort: it is only a
// shortcut) or forgets it.
func (tx *transaction) recordManifest() {
	if tx.key != "" {
		_ = installer.WriteManifest(tx.in.Paths, tx.key)
	} else {
		installer.ForgetManifest(tx.in.Paths)
	}
}

// warnUnmet warns about requirements of installed distributions that
// nothing satisfies (possible after --no-deps).
func warnUnmet(in *installer.Installer) {
	problems, err := installer.Check(in.Paths, in.Python)
	if err != nil {
		return
	}
	for _, p := range problems {
		in.Reporter.Warn(p)
	}
}

func withoutRemovals(chs []installer.Change) []installer.Change {
	var out []installer.Change
	for _, ch := range chs {
		if ch.Action != installer.Remove {
			out = append(out, ch)
		}
	}
	return out
}
