package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pkginstall/pkginstall/internal/procgroup"
)

// sample is one timed run of one command.
type sample struct {
	Wall   time.Duration
	CPU    time.Duration // user + system time of the child and the children it waited for
	MaxRSS int64         // bytes; peak resident set (wait4 rusage), 0 if unknown
}

// execSpec is a command to time.
type execSpec struct {
	Dir   string
	Env   []string
	Args  []string
	Index string // the index URL the command uses, to count its requests; "" if none
}

// runTimed runs spec and returns its wall-clock time (from start to exit)
// and its peak memory. A non-zero exit is an error that quotes the end of
// the command's output.
func runTimed(ctx context.Context, spec execSpec, timeout time.Duration) (sample, error) {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, spec.Args[0], spec.Args[1:]...)
	cmd.Dir = spec.Dir
	cmd.Env = spec.Env
	var out tailBuffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	procgroup.Own(cmd)
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	s := sample{Wall: wall}
	if cmd.ProcessState != nil {
		s.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		s.MaxRSS = maxRSS(cmd.ProcessState)
	}
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			err = fmt.Errorf("timed out after %s", timeout)
		}
		return s, fmt.Errorf("%s: %v: %s%s", shortCmd(spec.Args), err, out.last(), out.quote())
	}
	return s, nil
}

// runQuiet runs an untimed setup command.
func runQuiet(ctx context.Context, spec execSpec) error {
	_, err := runTimed(ctx, spec, 10*time.Minute)
	return err
}

// output runs a command and returns its trimmed standard output.
func output(ctx context.Context, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s: %v: %s", shortCmd(args), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(b)), nil
}

func shortCmd(args []string) string {
	s := filepath.Base(args[0])
	for i, a := range args[1:] {
		if i == 4 {
			return s + " …"
		}
		s += " " + a
	}
	return s
}

// tailBuffer keeps the last few kilobytes written to it.
type tailBuffer struct{ b []byte }

const tailMax = 4096

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 2*tailMax {
		t.b = append(t.b[:0], t.b[len(t.b)-tailMax:]...)
	}
	return len(p), nil
}

// last is the last non-empty line of the output.
func (t *tailBuffer) last() string {
	lines := strings.Split(strings.TrimSpace(string(t.b)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func (t *tailBuffer) quote() string {
	s := strings.TrimSpace(string(t.b))
	if len(s) > tailMax {
		s = s[len(s)-tailMax:]
	}
	lines := strings.Split(s, "\n")
	if len(lines) > 6 {
		lines = lines[len(lines)-6:]
	}
	if s == "" {
		return ""
	}
	return "\n    " + strings.Join(lines, "\n    ")
}

// treeStats counts the *.dist-info directories directly inside lib (0 if
// lib is "") and the regular files and symbolic links under root.
func treeStats(root, lib string) (dists, files int) {
	if lib != "" {
		ents, _ := os.ReadDir(lib)
		for _, e := range ents {
			if e.IsDir() && strings.HasSuffix(e.Name(), ".dist-info") {
				dists++
			}
		}
	}
	_ = filepath.WalkDir(root, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files++
		}
		return nil
	})
	return dists, files
}

// cleanEnv is the environment minus everything that steers pip, PDM,
// pkginstall or Python from outside, plus extra ("KEY=value").
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "PIP_"), strings.HasPrefix(k, "PDM_"),
			strings.HasPrefix(k, "PKGINSTALL_"), strings.HasPrefix(k, "PYTHON"),
			strings.HasPrefix(k, "XDG_"), strings.HasPrefix(k, "CONDA"),
			k == "VIRTUAL_ENV", k == "NO_COLOR", k == "FORCE_COLOR":
			continue
		}
		env = append(env, kv)
	}
	env = append(env, extra...)
	sort.Strings(env)
	return env
}

// xdgEnv points the XDG base directories into dir.
func xdgEnv(dir string, extra ...string) []string {
	return cleanEnv(append([]string{
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"XDG_CACHE_HOME=" + filepath.Join(dir, "cache"),
		"XDG_DATA_HOME=" + filepath.Join(dir, "data"),
		"NO_COLOR=1",
	}, extra...)...)
}
