// Command resolver is the resolver benchmark of issue 15: it serves
// synthetic package indexes of realistic shape from memory (and the real
// wheelhouse from disk) on 127.0.0.1, and resolves each with pkginstall
// (install --dry-run --report -) and with pip's resolver (pip install
// --dry-run --report - --ignore-installed) in the same run, against the
// same index, reporting wall and CPU time, the metadata files fetched and
// the answer.
//
//	go run ./bench/resolver                       # all cases, Markdown on stdout
//	go run ./bench/resolver -update BENCHMARKS.md # also write the section there
//	go run ./bench/resolver -cases boto,wide -tools pkginstall
//	go test -bench . ./bench/resolver             # the solver alone, in memory
//
// The cases: (1) boto: a boto3/botocore-like history of 1,500 versions
// each whose newest releases cap urllib3 below what another requirement
// needs; (2) wide: 300 projects × 50 versions, solvable, wide and deep;
// (3) grid: the 200 × 50 unsolvable grid; (4) real: the 55-distribution
// set of the main benchmark, from the wheelhouse it builds (go run ./bench
// once first, or give -wheelhouse); (5) pages: 10 projects whose PEP 691
// pages list 4,000 files each, as PyPI's do for boto3 or botocore,
// resolved twice with the same cache and timed the second time (pages
// fresh, metadata cached: no request at all), where reading the pages is
// the work (pkginstall only: its wheels are not served). Timing targets
// live here and in BENCHMARKS.md, never in tests.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/pkginstall/pkginstall/internal/procgroup"
)

// realSet is the main benchmark's 55-distribution request.
var realSet = []string{"boto3", "flask", "sympy", "networkx", "pydantic", "moto", "ipython", "jsonschema"}

type options struct {
	cases, tools       map[string]bool
	python, pipPython  string
	pkginstall         string
	wheelhouse, update string
	timeout            time.Duration
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "resolver bench: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, log io.Writer) error {
	fl := flag.NewFlagSet("resolver", flag.ContinueOnError)
	var o options
	var cases, tools string
	fl.StringVar(&cases, "cases", "boto,wide,grid,real,pages", "comma list of cases")
	fl.StringVar(&tools, "tools", "pkginstall,pip", "comma list of tools")
	fl.StringVar(&o.python, "python", "python3.11", "target interpreter")
	fl.StringVar(&o.pipPython, "pip-python", "python3.11", "interpreter that runs pip")
	fl.StringVar(&o.pkginstall, "pkginstall", "", "pkginstall binary (default: go build ./cmd/pkginstall)")
	fl.StringVar(&o.wheelhouse, "wheelhouse", "", "wheelhouse of the real case (default: <user cache>/pkginstall-bench/wheelhouse)")
	fl.StringVar(&o.update, "update", "", "also write the table into `FILE` between the resolver-bench markers")
	fl.DurationVar(&o.timeout, "timeout", 3*time.Minute, "limit for one resolution")
	if err := fl.Parse(args); err != nil {
		return err
	}
	o.cases, o.tools = set(cases), set(tools)
	work, err := os.MkdirTemp("", "resolver-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if o.tools["pkginstall"] && o.pkginstall == "" {
		o.pkginstall = filepath.Join(work, "pkginstall")
		fmt.Fprintln(log, "building pkginstall")
		if out, err := exec.CommandContext(ctx, "go", "build", "-o", o.pkginstall, "./cmd/pkginstall").CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
	}
	var rows []row
	for _, u := range universes() {
		if !o.cases[u.ID] {
			continue
		}
		idx, err := newSynthIndex(u)
		if err != nil {
			return err
		}
		rows = append(rows, o.runCase(ctx, work, log, u.ID, u.Label, u.Versions(), idx, &idx.counts, u.Request, u.Want, false)...)
	}
	if o.cases["real"] {
		dir := o.wheelhouse
		if dir == "" {
			cache, _ := os.UserCacheDir()
			dir = filepath.Join(cache, "pkginstall-bench", "wheelhouse")
		}
		n, _ := filepath.Glob(filepath.Join(dir, "files", "*.whl"))
		if len(n) == 0 {
			fmt.Fprintf(log, "no wheelhouse in %s: case (4) skipped (run go run ./bench once, or give -wheelhouse)\n", dir)
		} else {
			idx := newDirIndex(dir)
			rows = append(rows, o.runCase(ctx, work, log, "real", "(4) the real 55-distribution set", len(n), idx, &idx.counts, realSet, nil, false)...)
		}
	}
	if o.cases["pages"] {
		pc := pagesCase{Projects: 10, Files: 4000}
		idx, newest := newPagesIndex(pc)
		first := pc.name(0)
		want := map[string]string{first: newest[first]}
		rows = append(rows, o.runCase(ctx, work, log, "pages", pc.label(), len(newest)*pc.Files/2, idx, &idx.counts, pc.request(), want, true)...)
	}
	md := markdown(rows, o)
	fmt.Fprint(stdout, md)
	if o.update != "" {
		return updateFile(o.update, md)
	}
	return nil
}

func set(list string) map[string]bool {
	m := map[string]bool{}
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s != "" {
			m[s] = true
		}
	}
	return m
}

// row is one tool's resolution of one case.
type row struct {
	Case, Label, Tool string
	Versions          int
	Wall, CPU         time.Duration
	Metadata, Wheels  int64
	Pages             int64
	Outcome           string
	TimedOut          bool
}

// runCase serves h and resolves request with each tool, one after the
// other, against a cold cache; when warm, pkginstall only, resolving
// twice with the same cache and timing the second run.
func (o *options) runCase(ctx context.Context, work string, log io.Writer, id, label string, versions int, h http.Handler, c *counts, request []string, want map[string]string, warm bool) []row {
	base, stop, err := listen(h)
	if err != nil {
		return []row{{Case: id, Label: label, Tool: "-", Outcome: err.Error()}}
	}
	defer stop()
	index := base + "/simple/"
	var rows []row
	for _, tool := range []string{"pkginstall", "pip"} {
		if !o.tools[tool] || (warm && tool != "pkginstall") {
			continue
		}
		dir, err := os.MkdirTemp(work, id+"-"+tool+"-")
		if err != nil {
			rows = append(rows, row{Case: id, Tool: tool, Outcome: err.Error()})
			continue
		}
		var args []string
		if tool == "pip" {
			args = append([]string{o.pipPython, "-m", "pip", "install", "--isolated", "--no-cache-dir", "--disable-pip-version-check",
				"--dry-run", "--ignore-installed", "-q", "--report", "-", "--index-url", index}, request...)
		} else {
			args = append([]string{o.pkginstall, "--python", o.python, "--cache-dir", filepath.Join(dir, "cache"), "--project", dir,
				"--quiet", "install", "--dry-run", "--report", "-", "--index-url", index}, request...)
		}
		fmt.Fprintf(log, "%s: %s\n", id, tool)
		if warm {
			if r := o.timed(ctx, dir, args); !strings.HasPrefix(r.Outcome, "report:") {
				rows = append(rows, row{Case: id, Label: label, Tool: tool, Outcome: "warming the cache: " + r.Outcome})
				continue
			}
		}
		c.reset()
		r := o.timed(ctx, dir, args)
		r.Case, r.Label, r.Tool, r.Versions = id, label, tool, versions
		r.Metadata, r.Wheels, r.Pages = c.metadata.Load(), c.wheels.Load(), c.pages.Load()
		r.Outcome = answer(r.Outcome, want)
		rows = append(rows, r)
	}
	return rows
}

// timed runs args in dir and fills in the times and the outcome: the
// installation report's answer, or what went wrong.
func (o *options) timed(ctx context.Context, dir string, args []string) row {
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir = dir
	cmd.Env = env(dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	procgroup.Own(cmd)
	start := time.Now()
	err := cmd.Run()
	r := row{Wall: time.Since(start)}
	if cmd.ProcessState != nil {
		r.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		r.TimedOut, r.Outcome = true, fmt.Sprintf("no answer within %s", o.timeout)
	case err != nil:
		r.Outcome = failure(stderr.String())
	default:
		r.Outcome = "report:" + stdout.String()
	}
	return r
}

// env is the environment without what steers pip, pkginstall or Python
// from outside, with XDG directories inside dir.
func env(dir string) []string {
	var e []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "PIP_") || strings.HasPrefix(k, "PKGINSTALL_") || strings.HasPrefix(k, "PYTHON") || strings.HasPrefix(k, "XDG_") {
			continue
		}
		e = append(e, kv)
	}
	return append(e, "XDG_CACHE_HOME="+filepath.Join(dir, "xdg-cache"), "XDG_CONFIG_HOME="+filepath.Join(dir, "xdg-config"), "NO_COLOR=1")
}

// failure summarises why a resolution failed, from its error output.
func failure(out string) string {
	switch {
	case strings.Contains(out, "gave up after"):
		return "gave up: " + firstMatch(out, "gave up after")
	case strings.Contains(out, "version solving failed"):
		return "no solution (explained)"
	case strings.Contains(out, "ResolutionImpossible"), strings.Contains(out, "conflicting dependencies"):
		return "no solution (ResolutionImpossible)"
	case strings.Contains(out, "ResolutionTooDeep"):
		return "gave up (ResolutionTooDeep)"
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return "failed: " + lines[len(lines)-1]
}

func firstMatch(out, sub string) string {
	for _, ln := range strings.Split(out, "\n") {
		if i := strings.Index(ln, sub); i >= 0 {
			ln = ln[i:]
			if j := strings.Index(ln, ":"); j > 0 {
				ln = ln[:j]
			}
			return ln
		}
	}
	return ""
}

// answer reads a pip installation report (format 1, which pkginstall
// writes too) and says how many distributions it installs and whether
// the versions in want are the ones chosen.
func answer(outcome string, want map[string]string) string {
	raw, ok := strings.CutPrefix(outcome, "report:")
	if !ok {
		return outcome
	}
	var rep struct {
		Install []struct {
			Metadata struct{ Name, Version string } `json:"metadata"`
		} `json:"install"`
	}
	if err := json.Unmarshal([]byte(raw), &rep); err != nil {
		return "unreadable report: " + err.Error()
	}
	got := map[string]string{}
	for _, d := range rep.Install {
		got[strings.ToLower(d.Metadata.Name)] = d.Metadata.Version
	}
	msg := fmt.Sprintf("%d distributions", len(rep.Install))
	var picks []string
	for _, name := range slices.Sorted(maps.Keys(want)) {
		mark := ""
		if got[name] != want[name] {
			mark = fmt.Sprintf(" (expected %s)", want[name])
		}
		picks = append(picks, fmt.Sprintf("%s %s%s", name, got[name], mark))
	}
	if len(picks) > 0 {
		msg += ": " + strings.Join(picks, ", ")
	}
	return msg
}
