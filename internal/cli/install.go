package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/pkginstall/pkginstall/index"
	"github.com/pkginstall/pkginstall/internal/installer"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/reqfile"
	"github.com/pkginstall/pkginstall/internal/safety"
	"github.com/pkginstall/pkginstall/scheme"
)

func (a *app) installCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "install",
		Usage:     "install requirements, wheel files or the project into __pypackages__",
		UsageText: "pkginstall install [options] [REQ | WHEEL | NAME @ URL]... [-r FILE]... [-c FILE]...",
		Description: `Each REQ is a PEP 508 requirement ("requests>=2", "moto[server]"), a wheel
file path, or "name @ URL". Dependencies are resolved against the index.`,
		Flags: []ucli.Flag{
			&ucli.StringSliceFlag{Name: "requirement", Aliases: []string{"r"}, Usage: "install from the requirements `FILE` (repeatable)"},
			&ucli.StringSliceFlag{Name: "constraint", Aliases: []string{"c"}, Usage: "constrain versions with the constraints `FILE` (repeatable)"},
			&ucli.BoolFlag{Name: "no-deps", Usage: "install only what is named, not its dependencies"},
			&ucli.BoolFlag{Name: "upgrade", Aliases: []string{"U"}, Usage: "upgrade to the newest allowed versions"},
			&ucli.BoolFlag{Name: "reinstall", Usage: "reinstall even what is already installed"},
			&ucli.BoolFlag{Name: "pre", Usage: "allow pre-releases"},
			&ucli.BoolFlag{Name: "require-hashes", Usage: "require a --hash for every package"},
			&ucli.BoolFlag{Name: "dry-run", Usage: "say what would be installed, change nothing"},
			&ucli.BoolFlag{Name: "frozen", Usage: "with no requirements: install pylock.toml exactly, never resolve"},
			&ucli.StringFlag{Name: "report", Usage: "write pip's installation report (JSON, version 1) to `FILE` (- for stdout)"},
			&ucli.StringFlag{Name: "link-mode", EnvVars: []string{"PKGINSTALL_LINK_MODE"}, Usage: "how files reach __pypackages__ from the cache: clone, hardlink or copy (default: the fastest that works)"},
			&ucli.BoolFlag{Name: "compile", EnvVars: []string{"PKGINSTALL_COMPILE"}, Usage: "byte-compile the installed .py files (as pip does by default)"},
		},
		Action: a.runInstall,
	}
}

// installArgs turns the command line and requirements files into a request.
func (a *app) installArgs(c *ucli.Context, g *Globals) (*installer.Request, error) {
	req := &installer.Request{
		Upgrade:       c.Bool("upgrade"),
		Reinstall:     c.Bool("reinstall"),
		Pre:           c.Bool("pre"),
		NoDeps:        c.Bool("no-deps"),
		DryRun:        c.Bool("dry-run"),
		RequireHashes: c.Bool("require-hashes"),
	}
	for _, arg := range c.Args().Slice() {
		r, err := parseArg(arg)
		if err != nil {
			return nil, err
		}
		req.Reqs = append(req.Reqs, r)
	}
	for _, path := range c.StringSlice("requirement") {
		f, err := reqfile.Parse(path, a.env.Getenv)
		if err != nil {
			return nil, err
		}
		a.applyFileOptions(g, f, req)
		for _, l := range f.Requirements {
			req.Reqs = append(req.Reqs, lineReq(l))
		}
		for _, l := range f.Constraints {
			req.Constraints = append(req.Constraints, lineReq(l))
		}
	}
	for _, path := range c.StringSlice("constraint") {
		f, err := reqfile.Parse(path, a.env.Getenv)
		if err != nil {
			return nil, err
		}
		a.applyFileOptions(g, f, req)
		for _, l := range append(f.Requirements, f.Constraints...) {
			if l.Path != "" || l.Req.URL != "" {
				return nil, fmt.Errorf("%s:%d:1: a constraint cannot be a file or URL", l.File, l.LineNo)
			}
			if len(l.Req.Extras) > 0 {
				return nil, fmt.Errorf("%s:%d:1: constraints cannot have extras: %s", l.File, l.LineNo, l.Req.String())
			}
			req.Constraints = append(req.Constraints, lineReq(l))
		}
	}
	return req, nil
}

// applyFileOptions applies the options a requirements file sets (pip lets a
// file choose the index; the command line still wins).
func (a *app) applyFileOptions(g *Globals, f *reqfile.File, req *installer.Request) {
	if f.IndexURL != "" && !g.indexFromFlag {
		g.IndexURL = f.IndexURL
	}
	g.ExtraIndexURLs = dedupe(append(g.ExtraIndexURLs, f.ExtraIndexURLs...))
	g.FindLinks = dedupe(append(g.FindLinks, f.FindLinks...))
	g.NoIndex = g.NoIndex || f.NoIndex
	req.Pre = req.Pre || f.Pre
	req.RequireHashes = req.RequireHashes || f.RequireHashes
}

func lineReq(l reqfile.Line) installer.Req {
	return installer.Req{Req: l.Req, Path: l.Path, Hashes: l.Hashes, Origin: fmt.Sprintf("%s:%d", l.File, l.LineNo)}
}

// parseArg reads one command-line requirement: a wheel path, or PEP 508.
func parseArg(arg string) (installer.Req, error) {
	origin := fmt.Sprintf("%q", arg)
	if strings.HasSuffix(strings.ToLower(arg), ".whl") && !strings.Contains(arg, "@") && !strings.Contains(arg, "://") {
		abs, err := filepath.Abs(arg)
		if err != nil {
			return installer.Req{}, err
		}
		if _, err := os.Stat(abs); err != nil {
			return installer.Req{}, fmt.Errorf("%s: no such wheel file", arg)
		}
		return installer.Req{Path: abs, Origin: arg}, nil
	}
	if st, err := os.Stat(arg); err == nil && (st.IsDir() || strings.ContainsAny(arg, `/\`)) {
		return installer.Req{}, fmt.Errorf("%s: only wheel files (.whl) can be installed from a path; pkginstall does not build source trees", arg)
	}
	r, err := pep508.ParseRequirement(arg)
	if err != nil {
		// pep508's error already says "invalid requirement "arg": ...".
		return installer.Req{}, &UsageError{Msg: err.Error()}
	}
	out := installer.Req{Req: r, Origin: origin}
	if r.URL != "" && strings.HasPrefix(r.URL, "file:") {
		p := strings.TrimPrefix(strings.TrimPrefix(r.URL, "file://"), "file:")
		if i := strings.IndexByte(p, '#'); i >= 0 {
			p = p[:i]
		}
		out.Path = p
	}
	return out, nil
}

// newIndex builds the index client the globals describe, or nil when there
// is nothing to ask (--no-index and no --find-links).
func (a *app) newIndex(g *Globals) (*index.Client, error) {
	if g.NoIndex && len(g.FindLinks) == 0 {
		return nil, nil
	}
	opts := index.Options{
		IndexURL:       g.IndexURL,
		ExtraIndexURLs: g.ExtraIndexURLs,
		FindLinks:      g.FindLinks,
		NoIndex:        g.NoIndex,
		Offline:        g.Offline,
		CacheDir:       g.CacheDir,
		Logger:         a.ui.logger(),
	}
	// For tests of failing indexes: the base backoff between retries.
	if d, err := time.ParseDuration(a.env.Getenv("PKGINSTALL_RETRY_WAIT")); err == nil {
		opts.RetryWait = d
	}
	return index.New(opts)
}

func (a *app) runInstall(c *ucli.Context) error {
	a.ui.stdoutIsData = c.String("report") == "-"
	if r := c.String("report"); r != "" && r != "-" {
		// Fail before installing, not after, when the report cannot be
		// written where asked.
		if st, err := os.Stat(filepath.Dir(r)); err != nil || !st.IsDir() {
			return fmt.Errorf("--report %s: %s is not a directory", r, filepath.Dir(r))
		}
	}
	g, err := a.globals(c)
	if err != nil {
		return err
	}
	req, err := a.installArgs(c, g)
	if err != nil {
		return err
	}
	if len(req.Reqs) == 0 {
		return a.installProject(c, g, req)
	}
	t, err := a.resolveTarget(c.Context, g)
	if err != nil {
		return err
	}
	// No-op fast path: the same request as the last install, and the
	// target as that install left it: no index, no resolution.
	fast := !req.Upgrade && !req.Reinstall && !req.DryRun && c.String("report") == ""
	key := installKey(g, req, t.py.Executable, c.Bool("compile"))
	if fast && installer.UpToDate(t.paths, key) {
		a.reporter().Installed(nil, 0)
		return nil
	}
	idx, err := a.newIndex(g)
	if err != nil {
		return err
	}
	linkMode, err := scheme.ParseLinkMode(c.String("link-mode"))
	if err != nil {
		return &UsageError{Msg: err.Error()}
	}
	in := &installer.Installer{
		Paths:     t.paths,
		Python:    t.py,
		Index:     idx,
		CacheDir:  g.CacheDir,
		Reporter:  a.reporter(),
		LinkMode:  linkMode,
		Compile:   c.Bool("compile"),
		Overwrite: req.Reinstall,
	}
	res, err := a.install(c.Context, in, req)
	if err != nil {
		return err
	}
	if fast {
		_ = installer.WriteManifest(t.paths, key)
	} else if !req.DryRun {
		installer.ForgetManifest(t.paths)
	}
	if report := c.String("report"); report != "" {
		if err := writeReport(report, a.env.Stdout, t, req, res); err != nil {
			return err
		}
	}
	return nil
}

// installKey is the no-op manifest key of a request.
func installKey(g *Globals, req *installer.Request, python string, compile bool) string {
	parts := []string{"install-v1", python, g.IndexURL, strings.Join(g.ExtraIndexURLs, " "), strings.Join(g.FindLinks, " "),
		fmt.Sprint(g.NoIndex, req.Pre, req.NoDeps, req.RequireHashes, compile)}
	for _, r := range req.Reqs {
		parts = append(parts, "r", r.Req.String(), r.Path, strings.Join(r.Hashes, " "))
	}
	for _, r := range req.Constraints {
		parts = append(parts, "c", r.Req.String())
	}
	return installer.RequestKey(parts...)
}

// install plans, prepares and applies a request: the shared path of
// install, sync and add.
func (a *app) install(ctx context.Context, in *installer.Installer, req *installer.Request) (*installer.Result, error) {
	if err := safety.CheckTarget(in.Paths.SafetyDirs()...); err != nil {
		return nil, err
	}
	if !req.DryRun {
		if _, err := os.Stat(in.Paths.PyPackages); err == nil {
			// Finish or undo an interrupted run before reading the state.
			unlock, err := scheme.Lock(ctx, in.Paths, func() { in.Reporter.Waiting(in.Paths.PyPackages) })
			if err != nil {
				return nil, err
			}
			err = scheme.Recover(in.Paths)
			unlock()
			if err != nil {
				return nil, err
			}
		}
	}
	res, _, err := in.Plan(ctx, req)
	if err != nil {
		return nil, err
	}
	in.Reporter.Plan(res.Changes, req.DryRun)
	if req.DryRun {
		return res, nil
	}
	wheels, err := in.Prepare(ctx, res)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, w := range wheels {
			w.Close()
		}
	}()
	if len(wheels) == 0 {
		in.Reporter.Installed(nil, 0)
		return res, nil
	}
	// Nothing is written to the target before this point: a bad wheel or an
	// unsatisfiable request leaves no trace. The lock makes two processes
	// on one target take turns.
	_, statErr := os.Stat(in.Paths.PyPackages)
	fresh := errors.Is(statErr, os.ErrNotExist)
	unlock, err := scheme.Lock(ctx, in.Paths, func() { in.Reporter.Waiting(in.Paths.PyPackages) })
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := in.Apply(ctx, res, wheels); err != nil {
		if fresh {
			// This run created __pypackages__: leave no trace of it.
			scheme.RemoveIfPristine(in.Paths)
		}
		var ce *scheme.ConflictError
		if errors.As(err, &ce) {
			return nil, fmt.Errorf("%w (use --reinstall to let it overwrite them)", err)
		}
		return nil, err
	}
	a.warnUnmet(in)
	return res, nil
}

// warnUnmet warns about requirements of installed distributions that
// nothing satisfies (possible after --no-deps).
func (a *app) warnUnmet(in *installer.Installer) {
	problems, err := installer.Check(in.Paths, in.Python)
	if err != nil {
		return
	}
	for _, p := range problems {
		a.ui.warnf("%s", p)
	}
}
