package cli

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/pkginstall/pkginstall/internal/installer"
	"github.com/pkginstall/pkginstall/internal/project"
	"github.com/pkginstall/pkginstall/internal/redact"
	"github.com/pkginstall/pkginstall/internal/workflow"
)

// textReporter renders installer progress as lines on stderr.
type textReporter struct {
	u      *ui
	target string // download's current target, named in Resolved
}

// ForTarget implements workflow.TargetReporter.
func (r *textReporter) ForTarget(desc string) { r.target = desc }

// reporter is the live progress display on a terminal (see wantProgress),
// else lines.
func (a *app) reporter() workflow.Reporter {
	if a.ui.progress {
		return newProgressReporter(a.ui)
	}
	return &textReporter{u: a.ui}
}

// The phases (installer.PhaseReporter): as lines, only the prepare phase's
// summary; progressReporter shows them live.

func (r *textReporter) Resolving()                                     {}
func (r *textReporter) Preparing([]installer.Change)                   {}
func (r *textReporter) Downloading(*installer.Candidate, int64, int64) {}
func (r *textReporter) Installing(int)                                 {}
func (r *textReporter) Prepared(n int, d time.Duration) {
	r.u.infof("Prepared %d package%s in %s", n, plural(n), fmtDuration(d))
}

func (r *textReporter) ProjectWaiting(root string) {
	r.u.infof("Waiting for another pkginstall working on %s", root)
}

func (r *textReporter) Created(path string) {
	r.u.infof("Created %s", workflow.DisplayPath(path))
}

func (r *textReporter) Added(req string, w project.Where) {
	r.u.infof("Added %s to %s", redact.Requirement(req), w)
}

func (r *textReporter) Dropped(name string, w project.Where) {
	r.u.infof("Removed %s from %s", name, w)
}

func (r *textReporter) Locked(n int, path string) {
	r.u.infof("Locked %d package%s in %s", n, plural(n), workflow.DisplayPath(path))
}

func (r *textReporter) Removed(changes []installer.Change) {
	r.u.infof("Removed %d package%s", len(changes), plural(len(changes)))
	for _, ch := range changes {
		r.u.infof(" - %s==%s", ch.Name, ch.OldVersion)
	}
}

func (r *textReporter) Waiting(dir string) {
	r.u.infof("waiting for another pkginstall to finish with %s …", dir)
}

func (r *textReporter) Resolved(n int, d time.Duration) {
	if r.target != "" {
		r.u.infof("Resolved %d package%s for %s in %s", n, plural(n), r.target, fmtDuration(d))
		return
	}
	r.u.infof("Resolved %d package%s in %s", n, plural(n), fmtDuration(d))
}

func (r *textReporter) Fetched(c *installer.Candidate, cached bool) {
	r.u.debugf("ready: %s", c.File.Filename)
}

func (r *textReporter) Plan(changes []installer.Change, dryRun bool) {
	if !dryRun {
		return
	}
	var lines []string
	for _, ch := range changes {
		switch ch.Action {
		case installer.Add:
			lines = append(lines, fmt.Sprintf("+ %s==%s", ch.Name, ch.Version))
		case installer.Upgrade, installer.Reinstall:
			lines = append(lines, fmt.Sprintf("~ %s==%s (from %s)", ch.Name, ch.Version, ch.OldVersion))
		case installer.Remove:
			lines = append(lines, fmt.Sprintf("- %s==%s", ch.Name, ch.OldVersion))
		}
	}
	// The summary is the dry run's result (stdout, as pip prints it),
	// unless stdout carries the JSON report.
	out := r.u.outf
	if r.u.stdoutIsData {
		out = r.u.infof
	}
	if len(lines) == 0 {
		out("Would change nothing")
		return
	}
	verb := "install"
	for _, l := range lines {
		if strings.HasPrefix(l, "- ") {
			verb = "change" // removals too: "install" would misname them
		}
	}
	out("Would %s %d package%s:", verb, len(lines), plural(len(lines)))
	for _, l := range lines {
		out(" %s", l)
	}
}

func (r *textReporter) Installed(changes []installer.Change, d time.Duration) {
	if len(changes) == 0 {
		r.u.infof("Nothing to install: everything is already installed")
		return
	}
	r.u.infof("Installed %d package%s in %s", len(changes), plural(len(changes)), fmtDuration(d))
	for _, ch := range changes {
		switch ch.Action {
		case installer.Add:
			r.u.infof(" + %s==%s", ch.Name, ch.Version)
		case installer.Upgrade:
			r.u.infof(" - %s==%s", ch.Name, ch.OldVersion)
			r.u.infof(" + %s==%s", ch.Name, ch.Version)
		case installer.Reinstall:
			r.u.infof(" ~ %s==%s", ch.Name, ch.Version)
		}
	}
}

func (r *textReporter) Warn(msg string) { r.u.warnf("%s", msg) }

func (r *textReporter) Debug(format string, args ...any) { r.u.debugf(format, args...) }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func fmtDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	default:
		return fmt.Sprintf("%.2fs", d.Seconds())
	}
}

// logger returns a slog logger writing "debug: …" lines to stderr with -v,
// and discarding otherwise.
func (u *ui) logger() *slog.Logger {
	if !u.verbose {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return slog.New(slog.NewTextHandler(lockedWriter{u}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type lockedWriter struct{ u *ui }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.u.mu.Lock()
	defer w.u.mu.Unlock()
	w.u.toStderr("debug: " + safe(strings.TrimLeft(string(p), " ")))
	return len(p), nil
}
