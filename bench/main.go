// Command bench times pkginstall against pip and PDM on a real wheelhouse,
// side by side, and prints medians, ratios and the issue 7 targets.
//
//	go run ./bench                      # 3 rounds, prints Markdown
//	go run ./bench -rounds 1            # quick look
//	go run ./bench -update BENCHMARKS.md
//	go run ./bench -json > bench.json
//	go run ./bench -serve -wheelhouse WHEELHOUSE -addr 127.0.0.1:8000 -delay 20ms
//
// What it does, in order:
//
//   - builds the wheelhouse with internal/wheelhouse (the target-independent
//     python3.11's installed distributions as wheels and a static index), or
//     reuses it when its manifest.json exists;
//   - runs every case on a tmpfs it mounts under -dir (root on Linux), where
//     the file system is not the limit, and on -dir's own disk, rounds
//     alternating between them, every tool's TMPDIR inside the location;
//   - serves it from a separate process (this program with -serve) on
//     127.0.0.1: a static server that keeps connections alive, does PEP 691
//     content negotiation with the wheelhouse's simple-json/ pages, and a
//     second one that waits -delay before every answer, like a distant index;
//     project pages say "Cache-Control: max-age=600, public", as PyPI's do;
//   - builds pkginstall into a temporary directory (go build ./cmd/pkginstall);
//   - runs every case once per round, the tools alternating inside a round
//     (pip, pkginstall, PDM, pkginstall, ...), for -rounds rounds, each run in
//     a new directory and with an environment cleared of PIP_*, PDM_*,
//     PKGINSTALL_*, PYTHON* and XDG_* variables;
//   - reports the median, minimum and maximum wall time of each case, the
//     peak resident memory of the child (wait4 rusage; it includes children
//     the child waited for), the number of distributions and files each run
//     left behind, and the ratios the issue sets as targets.
//
// A tool that is missing (pdm, or a pkginstall without a lock command) is
// reported as "n/a"; a run that fails is reported with the end of its output
// and the benchmark goes on. Timing thresholds live here, never in tests.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	whbuild "github.com/pkginstall/pkginstall/internal/wheelhouse"
)

// The 55-distribution set of issue 7, and PDM's share of it: PDM locks for
// every platform at once and IPython needs appnope on macOS, which the
// wheelhouse lacks.
var (
	setFull = []string{"boto3", "flask", "sympy", "networkx", "pydantic", "moto", "ipython", "jsonschema"}
	setPDM  = []string{"boto3", "flask", "sympy", "networkx", "pydantic", "moto", "jsonschema"}
)

type config struct {
	rounds     int
	delay      time.Duration
	python     string
	pipPython  string
	pdm        string
	addWheels  string
	wheelhouse string
	rebuild    bool
	pkginstall string
	workdir    string
	where      []string
	keep       bool
	tools      map[string]bool
	jsonOut    bool
	update     string
	timeout    time.Duration
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("bench", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var cfg config
	var tools string
	var serve bool
	var serveAddr string
	fl.IntVar(&cfg.rounds, "rounds", 3, "rounds; every case runs once per round, the tools alternating")
	fl.DurationVar(&cfg.delay, "delay", 20*time.Millisecond, "per-request delay of the \"distant index\" cases (0: skip them); with -serve: the server's delay")
	fl.StringVar(&cfg.python, "python", "", "target interpreter of pkginstall and PDM (default: the first python3.11 on PATH that lacks boto3, else the first)")
	fl.StringVar(&cfg.pipPython, "pip-python", "", "interpreter that runs pip (default: python3.11 on PATH)")
	fl.StringVar(&cfg.pdm, "pdm", "", "PDM executable (default: pdm on PATH; missing: PDM cases are n/a)")
	fl.StringVar(&cfg.addWheels, "add-wheels", "/usr/share/python-wheels", "directory of extra wheels published as they are in the wheelhouse (skipped if missing)")
	fl.StringVar(&cfg.wheelhouse, "wheelhouse", "", "wheelhouse directory, reused when it has a manifest.json (default: <user cache>/pkginstall-bench/wheelhouse); with -serve: the one served")
	fl.BoolVar(&cfg.rebuild, "rebuild", false, "rebuild the wheelhouse even when it exists")
	fl.StringVar(&cfg.pkginstall, "pkginstall", "", "use this pkginstall binary instead of building ./cmd/pkginstall")
	fl.StringVar(&cfg.workdir, "dir", "", "directory for all scratch work, on a disk (default: a new temporary directory, removed at the end); the tmpfs is mounted inside it")
	var where string
	fl.StringVar(&where, "where", "tmpfs,disk", "comma list of the file systems to measure on: tmpfs (mounted under -dir; needs root on Linux), disk (-dir itself)")
	fl.BoolVar(&cfg.keep, "keep", false, "keep the scratch directory")
	fl.StringVar(&tools, "tools", "pip,pdm,cp,pkginstall", "comma list of the tools to run (cp needs pkginstall)")
	fl.BoolVar(&cfg.jsonOut, "json", false, "print JSON instead of Markdown")
	fl.StringVar(&cfg.update, "update", "", "also write the Markdown report into `FILE` (between the bench markers)")
	fl.DurationVar(&cfg.timeout, "timeout", 10*time.Minute, "limit for one run of one command")
	fl.BoolVar(&serve, "serve", false, "serve a wheelhouse (-wheelhouse) and do nothing else")
	var makeWheelhouse bool
	fl.BoolVar(&makeWheelhouse, "make-wheelhouse", false, "build the wheelhouse (-wheelhouse) from -pip-python's installed distributions and do nothing else")
	fl.StringVar(&serveAddr, "addr", "127.0.0.1:0", "with -serve: listen address")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "bench: unexpected argument %q\n", fl.Arg(0))
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if serve {
		if cfg.wheelhouse == "" {
			fmt.Fprintln(stderr, "bench: -serve needs -wheelhouse DIR")
			return 2
		}
		if err := serveMain(ctx, cfg.wheelhouse, serveAddr, cfg.delay); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 1
		}
		return 0
	}
	if makeWheelhouse {
		if err := buildWheelhouse(ctx, cfg, stderr); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 1
		}
		return 0
	}
	if cfg.rounds < 1 {
		fmt.Fprintln(stderr, "bench: -rounds must be 1 or more")
		return 2
	}
	if err := cfg.lists(where, tools); err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 2
	}
	rep, err := benchmark(ctx, cfg, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	rep.Command = commandLine(args)
	md := rep.markdown()
	if cfg.jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 1
		}
	} else {
		fmt.Fprint(stdout, md)
	}
	if cfg.update != "" {
		if err := updateFile(cfg.update, md); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 1
		}
		fmt.Fprintf(stderr, "bench: wrote %s\n", cfg.update)
	}
	return 0
}

// lists reads the -where and -tools lists into cfg.
func (cfg *config) lists(where, tools string) error {
	for _, w := range strings.Split(where, ",") {
		if w = strings.TrimSpace(w); w != "" {
			cfg.where = append(cfg.where, w)
		}
	}
	cfg.tools = map[string]bool{}
	for _, t := range strings.Split(tools, ",") {
		t = strings.TrimSpace(t)
		switch t {
		case "pip", "pdm", "cp", "pkginstall":
			cfg.tools[t] = true
		case "":
		default:
			return fmt.Errorf("unknown tool %q in -tools (pip, pdm, cp, pkginstall)", t)
		}
	}
	return nil
}

func commandLine(args []string) string {
	parts := []string{"go", "run", "./bench"}
	for _, a := range args {
		if strings.ContainsAny(a, " \t'\"$") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

// benchmark prepares everything, runs the rounds and computes the report.
func benchmark(ctx context.Context, cfg config, log io.Writer) (*report, error) {
	logf := func(format string, a ...any) { fmt.Fprintf(log, "bench: "+format+"\n", a...) }
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	b := &bench{cfg: cfg, root: root, logf: logf}
	b.rep = &report{Rounds: cfg.rounds, Delay: cfg.delay.String(), Machine: machineInfo()}
	b.rep.Started = time.Now().UTC()

	if err := b.findTools(ctx); err != nil {
		return nil, err
	}
	if err := b.prepareWheelhouse(ctx); err != nil {
		return nil, err
	}
	work := cfg.workdir
	if work == "" {
		work, err = os.MkdirTemp("", "pkginstall-bench-")
		if err != nil {
			return nil, err
		}
		if !cfg.keep {
			defer os.RemoveAll(work)
		}
	} else if err := os.MkdirAll(work, 0o755); err != nil {
		return nil, err
	}
	b.work = work
	logf("scratch directory %s", work)
	locs, err := locations(ctx, work, cfg.where, logf)
	defer release(locs, logf) // before the scratch directory is removed
	if err != nil {
		return nil, err
	}
	if cfg.tools["pkginstall"] {
		b.buildPkginstall(ctx)
	}

	srv, err := startServer(ctx, b.wheelhouse, 0)
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	b.url = srv.URL
	logf("index %s", b.url)
	if cfg.delay > 0 && (cfg.tools["pip"] || cfg.tools["pkginstall"]) {
		slow, err := startServer(ctx, b.wheelhouse, cfg.delay)
		if err != nil {
			return nil, err
		}
		defer slow.Stop()
		b.slowURL = slow.URL
		logf("index %s (+%s per request)", b.slowURL, cfg.delay)
	}
	b.warmUp(ctx)
	if cfg.tools["pdm"] && b.pdm != "" {
		if err := b.pdmTemplate(ctx); err != nil {
			logf("PDM set-up failed, PDM cases are n/a: %v", err)
			b.pdmNA = "set-up failed: " + firstLine(err.Error())
		}
	}

	b.rep.Machine.LoadStart = loadAvg()
	for i := 1; i <= cfg.rounds; i++ {
		for _, l := range locs {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if l.NA != "" {
				continue
			}
			logf("round %d of %d on %s (%s)", i, cfg.rounds, l.Name, l.FS)
			b.loc = l
			b.round(ctx, i)
		}
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	b.rep.Machine.LoadEnd = loadAvg()
	b.rep.Finished = time.Now().UTC()
	for _, l := range locs {
		b.loc = l
		b.finish()
		b.rep.Locations = append(b.rep.Locations, l)
	}
	return b.rep, nil
}

// repoRoot walks up from the working directory to this module's go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		b, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil && strings.Contains(string(b), "module github.com/pkginstall/pkginstall") {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no pkginstall go.mod in %s or above: run from the repository", dir)
		}
	}
}

func (b *bench) findTools(ctx context.Context) error {
	cfg := &b.cfg
	var err error
	if cfg.pipPython == "" {
		if cfg.pipPython, err = exec.LookPath("python3.11"); err != nil {
			return errors.New("python3.11 not found on PATH (give -pip-python)")
		}
	}
	if cfg.python == "" {
		cfg.python = findTargetPython(ctx)
		if cfg.python == "" {
			return errors.New("no python3.11 on PATH (give -python)")
		}
	}
	// A pyenv shim is a shell script that costs a fork or two per run: time
	// the interpreter itself.
	cfg.pipPython = realPython(ctx, cfg.pipPython)
	cfg.python = realPython(ctx, cfg.python)
	if b.cfg.tools["pdm"] {
		b.pdm = cfg.pdm
		if b.pdm == "" {
			b.pdm, _ = exec.LookPath("pdm")
		}
		if b.pdm == "" {
			b.pdmNA = "pdm not found"
			b.logf("pdm not found: PDM cases are n/a (apt-get install python3-pdm)")
		}
	}
	env := cleanEnv()
	m := &b.rep.Machine
	m.TargetPython = cfg.python
	m.PipPython = cfg.pipPython
	m.TargetPythonVersion, _ = output(ctx, env, cfg.python, "-c", "import sys; print(sys.version.split()[0])")
	m.PipVersion, _ = output(ctx, env, cfg.pipPython, "-m", "pip", "--version")
	if i := strings.Index(m.PipVersion, " from "); i >= 0 {
		m.PipVersion = m.PipVersion[:i]
	}
	if b.pdm != "" {
		m.PDMVersion, _ = output(ctx, env, b.pdm, "--version")
	}
	m.Go = runtime.Version()
	return nil
}

// findTargetPython returns the first python3.11 on PATH that cannot import
// boto3 (a bare interpreter, like a user's), else the first python3.11.
func findTargetPython(ctx context.Context) string {
	var first string
	seen := map[string]bool{}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, "python3.11")
		st, err := os.Stat(p)
		if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			continue
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil || seen[real] {
			continue
		}
		seen[real] = true
		if first == "" {
			first = p
		}
		cmd := exec.CommandContext(ctx, p, "-I", "-c", "import boto3")
		cmd.Env = cleanEnv()
		var exit *exec.ExitError
		if err := cmd.Run(); errors.As(err, &exit) && exit.ExitCode() == 1 {
			return p
		}
	}
	return first
}

// realPython returns sys.executable of the interpreter py, or py itself
// when that cannot be learnt.
func realPython(ctx context.Context, py string) string {
	exe, err := output(ctx, cleanEnv(), py, "-I", "-c", "import sys; print(sys.executable)")
	if err != nil || exe == "" || !filepath.IsAbs(exe) {
		return py
	}
	return exe
}

func (b *bench) prepareWheelhouse(ctx context.Context) error {
	dir := b.cfg.wheelhouse
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return fmt.Errorf("no user cache directory (give -wheelhouse): %w", err)
		}
		dir = filepath.Join(cache, "pkginstall-bench", "wheelhouse")
	}
	b.wheelhouse = dir
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err == nil && !b.cfg.rebuild {
		b.logf("reusing wheelhouse %s", dir)
	} else {
		// In a process of its own: Linux keeps a process's peak RSS
		// across fork and exec, so the memory of building the wheels here
		// would show as every measured child's peak.
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		args := []string{"-make-wheelhouse", "-wheelhouse", dir, "-pip-python", b.cfg.pipPython, "-add-wheels", b.cfg.addWheels}
		if b.cfg.rebuild {
			args = append(args, "-rebuild")
		}
		b.logf("building wheelhouse %s from %s", dir, b.cfg.pipPython)
		cmd := exec.CommandContext(ctx, exe, args...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("building the wheelhouse: %w", err)
		}
	}
	var man struct {
		Wheels []struct {
			Size int64 `json:"size"`
		} `json:"wheels"`
	}
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &man); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(dir, "manifest.json"), err)
	}
	b.rep.Wheelhouse.Wheels = len(man.Wheels)
	for _, w := range man.Wheels {
		b.rep.Wheelhouse.Bytes += w.Size
	}
	return nil
}

// buildWheelhouse is -make-wheelhouse: the wheelhouse from the installed
// distributions of cfg.pipPython (python3.11 on PATH by default).
func buildWheelhouse(ctx context.Context, cfg config, log io.Writer) error {
	if cfg.wheelhouse == "" {
		return errors.New("-make-wheelhouse needs -wheelhouse DIR")
	}
	py := cfg.pipPython
	if py == "" {
		py = "python3.11"
	}
	opts := whbuild.Options{Python: py, Force: cfg.rebuild, Warn: func(msg string) { fmt.Fprintf(log, "bench: wheelhouse: %s\n", msg) }}
	if st, err := os.Stat(cfg.addWheels); err == nil && st.IsDir() {
		opts.AddWheels = []string{cfg.addWheels}
	}
	_, err := whbuild.Build(ctx, cfg.wheelhouse, opts)
	return err
}

// buildPkginstall builds the tool; on failure every pkginstall case is n/a.
func (b *bench) buildPkginstall(ctx context.Context) {
	if b.cfg.pkginstall != "" {
		b.pk = b.cfg.pkginstall
	} else {
		b.pk = filepath.Join(b.work, "pkginstall")
		b.logf("building pkginstall")
		cmd := exec.CommandContext(ctx, "go", "build", "-o", b.pk, "./cmd/pkginstall")
		cmd.Dir = b.root
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.pk = ""
			b.pkNA = "build failed: " + firstLine(string(out))
			b.logf("go build ./cmd/pkginstall failed, pkginstall cases are n/a:\n%s", out)
			return
		}
	}
	v, err := output(ctx, cleanEnv(), b.pk, "--version")
	if err == nil {
		b.rep.Machine.PkginstallVersion = v
	}
	// A pkginstall without the lock command answers "lock --help" with an error.
	cmd := exec.CommandContext(ctx, b.pk, "lock", "--help")
	cmd.Env = cleanEnv()
	if cmd.Run() != nil {
		b.lockNA = "no lock command in this build"
		b.logf("pkginstall has no lock command: lock cases are n/a")
	}
}

// warmUp reads the wheelhouse once and starts each interpreter once, so the
// first timed run does not pay for a cold page cache.
func (b *bench) warmUp(ctx context.Context) {
	_ = filepath.WalkDir(b.wheelhouse, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if f, err := os.Open(p); err == nil {
				_, _ = io.Copy(io.Discard, f)
				f.Close()
			}
		}
		return nil
	})
	env := cleanEnv()
	_, _ = output(ctx, env, b.cfg.pipPython, "-m", "pip", "--version")
	_, _ = output(ctx, env, b.cfg.python, "-c", "pass")
	if b.pk != "" {
		_, _ = output(ctx, env, b.pk, "--version")
	}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 400 {
		s = s[:400] + "…"
	}
	return s
}
