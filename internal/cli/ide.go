package cli

import (
	"runtime"

	ucli "github.com/urfave/cli/v2"

	"github.com/pkginstall/pkginstall/internal/ide"
)

func (a *app) ideCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "ide",
		Usage:     "make editors and notebooks see __pypackages__: vscode, pyright, jupyter",
		UsageText: "pkginstall ide [vscode|pyright|jupyter]...   (default: vscode pyright)",
		Description: `vscode writes .vscode/settings.json and pyright writes pyrightconfig.json (both
merged into what is there): the target's lib/ and the paths its .pth files add on the
analysis path, __pypackages__ out of indexing. jupyter registers a kernel spec
("pkginstall-<project>") that starts the target interpreter with the project's
packages, through the same bootstrap as pkginstall run; ipykernel must be installed
in the target (pkginstall add --dev ipykernel). Run it again after installing a
package that adds .pth paths.`,
		Action: a.runIDE,
	}
}

func (a *app) runIDE(c *ucli.Context) error {
	which := c.Args().Slice()
	if len(which) == 0 {
		which = []string{"vscode", "pyright"}
	}
	for _, w := range which {
		switch w {
		case "vscode", "pyright", "jupyter":
		default:
			return usagef("ide: unknown editor %q: want vscode, pyright or jupyter", w)
		}
	}
	_, t, err := a.globalsAndTarget(c)
	if err != nil {
		return err
	}
	target := ide.Target{Paths: t.paths, Python: t.py}
	for _, w := range which {
		var file string
		switch w {
		case "vscode":
			file, err = ide.VSCode(target)
		case "pyright":
			file, err = ide.Pyright(target)
		case "jupyter":
			var boot string
			if boot, err = runBootstrap(t.paths); err == nil && boot == "" {
				return usagef("ide jupyter: %s does not exist yet: install something first (pkginstall add ipykernel)", t.paths.Target)
			}
			if err == nil {
				file, err = ide.Jupyter(target, boot, ide.JupyterDataDir(a.env.Getenv, runtime.GOOS))
			}
		}
		if err != nil {
			return err
		}
		a.ui.infof("Wrote %s", file)
	}
	return nil
}
