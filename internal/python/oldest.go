package python

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// Oldest is the oldest Python this installer supports (SPEC §3: an older
// interpreter is an error that says so).
const (
	OldestMajor = 3
	OldestMinor = 8
)

// TooOldError is an interpreter older than Oldest.
type TooOldError struct {
	Path    string
	Version string // "2.7.18"
}

func (e *TooOldError) Error() string {
	return fmt.Sprintf("%s is Python %s, too old: pkginstall supports Python %d.%d and newer", e.Path, e.Version, OldestMajor, OldestMinor)
}

// NotPythonError is a program that does not answer as a Python interpreter.
type NotPythonError struct {
	Path   string
	Detail string // how it failed, short
}

func (e *NotPythonError) Error() string {
	return fmt.Sprintf("%s is not a Python interpreter (%s)", e.Path, e.Detail)
}

var versionAnswer = regexp.MustCompile(`^(\d+)\.(\d+)\.(\d+)$`)

// whyNotProbed explains why path failed the probe: a Python too old for it
// (asked with a question even Python 2 answers), else not a Python at all.
// runErr is the probe's failure, stderr the first line the program wrote.
func whyNotProbed(ctx context.Context, path string, runErr error, stderr string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "-c", "import sys; sys.stdout.write('%d.%d.%d' % tuple(sys.version_info[:3]))").Output()
	if err == nil {
		if m := versionAnswer.FindStringSubmatch(strings.TrimSpace(string(out))); m != nil && tooOld(atoi(m[1]), atoi(m[2])) {
			return &TooOldError{Path: path, Version: m[0]}
		}
	}
	detail := runErr.Error()
	// The program's own words, unless it is only echoing the probe back
	// (ls, cat and friends print their arguments).
	if stderr != "" && len(stderr) <= 160 && !strings.Contains(stderr, "import ") {
		detail += ": " + stderr
	}
	return &NotPythonError{Path: path, Detail: detail}
}

func tooOld(major, minor int) bool {
	return major < OldestMajor || major == OldestMajor && minor < OldestMinor
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
