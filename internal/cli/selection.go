package cli

// The selection flags of sync, install and export (which extras and
// dependency groups of the lock to install), and --locked.

import (
	ucli "github.com/urfave/cli/v2"

	"github.com/pkginstall/pkginstall/internal/project"
)

// selectionFlags are the flags that choose extras and groups.
func selectionFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.StringSliceFlag{Name: "group", Usage: "also install the dependency group `G` (repeatable)"},
		&ucli.StringSliceFlag{Name: "only-group", Usage: "install only the dependency group `G` (repeatable), not [project].dependencies"},
		&ucli.BoolFlag{Name: "no-default-groups", Usage: "leave out the default groups (dev, or [tool.pkginstall] default-groups)"},
		&ucli.BoolFlag{Name: "no-dev", Usage: "leave out the dev group"},
		&ucli.BoolFlag{Name: "all-groups", Usage: "install every dependency group"},
		&ucli.StringSliceFlag{Name: "extra", Usage: "install the extra `X` (repeatable)"},
		&ucli.BoolFlag{Name: "all-extras", Usage: "install every extra"},
	}
}

// lockedFlag fails instead of re-locking a stale lock.
var lockedFlag = &ucli.BoolFlag{Name: "locked", Usage: "fail (exit 1) instead of re-locking when pylock.toml is stale"}

// selectOptions reads selectionFlags.
func selectOptions(c *ucli.Context) (project.SelectOptions, error) {
	o := project.SelectOptions{
		Groups:          splitComma(c.StringSlice("group")),
		OnlyGroups:      splitComma(c.StringSlice("only-group")),
		Extras:          splitComma(c.StringSlice("extra")),
		AllExtras:       c.Bool("all-extras"),
		AllGroups:       c.Bool("all-groups"),
		NoDefaultGroups: c.Bool("no-default-groups"),
		NoDev:           c.Bool("no-dev"),
	}
	if len(o.OnlyGroups) > 0 && (len(o.Groups) > 0 || o.AllGroups || o.NoDefaultGroups || o.NoDev) {
		return o, usagef("--only-group cannot be used with --group, --all-groups, --no-default-groups or --no-dev")
	}
	for _, n := range append(append(append([]string{}, o.Groups...), o.OnlyGroups...), o.Extras...) {
		if !project.ValidName(n) {
			return o, usagef("%q is not a valid group or extra name (letters, digits, and . _ - inside)", n)
		}
	}
	return o, nil
}
