package python

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// NotFoundError is returned by Find when no interpreter matches the spec.
// Skipped lists the candidates that were tried and why each was rejected.
type NotFoundError struct {
	Spec    string
	Skipped []string
	TooOld  *TooOldError // the first candidate that was only too old
}

func (e *NotFoundError) Error() string {
	if e.TooOld != nil {
		return fmt.Sprintf("python %q: %s", e.Spec, e.TooOld)
	}
	if len(e.Skipped) == 0 {
		return fmt.Sprintf("python %q not found: no candidate on PATH or in pyenv", e.Spec)
	}
	return fmt.Sprintf("python %q not found: %s", e.Spec, strings.Join(e.Skipped, "; "))
}

// Default returns the interpreter spec used when none is given, without the
// pyproject setting (the caller inserts it after $PKGINSTALL_PYTHON):
// $PKGINSTALL_PYTHON, else $VIRTUAL_ENV/bin/python when a virtual
// environment is active, else "python3" ("3" on Windows, where python3 on
// PATH is usually the Store's alias stub: see find_windows.go).
func Default(getenv func(string) string) string {
	if s := getenv("PKGINSTALL_PYTHON"); s != "" {
		return s
	}
	if venv := getenv("VIRTUAL_ENV"); venv != "" {
		if runtime.GOOS == "windows" {
			return filepath.Join(venv, "Scripts", "python.exe")
		}
		return filepath.Join(venv, "bin", "python")
	}
	return defaultSpec
}

// versionSpecRE matches a version request: "3", "3.12", "3.11.7",
// "3.13t", "pypy3.10", "python3.12", "cpython3.12".
var versionSpecRE = regexp.MustCompile(`^(?i)(python|cpython|pypy)?(\d{1,3})(?:\.(\d{1,4}))?(?:\.(\d{1,4}))?(t)?$`)

// versionSpec is a parsed version request; -1 means "any".
type versionSpec struct {
	impl                string // "cpython" or "pypy"
	major, minor, micro int
	freeThreaded        bool
}

func parseVersionSpec(s string) (versionSpec, bool) {
	m := versionSpecRE.FindStringSubmatch(s)
	if m == nil {
		return versionSpec{}, false
	}
	v := versionSpec{impl: "cpython", minor: -1, micro: -1, freeThreaded: m[5] != ""}
	if strings.EqualFold(m[1], "pypy") {
		v.impl = "pypy"
	}
	v.major, _ = strconv.Atoi(m[2])
	if m[3] != "" {
		v.minor, _ = strconv.Atoi(m[3])
	}
	if m[4] != "" {
		if m[3] == "" {
			return versionSpec{}, false
		}
		v.micro, _ = strconv.Atoi(m[4])
	}
	return v, true
}

// String is the version part of the request: "3.12", "3.13t".
func (v versionSpec) String() string {
	s := strconv.Itoa(v.major)
	if v.minor >= 0 {
		s += "." + strconv.Itoa(v.minor)
	}
	if v.micro >= 0 {
		s += "." + strconv.Itoa(v.micro)
	}
	if v.freeThreaded {
		s += "t"
	}
	return s
}

// matches reports whether info satisfies the request.
func (v versionSpec) matches(info *Info) bool {
	return info.Implementation == v.impl &&
		info.Major == v.major &&
		(v.minor < 0 || info.Minor == v.minor) &&
		(v.micro < 0 || info.Micro == v.micro) &&
		info.FreeThreaded == v.freeThreaded
}

// commands returns the program names to look for on PATH, most specific
// first: python3.12, python3, python (pypy3.10, pypy3, pypy).
func (v versionSpec) commands() []string {
	base := "python"
	if v.impl == "pypy" {
		base = "pypy"
	}
	var names []string
	if v.minor >= 0 {
		t := ""
		if v.freeThreaded {
			t = "t"
		}
		names = append(names, fmt.Sprintf("%s%d.%d%s", base, v.major, v.minor, t))
	}
	return append(names, fmt.Sprintf("%s%d", base, v.major), base)
}

// Find locates the interpreter named by spec and probes it (see Probe for
// cacheDir). spec is
//   - "": Default(os.Getenv);
//   - a path (absolute, or containing a path separator): that file;
//   - a version ("3", "3.12", "3.11.7", "3.13t", "pypy3.10", and also
//     "python3.12"): the first interpreter that reports that version,
//     looking on PATH for python3.12, then python3, then python, then
//     among pyenv's installed versions ($PYENV_ROOT or ~/.pyenv; pyenv-win on
//     Windows), newest first, then on Windows what `py -0p` lists and the
//     PEP 514 registry entries (the Store's WindowsApps stubs are skipped);
//   - any other command name ("python", "py-custom"): every match on PATH
//     in order, the first that answers the probe.
//
// A candidate that does not answer the probe (a pyenv shim for a version
// that is not selected exits 127) is skipped and the search goes on.
func Find(ctx context.Context, spec string, cacheDir string) (*Info, error) {
	if spec == "" {
		spec = Default(os.Getenv)
	}
	if filepath.IsAbs(spec) || strings.ContainsRune(spec, '/') || strings.ContainsRune(spec, filepath.Separator) {
		info, err := Probe(ctx, spec, cacheDir)
		if _, ok := errors.AsType[*TooOldError](err); ok {
			return nil, fmt.Errorf("python %q: %w", spec, unwrapProbe(err))
		}
		if _, ok := errors.AsType[*NotPythonError](err); ok {
			return nil, fmt.Errorf("python %q: %w", spec, unwrapProbe(err))
		}
		if err != nil {
			return nil, fmt.Errorf("python %q not found: %w", spec, err)
		}
		return info, nil
	}
	sr := newSearch(ctx, spec, cacheDir)
	try, nf := sr.try, sr.nf
	vs, isVersion := parseVersionSpec(spec)
	if !isVersion {
		for _, p := range lookPathAll(spec) {
			info, err := try(p, func(*Info) string { return "" })
			if info != nil || err != nil {
				return info, err
			}
		}
		return nil, nf
	}
	want := func(info *Info) string {
		if vs.matches(info) {
			return ""
		}
		ft := ""
		if info.FreeThreaded {
			ft = " free-threaded"
		}
		return fmt.Sprintf("is %s %s%s, not %s", info.Implementation, info.Version, ft, vs)
	}
	for _, name := range vs.commands() {
		for _, p := range lookPathAll(name) {
			info, err := try(p, want)
			if info != nil || err != nil {
				return info, err
			}
		}
	}
	for _, p := range append(pyenvCandidates(os.Getenv, vs), platformCandidates(ctx)...) {
		info, err := try(p, want)
		if info != nil || err != nil {
			return info, err
		}
	}
	return nil, nf
}

// search probes candidates once each, recording why each was passed over.
type search struct {
	ctx      context.Context
	cacheDir string
	nf       *NotFoundError
	seen     map[string]bool
}

func newSearch(ctx context.Context, spec, cacheDir string) *search {
	return &search{ctx: ctx, cacheDir: cacheDir, nf: &NotFoundError{Spec: spec}, seen: map[string]bool{}}
}

// try probes path (once) and returns it when want says "" of it; nil, nil
// when it is passed over; an error only when the context ends.
func (s *search) try(path string, want func(*Info) string) (*Info, error) {
	key := path
	if r, err := filepath.EvalSymlinks(path); err == nil {
		key = r
	}
	if s.seen[key] {
		return nil, nil
	}
	s.seen[key] = true
	info, err := Probe(s.ctx, path, s.cacheDir)
	if err != nil {
		if s.ctx.Err() != nil {
			return nil, s.ctx.Err()
		}
		if old, ok := errors.AsType[*TooOldError](err); ok && s.nf.TooOld == nil {
			s.nf.TooOld = old
		}
		s.nf.Skipped = append(s.nf.Skipped, fmt.Sprintf("%s: %v", path, unwrapProbe(err)))
		return nil, nil
	}
	if why := want(info); why != "" {
		s.nf.Skipped = append(s.nf.Skipped, fmt.Sprintf("%s: %s", path, why))
		return nil, nil
	}
	return info, nil
}

// unwrapProbe drops the "probe python X:" prefix, which the caller
// already prints next to the path.
func unwrapProbe(err error) error {
	if pe, ok := errors.AsType[*ProbeError](err); ok {
		return pe.Err
	}
	return err
}

// lookPathAll returns every executable file named name on PATH, in PATH
// order (like `which -a`).
func lookPathAll(name string) []string {
	var out []string
	exts := []string{""}
	if runtime.GOOS == "windows" {
		exts = []string{".exe", ""}
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir == "" {
			dir = "."
		}
		for _, ext := range exts {
			p := filepath.Join(dir, name+ext)
			if isExecutable(p) && !storeStub(p) {
				if abs, err := filepath.Abs(p); err == nil {
					p = abs
				}
				out = append(out, p)
				break
			}
		}
	}
	return out
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	if err != nil || st.IsDir() {
		return false
	}
	return runtime.GOOS == "windows" || st.Mode().Perm()&0o111 != 0
}

// pyenvCPythonRE and pyenvPyPyRE match pyenv version directories: "3.12.1",
// "3.13.0t", "3.13.0rc1", "pypy3.10-7.3.17".
var (
	pyenvCPythonRE = regexp.MustCompile(`^(\d+)\.(\d+)\.(\d+)([a-z]+\d*)?(t)?$`)
	pyenvPyPyRE    = regexp.MustCompile(`^pypy(\d+)\.(\d+)-(\d+(?:\.\d+)*)`)
)

// pyenvCandidates lists the interpreters under pyenv's versions directory
// that may satisfy vs, newest first.
func pyenvCandidates(getenv func(string) string, vs versionSpec) []string {
	root := pyenvDefaultRoot(getenv)
	if root == "" {
		return nil
	}
	entries, err := os.ReadDir(filepath.Join(root, "versions"))
	if err != nil {
		return nil
	}
	type cand struct {
		key  []int // version numbers for ordering, newest first
		path string
	}
	var cands []cand
	for _, e := range entries {
		name := e.Name()
		var nums []int
		var exe string
		if vs.impl == "pypy" {
			m := pyenvPyPyRE.FindStringSubmatch(name)
			if m == nil {
				continue
			}
			nums = atois(m[1], m[2])
			exe = fmt.Sprintf("pypy%s.%s", m[1], m[2])
		} else {
			m := pyenvCPythonRE.FindStringSubmatch(name)
			if m == nil || (m[5] != "") != vs.freeThreaded {
				continue
			}
			nums = atois(m[1], m[2], m[3])
			final := 1
			if m[4] != "" {
				final = 0 // a pre-release sorts below the final release
			}
			nums = append(nums, final)
			exe = fmt.Sprintf("python%s.%s%s", m[1], m[2], m[5])
		}
		if nums[0] != vs.major || (vs.minor >= 0 && nums[1] != vs.minor) ||
			(vs.micro >= 0 && vs.impl == "cpython" && nums[2] != vs.micro) {
			continue
		}
		p := filepath.Join(root, "versions", name, "bin", exe)
		if runtime.GOOS == "windows" {
			p = filepath.Join(root, "versions", name, "python.exe")
		}
		if isExecutable(p) {
			cands = append(cands, cand{nums, p})
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return -slices.Compare(a.key, b.key) })
	out := make([]string, len(cands))
	for i, c := range cands {
		out[i] = c.path
	}
	return out
}

func atois(ss ...string) []int {
	out := make([]int, len(ss))
	for i, s := range ss {
		out[i], _ = strconv.Atoi(s)
	}
	return out
}
