package cli

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/workflow"
	"github.com/pkginstall/pkginstall/scheme"
)

func (a *app) listCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "list",
		Usage:     "list the distributions installed in the target",
		UsageText: "pkginstall list [--format text|json]",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "format", Value: "text", Usage: "output `FORMAT`: text or json"},
		},
		Action: func(c *ucli.Context) error {
			format, err := formatFlag(c)
			if err != nil {
				return err
			}
			dists, _, err := a.installed(c)
			if err != nil {
				return err
			}
			if format == "json" {
				type row struct {
					Name      string `json:"name"`
					Version   string `json:"version"`
					Requested bool   `json:"requested"`
					Installer string `json:"installer,omitempty"`
				}
				rows := []row{}
				for _, d := range dists {
					rows = append(rows, row{d.Name, d.Version, d.Requested, d.Installer})
				}
				enc := json.NewEncoder(a.env.Stdout)
				return enc.Encode(rows)
			}
			if len(dists) == 0 {
				a.ui.infof("nothing is installed")
				return nil
			}
			w := len("Package")
			for _, d := range dists {
				w = max(w, len(d.Name))
			}
			a.ui.outf("%-*s %s", w, "Package", "Version")
			a.ui.outf("%s %s", strings.Repeat("-", w), strings.Repeat("-", 7))
			for _, d := range dists {
				a.ui.outf("%-*s %s", w, d.Name, d.Version)
			}
			return nil
		},
	}
}

func (a *app) freezeCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "freeze",
		Usage:     "print the installed distributions as name==version requirements",
		UsageText: "pkginstall freeze",
		Action: func(c *ucli.Context) error {
			dists, _, err := a.installed(c)
			if err != nil {
				return err
			}
			for _, d := range dists {
				a.ui.outf("%s==%s", d.Name, d.Version)
			}
			return nil
		},
	}
}

// installed lists the target's distributions sorted by normalised name.
func (a *app) installed(c *ucli.Context) ([]scheme.Dist, *target, error) {
	t, err := a.targetOnly(c)
	if err != nil {
		return nil, nil, err
	}
	dists, err := scheme.List(t.paths)
	if err != nil {
		return nil, nil, err
	}
	sort.Slice(dists, func(i, j int) bool {
		return pep508.NormalizeName(dists[i].Name) < pep508.NormalizeName(dists[j].Name)
	})
	return dists, t, nil
}

func (a *app) uninstallCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "uninstall",
		Usage:     "remove distributions: the files of their RECORD and their scripts",
		UsageText: "pkginstall uninstall NAME...",
		Action: func(c *ucli.Context) error {
			names := c.Args().Slice()
			if len(names) == 0 {
				return usagef("uninstall needs at least one distribution name")
			}
			_, t, err := a.globalsAndTarget(c)
			if err != nil {
				return err
			}
			return a.uninstall(c.Context, t, names)
		},
	}
}

func (a *app) uninstall(ctx context.Context, t *target, names []string) error {
	done, err := workflow.Uninstall(ctx, t.workflow(), a.reporter(), names)
	for _, d := range done {
		a.ui.infof(" - %s==%s", pep508.NormalizeName(d.Name), d.Version)
	}
	return err
}

// formatFlag is the --format of list, where and doctor: text or json.
func formatFlag(c *ucli.Context) (string, error) {
	format := c.String("format")
	if format != "text" && format != "json" {
		return "", usagef("--format must be text or json, not %q", format)
	}
	return format, nil
}
