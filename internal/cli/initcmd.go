package cli

import (
	"fmt"
	"os"

	ucli "github.com/urfave/cli/v2"

	"github.com/pkginstall/pkginstall/internal/workflow"
)

func (a *app) initCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "init",
		Usage:     "start a project here: write a minimal pyproject.toml",
		UsageText: "pkginstall init   (in the project's folder, or with --project DIR)",
		Description: `Writes pyproject.toml in the current folder (or --project DIR), never above it:
the folder's name as the project name, requires-python from the target
interpreter, no dependencies. Then: pkginstall add NAME.`,
		Action: func(c *ucli.Context) error {
			if c.NArg() > 0 {
				return usagef("init takes no arguments (the project is the current folder, or --project DIR)")
			}
			g, err := a.globals(c)
			if err != nil {
				return err
			}
			if g.Project == "" {
				// Here, not the project an upward search would find.
				if g.Project, err = os.Getwd(); err != nil {
					return err
				}
			}
			t, err := a.resolveTarget(c.Context, g)
			if err != nil {
				return err
			}
			path, err := workflow.Init(t.workflow())
			if err != nil {
				return err
			}
			a.ui.infof("Created %s (Python %s); add dependencies with: pkginstall add NAME", workflow.DisplayPath(path), fmt.Sprintf("%d.%d", t.py.Major, t.py.Minor))
			return nil
		},
	}
}
