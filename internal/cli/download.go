package cli

import (
	"path/filepath"

	ucli "github.com/urfave/cli/v2"

	"github.com/pkginstall/pkginstall/internal/installer"
	"github.com/pkginstall/pkginstall/internal/python"
	"github.com/pkginstall/pkginstall/internal/workflow"
)

func (a *app) downloadCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "download",
		Usage:     "resolve requirements and save their wheels to a folder (a wheelhouse)",
		UsageText: "pkginstall download [options] REQ... [-r FILE]... -d DIR",
		Description: `Resolves like install and saves every wheel of the resolution to DIR, checked
against the index's sha256. Wheels already in DIR are kept; a second run
downloads nothing.

Other targets than the local interpreter: repeat --python (each interpreter's
resolution, their wheels together), or describe the target as pip does:

   pkginstall download -d wheels --python-version 3.12 --platform win_amd64 \
       --platform macosx_11_0_arm64 --platform manylinux_2_17_x86_64 -r requirements.txt

Serve DIR to a class with "pkginstall serve --addr 0.0.0.0:8000 DIR".`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "dest", Aliases: []string{"d"}, Usage: "save the wheels in `DIR` (created if needed)", Required: true},
			&ucli.StringSliceFlag{Name: "requirement", Aliases: []string{"r"}, Usage: "requirements `FILE` (repeatable)"},
			&ucli.StringSliceFlag{Name: "constraint", Aliases: []string{"c"}, Usage: "constraints `FILE` (repeatable)"},
			&ucli.StringSliceFlag{Name: "python", Usage: "resolve for the interpreter `PY` (path, command or version; repeatable)"},
			&ucli.StringFlag{Name: "only-binary", Usage: "`:all:`: save wheels only, never an sdist (pip's spelling)"},
			&ucli.BoolFlag{Name: "build", Usage: "for a package with only an sdist, build and save a wheel for the local interpreter instead"},
			&ucli.StringFlag{Name: "python-version", Usage: "resolve for Python `X.Y` (with --platform, --abi, --implementation)"},
			&ucli.StringSliceFlag{Name: "platform", Usage: "platform `TAG`, e.g. win_amd64, macosx_11_0_arm64, manylinux_2_17_x86_64 (repeatable)"},
			&ucli.StringSliceFlag{Name: "abi", Usage: "ABI `TAG`: cpXY, cpXYt (free-threaded), cpXYd (debug); abi3 and none are always accepted"},
			&ucli.StringFlag{Name: "implementation", Usage: "interpreter implementation `TAG`: cp (CPython)"},
			&ucli.BoolFlag{Name: "no-deps", Usage: "save only what is named, not its dependencies"},
			&ucli.BoolFlag{Name: "pre", Usage: "allow pre-releases"},
			&ucli.BoolFlag{Name: "require-hashes", Usage: "require a --hash for every package"},
		},
		Action: a.runDownload,
	}
}

func (a *app) runDownload(c *ucli.Context) error {
	g, err := a.globals(c)
	if err != nil {
		return err
	}
	req, err := a.installArgs(c, g)
	if err != nil {
		return err
	}
	if len(req.Reqs) == 0 {
		return usagef("download needs requirements or -r FILE")
	}
	dest := c.String("dest")
	targets, err := a.downloadTargets(c, g)
	if err != nil {
		return err
	}
	if c.Bool("build") && c.String("only-binary") == ":all:" {
		return usagef("--build and --only-binary :all: cannot be used together")
	}
	res, err := workflow.Download(c.Context, a.workflowEnv(g), workflow.DownloadOptions{Request: req, Targets: targets, Dest: dest,
		Build: c.Bool("build"), OnlyBinary: c.String("only-binary") == ":all:"})
	if err != nil {
		return err
	}
	n := 0
	for i, s := range res.Saved {
		if s {
			n++
			a.ui.infof("Saved %s", filepath.Join(dest, res.Files[i]))
		}
	}
	a.ui.infof("%d %s in %s (%d saved, %d already there)", len(res.Files), pluralWord(len(res.Files), "wheel", "wheels"), dest, n, len(res.Files)-n)
	return nil
}

// downloadTargets are the interpreters to resolve for: each --python, one
// synthetic interpreter per --platform (or one when only --python-version,
// --abi or --implementation is given), else the local interpreter.
func (a *app) downloadTargets(c *ucli.Context, g *Globals) ([]*python.Info, error) {
	var out []*python.Info
	for _, spec := range splitComma(c.StringSlice("python")) {
		py, err := python.Find(c.Context, spec, g.CacheDir)
		if err != nil {
			return nil, err
		}
		out = append(out, py)
	}
	pyVersion := c.String("python-version")
	platforms := splitComma(c.StringSlice("platform"))
	abis := splitComma(c.StringSlice("abi"))
	impl := c.String("implementation")
	if pyVersion == "" && len(platforms) == 0 && len(abis) == 0 && impl == "" {
		if len(out) == 0 {
			spec := firstNonEmpty(a.env.Getenv("PKGINSTALL_PYTHON"), "python3")
			py, err := python.Find(c.Context, spec, g.CacheDir)
			if err != nil {
				return nil, err
			}
			out = append(out, py)
		}
		return out, nil
	}
	// A synthetic target borrows what it does not name from the local
	// interpreter (pip does the same), when there is one.
	var base *python.Info
	if pyVersion == "" || len(platforms) == 0 {
		spec := firstNonEmpty(a.env.Getenv("PKGINSTALL_PYTHON"), "python3")
		py, err := python.Find(c.Context, spec, g.CacheDir)
		if err != nil {
			return nil, usagef("give --python-version and --platform (no local interpreter to take them from: %v)", err)
		}
		base = py
	}
	if len(platforms) == 0 {
		platforms = []string{""}
	}
	for _, plat := range platforms {
		info, err := installer.TargetInfo(installer.TargetSpec{
			PythonVersion:  pyVersion,
			Platform:       plat,
			ABIs:           abis,
			Implementation: impl,
		}, base)
		if err != nil {
			return nil, &UsageError{Msg: err.Error()}
		}
		out = append(out, info)
	}
	return out, nil
}
