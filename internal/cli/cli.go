// Package cli defines pkginstall's command line: global flags (SPEC §4), the
// commands, how results and diagnostics are printed, and the exit status.
//
// Rules it enforces: results go to stdout; progress, warnings ("warning: …")
// and errors ("error: …") go to stderr; exit status 0 is success, 1 a failure,
// 2 a usage error; no Go stack trace and no credential is ever printed.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"runtime/debug"
	"strings"
)

// Version is the program version, set at build time with
// -ldflags "-X github.com/pkginstall/pkginstall/internal/cli.Version=…".
var Version = ""

// Env is the outside world a run of the command line sees.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// Exit statuses (an API: scripts rely on them).
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// UsageError marks an error in how the command was called (exit status 2).
type UsageError struct {
	Msg string
	Cmd string // the command whose --help to point at ("" for the program's)
}

func (e *UsageError) Error() string { return e.Msg }

func usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// stdlogWriter turns the standard log package's lines into debug lines.
type stdlogWriter struct{ u *ui }

func (w stdlogWriter) Write(p []byte) (int, error) {
	w.u.debugf("%s", strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Run runs the command line args[1:] and returns the exit status.
func Run(ctx context.Context, args []string, env Env) (code int) {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	u := newUI(env)
	// Go's net/http reports some protocol oddities (an unsolicited response
	// on an idle connection, ...) through the standard log package, which
	// writes raw lines to stderr: they become debug lines (-v) instead.
	log.SetFlags(0)
	log.SetOutput(stdlogWriter{u})
	defer func() {
		if r := recover(); r != nil {
			// A bug, not bad input: say so on one line, never a stack trace
			// unless the user asked for diagnostics.
			u.errorf("internal error: %v (please report this bug)", r)
			if u.verbose {
				u.stderr.Write(debug.Stack())
			}
			code = ExitFailure
		}
	}()
	app := newApp(u)
	err := app.RunContext(ctx, reorderArgs(app, args))
	u.endLive()
	if err == nil {
		return ExitOK
	}
	var ue *UsageError
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		if ee.err != nil {
			u.errorf("%s", ee.err)
		}
		return ee.code
	case errors.As(err, &ue):
		u.errorf("%s", ue.Msg)
		fmt.Fprintf(u.stderr, "Run '%s --help' for usage.\n", strings.TrimSpace("pkginstall "+firstNonEmpty(ue.Cmd, helpOf(u.command))))
		return ExitUsage
	case isFlagError(err):
		u.errorf("%s", flagMessage(err, app.Flags))
		fmt.Fprintf(u.stderr, "Run '%s --help' for usage.\n", strings.TrimSpace("pkginstall "+helpOf(u.command)))
		return ExitUsage
	case errors.Is(err, context.Canceled):
		u.errorf("interrupted")
		return 130
	default:
		u.errorf("%s", err)
		return ExitFailure
	}
}

// helpOf is the command whose help a usage error of cmd points at: its
// own, except for help's (the program's).
func helpOf(cmd string) string {
	if cmd == "help" {
		return ""
	}
	return cmd
}

// exitError carries an explicit exit status (e.g. `run` passing through the
// child's status, or `doctor` finding problems).
type exitError struct {
	code int
	err  error // printed as "error: …" when non-nil
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

// isFlagError reports whether err comes from parsing flags (the flag package
// and urfave/cli word these errors in a few fixed ways).
func isFlagError(err error) bool {
	s := err.Error()
	for _, p := range []string{"flag provided but not defined", "flag needs an argument", "invalid value", "invalid boolean", "Required flag", "No help topic"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

func versionString() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "0.1.0-dev"
}
