package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pkginstall/pkginstall/internal/fsutil"
)

// caseDef is one measured case. Label may hold "{delay}".
type caseDef struct {
	ID    string
	Tool  string // pip, pdm, cp or pkginstall
	Set   string // "55" (setFull) or "PDM" (setPDM)
	Label string
}

// cases in report order. Inside a round they run in the order of
// bench.round, which alternates the tools.
var cases = []caseDef{
	{"pip-nocompile", "pip", "55", "pip --no-compile, cold"},
	{"pip-default", "pip", "55", "pip (byte-compiles, as users run it), cold"},
	{"pip-nocompile-delay", "pip", "55", "pip --no-compile, cold, index +{delay}/request"},
	{"pdm-cold", "pdm", "PDM", "pdm add, cold (empty cache)"},
	{"pdm-warm", "pdm", "PDM", "pdm sync, warm (full cache, __pypackages__/3.11 removed)"},
	{"pdm-noop", "pdm", "PDM", "pdm sync, no-op"},
	{"pdm-lock-cold", "pdm", "PDM", "pdm lock, cold"},
	{"pdm-lock-warm", "pdm", "PDM", "pdm lock, warm (pdm.lock removed)"},
	{"cp-al", "cp", "55", "cp -al of a finished pkginstall tree (per-file floor)"},
	{"cp-r", "cp", "55", "cp -r of a finished pkginstall tree (one new inode per file: the cold floor)"},
	{"pk-cold", "pkginstall", "55", "pkginstall install, cold (empty cache, new target)"},
	{"pk-cold-compile", "pkginstall", "55", "pkginstall install --compile, cold (empty cache, new target)"},
	{"pk-warm", "pkginstall", "55", "pkginstall install, warm (full cache, new target)"},
	{"pk-warm-compile", "pkginstall", "55", "pkginstall install --compile, warm (the cache a --compile install filled, new target)"},
	{"pk-noop", "pkginstall", "55", "pkginstall install, no-op (same target again)"},
	{"pk-cold-symlink", "pkginstall", "55", "pkginstall install --link-mode symlink, cold (empty cache, new target; seals the trees)"},
	{"pk-warm-symlink", "pkginstall", "55", "pkginstall install --link-mode symlink, warm (the cache a symlink install filled, new target)"},
	{"pk-noop-symlink", "pkginstall", "55", "pkginstall install --link-mode symlink, no-op (same target again)"},
	{"pk-cold-delay", "pkginstall", "55", "pkginstall install, cold, index +{delay}/request"},
	{"pk-lock-cold", "pkginstall", "55", "pkginstall lock, cold"},
	{"pk-lock-warm", "pkginstall", "55", "pkginstall lock, warm (pylock.toml removed)"},
	{"pk-pdmset-cold", "pkginstall", "PDM", "pkginstall install, cold"},
	{"pk-pdmset-warm", "pkginstall", "PDM", "pkginstall install, warm"},
	{"pk-pdmset-noop", "pkginstall", "PDM", "pkginstall install, no-op"},
	{"pk-pdmset-lock-cold", "pkginstall", "PDM", "pkginstall lock, cold"},
	{"pk-pdmset-lock-warm", "pkginstall", "PDM", "pkginstall lock, warm"},
}

// result is what one case measured over all rounds.
type result struct {
	ID       string    `json:"id"`
	Tool     string    `json:"tool"`
	Set      string    `json:"set"`
	Label    string    `json:"label"`
	Samples  []float64 `json:"samples_s"`
	CPU      []float64 `json:"cpu_s"` // user + system seconds, per sample
	MaxRSS   []int64   `json:"max_rss_bytes"`
	Median   float64   `json:"median_s,omitempty"`
	Min      float64   `json:"min_s,omitempty"`
	Max      float64   `json:"max_s,omitempty"`
	PeakRSS  int64     `json:"peak_rss_bytes,omitempty"`
	Requests []int64   `json:"requests,omitempty"` // requests to the index, per successful run
	Dists    int       `json:"dists,omitempty"`    // distributions installed or locked (first successful run)
	Files    int       `json:"files,omitempty"`    // files in the tree it left (first successful run)
	Errors   []string  `json:"errors,omitempty"`
	// Phases are pkginstall's phase times per run (PKGINSTALL_PHASES):
	// the wall time of each phase, by name, one sample per run.
	Phases map[string][]float64 `json:"phases_s,omitempty"`
	NA     string               `json:"na,omitempty"` // why the case did not run
}

type bench struct {
	cfg        config
	root       string    // repository
	work       string    // scratch root
	loc        *location // where the current round runs
	wheelhouse string
	url        string // index without delay
	slowURL    string // index with cfg.delay per request; "" if none
	pk         string // pkginstall binary; "" if unavailable
	pdm        string // pdm executable; "" if unavailable
	pkNA       string
	pdmNA      string
	lockNA     string
	pdmTmpl    string // directory holding PDM's project template
	logf       func(string, ...any)
	rep        *report
}

func (b *bench) result(id string) *result {
	if r, ok := b.loc.results[id]; ok {
		return r
	}
	for _, c := range cases {
		if c.ID == id {
			r := &result{ID: c.ID, Tool: c.Tool, Set: c.Set, Label: strings.ReplaceAll(c.Label, "{delay}", b.cfg.delay.String())}
			b.loc.results[id] = r
			return r
		}
	}
	panic("bench: unknown case " + id)
}

// measure runs spec as case id. stats, if not nil, counts what the run left
// (once, after the first successful run). It reports success.
func (b *bench) measure(ctx context.Context, id string, spec execSpec, stats func() (int, int)) bool {
	if ctx.Err() != nil {
		return false
	}
	r := b.result(id)
	syncDisks() // start every run with no dirty pages left by the one before
	var before int64
	if spec.Index != "" {
		before = requestCount(ctx, spec.Index)
	}
	// Every tool's temporary files on the file system measured.
	spec.Env = append(spec.Env[:len(spec.Env):len(spec.Env)], "TMPDIR="+b.loc.tmp())
	s, err := runTimed(ctx, spec, b.cfg.timeout)
	if err != nil {
		if ctx.Err() != nil {
			return false
		}
		r.Errors = append(r.Errors, err.Error())
		b.logf("  %-20s FAILED: %v", id, err)
		return false
	}
	r.Samples = append(r.Samples, s.Wall.Seconds())
	r.MaxRSS = append(r.MaxRSS, s.MaxRSS)
	r.CPU = append(r.CPU, s.CPU.Seconds())
	if spec.Index != "" {
		if after := requestCount(ctx, spec.Index); before >= 0 && after >= 0 {
			r.Requests = append(r.Requests, after-before)
		}
	}
	if stats != nil && r.Dists == 0 && r.Files == 0 {
		r.Dists, r.Files = stats()
	}
	b.logf("  %-20s %s  (CPU %s, %.0f MB)", id, fmtDur(s.Wall.Seconds()), fmtDur(s.CPU.Seconds()), float64(s.MaxRSS)/1e6)
	return true
}

// round runs every selected case once, alternating the tools.
func (b *bench) round(ctx context.Context, n int) {
	rd := filepath.Join(b.loc.Dir, fmt.Sprintf("round-%d", n))
	if err := os.MkdirAll(rd, 0o755); err != nil {
		b.logf("round %d: %v", n, err)
		return
	}
	if !b.cfg.keep {
		defer fsutil.RemoveAll(rd) // symlink mode seals (makes read-only) the cache's trees
	}
	t := b.cfg.tools
	pip := t["pip"]
	pk := t["pkginstall"] && b.pk != ""
	lock := pk && b.lockNA == ""
	pdm := t["pdm"] && b.pdm != "" && b.pdmNA == ""
	cp := t["cp"] && pk
	in := func(name string) string { return filepath.Join(rd, name) }

	// Cold installs.
	if pip {
		b.pip(ctx, "pip-nocompile", rd, b.url, true)
	}
	coldOK := pk && b.pkInstall(ctx, "pk-cold", in("pk-cold"), in("cache-pk"), b.url, setFull)
	coldSymOK := pk && b.pkInstall(ctx, "pk-cold-symlink", in("pk-cold-symlink"), in("cache-pk-symlink"), b.url, setFull, "--link-mode", "symlink")
	coldCompileOK := pk && b.pkInstall(ctx, "pk-cold-compile", in("pk-cold-compile"), in("cache-pk-compile"), b.url, setFull, "--compile")
	pdmOK := pdm && b.pdmAdd(ctx, "pdm-cold", in("pdm"), in("xdg-pdm"))
	pdmsetOK := pk && b.pkInstall(ctx, "pk-pdmset-cold", in("pk-pdmset-cold"), in("cache-pk-pdmset"), b.url, setPDM)

	// Warm installs: pip has no warm mode here (--no-cache-dir), so its default is the reference.
	if pip {
		b.pip(ctx, "pip-default", rd, b.url, false)
	}
	warmOK := coldOK && b.pkInstall(ctx, "pk-warm", in("pk-warm"), in("cache-pk"), b.url, setFull)
	// The trees a symlink install made read-only when it first linked them.
	warmSymOK := coldSymOK && b.pkInstall(ctx, "pk-warm-symlink", in("pk-warm-symlink"), in("cache-pk-symlink"), b.url, setFull, "--link-mode", "symlink")
	if coldCompileOK {
		b.pkInstall(ctx, "pk-warm-compile", in("pk-warm-compile"), in("cache-pk-compile"), b.url, setFull, "--compile")
	}
	if cp && coldOK {
		b.cpTree(ctx, "cp-al", "-al", filepath.Join(in("pk-cold"), "__pypackages__"), in("cp-al"))
		b.cpTree(ctx, "cp-r", "-r", filepath.Join(in("pk-cold"), "__pypackages__"), in("cp-r"))
	}
	pdmWarmOK := pdmOK && b.pdmSync(ctx, "pdm-warm", in("pdm"), in("xdg-pdm"), true)
	pdmsetWarmOK := pdmsetOK && b.pkInstall(ctx, "pk-pdmset-warm", in("pk-pdmset-warm"), in("cache-pk-pdmset"), b.url, setPDM)

	// No-ops.
	if warmOK {
		b.pkInstall(ctx, "pk-noop", in("pk-warm"), in("cache-pk"), b.url, setFull)
	}
	if warmSymOK {
		b.pkInstall(ctx, "pk-noop-symlink", in("pk-warm-symlink"), in("cache-pk-symlink"), b.url, setFull, "--link-mode", "symlink")
	}
	if pdmWarmOK {
		b.pdmSync(ctx, "pdm-noop", in("pdm"), in("xdg-pdm"), false)
	}
	if pdmsetWarmOK {
		b.pkInstall(ctx, "pk-pdmset-noop", in("pk-pdmset-warm"), in("cache-pk-pdmset"), b.url, setPDM)
	}

	// A distant index.
	if b.slowURL != "" {
		if pip {
			b.pip(ctx, "pip-nocompile-delay", rd, b.slowURL, true)
		}
		if pk {
			b.pkInstall(ctx, "pk-cold-delay", in("pk-cold-delay"), in("cache-pk-delay"), b.slowURL, setFull)
		}
	}

	// Locking, cold then warm.
	lockOK := lock && b.pkLock(ctx, "pk-lock-cold", in("pk-lock"), in("cache-pk-lock"), setFull, false)
	pdmLockOK := pdm && b.pdmLock(ctx, "pdm-lock-cold", in("pdm-lock"), in("xdg-pdm-lock"), false)
	lockSetOK := lock && b.pkLock(ctx, "pk-pdmset-lock-cold", in("pk-pdmset-lock"), in("cache-pk-pdmset-lock"), setPDM, false)
	if lockOK {
		b.pkLock(ctx, "pk-lock-warm", in("pk-lock"), in("cache-pk-lock"), setFull, true)
	}
	if pdmLockOK {
		b.pdmLock(ctx, "pdm-lock-warm", in("pdm-lock"), in("xdg-pdm-lock"), true)
	}
	if lockSetOK {
		b.pkLock(ctx, "pk-pdmset-lock-warm", in("pk-pdmset-lock"), in("cache-pk-pdmset-lock"), setPDM, true)
	}
}

// pip installs setFull into a new --target directory.
func (b *bench) pip(ctx context.Context, id, rd, url string, noCompile bool) bool {
	target := filepath.Join(rd, id)
	args := []string{b.cfg.pipPython, "-m", "pip", "install", "--isolated", "--no-cache-dir"}
	if noCompile {
		args = append(args, "--no-compile")
	}
	args = append(args, "--disable-pip-version-check", "-q", "--index-url", url, "--target", target)
	args = append(args, setFull...)
	spec := execSpec{Dir: rd, Env: xdgEnv(filepath.Join(rd, "xdg-"+id)), Args: args, Index: url}
	ok := b.measure(ctx, id, spec, func() (int, int) { return treeStats(target, target) })
	if !b.cfg.keep {
		os.RemoveAll(target)
	}
	return ok
}

func (b *bench) pkArgs(project, cache string, cmd ...string) []string {
	return append([]string{b.pk, "--python", b.cfg.python, "--cache-dir", cache, "--project", project, "--quiet"}, cmd...)
}

// pkInstall installs reqs into project (created if missing) with cache,
// with the install options opts, and records the run's phase times.
func (b *bench) pkInstall(ctx context.Context, id, project, cache, url string, reqs []string, opts ...string) bool {
	if err := os.MkdirAll(project, 0o755); err != nil {
		b.result(id).Errors = append(b.result(id).Errors, err.Error())
		return false
	}
	args := b.pkArgs(project, cache, append(append([]string{"install", "--index-url", url}, opts...), reqs...)...)
	phases := filepath.Join(filepath.Dir(project), "phases-"+id+".json")
	env := xdgEnv(filepath.Join(filepath.Dir(project), "xdg-"+filepath.Base(project)), "PKGINSTALL_PHASES="+phases)
	spec := execSpec{Dir: project, Env: env, Args: args, Index: url}
	ok := b.measure(ctx, id, spec, func() (int, int) {
		return treeStats(filepath.Join(project, "__pypackages__"), libDir(project))
	})
	if ok {
		b.recordPhases(id, phases)
	}
	return ok
}

// recordPhases adds the phase times a run wrote (PKGINSTALL_PHASES) to
// case id; a phase the run did not enter counts as 0.
func (b *bench) recordPhases(id, file string) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return
	}
	os.Remove(file)
	var got map[string]struct {
		Wall float64 `json:"wall_s"`
	}
	if json.Unmarshal(raw, &got) != nil {
		return
	}
	r := b.result(id)
	if r.Phases == nil {
		r.Phases = map[string][]float64{}
	}
	for _, name := range phaseNames {
		r.Phases[name] = append(r.Phases[name], got[name].Wall)
	}
}

// phaseNames are the phases the report shows, in order ("total" is the
// run as pkginstall measured it).
var phaseNames = []string{"resolve", "download", "unpack", "link", "compile", "total"}

// libDir is the lib directory of the single target under project/__pypackages__.
func libDir(project string) string {
	m, _ := filepath.Glob(filepath.Join(project, "__pypackages__", "*", "lib"))
	if len(m) == 0 {
		return ""
	}
	return m[0]
}

// pkLock locks reqs in project; warm: again, after removing pylock.toml.
func (b *bench) pkLock(ctx context.Context, id, project, cache string, reqs []string, warm bool) bool {
	lockFile := filepath.Join(project, "pylock.toml")
	if warm {
		if err := os.Remove(lockFile); err != nil {
			b.result(id).Errors = append(b.result(id).Errors, err.Error())
			return false
		}
	} else {
		if err := os.MkdirAll(project, 0o755); err != nil {
			return false
		}
		pyproject := fmt.Sprintf("[project]\nname = \"bench\"\nversion = \"0\"\nrequires-python = \"==3.11.*\"\ndependencies = %s\n", tomlList(reqs))
		// pkginstall locks for every platform: IPython's macOS-only
		// appnope is not in the wheelhouse (as for PDM), so macOS is left
		// out of the set that has ipython.
		if slices.Contains(reqs, "ipython") {
			pyproject += "\n[tool.pkginstall]\nenvironments = [\"sys_platform != 'darwin'\"]\n"
		}
		if err := os.WriteFile(filepath.Join(project, "pyproject.toml"), []byte(pyproject), 0o644); err != nil {
			return false
		}
	}
	args := b.pkArgs(project, cache, "lock", "--index-url", b.url)
	spec := execSpec{Dir: project, Env: xdgEnv(filepath.Join(filepath.Dir(project), "xdg-"+filepath.Base(project))), Args: args, Index: b.url}
	return b.measure(ctx, id, spec, func() (int, int) {
		return countMatches(lockFile, `(?m)^\[\[packages\]\]`), 0
	})
}

// countMatches counts the matches of a regular expression in a file; -1 if
// the file cannot be read.
func countMatches(file, expr string) int {
	data, err := os.ReadFile(file)
	if err != nil {
		return -1
	}
	return len(regexp.MustCompile(expr).FindAllIndex(data, -1))
}

func tomlList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// cpTree copies a finished tree with cp and flag: "-al" hard-links it, the
// floor any installer that writes one directory entry per file can reach
// (a warm install); "-r" writes every file anew, the floor of a cold
// install, which must create one inode per file however fast it unzips.
func (b *bench) cpTree(ctx context.Context, id, flag, src, dstProject string) bool {
	if err := os.MkdirAll(dstProject, 0o755); err != nil {
		return false
	}
	dst := filepath.Join(dstProject, "__pypackages__")
	spec := execSpec{Dir: dstProject, Env: cleanEnv(), Args: []string{"cp", flag, src, dst}}
	ok := b.measure(ctx, id, spec, func() (int, int) { return treeStats(dst, libDir(dstProject)) })
	if !b.cfg.keep {
		os.RemoveAll(dstProject)
	}
	return ok
}

// pdmEnv is PDM's environment as PEERS.md gives it.
func (b *bench) pdmEnv(xdg, url string) []string {
	return xdgEnv(xdg, "PDM_CHECK_UPDATE=false", "PDM_USE_VENV=false", "PDM_PYPI_URL="+strings.TrimSuffix(url, "/"))
}

// pdmTemplate runs "pdm init" once, then "pdm use" (init does not record the
// interpreter in PDM 2.2) and pins requires-python as PEERS.md says; every
// PDM project of the benchmark starts as a copy of the result.
func (b *bench) pdmTemplate(ctx context.Context) error {
	dir := filepath.Join(b.work, "pdm-template")
	proj := filepath.Join(dir, "project")
	if err := os.MkdirAll(proj, 0o755); err != nil {
		return err
	}
	env := b.pdmEnv(filepath.Join(dir, "xdg"), b.url)
	for _, args := range [][]string{
		{b.pdm, "init", "-n", "--python", b.cfg.python},
		{b.pdm, "use", "-f", b.cfg.python},
	} {
		if err := runQuiet(ctx, execSpec{Dir: proj, Env: env, Args: args}); err != nil {
			return err
		}
	}
	pp := filepath.Join(proj, "pyproject.toml")
	data, err := os.ReadFile(pp)
	if err != nil {
		return err
	}
	re := regexp.MustCompile(`(?m)^requires-python = .*$`)
	if !re.Match(data) {
		return fmt.Errorf("%s: no requires-python line", pp)
	}
	data = re.ReplaceAll(data, []byte(`requires-python = "==3.11.*"`))
	if err := os.WriteFile(pp, data, 0o644); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(proj, ".pdm.toml")); err != nil {
		return fmt.Errorf("pdm use wrote no .pdm.toml: %w", err)
	}
	b.pdmTmpl = proj
	return nil
}

// pdmProject copies the template into dir; deps, if any, become the
// project's dependencies.
func (b *bench) pdmProject(dir string, deps []string) error {
	if err := os.MkdirAll(filepath.Join(dir, "__pypackages__"), 0o755); err != nil {
		return err
	}
	for _, name := range []string{"pyproject.toml", ".pdm.toml", filepath.Join("__pypackages__", ".gitignore")} {
		data, err := os.ReadFile(filepath.Join(b.pdmTmpl, name))
		if err != nil {
			if os.IsNotExist(err) && name != "pyproject.toml" {
				continue
			}
			return err
		}
		if name == "pyproject.toml" && deps != nil {
			old := []byte("dependencies = []")
			if !strings.Contains(string(data), string(old)) {
				return fmt.Errorf("pdm template pyproject.toml: no %q line", old)
			}
			data = []byte(strings.Replace(string(data), string(old), "dependencies = "+tomlList(deps), 1))
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func (b *bench) pdmFail(id string, err error) bool {
	r := b.result(id)
	r.Errors = append(r.Errors, err.Error())
	b.logf("  %-20s FAILED: %v", id, err)
	return false
}

func pdmLib(project string) string {
	return filepath.Join(project, "__pypackages__", "3.11", "lib")
}

// pdmAdd: "pdm add" of setPDM in a new project with an empty cache.
func (b *bench) pdmAdd(ctx context.Context, id, project, xdg string) bool {
	if err := b.pdmProject(project, nil); err != nil {
		return b.pdmFail(id, err)
	}
	spec := execSpec{Dir: project, Env: b.pdmEnv(xdg, b.url), Args: append([]string{b.pdm, "add"}, setPDM...), Index: b.url}
	return b.measure(ctx, id, spec, func() (int, int) {
		return treeStats(filepath.Join(project, "__pypackages__"), pdmLib(project))
	})
}

// pdmSync: "pdm sync"; fresh removes __pypackages__/3.11 first.
func (b *bench) pdmSync(ctx context.Context, id, project, xdg string, fresh bool) bool {
	if fresh {
		if err := os.RemoveAll(filepath.Join(project, "__pypackages__", "3.11")); err != nil {
			return b.pdmFail(id, err)
		}
	}
	spec := execSpec{Dir: project, Env: b.pdmEnv(xdg, b.url), Args: []string{b.pdm, "sync"}, Index: b.url}
	return b.measure(ctx, id, spec, func() (int, int) {
		return treeStats(filepath.Join(project, "__pypackages__"), pdmLib(project))
	})
}

// pdmLock: "pdm lock" of setPDM; warm removes pdm.lock and keeps the cache.
func (b *bench) pdmLock(ctx context.Context, id, project, xdg string, warm bool) bool {
	lockFile := filepath.Join(project, "pdm.lock")
	if warm {
		if err := os.Remove(lockFile); err != nil {
			return b.pdmFail(id, err)
		}
	} else if err := b.pdmProject(project, setPDM); err != nil {
		return b.pdmFail(id, err)
	}
	spec := execSpec{Dir: project, Env: b.pdmEnv(xdg, b.url), Args: []string{b.pdm, "lock"}, Index: b.url}
	return b.measure(ctx, id, spec, func() (int, int) {
		return countMatches(lockFile, `(?m)^\[\[package\]\]`), 0
	})
}
