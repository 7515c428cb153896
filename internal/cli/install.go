package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/pkginstall/pkginstall/index"
	"github.com/pkginstall/pkginstall/internal/build"
	"github.com/pkginstall/pkginstall/internal/fileerr"
	"github.com/pkginstall/pkginstall/internal/installer"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/reqfile"
	"github.com/pkginstall/pkginstall/internal/workflow"
	"github.com/pkginstall/pkginstall/scheme"
)

func (a *app) installCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "install",
		Usage:     "install requirements, wheel files or the project into __pypackages__",
		UsageText: "pkginstall install [options] [REQ | WHEEL | NAME @ URL]... [-r FILE]... [-c FILE]...",
		Description: `Each REQ is a PEP 508 requirement ("requests>=2", "moto[server]"), a wheel
file path, or "name @ URL". Dependencies are resolved against the index.`,
		Flags: append([]ucli.Flag{
			&ucli.StringSliceFlag{Name: "requirement", Aliases: []string{"r"}, Usage: "install from the requirements `FILE` (repeatable)"},
			&ucli.StringSliceFlag{Name: "constraint", Aliases: []string{"c"}, Usage: "constrain versions with the constraints `FILE` (repeatable)"},
			&ucli.BoolFlag{Name: "no-deps", Usage: "install only what is named, not its dependencies"},
			&ucli.BoolFlag{Name: "upgrade", Aliases: []string{"U"}, Usage: "upgrade to the newest allowed versions"},
			&ucli.BoolFlag{Name: "reinstall", Usage: "reinstall even what is already installed"},
			&ucli.BoolFlag{Name: "pre", Usage: "allow pre-releases"},
			&ucli.BoolFlag{Name: "require-hashes", Usage: "require a --hash for every package"},
			&ucli.BoolFlag{Name: "dry-run", Usage: "say what would be installed, change nothing"},
			&ucli.BoolFlag{Name: "frozen", Usage: "with no requirements: install pylock.toml exactly, never resolve"},
			lockedFlag,
			&ucli.StringFlag{Name: "report", Usage: "write pip's installation report (JSON, version 1) to `FILE` (- for stdout)"},
			&ucli.StringSliceFlag{Name: "editable", Aliases: []string{"e"}, Usage: "install the local project `DIR` editable (PEP 660; repeatable)"},
			noProjectFlag,
		}, append(selectionFlags(), applyFlags()...)...),
		Action: a.runInstall,
	}
}

// applyFlags are the flags of every command that installs: how files reach
// the target.
func applyFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.StringFlag{Name: "link-mode", EnvVars: []string{"PKGINSTALL_LINK_MODE"}, Usage: "how files reach __pypackages__ from the cache: clone, hardlink or copy (default: the fastest that works), or symlink (opt-in: each package of lib/ one symlink into the cache, which is made read-only)"},
		&ucli.BoolFlag{Name: "compile", EnvVars: []string{"PKGINSTALL_COMPILE"}, Usage: "byte-compile the installed .py files (as pip does by default)"},
		&ucli.BoolFlag{Name: "no-build", Usage: "never build a package from its source distribution"},
		&ucli.StringSliceFlag{Name: "no-build-package", Usage: "never build `NAME` from source (repeatable)"},
		&ucli.StringSliceFlag{Name: "only-binary", Usage: "pip's spelling: :all: (as --no-build), :none:, or `NAMES` (comma-separated) not to build"},
		&ucli.BoolFlag{Name: "no-build-isolation", Usage: "build with the target's packages instead of a fresh build environment"},
	}
}

// buildPolicy reads the build flags of applyFlags.
func buildPolicy(c *ucli.Context) (installer.BuildPolicy, error) {
	b := installer.BuildPolicy{NoBuild: c.Bool("no-build"), NoIsolation: c.Bool("no-build-isolation"), NoBuildPackages: map[string]bool{}}
	names := append([]string(nil), c.StringSlice("no-build-package")...)
	for _, v := range c.StringSlice("only-binary") {
		for _, n := range strings.Split(v, ",") {
			switch n = strings.TrimSpace(n); n {
			case ":all:":
				b.NoBuild = true
			case ":none:":
				b.NoBuild, b.NoBuildPackages = false, map[string]bool{}
				names = nil
			case "":
			default:
				names = append(names, n)
			}
		}
	}
	for _, n := range names {
		if !pep508.ValidName(n) {
			return b, usagef("--no-build-package/--only-binary %q: not a project name", n)
		}
		b.NoBuildPackages[pep508.NormalizeName(n)] = true
	}
	return b, nil
}

// applyOptions reads applyFlags.
func applyOptions(c *ucli.Context) (workflow.ApplyOptions, error) {
	linkMode, err := scheme.ParseLinkMode(c.String("link-mode"))
	if err != nil {
		return workflow.ApplyOptions{}, &UsageError{Msg: err.Error()}
	}
	bp, err := buildPolicy(c)
	if err != nil {
		return workflow.ApplyOptions{}, err
	}
	return workflow.ApplyOptions{LinkMode: linkMode, Compile: c.Bool("compile"), Build: bp}, nil
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
	for _, dir := range c.StringSlice("editable") {
		r, err := dirArg(dir)
		if err != nil {
			return nil, err
		}
		r.Editable = true
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
				return nil, fileerr.New(l.File, l.LineNo, 1, "a constraint cannot be a file or URL")
			}
			if len(l.Req.Extras) > 0 {
				return nil, fileerr.Errorf(l.File, l.LineNo, 1, "constraints cannot have extras: %s", l.Req.String())
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
	if isSdistPath(arg) {
		abs, err := filepath.Abs(arg)
		if err != nil {
			return installer.Req{}, err
		}
		if st, err := os.Stat(abs); err != nil || !st.Mode().IsRegular() {
			return installer.Req{}, fmt.Errorf("%s: no such sdist file", arg)
		}
		return installer.Req{Path: abs, Origin: arg}, nil
	}
	if st, err := os.Stat(arg); err == nil && st.IsDir() {
		return dirArg(arg)
	} else if err == nil && strings.ContainsAny(arg, `/\`) {
		return installer.Req{}, fmt.Errorf("%s: only wheels, sdists (.tar.gz, .zip) and project folders can be installed from a path", arg)
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

// isSdistPath says arg names an sdist file (not a requirement): a name
// build can unpack (build.IsSdist owns the suffixes), not a URL or a
// "name @ URL" requirement.
func isSdistPath(arg string) bool {
	return build.IsSdist(arg) && !strings.Contains(arg, "@") && !strings.Contains(arg, "://")
}

// dirArg is a local project folder given on the command line.
func dirArg(dir string) (installer.Req, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return installer.Req{}, err
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return installer.Req{}, fmt.Errorf("%s: no such project folder", dir)
	}
	return installer.Req{Dir: abs, Origin: dir}, nil
}

// indexOptions are the options of the index client the globals describe.
func (a *app) indexOptions(g *Globals) index.Options {
	opts := index.Options{
		IndexURL:       g.IndexURL,
		ExtraIndexURLs: g.ExtraIndexURLs,
		FindLinks:      g.FindLinks,
		NoIndex:        g.NoIndex,
		Offline:        g.Offline,
		CacheDir:       g.CacheDir,
		Timeout:        g.Timeout,
		Logger:         a.ui.logger(),
	}
	// For tests of failing indexes: the base backoff between retries.
	if d, err := time.ParseDuration(a.env.Getenv("PKGINSTALL_RETRY_WAIT")); err == nil {
		opts.RetryWait = d
	}
	return opts
}

// workflowEnv is what the workflows need from the globals.
func (a *app) workflowEnv(g *Globals) workflow.Env {
	return workflow.Env{Index: a.indexOptions(g), Reporter: a.reporter(),
		IndexExplicit: g.indexFromFlag || len(g.FindLinks) > 0 || len(g.ExtraIndexURLs) > 0 || g.NoIndex}
}

func (a *app) runInstall(c *ucli.Context) error {
	a.ui.stdoutIsData = c.String("report") == "-"
	report := c.String("report")
	if report != "" && report != "-" {
		// Fail before installing, not after, when the report cannot be
		// written where asked.
		if st, err := os.Stat(filepath.Dir(report)); err != nil || !st.IsDir() {
			return fmt.Errorf("--report %s: %s is not a directory", report, filepath.Dir(report))
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
	apply, err := applyOptions(c)
	if err != nil {
		return err
	}
	sel, err := selectOptions(c)
	if err != nil {
		return err
	}
	if len(req.Reqs) > 0 && (sel.AllExtras || sel.AllGroups || sel.NoDefaultGroups || sel.NoDev ||
		len(sel.Groups)+len(sel.OnlyGroups)+len(sel.Extras) > 0 || c.Bool("locked")) {
		return usagef("--group, --extra, --locked and the other selection flags install the project: give no requirements")
	}
	t, err := a.resolveTarget(c.Context, g)
	if err != nil {
		return err
	}
	if len(req.Reqs) == 0 && !t.pyproject.Exists && !c.Bool("frozen") {
		return usagef("install needs requirements, wheel files or -r FILE, or a pyproject.toml in the project (none in %s)", t.root)
	}
	res, err := workflow.Install(c.Context, t.workflow(), a.workflowEnv(g), workflow.InstallOptions{
		Request: req, Frozen: c.Bool("frozen"), Locked: c.Bool("locked"), Select: sel, Apply: apply, Report: report != "",
		NoProject: c.Bool("no-project"),
	})
	if err != nil {
		return err
	}
	if report != "" {
		return writeReport(report, a.env.Stdout, t, res.Request, res.Result)
	}
	return nil
}
