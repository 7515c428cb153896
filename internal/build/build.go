// Package build turns source into wheels: PEP 517/518 builds of an sdist or
// a source tree, run by the target interpreter through a small embedded
// driver, and the safe unpacking of sdists.
//
// Rules it owns:
//   - [build-system] as pip and uv read it: without requires, the build
//     needs "setuptools>=40.8.0"; without build-backend, the backend is
//     "setuptools.build_meta:__legacy__".
//   - backend-path entries are relative folders inside the source tree
//     (anything else is refused); the driver puts them first on the path
//     and refuses a backend that is not loaded from them (PEP 517).
//   - A build runs the target interpreter with -I -S (no user site, no
//     PYTHON* variables, no site-packages) in the source tree; with
//     isolation only the build environment's folders are on its path
//     (requires, then get_requires_for_build_wheel's extras, installed by
//     the caller's Env); without, the folders the caller gives (the target's
//     packages, as pip's --no-build-isolation).
//   - An editable build of a backend without build_editable is the
//     regular wheel's .dist-info and a .pth naming the tree's import root
//     (PthEditable).
//   - Metadata during resolution comes from prepare_metadata_for_build_wheel
//     when the backend has it (Metadata); the caller builds otherwise.
//   - The backend's output goes to Options.Log line by line; a failed hook
//     is a *Error naming the project and holding the last TailLines lines.
//   - An sdist is unpacked (Unpack) under the wheel member-name rules, with
//     bounded sizes, links only inside the tree and never written, no
//     devices; a refused sdist leaves nothing on disk.
//   - Metadata of an sdist is static (StaticMetadata) only when PKG-INFO's
//     Metadata-Version is 2.2 or newer and none of Requires-Dist,
//     Requires-Python and Provides-Extra is Dynamic (PEP 643).
//   - A source tree's identity (TreeHash) is the content of its files,
//     without version-control, cache and build output folders.
package build

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/pkginstall/pkginstall/internal/project"
)

//go:embed driver.py
var driver []byte

// Defaults of [build-system] (pip's and uv's).
const (
	DefaultBackend  = "setuptools.build_meta:__legacy__"
	DefaultRequires = "setuptools>=40.8.0"
	// TailLines is how many last lines of the backend's output a failed
	// build's error holds.
	TailLines = 25
)

// System is the [build-system] a build uses, defaults applied.
type System struct {
	Requires    []string
	Backend     string
	BackendPath []string // absolute, inside the tree
}

// ReadSystem reads src/pyproject.toml's [build-system] (a missing file or
// table means the defaults).
func ReadSystem(src string) (System, error) {
	pp, err := project.Load(src)
	if err != nil {
		return System{}, err
	}
	s := System{Requires: []string{DefaultRequires}, Backend: DefaultBackend}
	bs := pp.BuildSystem
	if bs == nil {
		return s, nil
	}
	if bs.Requires != nil {
		s.Requires = bs.Requires
	}
	if bs.BuildBackend != "" {
		s.Backend = bs.BuildBackend
	}
	for _, p := range bs.BackendPath {
		abs := filepath.Join(src, filepath.FromSlash(p))
		rel, err := filepath.Rel(src, abs)
		if filepath.IsAbs(p) || err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return System{}, fmt.Errorf("%s: backend-path %q is not a folder inside the source tree", pp.Path, p)
		}
		s.BackendPath = append(s.BackendPath, abs)
	}
	return s, nil
}

// Options say how to build.
type Options struct {
	Python string // the target interpreter
	// Env installs requirements (wheels only) into a fresh environment and
	// returns the folders to put on the path; nil builds without
	// isolation, with Paths.
	Env   func(ctx context.Context, reqs []string) ([]string, error)
	Paths []string
	Log   func(line string) // every line the backend prints; may be nil
	// Name names the project in errors.
	Name string
}

// Error is a failed build.
type Error struct {
	Name, Hook string
	Err        error
	Tail       []string // the last lines of the backend's output
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("building %s failed: %s: %v", e.Name, e.Hook, e.Err)
	if len(e.Tail) > 0 {
		msg += "\n  the backend's last output:\n    " + strings.Join(e.Tail, "\n    ")
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Wheel builds a wheel (an editable one with editable: PEP 660) of the
// source tree src into outDir and returns its path.
func Wheel(ctx context.Context, src, outDir string, editable bool, o Options) (string, error) {
	kind := "wheel"
	if editable {
		kind = "editable"
	}
	r, paths, err := prepare(ctx, src, kind, o)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", err
	}
	var fn string
	found, err := r.call(ctx, paths, "build_"+kind, []any{outDir, nil, nil}, &fn)
	if err != nil {
		return "", err
	}
	if !found && editable {
		return "", &Error{Name: r.name, Hook: "build_editable", Err: ErrNoEditableHook}
	}
	if !found {
		return "", &Error{Name: r.name, Hook: "build_wheel", Err: fmt.Errorf("the backend %s has no build_wheel hook", r.sys.Backend)}
	}
	if fn == "" || filepath.Base(fn) != fn || !strings.HasSuffix(fn, ".whl") {
		return "", &Error{Name: r.name, Hook: "build_" + kind, Err: fmt.Errorf("the backend returned %q, not a wheel's file name", fn)}
	}
	p := filepath.Join(outDir, fn)
	if st, err := os.Lstat(p); err != nil || !st.Mode().IsRegular() {
		return "", &Error{Name: r.name, Hook: "build_" + kind, Err: fmt.Errorf("the backend did not write %s", fn)}
	}
	return p, nil
}

// Metadata runs the backend's prepare_metadata_for_build_wheel into
// outDir and returns the path of the METADATA it wrote; found is false
// when the backend does not have the hook (then only a build tells).
func Metadata(ctx context.Context, src, outDir string, o Options) (path string, found bool, _ error) {
	r, paths, err := prepare(ctx, src, "wheel", o)
	if err != nil {
		return "", false, err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", false, err
	}
	const hook = "prepare_metadata_for_build_wheel"
	var dn string
	if found, err := r.call(ctx, paths, hook, []any{outDir, nil}, &dn); err != nil || !found {
		return "", false, err
	}
	if dn == "" || filepath.Base(dn) != dn || !strings.HasSuffix(dn, ".dist-info") {
		return "", false, &Error{Name: r.name, Hook: hook, Err: fmt.Errorf("the backend returned %q, not a .dist-info folder", dn)}
	}
	return filepath.Join(outDir, dn, "METADATA"), true, nil
}

// prepare reads [build-system], installs its requires (isolated), asks
// the backend what else a build of kind needs and installs that too.
func prepare(ctx context.Context, src, kind string, o Options) (*runner, []string, error) {
	sys, err := ReadSystem(src)
	if err != nil {
		return nil, nil, err
	}
	name := o.Name
	if name == "" {
		name = filepath.Base(src)
	}
	r := &runner{o: o, src: src, sys: sys, name: name}
	paths := o.Paths
	if o.Env != nil {
		if paths, err = o.Env(ctx, sys.Requires); err != nil {
			return nil, nil, fmt.Errorf("building %s: installing the build requirements (%s): %w", name, strings.Join(sys.Requires, ", "), err)
		}
	}
	var extra []string
	if found, err := r.call(ctx, paths, "get_requires_for_build_"+kind, []any{nil}, &extra); err != nil {
		return nil, nil, err
	} else if found && o.Env != nil && len(newOnly(extra, sys.Requires)) > 0 {
		all := append(append([]string{}, sys.Requires...), newOnly(extra, sys.Requires)...)
		if paths, err = o.Env(ctx, all); err != nil {
			return nil, nil, fmt.Errorf("building %s: installing the backend's requirements (%s): %w", name, strings.Join(all, ", "), err)
		}
	}
	return r, paths, nil
}

// newOnly are the requirements of extra not already in have.
func newOnly(extra, have []string) []string {
	var out []string
	for _, e := range extra {
		dup := false
		for _, h := range have {
			if strings.TrimSpace(e) == strings.TrimSpace(h) {
				dup = true
			}
		}
		if !dup {
			out = append(out, e)
		}
	}
	return out
}

type runner struct {
	o    Options
	src  string
	sys  System
	name string
}

// call runs one hook through the driver; found is false when the backend
// does not have it (optional hooks).
func (r *runner) call(ctx context.Context, paths []string, hook string, args []any, result any) (found bool, _ error) {
	tmp, err := os.MkdirTemp("", "pkginstall-hook-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(tmp)
	drv := filepath.Join(tmp, "driver.py")
	reqFile := filepath.Join(tmp, "request.json")
	out := filepath.Join(tmp, "result.json")
	req, _ := json.Marshal(map[string]any{
		"paths": nonNil(paths), "backend": r.sys.Backend, "backend_path": nonNil(r.sys.BackendPath),
		"hook": hook, "args": args, "out": out,
	})
	if err := os.WriteFile(drv, driver, 0o644); err != nil {
		return false, err
	}
	if err := os.WriteFile(reqFile, req, 0o644); err != nil {
		return false, err
	}
	cmd := exec.CommandContext(ctx, r.o.Python, "-I", "-S", drv, reqFile)
	cmd.Dir = r.src
	tail := &tailWriter{log: r.o.Log}
	cmd.Stdout, cmd.Stderr = tail, tail
	runErr := cmd.Run()
	tail.flush()
	if runErr != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		return false, &Error{Name: r.name, Hook: hook, Err: runErr, Tail: tail.lines}
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return false, &Error{Name: r.name, Hook: hook, Err: errors.New("the driver wrote no answer"), Tail: tail.lines}
	}
	var res struct {
		Missing bool            `json:"missing"`
		Value   json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		return false, &Error{Name: r.name, Hook: hook, Err: err}
	}
	if res.Missing {
		return false, nil
	}
	if err := json.Unmarshal(res.Value, result); err != nil {
		return false, &Error{Name: r.name, Hook: hook, Err: fmt.Errorf("unexpected answer %s: %v", res.Value, err)}
	}
	return true, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// tailWriter passes complete lines to log and keeps the last TailLines.
type tailWriter struct {
	mu    sync.Mutex
	log   func(string)
	buf   []byte
	lines []string
}

func (t *tailWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	for {
		i := bytes.IndexByte(t.buf, '\n')
		if i < 0 {
			break
		}
		t.line(string(t.buf[:i]))
		t.buf = t.buf[i+1:]
	}
	return len(p), nil
}

func (t *tailWriter) line(l string) {
	l = strings.TrimRight(l, "\r")
	if t.log != nil {
		t.log(l)
	}
	t.lines = append(t.lines, l)
	if len(t.lines) > TailLines {
		t.lines = t.lines[len(t.lines)-TailLines:]
	}
}

func (t *tailWriter) flush() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.buf) > 0 {
		t.line(string(t.buf))
		t.buf = nil
	}
}
