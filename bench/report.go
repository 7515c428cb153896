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
	Cases   []*result `json:"cases"`
	Targets []target  `json:"targets"`
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

// target is one goal of issue 7. Met is nil when it could not be measured.
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

// finish fills in the statistics, the n/a reasons and the targets.
func (b *bench) finish() {
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
		}
		b.rep.Cases = append(b.rep.Cases, r)
	}
	b.rep.Targets = b.targets()
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
	r := b.results[id]
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

func (b *bench) targets() []target {
	delay := b.cfg.delay.String()
	var ts []target
	ts = append(ts, ratioTarget("cold install vs pip --no-compile --no-cache-dir", "≥ 10x",
		b.ratio("pip-nocompile", "pk-cold"), func(v float64) bool { return v >= 10 }))
	floor := ratioTarget("cold install vs cp -r of the finished tree (the machine's floor)", "none (reference)",
		b.ratio("pk-cold", "cp-r"), func(float64) bool { return true })
	floor.Met, floor.Reference = nil, true
	ts = append(ts, floor)
	ts = append(ts, ratioTarget("cold install vs pip --no-compile, index +"+delay+"/request", "≥ 15x (at 20ms)",
		b.ratio("pip-nocompile-delay", "pk-cold-delay"), func(v float64) bool { return v >= 15 }))
	ts = append(ts, ratioTarget("warm install vs pip (default: byte-compiles)", "≥ 100x",
		b.ratio("pip-default", "pk-warm"), func(v float64) bool { return v >= 100 }))
	cpT := ratioTarget("warm install vs cp -al of the finished tree", "≤ 1.5x",
		b.ratio("pk-warm", "cp-al"), func(v float64) bool { return v <= 1.5 })
	ts = append(ts, cpT)

	noop := target{Name: "no-op install", Goal: "≤ 50 ms", Measured: fmtDur(b.med("pk-noop"))}
	if v := b.med("pk-noop"); !math.IsNaN(v) {
		noop.Value = v
		noop.Met = boolp(v <= 0.050)
	}
	ts = append(ts, noop)

	for _, mode := range []struct{ name, pip, pk, pdm, pkPDM string }{
		{"cold", "pip-nocompile", "pk-cold", "pdm-cold", "pk-pdmset-cold"},
		// PDM 2.2 does not byte-compile: the like-for-like pip is --no-compile.
		{"warm", "pip-nocompile", "pk-warm", "pdm-warm", "pk-pdmset-warm"},
	} {
		vsPip := b.ratio(mode.pip, mode.pk)
		vsPDM := b.ratio(mode.pdm, mode.pkPDM)
		t := target{
			Name:     "ahead of PDM by more than of pip --no-compile (" + mode.name + ")",
			Goal:     "vs PDM > vs pip",
			Measured: fmt.Sprintf("%s vs PDM, %s vs pip", fmtRatio(vsPDM), fmtRatio(vsPip)),
		}
		if !math.IsNaN(vsPip) && !math.IsNaN(vsPDM) {
			t.Value = vsPDM / vsPip
			t.Met = boolp(vsPDM > vsPip)
		}
		ts = append(ts, t)
	}

	var peak int64
	for _, r := range b.results {
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
	ts = append(ts, mem)
	return ts
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
	r := b.results[id]
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

// markdown renders the report. It needs the bench for the lookups, so it is
// built by finish's caller through rep.markdown, which uses rep.Cases.
func (rep *report) markdown() string {
	byID := map[string]*result{}
	for _, r := range rep.Cases {
		byID[r.ID] = r
	}
	b := &bench{results: byID}
	var w strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&w, format, a...) }
	m := rep.Machine

	p("Measured on %s at working tree state (no commit), %d round(s), medians.\n\n",
		rep.Started.Format("2006-01-02 15:04 MST"), rep.Rounds)
	p("```\n%s\n```\n\n", rep.Command)
	p("- machine: %d CPUs (%s), %s memory, Linux %s, %s\n", m.CPUs, orNA(m.CPUModel), fmtGB(m.MemoryBytes), orNA(m.Kernel), orNA(m.OS))
	p("- load average (1/5/15 min) at start: %s; at end: %s (the machine is shared)\n", orNA(m.LoadStart), orNA(m.LoadEnd))
	p("- pkginstall: %s, target interpreter %s (Python %s), %s\n", orNA(m.PkginstallVersion), m.TargetPython, orNA(m.TargetPythonVersion), m.Go)
	p("- pip: %s under %s; PDM: %s\n", orNA(m.PipVersion), m.PipPython, orNA(m.PDMVersion))
	p("- wheelhouse: %d wheels, %.1f MB, served from a separate process on 127.0.0.1 (keep-alive, PEP 691 negotiation); the distant index adds %s per request\n",
		rep.Wheelhouse.Wheels, float64(rep.Wheelhouse.Bytes)/1e6, rep.Delay)
	p("- sets: \"55\" = `%s`; \"PDM\" = the same without ipython (PDM locks for every platform and the wheelhouse lacks appnope)\n",
		strings.Join(setFull, " "))
	p("- total time: %s\n\n", rep.Finished.Sub(rep.Started).Round(time.Second))

	p("### Summary\n\n")
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
	row("cold install, index +"+rep.Delay+"/request", "pk-cold-delay", "pip-nocompile-delay", "", "pip-nocompile-delay", "", "")
	row("warm install", "pk-warm", "", "pip-default", "pip-default", "pdm-warm", "pk-pdmset-warm")
	row("no-op", "pk-noop", "", "", "", "pdm-noop", "pk-pdmset-noop")
	row("lock, cold", "pk-lock-cold", "", "", "", "pdm-lock-cold", "pk-pdmset-lock-cold")
	row("lock, warm", "pk-lock-warm", "", "", "", "pdm-lock-warm", "pk-pdmset-lock-warm")
	p("| `cp -al` of the tree (warm floor) | %s | | | | | | |\n", b.cell("cp-al"))
	p("| `cp -r` of the tree (cold floor) | %s | | | | | | |\n\n", b.cell("cp-r"))
	p("\"vs pip\": cold against pip `--no-compile`, warm against pip as users run it (byte-compiling), both `--no-cache-dir`; ")
	p("\"vs PDM\": PDM against pkginstall on the same (PDM) set. PDM cold is `pdm add` (locks, then installs); ")
	p("PDM 2.2 does not byte-compile, so its target compares with pip `--no-compile` in both modes.\n\n")

	p("### Targets (issue 7)\n\n")
	p("| target | goal | measured | met |\n|---|---|---|---|\n")
	for _, t := range rep.Targets {
		met := "n/a"
		if t.Reference {
			met = "–"
		}
		if t.Met != nil {
			met = map[bool]string{true: "yes", false: "**no**"}[*t.Met]
		}
		p("| %s | %s | %s | %s |\n", t.Name, t.Goal, t.Measured, met)
	}
	p("\n### Every case\n\n")
	p("| case | what | set | median | min | max | runs | CPU | peak RSS | requests | dists | files |\n")
	p("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rep.Cases {
		if len(r.Samples) == 0 {
			why := r.NA
			if len(r.Errors) > 0 {
				why = fmt.Sprintf("failed %d time(s)", len(r.Errors))
			}
			p("| %s | %s | %s | n/a: %s | | | 0 | | | | | |\n", r.ID, r.Label, r.Set, why)
			continue
		}
		dists, files := "", ""
		if r.Dists != 0 {
			dists = strconv.Itoa(r.Dists)
		}
		if r.Files != 0 {
			files = strconv.Itoa(r.Files)
		}
		reqs := ""
		if len(r.Requests) > 0 {
			fs := make([]float64, len(r.Requests))
			for i, n := range r.Requests {
				fs[i] = float64(n)
			}
			reqs = strconv.FormatFloat(median(fs), 'f', -1, 64)
		}
		p("| %s | %s | %s | %s | %s | %s | %d | %s | %s | %s | %s | %s |\n", r.ID, r.Label, r.Set,
			fmtDur(r.Median), fmtDur(r.Min), fmtDur(r.Max), len(r.Samples), fmtDur(median(r.CPU)), fmtMB(r.PeakRSS), reqs, dists, files)
	}
	p("\n\"dists\": distributions installed (`*.dist-info` in lib) or locked (packages in the lock file); ")
	p("\"CPU\": user + system time (median), which a busy machine inflates less than wall time; ")
	p("\"requests\": HTTP requests the run made to the index (median); ")
	p("\"files\": files in the tree the run left; \"peak RSS\": the child's maximum resident set (wait4), ")
	p("which includes the children it waited for.\n")
	var errs []string
	for _, r := range rep.Cases {
		for _, e := range r.Errors {
			errs = append(errs, fmt.Sprintf("- %s: %s", r.ID, strings.ReplaceAll(firstLine(e), "|", `\|`)))
			break
		}
	}
	if len(errs) > 0 {
		p("\nFailures (first per case):\n\n%s\n", strings.Join(errs, "\n"))
	}
	return w.String()
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
