package cli

import (
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/pkginstall/pkginstall/index"
	"github.com/pkginstall/pkginstall/internal/project"
	"github.com/pkginstall/pkginstall/internal/redact"
	"github.com/pkginstall/pkginstall/internal/suggest"
)

// globalFlags returns fresh instances of the global flags of SPEC §4. Every
// command carries its own copy too, so `pkginstall install --python 3.12 x`
// works as well as `pkginstall --python 3.12 install x`; read them with
// globals(c), which takes the innermost setting.
func globalFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.StringFlag{Name: "project", Usage: "use `DIR` as the project root instead of searching upwards"},
		&ucli.IntFlag{Name: "max-depth", Value: project.DefaultMaxDepth, Usage: "search at most `N` levels up for pyproject.toml or __pypackages__"},
		&ucli.StringFlag{Name: "python", Usage: "target interpreter: a path, a command (python3.12) or a version (3.12)"},
		&ucli.StringFlag{Name: "layout", Usage: "target directory layout: `version` (3.11/) or platform (cp311-linux_x86_64/)"},
		&ucli.StringFlag{Name: "index-url", Usage: "package index `URL` (default https://pypi.org/simple/; env PKGINSTALL_INDEX_URL, PIP_INDEX_URL)"},
		&ucli.StringSliceFlag{Name: "extra-index-url", Usage: "another index `URL`, asked after the first (repeatable)"},
		&ucli.StringSliceFlag{Name: "find-links", Aliases: []string{"f"}, Usage: "a `DIR` or URL of wheels to consider too (repeatable)"},
		&ucli.BoolFlag{Name: "no-index", Usage: "ignore package indexes (use --find-links only)"},
		&ucli.BoolFlag{Name: "offline", Usage: "never touch the network: cache and --find-links only"},
		&ucli.StringFlag{Name: "cache-dir", Usage: "cache `DIR` (env PKGINSTALL_CACHE_DIR; default $XDG_CACHE_HOME/pkginstall)"},
		&ucli.BoolFlag{Name: "no-cache", Usage: "do not read or write the cache"},
		&ucli.StringFlag{Name: "timeout", Usage: "give up on a connection that sends nothing for `SECONDS` (env PKGINSTALL_TIMEOUT; default 15)"},
		&ucli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only results and errors"},
		&ucli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "print diagnostics to stderr"},
		&ucli.StringFlag{Name: "color", Value: "auto", Usage: "colour output: auto, always or never (honours NO_COLOR)"},
		&ucli.BoolFlag{Name: "no-progress", Usage: "no progress bars"},
	}
}

// Globals are the global options after flags, environment and defaults.
type Globals struct {
	Project        string
	MaxDepth       int
	Python         string
	Layout         string
	IndexURL       string
	ExtraIndexURLs []string
	FindLinks      []string
	NoIndex        bool
	Offline        bool
	CacheDir       string        // "" when --no-cache
	Timeout        time.Duration // --timeout: every wait for the network
	Quiet          bool
	Verbose        bool
	Color          string
	NoProgress     bool

	indexFromFlag bool // --index-url or an environment variable chose the index
}

// lookup returns the innermost context in c's lineage where flag name was set.
func lookup(c *ucli.Context, name string) (*ucli.Context, bool) {
	for _, cur := range c.Lineage() {
		if cur.Command == nil && cur.App == nil {
			continue
		}
		if cur.IsSet(name) {
			return cur, true
		}
	}
	return c, false
}

func gString(c *ucli.Context, name string) string {
	cur, _ := lookup(c, name)
	return cur.String(name)
}

func gBool(c *ucli.Context, name string) bool {
	cur, _ := lookup(c, name)
	return cur.Bool(name)
}

func gSlice(c *ucli.Context, name string) []string {
	var out []string
	// Repeatable flags accumulate across levels, outermost first.
	lin := c.Lineage()
	for i := len(lin) - 1; i >= 0; i-- {
		if lin[i].IsSet(name) {
			out = append(out, lin[i].StringSlice(name)...)
		}
	}
	return dedupe(out)
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// globals reads the global options, applying the environment (through env,
// not os.Getenv, so tests see what they set) and the defaults.
func (a *app) globals(c *ucli.Context) (*Globals, error) {
	g := &Globals{
		Project:        gString(c, "project"),
		Python:         gString(c, "python"),
		Layout:         gString(c, "layout"),
		IndexURL:       gString(c, "index-url"),
		ExtraIndexURLs: gSlice(c, "extra-index-url"),
		FindLinks:      gSlice(c, "find-links"),
		NoIndex:        gBool(c, "no-index"),
		Offline:        gBool(c, "offline"),
		CacheDir:       gString(c, "cache-dir"),
		Quiet:          gBool(c, "quiet"),
		Verbose:        gBool(c, "verbose"),
		Color:          gString(c, "color"),
		NoProgress:     gBool(c, "no-progress"),
	}
	var err error
	cur, _ := lookup(c, "max-depth")
	g.MaxDepth = cur.Int("max-depth")
	if g.MaxDepth < 0 {
		return nil, usagef("--max-depth must be 0 or more, not %d", g.MaxDepth)
	}
	switch g.Layout {
	case "", "version", "platform":
	default:
		return nil, usagef("--layout must be version or platform, not %q", g.Layout)
	}
	switch g.Color {
	case "auto", "always", "never":
	default:
		return nil, usagef("--color must be auto, always or never, not %q", g.Color)
	}
	getenv := a.env.Getenv
	if g.Timeout, err = parseTimeout(gString(c, "timeout"), getenv("PKGINSTALL_TIMEOUT")); err != nil {
		return nil, err
	}
	g.indexFromFlag = g.IndexURL != "" || getenv("PKGINSTALL_INDEX_URL") != "" || getenv("PIP_INDEX_URL") != ""
	if g.IndexURL == "" {
		g.IndexURL = firstNonEmpty(getenv("PKGINSTALL_INDEX_URL"), getenv("PIP_INDEX_URL"), "https://pypi.org/simple/")
	}
	if g.IndexURL, err = checkIndexURL("--index-url", g.IndexURL); err != nil {
		return nil, err
	}
	for i, u := range g.ExtraIndexURLs {
		if g.ExtraIndexURLs[i], err = checkIndexURL("--extra-index-url", u); err != nil {
			return nil, err
		}
	}
	if gBool(c, "no-cache") {
		g.CacheDir = ""
	} else if g.CacheDir == "" {
		g.CacheDir = defaultCacheDir(getenv)
	}
	if g.Project != "" {
		abs, err := filepath.Abs(g.Project)
		if err != nil {
			return nil, fmt.Errorf("--project %s: %w", g.Project, err)
		}
		g.Project = abs
	}
	a.ui.quiet = g.Quiet
	a.ui.verbose = g.Verbose
	a.ui.setColor(g.Color, getenv)
	a.ui.progress = wantProgress(g, a.ui, getenv)
	return g, nil
}

// parseTimeout reads --timeout (else PKGINSTALL_TIMEOUT): seconds, as pip
// takes them (a decimal number more than 0); default index.DefaultTimeout.
func parseTimeout(flag, env string) (time.Duration, error) {
	v, what := flag, "--timeout"
	if v == "" {
		v, what = env, "PKGINSTALL_TIMEOUT"
	}
	if v == "" {
		return index.DefaultTimeout, nil
	}
	secs, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(secs) || math.IsInf(secs, 0) || secs > 1e6 {
		return 0, usagef("%s must be a number of seconds, not %q", what, v)
	}
	if secs <= 0 {
		return 0, usagef("%s must be more than 0 seconds, not %q", what, v)
	}
	return time.Duration(secs * float64(time.Second)), nil
}

func defaultCacheDir(getenv func(string) string) string {
	if d := getenv("PKGINSTALL_CACHE_DIR"); d != "" {
		return d
	}
	if d := getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "pkginstall")
	}
	home := getenv("HOME")
	if home == "" {
		if h, err := os.UserHomeDir(); err == nil {
			home = h
		}
	}
	if home == "" {
		return ""
	}
	return filepath.Join(home, ".cache", "pkginstall")
}

func firstNonEmpty(xs ...string) string {
	for _, x := range xs {
		if x != "" {
			return x
		}
	}
	return ""
}

// app holds what every command shares.
type app struct {
	env Env
	ui  *ui
}

func init() {
	// -v is --verbose here, as in pip; --version has no short form.
	ucli.VersionFlag = &ucli.BoolFlag{Name: "version", Usage: "print the version and exit"}
}

func newApp(u *ui) *ucli.App {
	a := &app{env: u.env, ui: u}
	cmds := a.commands()
	for _, cmd := range cmds {
		cmd.Flags = append(cmd.Flags, commandGlobals(cmd)...)
		cmd.Description = strings.TrimSpace(cmd.Description + "\n\n" + globalsNote)
		cmd.OnUsageError = func(_ *ucli.Context, err error, _ bool) error {
			return &UsageError{Msg: flagMessage(err, cmd.Flags), Cmd: cmd.Name}
		}
		before := cmd.Before
		cmd.Before = func(c *ucli.Context) error {
			u.command = cmd.Name
			if before != nil {
				return before(c)
			}
			return nil
		}
	}
	return &ucli.App{
		Name:        "pkginstall",
		Usage:       "install Python packages into the project's __pypackages__",
		UsageText:   "pkginstall [global options] command [command options] [arguments...]",
		Version:     versionString(),
		Description: description,
		// urfave adds --help only when no command is named "help".
		Flags:           append(globalFlags(), ucli.HelpFlag),
		Commands:        cmds,
		Reader:          u.env.Stdin,
		Writer:          u.env.Stdout,
		ErrWriter:       u.env.Stderr,
		HideHelpCommand: true,
		Suggest:         true,
		ExitErrHandler:  func(*ucli.Context, error) {}, // main picks the exit status
		OnUsageError: func(c *ucli.Context, err error, _ bool) error {
			return &UsageError{Msg: flagMessage(err, c.App.Flags)}
		},
		EnableBashCompletion: true, // the completion command's scripts ask --generate-bash-completion
		CommandNotFound: func(c *ucli.Context, name string) {
			// Reported through the returned error below.
		},
		Action: func(c *ucli.Context) error {
			if c.NArg() > 0 {
				return unknownCommand(c.App, c.Args().First())
			}
			return ucli.ShowAppHelp(c)
		},
	}
}

// unknownCommand is the usage error for a command line's unknown command,
// with the closest command as a suggestion.
func unknownCommand(app *ucli.App, name string) error {
	var names []string
	for _, cmd := range app.Commands {
		names = append(names, cmd.Names()...)
	}
	msg := fmt.Sprintf("unknown command %q", name)
	if s := suggest.Closest(name, names); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return &UsageError{Msg: msg}
}

// flagMessage rewords the flag parser's errors: an unknown flag is named
// as it was typed (--name, not -name) with the closest known flag.
func flagMessage(err error, flags []ucli.Flag) string {
	msg := err.Error()
	name, ok := strings.CutPrefix(msg, "flag provided but not defined: -")
	if !ok {
		return msg
	}
	var known []string
	for _, f := range flags {
		known = append(known, f.Names()...)
	}
	dash := func(n string) string {
		if len(n) == 1 {
			return "-" + n
		}
		return "--" + n
	}
	msg = "unknown option " + dash(name)
	if s := suggest.Closest(name, known); s != "" {
		msg += "; did you mean " + dash(s) + "?"
	}
	return msg
}

const description = `pkginstall resolves requirements against a PEP 503/691 index (PyPI by default),
verifies and unpacks wheels into <project>/__pypackages__/<X.Y>/{lib,bin,include},
and writes console scripts that run from anywhere.

   pkginstall install ./demo-1.0-py3-none-any.whl   install a wheel file
   pkginstall where                                   show where packages go
   pkginstall run python -c 'import demo'             run with the packages importable`

// commandGlobals is globalFlags() less the flags cmd defines itself (download
// has a repeatable --python).
func commandGlobals(cmd *ucli.Command) []ucli.Flag {
	own := map[string]bool{}
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			own[n] = true
		}
	}
	var out []ucli.Flag
	for _, f := range globalFlags() {
		if !own[f.Names()[0]] {
			out = append(out, hidden(f))
		}
	}
	return out
}

// hidden is f left out of a command's help (which points at the program's
// help for the global options instead): a command's help lists what is its
// own, not the 16 options every command takes.
func hidden(f ucli.Flag) ucli.Flag {
	switch f := f.(type) {
	case *ucli.StringFlag:
		f.Hidden = true
	case *ucli.IntFlag:
		f.Hidden = true
	case *ucli.BoolFlag:
		f.Hidden = true
	case *ucli.StringSliceFlag:
		f.Hidden = true
	}
	return f
}

// globalsNote ends every command's help.
const globalsNote = "Global options (--python, --project, --index-url, -q, -v, ...) are accepted too: see 'pkginstall --help'."

// commands lists the commands; each issue adds its own.
func (a *app) commands() []*ucli.Command {
	return []*ucli.Command{
		a.installCommand(),
		a.uninstallCommand(),
		a.listCommand(),
		a.freezeCommand(),
		a.showCommand(),
		a.treeCommand(),
		a.outdatedCommand(),
		a.runCommand(),
		a.whereCommand(),
		a.addCommand(),
		a.removeCommand(),
		a.lockCommand(),
		a.syncCommand(),
		a.upgradeCommand(),
		a.exportCommand(),
		a.serveCommand(),
		a.downloadCommand(),
		a.shellInitCommand(),
		a.doctorCommand(),
		a.cacheCommand(),
		a.ideCommand(),
		a.initCommand(),
		a.completionCommand(),
		a.helpCommand(),
	}
}

// helpCommand is "pkginstall help [COMMAND]", as pip and uv have it; an
// unknown COMMAND is a usage error (urfave's own help command exits 0
// silently there).
func (a *app) helpCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "help",
		Usage:     "show the commands, or the help of one command",
		UsageText: "pkginstall help [COMMAND]",
		Action: func(c *ucli.Context) error {
			switch c.NArg() {
			case 0:
				return ucli.ShowAppHelp(c)
			case 1:
				name := c.Args().First()
				if c.App.Command(name) == nil {
					return unknownCommand(c.App, name)
				}
				return ucli.ShowCommandHelp(c.Lineage()[1], name)
			}
			return usagef("help takes at most one command")
		},
	}
}

// splitComma turns ["a,b", "c"] into ["a", "b", "c"].
func splitComma(xs []string) []string {
	var out []string
	for _, x := range xs {
		for _, p := range strings.Split(x, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// checkIndexURL accepts an http(s):// or file:// URL, and a local directory
// (as its file:// URL); anything else is a usage error naming the flag, not
// a "not found on the package index" later.
func checkIndexURL(flag, raw string) (string, error) {
	u, err := url.Parse(raw)
	if err == nil && u.Host != "" && (u.Scheme == "http" || u.Scheme == "https") {
		return raw, nil
	}
	if err == nil && u.Scheme == "file" {
		return raw, nil
	}
	if st, serr := os.Stat(raw); serr == nil && st.IsDir() {
		abs, aerr := filepath.Abs(raw)
		if aerr == nil {
			return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs) + "/"}).String(), nil
		}
	}
	return "", usagef("%s %s: not an http://, https:// or file:// URL, nor a directory", flag, redact.URL(raw))
}
