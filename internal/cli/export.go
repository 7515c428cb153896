package cli

import (
	"fmt"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/pkginstall/pkginstall/internal/fsutil"
	"github.com/pkginstall/pkginstall/internal/workflow"
)

func (a *app) exportCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "export",
		Usage:     "write the lock as a requirements.txt with hashes and markers",
		UsageText: "pkginstall export [-o FILE] [--group G]... [--extra X]... [--no-dev] [--frozen | --locked]",
		Description: `Writes the packages of pylock.toml that the selection (by default
[project].dependencies and the default groups) takes on any supported
environment, pinned with ==, with every wheel's sha256 and the environment
part of their markers, for tools that read only requirements files
(pip install --require-hashes -r FILE).`,
		Flags: append([]ucli.Flag{
			&ucli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE` (default: standard output)"},
			&ucli.BoolFlag{Name: "frozen", Usage: "export pylock.toml as it is; never re-lock"},
			lockedFlag,
		}, selectionFlags()...),
		Action: a.runExport,
	}
}

func (a *app) runExport(c *ucli.Context) error {
	if c.NArg() > 0 {
		return usagef("export takes no arguments")
	}
	sel, err := selectOptions(c)
	if err != nil {
		return err
	}
	g, t, err := a.globalsAndTarget(c)
	if err != nil {
		return err
	}
	res, err := workflow.Export(c.Context, t.workflow(), a.workflowEnv(g), workflow.ExportOptions{
		Frozen: c.Bool("frozen"), Locked: c.Bool("locked"), Select: sel,
	})
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Exported by pkginstall from %s; do not edit.\n", "pylock.toml")
	for _, p := range res.Packages {
		line := p.Name + "==" + p.Version
		if p.Marker != "" {
			line += " ; " + p.Marker
		}
		b.WriteString(line)
		for _, h := range p.SHA256 {
			b.WriteString(" \\\n    --hash=sha256:" + h)
		}
		b.WriteString("\n")
	}
	if out := c.String("output"); out != "" {
		if err := fsutil.WriteFile(out, []byte(b.String()), fsutil.KeepPerm); err != nil {
			return err
		}
		a.ui.infof("Wrote %d %s to %s", len(res.Packages), pluralWord(len(res.Packages), "requirement", "requirements"), out)
		return nil
	}
	_, err = fmt.Fprint(a.env.Stdout, b.String())
	return err
}
