package workflow

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pkginstall/pkginstall/index"
	"github.com/pkginstall/pkginstall/internal/installer"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/project"
	"github.com/pkginstall/pkginstall/internal/wheeltest"
	"github.com/pkginstall/pkginstall/scheme"
)

// recorder is a Reporter that records events and, on the events that
// say the target changed, checks what the transaction promises.
type recorder struct {
	installer.Reporter // unused methods panic: every event the test expects is below
	paths              scheme.Paths
	mu                 sync.Mutex
	events             []string
	failures           []string
}

func (r *recorder) add(e string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *recorder) fail(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, msg)
}

// lockHeld reports whether the target lock is held (by the transaction).
func (r *recorder) lockHeld() bool {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	unlock, err := scheme.Lock(ctx, r.paths, nil)
	if err == nil {
		unlock()
		return false
	}
	return errors.Is(err, context.DeadlineExceeded)
}

func (r *recorder) Waiting(string)                     { r.add("waiting") }
func (r *recorder) Resolved(int, time.Duration)        { r.add("resolved") }
func (r *recorder) Fetched(*installer.Candidate, bool) {}
func (r *recorder) Warn(msg string)                    { r.add("warn " + msg) }
func (r *recorder) Debug(string, ...any)               {}
func (r *recorder) Plan([]installer.Change, bool)      { r.add("plan") }
func (r *recorder) ProjectWaiting(string)              { r.add("project waiting") }
func (r *recorder) Created(string)                     { r.add("created") }
func (r *recorder) Added(s string, _ project.Where)    { r.add("added " + s) }
func (r *recorder) Dropped(s string, _ project.Where)  { r.add("dropped " + s) }
func (r *recorder) Locked(int, string)                 { r.add("locked") }
func (r *recorder) Installed(ch []installer.Change, _ time.Duration) {
	if len(ch) > 0 && !r.lockHeld() {
		r.fail("Installed reported without the target lock held")
	}
	r.add("installed")
}

func (r *recorder) Removed(chs []installer.Change) {
	for _, ch := range chs {
		r.add("removed " + ch.Name)
		dists, err := scheme.List(r.paths)
		if err != nil {
			r.fail(err.Error())
		}
		for _, d := range dists {
			if d.Name == ch.Name {
				r.fail(ch.Name + " reported removed while still installed")
			}
		}
	}
	if !r.lockHeld() {
		r.fail("Removed reported without the target lock held")
	}
}

// testTarget is a project in a temporary directory for a synthetic
// CPython 3.11 on Linux, with wheels a, b and c (a needs c) to find.
func testTarget(t *testing.T) (*Target, Env, *recorder) {
	t.Helper()
	dir := t.TempDir()
	wheels := filepath.Join(dir, "wheels")
	for _, s := range []wheeltest.Spec{
		{Name: "a", Version: "1.0", Files: []wheeltest.File{{Path: "a/__init__.py", Content: ""}}, RequiresDist: []string{"c"}},
		{Name: "b", Version: "1.0", Files: []wheeltest.File{{Path: "b/__init__.py", Content: ""}}},
		{Name: "c", Version: "1.0", Files: []wheeltest.File{{Path: "c/__init__.py", Content: ""}}},
	} {
		if err := os.MkdirAll(wheels, 0o755); err != nil {
			t.Fatal(err)
		}
		if _, err := wheeltest.BuildFile(wheels, s); err != nil {
			t.Fatal(err)
		}
	}
	root := filepath.Join(dir, "proj")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	py, err := installer.TargetInfo(installer.TargetSpec{PythonVersion: "3.11.7", Platform: "linux_x86_64"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	paths, err := scheme.NewPaths(root, py, "version")
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{paths: paths}
	env := Env{Index: index.Options{NoIndex: true, FindLinks: []string{wheels}, CacheDir: filepath.Join(dir, "cache")}, Reporter: rec}
	tg := &Target{Root: root, Pyproject: &project.Pyproject{Path: filepath.Join(root, "pyproject.toml")}, Python: py, Paths: paths}
	return tg, env, rec
}

func TestAddRemoveSync(t *testing.T) {
	tg, env, rec := testTarget(t)
	ctx := context.Background()
	if _, err := Add(ctx, tg, env, AddOptions{Reqs: parseReqs(t, "a", "b"), Texts: []string{"a", "b"}}); err != nil {
		t.Fatal(err)
	}
	want := []string{"resolved", "plan", "created", "added a>=1.0", "added b>=1.0", "locked", "installed"}
	if !slices.Equal(rec.events, want) {
		t.Errorf("add: events %q, want %q", rec.events, want)
	}
	rec.events = nil
	if _, err := Remove(ctx, tg, env, RemoveOptions{Names: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	// a goes, and c that only a needed: both reported once gone.
	want = []string{"resolved", "plan", "dropped a", "locked", "removed a", "removed c"}
	if !slices.Equal(rec.events, want) {
		t.Errorf("remove: events %q, want %q", rec.events, want)
	}
	// Something installed by hand goes on sync; the lock is kept.
	rec.events = nil
	tg.Pyproject.Exists = true
	if _, err := Install(ctx, tg, env, InstallOptions{Request: &installer.Request{Reqs: parseInstallerReqs(t, "c")}}); err != nil {
		t.Fatal(err)
	}
	rec.events = nil
	if _, err := Sync(ctx, tg, env, SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	want = []string{"plan", "removed c"}
	if !slices.Equal(rec.events, want) {
		t.Errorf("sync: events %q, want %q", rec.events, want)
	}
	for _, f := range rec.failures {
		t.Error(f)
	}
}

func TestInstallNoOpManifest(t *testing.T) {
	tg, env, rec := testTarget(t)
	ctx := context.Background()
	req := func() *installer.Request { return &installer.Request{Reqs: parseInstallerReqs(t, "b")} }
	if _, err := Install(ctx, tg, env, InstallOptions{Request: req()}); err != nil {
		t.Fatal(err)
	}
	// The manifest was written by the transaction: the same request is
	// answered without resolving.
	rec.events = nil
	res, err := Install(ctx, tg, env, InstallOptions{Request: req()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Result != nil || !slices.Equal(rec.events, []string{"installed"}) {
		t.Errorf("second install: result %v, events %q; want the no-op shortcut", res.Result, rec.events)
	}
	// A report needs a result: no shortcut.
	rec.events = nil
	res, err = Install(ctx, tg, env, InstallOptions{Request: req(), Report: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Result == nil || !slices.Contains(rec.events, "resolved") {
		t.Errorf("install with a report: result %v, events %q", res.Result, rec.events)
	}
	for _, f := range rec.failures {
		t.Error(f)
	}
}

func parseReqs(t *testing.T, ss ...string) []pep508.Requirement {
	t.Helper()
	var out []pep508.Requirement
	for _, s := range ss {
		r, err := pep508.ParseRequirement(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func parseInstallerReqs(t *testing.T, ss ...string) []installer.Req {
	var out []installer.Req
	for _, r := range parseReqs(t, ss...) {
		out = append(out, installer.Req{Req: r, Origin: r.Name})
	}
	return out
}
