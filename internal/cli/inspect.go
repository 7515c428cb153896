package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/suggest"
	"github.com/pkginstall/pkginstall/internal/workflow"
)

func formatFlagDef() ucli.Flag {
	return &ucli.StringFlag{Name: "format", Value: "text", Usage: "output `FORMAT`: text or json"}
}

func (a *app) encodeJSON(v any) error {
	enc := json.NewEncoder(a.env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// inventory is the --format and the target's packages, for show and tree.
func (a *app) inventory(c *ucli.Context) (string, []*workflow.Package, error) {
	format, err := formatFlag(c)
	if err != nil {
		return "", nil, err
	}
	_, t, err := a.globalsAndTarget(c)
	if err != nil {
		return "", nil, err
	}
	pkgs, err := workflow.Inventory(t.paths, t.py)
	return format, pkgs, err
}

func (a *app) showCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "show",
		Usage:     "show installed distributions: version, summary, location, requires, required-by",
		UsageText: "pkginstall show [--format text|json] NAME...",
		Flags:     []ucli.Flag{formatFlagDef()},
		Action: func(c *ucli.Context) error {
			if c.NArg() == 0 {
				return usagef("show needs at least one package name")
			}
			format, pkgs, err := a.inventory(c)
			if err != nil {
				return err
			}
			byName := map[string]*workflow.Package{}
			var names []string
			for _, pk := range pkgs {
				byName[pk.Name] = pk
				names = append(names, pk.Name)
			}
			var found []*workflow.Package
			var missing []string
			for _, n := range c.Args().Slice() {
				if pk := byName[pep508.NormalizeName(n)]; pk != nil {
					found = append(found, pk)
				} else {
					missing = append(missing, n)
				}
			}
			if format == "json" {
				if found == nil {
					found = []*workflow.Package{}
				}
				if err := a.encodeJSON(found); err != nil {
					return err
				}
			} else {
				for i, pk := range found {
					if i > 0 {
						a.ui.outf("---")
					}
					a.ui.outf("Name: %s", pk.Name)
					a.ui.outf("Version: %s", pk.Version)
					a.ui.outf("Summary: %s", pk.Summary)
					a.ui.outf("Location: %s", pk.Location)
					a.ui.outf("Requires: %s", strings.Join(pk.Requires, ", "))
					a.ui.outf("Required-by: %s", strings.Join(pk.RequiredBy, ", "))
				}
			}
			if len(missing) > 0 {
				return notInstalled(missing, names)
			}
			return nil
		},
	}
}

// notInstalled is the error for names that are not installed, with the
// closest installed name.
func notInstalled(missing, installed []string) error {
	msg := fmt.Sprintf("not installed: %s", strings.Join(missing, ", "))
	if len(missing) == 1 {
		if s := suggest.Closest(missing[0], installed); s != "" {
			msg += fmt.Sprintf("; did you mean %s?", s)
		}
	}
	return &exitError{code: ExitFailure, err: fmt.Errorf("%s", msg)}
}

func (a *app) treeCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "tree",
		Usage:     "show the installed distributions as a dependency tree",
		UsageText: "pkginstall tree [--invert] [--format text|json] [NAME...]",
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "invert", Usage: "show what depends on each package, from the leaves up"},
			formatFlagDef(),
		},
		Action: func(c *ucli.Context) error {
			format, pkgs, err := a.inventory(c)
			if err != nil {
				return err
			}
			forest, err := workflow.Tree(pkgs, c.Bool("invert"), c.Args().Slice())
			if err != nil {
				return &exitError{code: ExitFailure, err: err}
			}
			if format == "json" {
				if forest == nil {
					forest = []*workflow.Node{}
				}
				return a.encodeJSON(forest)
			}
			for _, n := range forest {
				a.printNode(n, "", "")
			}
			return nil
		},
	}
}

// printNode prints n and its children with box-drawing branches, as uv's
// tree does.
func (a *app) printNode(n *workflow.Node, first, rest string) {
	line := n.Name
	switch {
	case n.Missing:
		line += " (not installed)"
	default:
		line += " v" + n.Version
	}
	if n.Seen {
		line += " (*)"
	}
	if n.Cycle {
		line += " (cycle)"
	}
	a.ui.outf("%s%s", first, line)
	for i, k := range n.Children {
		if i == len(n.Children)-1 {
			a.printNode(k, rest+"└── ", rest+"    ")
		} else {
			a.printNode(k, rest+"├── ", rest+"│   ")
		}
	}
}

func (a *app) outdatedCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "outdated",
		Usage:     "list installed distributions that have a newer version on the index",
		UsageText: "pkginstall outdated [--pre] [--format text|json]",
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "pre", Usage: "compare with pre-releases too"},
			formatFlagDef(),
		},
		Action: func(c *ucli.Context) error {
			if c.NArg() > 0 {
				return usagef("outdated takes no arguments")
			}
			format, err := formatFlag(c)
			if err != nil {
				return err
			}
			g, t, err := a.globalsAndTarget(c)
			if err != nil {
				return err
			}
			out, err := workflow.FindOutdated(c.Context, t.workflow(), a.workflowEnv(g), c.Bool("pre"))
			if err != nil {
				return err
			}
			if format == "json" {
				return a.encodeJSON(out)
			}
			if len(out) == 0 {
				a.ui.infof("everything is up to date")
				return nil
			}
			w := len("Package")
			for _, o := range out {
				w = max(w, len(o.Name))
			}
			a.ui.outf("%-*s %-10s %s", w, "Package", "Version", "Latest")
			a.ui.outf("%s %s %s", strings.Repeat("-", w), strings.Repeat("-", 10), strings.Repeat("-", 10))
			for _, o := range out {
				a.ui.outf("%-*s %-10s %s", w, o.Name, o.Version, o.Latest)
			}
			return nil
		},
	}
}
