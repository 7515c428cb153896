package workflow

import (
	"context"
	"fmt"
	"strings"

	"github.com/pkginstall/pkginstall/internal/installer"
	"github.com/pkginstall/pkginstall/internal/project"
	"github.com/pkginstall/pkginstall/internal/safety"
)

// InstallOptions are install's options.
type InstallOptions struct {
	// Request is what to install; with no Reqs, the project: pylock.toml
	// when it satisfies pyproject.toml (always with Frozen), else
	// [project].dependencies resolved.
	Request *installer.Request
	Frozen  bool                  // the project: install pylock.toml as it is, never resolve
	Locked  bool                  // the project: fail instead of re-locking a stale pylock.toml
	Select  project.SelectOptions // the project: extras and groups
	Apply   ApplyOptions
	// NoProject: with no requirements, do not install the project itself
	// (--no-project).
	NoProject bool
	// Report says the caller reports on the result (pip's --report): the
	// no-op shortcut, which has no result, is off.
	Report bool
}

// InstallResult is what install did.
type InstallResult struct {
	// Request is the request installed: for the project, its
	// requirements (for the report's requested extras).
	Request *installer.Request
	// Result is the plan carried out; nil when the no-op manifest said
	// the target is as the same request left it.
	Result *installer.Result
}

// Install installs a request into the target, or the project when the
// request names nothing. The target of a project install must have a
// pyproject.toml unless opts.Frozen.
func Install(ctx context.Context, t *Target, env Env, opts InstallOptions) (*InstallResult, error) {
	if len(opts.Request.Reqs) == 0 {
		return installProject(ctx, t, env, opts)
	}
	req := opts.Request
	// No-op fast path: the same request as the last install, and the
	// target as that install left it: no index, no resolution.
	fast := !req.Upgrade && !req.Reinstall && !req.DryRun && !opts.Report && !hasSource(req)
	key := installKey(env, req, t.Python.Executable, opts.Apply.Compile)
	if fast && installer.UpToDate(t.Paths, key) {
		// Nothing is written, but a target that run would refuse is
		// refused here too, as the transaction does: the user hears of
		// it now rather than at run time.
		if err := safety.CheckTarget(t.Paths.SafetyDirs()...); err != nil {
			return nil, err
		}
		env.Reporter.Installed(nil, 0)
		return &InstallResult{Request: req}, nil
	}
	if !fast {
		key = ""
	}
	res, err := installRequest(ctx, t, env, opts, key)
	if err != nil {
		return nil, err
	}
	return &InstallResult{Request: req, Result: res}, nil
}

// installRequest resolves opts.Request against the index and installs it.
func installRequest(ctx context.Context, t *Target, env Env, opts InstallOptions, key string) (*installer.Result, error) {
	req := opts.Request
	idx, err := env.newIndex(t)
	if err != nil {
		return nil, err
	}
	in := env.installer(t, idx, opts.Apply, req.Reinstall)
	tx := &transaction{
		in:  in,
		rep: env.Reporter,
		plan: func(ctx context.Context) (*installer.Result, error) {
			res, _, err := in.Plan(ctx, req)
			return res, err
		},
		dryRun: req.DryRun,
		key:    key,
		hint:   reinstallHint,
	}
	return tx.run(ctx)
}

// installKey is the no-op manifest key of a request.
func installKey(env Env, req *installer.Request, python string, compile bool) string {
	o := env.Index
	parts := []string{"install-v1", python, o.IndexURL, strings.Join(o.ExtraIndexURLs, " "), strings.Join(o.FindLinks, " "),
		fmt.Sprint(o.NoIndex, req.Pre, req.NoDeps, req.RequireHashes, compile)}
	for _, r := range req.Reqs {
		parts = append(parts, "r", r.Req.String(), r.Path, strings.Join(r.Hashes, " "))
	}
	for _, r := range req.Constraints {
		parts = append(parts, "c", r.Req.String())
	}
	return installer.RequestKey(parts...)
}

// installProject is install with no requirements: the project, from
// pylock.toml when it satisfies pyproject.toml (or always with Frozen),
// else by resolving [project].dependencies.
func installProject(ctx context.Context, t *Target, env Env, opts InstallOptions) (*InstallResult, error) {
	f, l, unlock, err := projectAndLock(ctx, t, env.Reporter)
	if err != nil {
		return nil, err
	}
	defer unlock()
	var p *projectReqs
	if t.Pyproject.Exists {
		if _, p, err = readProject(f); err != nil {
			return nil, err
		}
	}
	if opts.Frozen && l == nil {
		return nil, fmt.Errorf("%s does not exist; run pkginstall lock (--frozen never resolves)", DisplayPath(f.lock))
	}
	req := *opts.Request
	switch {
	case p == nil || opts.Frozen:
	case opts.Locked:
		// An error when the lock is stale or missing, saying why.
		if l, err = freshLock(ctx, t, env, f, p, l, true, false); err != nil {
			return nil, err
		}
	case l != nil && len(p.problems(l, t, env, false)) > 0:
		l = nil // stale: resolve the project's dependencies instead
	}
	if l != nil {
		requested := map[string]bool{}
		if p != nil {
			requested = p.roots.Names
			req.Reqs = p.reqs(false)
		}
		res, err := installProjectLock(ctx, t, env, opts.Apply, opts.Select, opts.NoProject, lockInstall{
			lock: l, path: f.lock, requested: requested, reinstall: req.Reinstall,
			dryRun: req.DryRun, hint: reinstallHint,
		})
		if err != nil {
			return nil, err
		}
		return &InstallResult{Request: &req, Result: res}, nil
	}
	if err := p.admits(t); err != nil {
		return nil, err
	}
	req.Reqs = p.reqs(true)
	if dir := selfDir(t, opts.NoProject); dir != "" {
		req.Reqs = append(req.Reqs, selfReq(dir))
	}
	opts.Request = &req
	res, err := installRequest(ctx, t, env, opts, "")
	if err != nil {
		return nil, err
	}
	return &InstallResult{Request: &req, Result: res}, nil
}
