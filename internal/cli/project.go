package cli

// The project commands: add, remove, lock and sync (their work is in
// internal/workflow; this file maps flags to options and renders results).

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/project"
	"github.com/pkginstall/pkginstall/internal/workflow"
)

func (a *app) addCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "add",
		Usage:     "add requirements to pyproject.toml, lock and install them",
		UsageText: "pkginstall add REQ... [--group G | --optional EXTRA]",
		Description: `Records each REQ in [project].dependencies (or the dependency group G, or the
extra EXTRA), creating a minimal pyproject.toml if there is none; a bare name
is recorded as name>=<resolved version>. Then writes pylock.toml and installs.`,
		Flags: append([]ucli.Flag{
			&ucli.StringFlag{Name: "group", Usage: "add to the PEP 735 dependency group `G`"},
			&ucli.StringFlag{Name: "optional", Usage: "add to the extra `EXTRA` of [project.optional-dependencies]"},
			&ucli.BoolFlag{Name: "pre", Usage: "allow pre-releases"},
			dryRunFlag(),
			&ucli.BoolFlag{Name: "keep-credentials", Usage: "write user:password of a URL into pyproject.toml (by default they are used for this run only; keep them in ~/.netrc)"},
			&ucli.StringSliceFlag{Name: "editable", Aliases: []string{"e"}, Usage: "add the local project `DIR`, installed editable (repeatable); a DIR argument is added built"},
		}, applyFlags()...),
		Action: a.runAdd,
	}
}

func (a *app) removeCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "remove",
		Usage:     "remove requirements from pyproject.toml, re-lock, uninstall what nothing needs",
		UsageText: "pkginstall remove NAME... [--group G | --optional EXTRA]",
		Flags: append([]ucli.Flag{
			&ucli.StringFlag{Name: "group", Usage: "remove from the PEP 735 dependency group `G`"},
			&ucli.StringFlag{Name: "optional", Usage: "remove from the extra `EXTRA`"},
			dryRunFlag(),
		}, applyFlags()...),
		Action: a.runRemove,
	}
}

func (a *app) lockCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "lock",
		Usage:     "resolve the project and write pylock.toml (PEP 751)",
		UsageText: "pkginstall lock [--upgrade] [--check]",
		Description: `Resolves [project].dependencies, every extra and every dependency group
together for every environment the project supports (requires-python x Linux,
macOS, Windows on x86_64 and arm64, narrowed by [tool.pkginstall] environments)
and writes one pylock.toml: per-package markers, every wheel of each locked
version. --check changes nothing: it exits 1 when pylock.toml does
not satisfy pyproject.toml.`,
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "upgrade", Aliases: []string{"U"}, Usage: "take the newest allowed versions, not the installed ones"},
			&ucli.BoolFlag{Name: "check", Usage: "exit 1 if pylock.toml does not satisfy pyproject.toml; write nothing"},
			&ucli.BoolFlag{Name: "pre", Usage: "allow pre-releases"},
			dryRunFlag(),
			&ucli.StringSliceFlag{Name: "upgrade-package", Aliases: []string{"P"}, Usage: "take the newest allowed version of `NAME` only, keeping the other locked versions (repeatable)"},
		},
		Action: a.runLock,
	}
}

func (a *app) syncCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "sync",
		Usage:     "make __pypackages__ exactly the lock: install what is missing, remove the rest",
		UsageText: "pkginstall sync [--frozen | --locked] [--group G]... [--extra X]... [--no-dev]",
		Description: `Installs [project].dependencies and the default groups (dev) for this
interpreter, as the lock's markers say, and uninstalls the rest; the selection
flags change what is installed. Without --frozen, a pylock.toml whose inputs
changed (or a missing one) is re-locked first (--locked: exit 1 instead). With --frozen the lock is used as it is and no
index is asked for anything: each wheel comes from its URL in the lock and is
checked against the lock's sha256.`,
		Flags: append(append([]ucli.Flag{
			&ucli.BoolFlag{Name: "frozen", Usage: "install pylock.toml as it is; never resolve, never read an index page"},
			dryRunFlag(),
			lockedFlag,
			&ucli.BoolFlag{Name: "reinstall", Usage: "reinstall even what is installed at the locked version"},
			noProjectFlag,
		}, selectionFlags()...), applyFlags()...),
		Action: a.runSync,
	}
}

// whereFlags reads --group/--optional.
func whereFlags(c *ucli.Context) (project.Where, error) {
	w := project.Where{Group: c.String("group"), Optional: c.String("optional")}
	if w.Group != "" && w.Optional != "" {
		return w, usagef("--group and --optional cannot be used together")
	}
	for _, f := range []string{"group", "optional"} {
		// PEP 735 group names and PEP 685 extra names are project-name
		// shaped; an empty one would silently mean [project].dependencies.
		if c.IsSet(f) && !project.ValidName(c.String(f)) {
			return w, usagef("--%s %q is not a valid name (letters, digits, and . _ - inside)", f, c.String(f))
		}
	}
	return w, nil
}

func (a *app) runLock(c *ucli.Context) error {
	if c.NArg() > 0 {
		return usagef("lock takes no arguments")
	}
	g, t, err := a.globalsAndTarget(c)
	if err != nil {
		return err
	}
	res, err := workflow.Lock(c.Context, t.workflow(), a.workflowEnv(g), workflow.LockOptions{
		Check: c.Bool("check"), Upgrade: c.Bool("upgrade"), Pre: c.Bool("pre"), DryRun: c.Bool("dry-run"),
		UpgradePackages: c.StringSlice("upgrade-package"),
	})
	if err != nil {
		return err
	}
	path := workflow.DisplayPath(res.Path)
	switch res.State {
	case workflow.LockMissing:
		return &exitError{code: ExitFailure, err: fmt.Errorf("%s does not exist; run pkginstall lock", path)}
	case workflow.LockStale:
		return &exitError{code: ExitFailure, err: fmt.Errorf("%s does not satisfy pyproject.toml: %s; run pkginstall lock", path, strings.Join(res.Problems, "; "))}
	case workflow.LockSatisfied:
		a.ui.infof("%s satisfies pyproject.toml", path)
	case workflow.LockUpToDate:
		a.ui.infof("%s is up to date", path)
	case workflow.LockWouldWrite:
		a.ui.outf("Would lock %d package%s in %s", res.Packages, plural(res.Packages), path)
	}
	a.lockChanges(res)
	return nil
}

// lockChanges says which locked versions a lock changed (or would).
func (a *app) lockChanges(res *workflow.LockResult) {
	say := a.ui.infof
	if res.State == workflow.LockWouldWrite {
		say = a.ui.outf
	}
	for _, ch := range res.Changes {
		switch {
		case ch.Old == "":
			say(" + %s %s", ch.Name, ch.New)
		case ch.New == "":
			say(" - %s %s", ch.Name, ch.Old)
		default:
			say(" ~ %s %s -> %s", ch.Name, ch.Old, ch.New)
		}
	}
}

func (a *app) upgradeCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "upgrade",
		Usage:     "take the newest allowed versions of NAME… (of everything without NAME), re-lock and sync",
		UsageText: "pkginstall upgrade [--pre] [--dry-run] [NAME...]",
		Flags: append([]ucli.Flag{
			&ucli.BoolFlag{Name: "pre", Usage: "allow pre-releases"},
			dryRunFlag(),
		}, applyFlags()...),
		Action: func(c *ucli.Context) error {
			apply, err := applyOptions(c)
			if err != nil {
				return err
			}
			g, t, err := a.globalsAndTarget(c)
			if err != nil {
				return err
			}
			res, err := workflow.Upgrade(c.Context, t.workflow(), a.workflowEnv(g), workflow.UpgradeOptions{
				Names: c.Args().Slice(), Pre: c.Bool("pre"), DryRun: c.Bool("dry-run"), Apply: apply,
			})
			if res != nil {
				if res.State == workflow.LockUpToDate || len(res.Changes) == 0 {
					a.ui.infof("No newer versions: the lock is unchanged")
				}
				a.lockChanges(res)
			}
			return err
		},
	}
}

func (a *app) runSync(c *ucli.Context) error {
	if c.NArg() > 0 {
		return usagef("sync takes no arguments")
	}
	apply, err := applyOptions(c)
	if err != nil {
		return err
	}
	g, t, err := a.globalsAndTarget(c)
	if err != nil {
		return err
	}
	sel, err := selectOptions(c)
	if err != nil {
		return err
	}
	_, err = workflow.Sync(c.Context, t.workflow(), a.workflowEnv(g), workflow.SyncOptions{
		Frozen: c.Bool("frozen"), Locked: c.Bool("locked"), Reinstall: c.Bool("reinstall"), Select: sel, Apply: apply,
		RememberPython: g.Python != "", DryRun: c.Bool("dry-run"), NoProject: c.Bool("no-project"),
	})
	return err
}

// noProjectFlag turns off installing the project itself (editable).
var noProjectFlag = &ucli.BoolFlag{Name: "no-project", Usage: "do not install the project itself (editable), only its dependencies"}

func (a *app) runAdd(c *ucli.Context) error {
	args := c.Args().Slice()
	if len(args) == 0 && len(c.StringSlice("editable")) == 0 {
		return usagef("add needs at least one requirement")
	}
	where, err := whereFlags(c)
	if err != nil {
		return err
	}
	opts := workflow.AddOptions{Where: where, Pre: c.Bool("pre"), KeepCredentials: c.Bool("keep-credentials"), DryRun: c.Bool("dry-run")}
	for _, dir := range c.StringSlice("editable") {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return err
		}
		if st, err := os.Stat(abs); err != nil || !st.IsDir() {
			return usagef("add -e %s: not a project folder", dir)
		}
		opts.EditableDirs = append(opts.EditableDirs, abs)
	}
	for _, arg := range args {
		s := strings.TrimSpace(arg)
		if st, err := os.Stat(s); err == nil && st.IsDir() {
			abs, err := filepath.Abs(s)
			if err != nil {
				return err
			}
			opts.Dirs = append(opts.Dirs, abs)
			continue
		}
		r, err := pep508.ParseRequirement(s)
		if err != nil {
			return usagef("%v", err)
		}
		opts.Reqs = append(opts.Reqs, r)
		opts.Texts = append(opts.Texts, s)
	}
	if opts.Apply, err = applyOptions(c); err != nil {
		return err
	}
	g, t, err := a.globalsAndTarget(c)
	if err != nil {
		return err
	}
	opts.RememberPython = g.Python != ""
	_, err = workflow.Add(c.Context, t.workflow(), a.workflowEnv(g), opts)
	return err
}

func (a *app) runRemove(c *ucli.Context) error {
	names := c.Args().Slice()
	if len(names) == 0 {
		return usagef("remove needs at least one name")
	}
	where, err := whereFlags(c)
	if err != nil {
		return err
	}
	for _, n := range names {
		r, err := pep508.ParseRequirement(n)
		if err != nil || r.Specifier.String() != "" || r.URL != "" || r.Marker != nil || len(r.Extras) > 0 {
			return usagef("remove takes distribution names, not %q", n)
		}
	}
	apply, err := applyOptions(c)
	if err != nil {
		return err
	}
	g, t, err := a.globalsAndTarget(c)
	if err != nil {
		return err
	}
	_, err = workflow.Remove(c.Context, t.workflow(), a.workflowEnv(g), workflow.RemoveOptions{Names: names, Where: where, Apply: apply, DryRun: c.Bool("dry-run")})
	return err
}

// dryRunFlag is add's, remove's, lock's and sync's --dry-run (install has
// its own, with the same meaning).
func dryRunFlag() ucli.Flag {
	return &ucli.BoolFlag{Name: "dry-run", Usage: "resolve and say what would change; write nothing"}
}
