package cli

import (
	"fmt"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/pkginstall/pkginstall/cache"
)

// defaultPruneAge is how long prune keeps what was not used.
const defaultPruneAge = 30 * 24 * time.Hour

func (a *app) cacheCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "cache",
		Usage:     "show, clean or prune the cache",
		UsageText: "pkginstall cache dir | clean | prune [--max-age DURATION]",
		// Reached only without a known subcommand.
		Action: func(c *ucli.Context) error {
			if c.NArg() > 0 {
				return usagef("unknown cache command %q: use dir, clean or prune", c.Args().First())
			}
			return usagef("cache needs a command: dir, clean or prune")
		},
		Subcommands: []*ucli.Command{
			{
				Name:  "dir",
				Usage: "print the cache directory",
				Action: func(c *ucli.Context) error {
					dir, err := a.cacheDir(c)
					if err != nil {
						return err
					}
					a.ui.outf("%s", dir)
					return nil
				},
			},
			{
				Name:  "clean",
				Usage: "remove the whole cache (it names the projects whose --link-mode symlink packages it breaks)",
				Action: func(c *ucli.Context) error {
					dir, err := a.cacheDir(c)
					if err != nil {
						return err
					}
					linking := cache.Linking(dir, false)
					if err := cache.Clean(dir); err != nil {
						return err
					}
					a.ui.infof("Removed %s", dir)
					if n := len(linking); n > 0 {
						a.ui.warnf("%d project%s linked packages of the cache with --link-mode symlink and now %s dangling symlinks; repair each with pkginstall sync or pkginstall install in that project:", n, plural(n), pluralWord(n, "has", "have"))
						for _, lp := range linking {
							a.ui.warnf("  %s (%d unpacked wheel%s)", lp.Lib, len(lp.Trees), plural(len(lp.Trees)))
						}
					}
					return nil
				},
			},
			{
				Name:  "prune",
				Usage: "remove unpacked wheels and downloads not used for a while (never one a --link-mode symlink project links), and leftovers of interrupted runs",
				Flags: []ucli.Flag{
					&ucli.DurationFlag{Name: "max-age", Value: defaultPruneAge, Usage: "keep what was used within `DURATION` (e.g. 720h)"},
				},
				Action: func(c *ucli.Context) error {
					dir, err := a.cacheDir(c)
					if err != nil {
						return err
					}
					if c.Duration("max-age") < 0 {
						return usagef("--max-age must not be negative")
					}
					st, err := cache.Prune(dir, c.Duration("max-age"), time.Now())
					if err != nil {
						return err
					}
					a.ui.infof("Removed %d unpacked wheel%s, %d download%s and %d temporary file%s (%.1f MB)",
						st.Trees, plural(st.Trees), st.Wheels, plural(st.Wheels), st.Temps, plural(st.Temps), float64(st.Bytes)/1e6)
					return nil
				},
			},
		},
	}
}

// cacheDir is the cache directory the global options and environment
// choose.
func (a *app) cacheDir(c *ucli.Context) (string, error) {
	g, err := a.globals(c)
	if err != nil {
		return "", err
	}
	if g.CacheDir == "" {
		return "", fmt.Errorf("no cache directory: --no-cache is set, or neither HOME nor XDG_CACHE_HOME is")
	}
	return g.CacheDir, nil
}
