package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pkginstall/pkginstall/internal/fsutil"
)

// report is everything one benchmark run found; -json prints it as is.
type report struct {
	Command    string    `json:"command"`
	Started    time.Time `json:"started"`
	Finished   time.Time `json:"finished"`
	Rounds     int       `json:"rounds"`
	Delay      string    `json:"delay"`
	Machine    machine   `json:"machine"`
	Wheelhouse struct {
		Wheels int   `json:"wheels"`
		Bytes  int64 `json:"bytes"`
	} `json:"wheelhouse"`
	// Locations are the file systems measured, each with its cases and
	// targets.
	Locations []*location `json:"locations"`
}

type machine struct {
	CPUs                int    `json:"cpus"`
	CPUModel            string `json:"cpu_model,omitempty"`
	MemoryBytes         int64  `json:"memory_bytes,omitempty"`
	Kernel              string `json:"kernel,omitempty"`
	OS                  string `json:"os,omitempty"`
	LoadStart           string `json:"load_start,omitempty"`
	LoadEnd             string `json:"load_end,omitempty"`
	Go                  string `json:"go"`
	TargetPython        string `json:"target_python"`
	TargetPythonVersion string `json:"target_python_version,omitempty"`
	PipPython           string `json:"pip_python"`
	PipVersion          string `json:"pip_version,omitempty"`
	PDMVersion          string `json:"pdm_version,omitempty"`
	PkginstallVersion   string `json:"pkginstall_version,omitempty"`
}

// target is one goal of issue 17. Met is nil when it could not be measured.
type target struct {
	Name     string  `json:"name"`
	Goal     string  `json:"goal"`
	Measured string  `json:"measured"`
	Value    float64 `json:"value,omitempty"`
	Met      *bool   `json:"met"`
	// Reference marks a row that has no goal of its own: it shows how
	// close a target is to what this machine allows.
	Reference bool `json:"reference,omitempty"`
}

func machineInfo() machine {
	m := machine{CPUs: runtime.NumCPU()}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	m.OS = fileField("/etc/os-release", "PRETTY_NAME=", "=")
	m.CPUModel = fileField("/proc/cpuinfo", "model name", ":")
	if kb := fileField("/proc/meminfo", "MemTotal:", ":"); kb != "" {
		n, _ := strconv.ParseInt(strings.TrimSuffix(kb, " kB"), 10, 64)
		m.MemoryBytes = n * 1024
	}
	if m.Kernel == "" {
		m.Kernel = runtime.GOOS
	}
	return m
}

// fileField returns the value after sep on the first line of file that
// starts with prefix, unquoted and trimmed.
func fileField(file, prefix, sep string) string {
	f, err := os.Open(file)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, prefix) {
			_, v, _ := strings.Cut(line, sep)
			return strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	return ""
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// median of xs (not modified); NaN when empty.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// finish fills in the statistics, the n/a reasons and the targets of the
// current location.
func (b *bench) finish() {
	l := b.loc
	l.Cases = nil
	for _, c := range cases {
		r := b.result(c.ID)
		if len(r.Samples) > 0 {
			r.Median = median(r.Samples)
			r.Min, r.Max = r.Samples[0], r.Samples[0]
			for _, s := range r.Samples {
				r.Min, r.Max = math.Min(r.Min, s), math.Max(r.Max, s)
			}
			for _, m := range r.MaxRSS {
				r.PeakRSS = max(r.PeakRSS, m)
			}
		} else if len(r.Errors) == 0 {
			r.NA = b.naReason(c)
			if l.NA != "" {
				r.NA = l.NA
			}
		}
		l.Cases = append(l.Cases, r)
	}
	l.Targets = b.targets()
}

func (b *bench) naReason(c caseDef) string {
	t := b.cfg.tools
	switch {
	case c.Tool == "cp" && !t["pkginstall"]:
		return "needs pkginstall"
	case !t[c.Tool]:
		return "not selected (-tools)"
	case c.Tool == "pdm" && b.pdmNA != "":
		return b.pdmNA
	case (c.Tool == "pkginstall" || c.Tool == "cp") && b.pkNA != "":
		return b.pkNA
	case strings.Contains(c.ID, "lock") && c.Tool == "pkginstall" && b.lockNA != "":
		return b.lockNA
	case strings.Contains(c.ID, "delay") && b.slowURL == "":
		return "-delay 0"
	}
	return "an earlier case it needs failed"
}

// med is the median of case id, or NaN.
func (b *bench) med(id string) float64 {
	r := b.loc.results[id]
	if r == nil || len(r.Samples) == 0 {
		return math.NaN()
	}
	return median(r.Samples)
}

// ratio is slow/fast of two cases, NaN if either is missing.
func (b *bench) ratio(slow, fast string) float64 {
	return b.med(slow) / b.med(fast)
}

func boolp(v bool) *bool { return &v }

func ratioTarget(name, goal string, v float64, ok func(float64) bool) target {
	t := target{Name: name, Goal: goal, Measured: fmtRatio(v)}
	if !math.IsNaN(v) && !math.IsInf(v, 0) {
		t.Value = v
		t.Met = boolp(ok(v))
	}
	return t
}

// targets are issue 17's goals, measured at the current location (they
// are set for the tmpfs; "never slower than cp -r" is the disk's).
func (b *bench) targets() []target {
	var ts []target
	ratio := func(name, goal, slow, fast string, ok func(float64) bool) {
		ts = append(ts, ratioTarget(name, goal, b.ratio(slow, fast), ok))
	}
	if b.loc.Name == "disk" {
		ratio("cold install vs cp -r of the finished tree", "≤ 1.0x (never slower)", "pk-cold", "cp-r", func(v float64) bool { return v <= 1.0 })
	} else {
		ratio("cold install vs cp -r of the finished tree", "≤ 1.5x", "pk-cold", "cp-r", func(v float64) bool { return v <= 1.5 })
	}
	ratio("cold install vs pip --no-compile (same TMPDIR)", "≥ 15x", "pip-nocompile", "pk-cold", func(v float64) bool { return v >= 15 })
	ratio("warm install vs cp -al of the finished tree", "≤ 1.2x", "pk-warm", "cp-al", func(v float64) bool { return v <= 1.2 })
	ratio("warm install vs pip as users run it (byte-compiling)", "≥ 100x", "pip-default", "pk-warm", func(v float64) bool { return v >= 100 })
	ratio("warm install --link-mode symlink vs cp -al of the finished tree", "≤ 1.2x", "pk-warm-symlink", "cp-al", func(v float64) bool { return v <= 1.2 })
	ratio("warm install --link-mode symlink vs pip as users run it (byte-compiling)", "≥ 100x", "pip-default", "pk-warm-symlink", func(v float64) bool { return v >= 100 })
	ratio("--compile cold install vs pip's default (which compiles)", "≥ 5x", "pip-default", "pk-cold-compile", func(v float64) bool { return v >= 5 })
	noop := target{Name: "no-op install", Goal: "≤ 20 ms", Measured: fmtDur(b.med("pk-noop"))}
	if v := b.med("pk-noop"); !math.IsNaN(v) {
		noop.Value = v
		noop.Met = boolp(v <= 0.020)
	}
	ts = append(ts, noop)
	for _, ref := range []struct{ name, slow, fast string }{
		{"cold install vs PDM (PDM set; reference)", "pdm-cold", "pk-pdmset-cold"},
		{"warm install vs PDM (PDM set; reference)", "pdm-warm", "pk-pdmset-warm"},
		{"--compile warm install (byte code cached with the tree) vs pip's default (reference)", "pip-default", "pk-warm-compile"},
		{"cold install with an index +" + b.cfg.delay.String() + "/request vs pip likewise (reference)", "pip-nocompile-delay", "pk-cold-delay"},
	} {
		t := ratioTarget(ref.name, "none (reference)", b.ratio(ref.slow, ref.fast), func(float64) bool { return true })
		t.Met, t.Reference = nil, true
		ts = append(ts, t)
	}
	var peak int64
	for _, r := range b.loc.results {
		if r.Tool == "pkginstall" {
			for _, m := range r.MaxRSS {
				peak = max(peak, m)
			}
		}
	}
	mem := target{Name: "peak memory (max over all pkginstall runs)", Goal: "< 200 MB", Measured: "n/a"}
	if peak > 0 {
		mem.Measured = fmtMB(peak)
		mem.Value = float64(peak) / 1e6
		mem.Met = boolp(peak < 200e6)
	}
	return append(ts, mem)
}

func fmtDur(s float64) string {
	switch {
	case math.IsNaN(s):
		return "n/a"
	case s < 0.01:
		return fmt.Sprintf("%.1f ms", s*1000)
	case s < 1:
		return fmt.Sprintf("%.0f ms", s*1000)
	case s < 10:
		return fmt.Sprintf("%.2f s", s)
	}
	return fmt.Sprintf("%.1f s", s)
}

func fmtRatio(v float64) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "n/a"
	case v < 10:
		return fmt.Sprintf("%.2fx", v)
	}
	return fmt.Sprintf("%.0fx", v)
}

func fmtMB(b int64) string {
	if b <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f MB", float64(b)/1e6)
}

// cell is a case's median for the summary, "n/a" or "failed".
func (b *bench) cell(id string) string {
	r := b.loc.results[id]
	switch {
	case r == nil:
		return "n/a"
	case len(r.Samples) > 0:
		return fmtDur(median(r.Samples))
	case len(r.Errors) > 0:
		return "failed"
	}
	return "n/a"
}

// markdown renders the report: the set-up once, then each location's
// tables.
func (rep *report) markdown() string {
	var w strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&w, format, a...) }
	rep.writeHeader(p)
	for _, l := range rep.Locations {
		byID := map[string]*result{}
		for _, r := range l.Cases {
			byID[r.ID] = r
		}
		b := &bench{loc: &location{Name: l.Name, results: byID}}
		p("### On %s (%s, `%s`)\n\n", l.Name, l.FS, l.Dir)
		if l.NA != "" {
			p("Not measured: %s.\n\n", l.NA)
			continue
		}
		b.writeSummary(p, rep.Delay)
		writeTargets(p, l.Targets)
		b.writePhases(p)
		writeCases(p, l.Cases)
	}
	return w.String()
}

type printer func(format string, a ...any)

func (rep *report) writeHeader(p printer) {
	m := rep.Machine
	p("Measured on %s at working tree state (no commit), %d round(s), medians.\n\n",
		rep.Started.Format("2006-01-02 15:04 MST"), rep.Rounds)
	p("```\n%s\n```\n\n", rep.Command)
	p("- machine: %d CPUs (%s), %s memory, Linux %s, %s\n", m.CPUs, orNA(m.CPUModel), fmtGB(m.MemoryBytes), orNA(m.Kernel), orNA(m.OS))
	p("- load average (1/5/15 min) at start: %s; at end: %s (the machine is shared)\n", orNA(m.LoadStart), orNA(m.LoadEnd))
	p("- pkginstall: %s, target interpreter %s (Python %s), %s\n", orNA(m.PkginstallVersion), m.TargetPython, orNA(m.TargetPythonVersion), m.Go)
	p("- pip: %s under %s; PDM: %s\n", orNA(m.PipVersion), m.PipPython, orNA(m.PDMVersion))
	p("- wheelhouse: %d wheels, %.1f MB, served from a separate process on 127.0.0.1 (keep-alive, PEP 691 negotiation, pages `max-age=600` as PyPI's); the distant index adds %s per request\n",
		rep.Wheelhouse.Wheels, float64(rep.Wheelhouse.Bytes)/1e6, rep.Delay)
	p("- sets: \"55\" = `%s`; \"PDM\" = the same without ipython (PDM locks for every platform and the wheelhouse lacks appnope)\n",
		strings.Join(setFull, " "))
	p("- every run's projects, caches, `TMPDIR` and XDG directories are on the file system measured; rounds alternate between the file systems\n")
	p("- total time: %s\n\n", rep.Finished.Sub(rep.Started).Round(time.Second))
}

func (b *bench) writeSummary(p printer, delay string) {
	p("| operation | pkginstall | pip --no-compile | pip (default) | vs pip | PDM (PDM set) | pkginstall (PDM set) | vs PDM |\n")
	p("|---|---:|---:|---:|---:|---:|---:|---:|\n")
	row := func(op, pk, pipNC, pipDef, pipRef, pdm, pkPDM string) {
		cell := func(id string) string {
			if id == "" {
				return "–"
			}
			return b.cell(id)
		}
		vsPip, vsPDM := "–", "–"
		if pipRef != "" {
			vsPip = fmtRatio(b.ratio(pipRef, pk))
		}
		if pdm != "" {
			vsPDM = fmtRatio(b.ratio(pdm, pkPDM))
		}
		p("| %s | %s | %s | %s | %s | %s | %s | %s |\n", op, cell(pk), cell(pipNC), cell(pipDef), vsPip, cell(pdm), cell(pkPDM), vsPDM)
	}
	row("cold install", "pk-cold", "pip-nocompile", "pip-default", "pip-nocompile", "pdm-cold", "pk-pdmset-cold")
	row("cold install `--compile`", "pk-cold-compile", "", "pip-default", "pip-default", "", "")
	row("cold install, index +"+delay+"/request", "pk-cold-delay", "pip-nocompile-delay", "", "pip-nocompile-delay", "", "")
	row("warm install", "pk-warm", "", "pip-default", "pip-default", "pdm-warm", "pk-pdmset-warm")
	row("warm install `--compile`", "pk-warm-compile", "", "pip-default", "pip-default", "", "")
	row("cold install `--link-mode symlink`", "pk-cold-symlink", "pip-nocompile", "pip-default", "pip-nocompile", "", "")
	row("warm install `--link-mode symlink`", "pk-warm-symlink", "", "pip-default", "pip-default", "", "")
	row("no-op", "pk-noop", "", "", "", "pdm-noop", "pk-pdmset-noop")
	row("no-op `--link-mode symlink`", "pk-noop-symlink", "", "", "", "", "")
	row("lock, cold", "pk-lock-cold", "", "", "", "pdm-lock-cold", "pk-pdmset-lock-cold")
	row("lock, warm", "pk-lock-warm", "", "", "", "pdm-lock-warm", "pk-pdmset-lock-warm")
	p("| `cp -r` of the tree (cold floor) | %s | | | %s | | | |\n", b.cell("cp-r"), fmtRatio(b.ratio("pk-cold", "cp-r")))
	p("| `cp -al` of the tree (warm floor) | %s | | | %s | | | |\n", b.cell("cp-al"), fmtRatio(b.ratio("pk-warm", "cp-al")))
	p("| `cp -al` of the tree, against `--link-mode symlink` | %s | | | %s | | | |\n\n", b.cell("cp-al"), fmtRatio(b.ratio("pk-warm-symlink", "cp-al")))
	p("\"vs pip\": cold against pip `--no-compile`, `--compile` and warm against pip as users run it (byte-compiling), both `--no-cache-dir`; ")
	p("on the floor rows, pkginstall's cold (warm) install over the floor. \"vs PDM\": PDM against pkginstall on the same (PDM) set. PDM cold is `pdm add` (locks, then installs); ")
	p("PDM 2.2 does not byte-compile.\n\n")
}

func writeTargets(p printer, ts []target) {
	p("| target | goal | measured | met |\n|---|---|---|---|\n")
	for _, t := range ts {
		met := "n/a"
		if t.Reference {
			met = "–"
		}
		if t.Met != nil {
			met = map[bool]string{true: "yes", false: "**no**"}[*t.Met]
		}
		p("| %s | %s | %s | %s |\n", t.Name, t.Goal, t.Measured, met)
	}
	p("\n")
}

// writePhases is pkginstall's time by phase (PKGINSTALL_PHASES), medians:
// a phase's wall time runs from its first start to its last end, and
// downloads and unpacking overlap.
func (b *bench) writePhases(p printer) {
	p("| pkginstall case | %s |\n|---|%s\n", strings.Join(phaseNames, " | "), strings.Repeat("---:|", len(phaseNames)))
	for _, id := range []string{"pk-cold", "pk-cold-compile", "pk-warm", "pk-warm-compile", "pk-cold-symlink", "pk-warm-symlink", "pk-noop", "pk-noop-symlink", "pk-cold-delay"} {
		r := b.loc.results[id]
		if r == nil || len(r.Phases) == 0 {
			continue
		}
		cells := make([]string, len(phaseNames))
		for i, name := range phaseNames {
			cells[i] = fmtDur(median(r.Phases[name]))
		}
		p("| %s | %s |\n", id, strings.Join(cells, " | "))
	}
	p("\nPhases overlap (downloads and unpacking run together, per wheel), so they do not add up to the total.\n\n")
}

func writeCases(p printer, rs []*result) {
	p("<details><summary>Every case</summary>\n\n")
	p("| case | what | set | median | min | max | runs | CPU | peak RSS | requests | dists | files |\n")
	p("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rs {
		if len(r.Samples) == 0 {
			why := r.NA
			if len(r.Errors) > 0 {
				why = fmt.Sprintf("failed %d time(s)", len(r.Errors))
			}
			p("| %s | %s | %s | n/a: %s | | | 0 | | | | | |\n", r.ID, r.Label, r.Set, why)
			continue
		}
		p("| %s | %s | %s | %s | %s | %s | %d | %s | %s | %s | %s | %s |\n", r.ID, r.Label, r.Set,
			fmtDur(r.Median), fmtDur(r.Min), fmtDur(r.Max), len(r.Samples), fmtDur(median(r.CPU)), fmtMB(r.PeakRSS),
			medianCount(r.Requests), countCell(r.Dists), countCell(r.Files))
	}
	p("\n\"dists\": distributions installed (`*.dist-info` in lib) or locked (packages in the lock file); ")
	p("\"CPU\": user + system time (median), which a busy machine inflates less than wall time; ")
	p("\"requests\": HTTP requests the run made to the index (median); ")
	p("\"files\": files in the tree the run left; \"peak RSS\": the child's maximum resident set (wait4), ")
	p("which includes the children it waited for.\n\n</details>\n\n")
	var errs []string
	for _, r := range rs {
		for _, e := range r.Errors {
			errs = append(errs, fmt.Sprintf("- %s: %s", r.ID, strings.ReplaceAll(firstLine(e), "|", `\|`)))
			break
		}
	}
	if len(errs) > 0 {
		p("Failures (first per case):\n\n%s\n\n", strings.Join(errs, "\n"))
	}
}

func countCell(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func medianCount(ns []int64) string {
	if len(ns) == 0 {
		return ""
	}
	fs := make([]float64, len(ns))
	for i, n := range ns {
		fs[i] = float64(n)
	}
	return strconv.FormatFloat(median(fs), 'f', -1, 64)
}

func orNA(s string) string {
	if s == "" {
		return "n/a"
	}
	return s
}

func fmtGB(b int64) string {
	if b <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
}

// Markers delimiting the generated part of BENCHMARKS.md.
const (
	markBegin = "<!-- bench:begin (generated by go run ./bench -update BENCHMARKS.md; edit outside) -->"
	markEnd   = "<!-- bench:end -->"
)

// updateFile puts md between the markers in file, creating the file or
// appending the markers when missing. Text outside the markers is kept.
func updateFile(file, md string) error {
	old, err := os.ReadFile(file)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	s := string(old)
	block := markBegin + "\n\n" + md + "\n" + markEnd
	i := strings.Index(s, markBegin)
	j := strings.Index(s, markEnd)
	switch {
	case i >= 0 && j > i:
		s = s[:i] + block + s[j+len(markEnd):]
	case s == "":
		s = "# Benchmarks\n\n" + block + "\n"
	default:
		s = strings.TrimRight(s, "\n") + "\n\n" + block + "\n"
	}
	return fsutil.WriteFile(file, []byte(s), fsutil.KeepPerm)
}
