package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/pkginstall/pkginstall/internal/printable"
	"github.com/pkginstall/pkginstall/internal/redact"
)

// ui prints to the terminal: results on stdout, diagnostics on stderr.
// It is safe for concurrent use. Every line goes through safe, so no text
// from an index, a wheel or a file can move the cursor, recolour the screen
// or hide what follows, and no URL shows its credentials.
type ui struct {
	env     Env
	stdout  io.Writer
	stderr  io.Writer
	quiet   bool
	verbose bool
	color   bool
	// stdoutIsData says stdout carries a machine-readable document
	// (--report -): human summaries then go to stderr.
	stdoutIsData bool
	// progress: show the live progress display (see wantProgress).
	progress bool
	// command is the command line's command ("install", "cache"), once
	// its flags are parsed: usage errors point at its --help.
	command string

	mu     sync.Mutex
	warned map[string]bool
	live   *progressReporter // the live display, if one was made
}

// setLive makes r's display the place diagnostics are printed above.
func (u *ui) setLive(r *progressReporter) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.live = r
}

// endLive removes the live display, if any, from the screen: before an
// error is printed or the program exits.
func (u *ui) endLive() {
	u.mu.Lock()
	r := u.live
	u.mu.Unlock()
	if r != nil {
		r.stop()
	}
}

// toStderr writes s to stderr, above the live display when one is shown.
// The caller holds u.mu.
func (u *ui) toStderr(s string) {
	if u.live != nil && u.live.write([]byte(s)) {
		return
	}
	io.WriteString(u.stderr, s)
}

// safe is what every printed line goes through: no terminal escapes from
// outside text (printable.Terminal) and no credentials of a URL
// (redact.Text).
func safe(s string) string { return redact.Text(printable.Terminal(s)) }

func newUI(env Env) *ui {
	return &ui{env: env, stdout: env.Stdout, stderr: env.Stderr, warned: map[string]bool{}}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (u *ui) setColor(mode string, getenv func(string) string) {
	switch mode {
	case "always":
		u.color = true
	case "never":
		u.color = false
	default:
		u.color = getenv("NO_COLOR") == "" && getenv("TERM") != "dumb" && isTerminal(u.stderr)
	}
	if mode != "always" && getenv("NO_COLOR") != "" {
		u.color = false
	}
}

func (u *ui) paint(code, s string) string {
	if !u.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// errorf prints "error: …" to stderr, one line per line of the message.
func (u *ui) errorf(format string, args ...any) {
	u.mu.Lock()
	defer u.mu.Unlock()
	msg := safe(fmt.Sprintf(format, args...))
	first, rest, _ := strings.Cut(msg, "\n")
	line := fmt.Sprintf("%s %s\n", u.paint("1;31", "error:"), first)
	if rest != "" {
		line += rest + "\n"
	}
	u.toStderr(line)
}

// warnf prints "warning: …" to stderr, each distinct message once per run.
func (u *ui) warnf(format string, args ...any) {
	u.mu.Lock()
	defer u.mu.Unlock()
	msg := safe(fmt.Sprintf(format, args...))
	if u.warned[msg] {
		return
	}
	u.warned[msg] = true
	u.toStderr(fmt.Sprintf("%s %s\n", u.paint("1;33", "warning:"), msg))
}

// infof prints progress and summaries to stderr unless -q.
func (u *ui) infof(format string, args ...any) {
	if u.quiet {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	u.toStderr(safe(fmt.Sprintf(format, args...)) + "\n")
}

// debugf prints diagnostics to stderr with -v.
func (u *ui) debugf(format string, args ...any) {
	if !u.verbose {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	u.toStderr("debug: " + safe(fmt.Sprintf(format, args...)) + "\n")
}

// outf prints a result line to stdout.
func (u *ui) outf(format string, args ...any) {
	u.mu.Lock()
	defer u.mu.Unlock()
	fmt.Fprintln(u.stdout, safe(fmt.Sprintf(format, args...)))
}
