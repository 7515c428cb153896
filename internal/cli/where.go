package cli

import (
	"encoding/json"

	ucli "github.com/urfave/cli/v2"
)

func (a *app) whereCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "where",
		Usage:     "print where packages go: the target, lib, bin and include directories",
		UsageText: "pkginstall where [--format text|json]",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "format", Value: "text", Usage: "output `FORMAT`: text or json"},
		},
		Action: func(c *ucli.Context) error {
			format, t, err := a.formatAndTarget(c)
			if err != nil {
				return err
			}
			p := t.paths
			if format == "json" {
				out := map[string]string{
					"project":        p.Project,
					"pypackages":     p.PyPackages,
					"target":         p.Target,
					"lib":            p.Lib,
					"bin":            p.Bin,
					"include":        p.Include,
					"python":         t.py.Executable,
					"python_version": t.py.Version,
					"layout":         t.layout,
				}
				enc := json.NewEncoder(a.env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(out)
			}
			a.ui.outf("project  %s", p.Project)
			a.ui.outf("python   %s (%s)", t.py.Executable, t.py.Version)
			a.ui.outf("target   %s", p.Target)
			a.ui.outf("lib      %s", p.Lib)
			a.ui.outf("bin      %s", p.Bin)
			a.ui.outf("include  %s", p.Include)
			return nil
		},
	}
}
