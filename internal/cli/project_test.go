package cli

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pkginstall/pkginstall/internal/pylock"
	"github.com/pkginstall/pkginstall/internal/python"
)

func TestProjectRoots(t *testing.T) {
	data := []byte(`[project]
name = "p"
dependencies = ["a>=1"]
[project.optional-dependencies]
web = ["b"]
[dependency-groups]
Dev = ["c", {include-group = "lint"}]
lint = ["d; python_version < '3'"]
`)
	pp, err := decodePyproject("pyproject.toml", data)
	if err != nil {
		t.Fatal(err)
	}
	r, err := projectRoots("pyproject.toml", data, pp)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a>=1", "b", "c", `d; python_version < "3"`}
	if !reflect.DeepEqual(r.strs, want) {
		t.Errorf("strs = %q, want %q", r.strs, want)
	}
	if len(r.project) != 1 || !r.names["d"] {
		t.Errorf("project = %v, names = %v", r.project, r.names)
	}

	for _, tt := range []struct{ in, want string }{
		{"[dependency-groups]\na = [{include-group = \"b\"}]\nb = [{include-group = \"a\"}]\n", "includes itself"},
		{"[dependency-groups]\na = [{include-group = \"zz\"}]\n", "zz is included but not defined"},
		{"[dependency-groups]\na = [1]\n", "must be a string or"},
		{"[project]\ndependencies = [\n  \"ok\",\n  \"bad !!\",\n]\n", "pyproject.toml:4:3: [project] dependencies:"},
	} {
		pp, err := decodePyproject("pyproject.toml", []byte(tt.in))
		if err != nil {
			t.Fatal(err)
		}
		_, err = projectRoots("pyproject.toml", []byte(tt.in), pp)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestLockProblems(t *testing.T) {
	data := []byte("[project]\ndependencies = [\"a>=2\", \"b; python_version < '3'\"]\n")
	pp, _ := decodePyproject("pyproject.toml", data)
	r, err := projectRoots("pyproject.toml", data, pp)
	if err != nil {
		t.Fatal(err)
	}
	tg := &target{py: &python.Info{Version: "3.11.7", Implementation: "cpython", Platform: "linux-x86_64",
		Markers: map[string]string{"python_version": "3.11", "python_full_version": "3.11.7", "implementation_name": "cpython"}}}
	ok := &pylock.Lock{LockVersion: "1.0", CreatedBy: "other", Packages: []pylock.Package{{Name: "A", Version: "2.1"}}}
	if p := lockProblems(ok, r, tg); len(p) != 0 {
		t.Errorf("a satisfying lock of another tool: %q", p)
	}
	old := &pylock.Lock{LockVersion: "1.0", CreatedBy: "other", Packages: []pylock.Package{{Name: "a", Version: "1.0"}}}
	if p := lockProblems(old, r, tg); len(p) != 1 || !strings.Contains(p[0], "requires a>=2, but the lock has a 1.0") {
		t.Errorf("old lock: %q", p)
	}
	ours := &pylock.Lock{LockVersion: "1.0", CreatedBy: "pkginstall", Requirements: []string{"a>=1"}, Packages: []pylock.Package{{Name: "a", Version: "2.1"}}}
	p := lockProblems(ours, r, tg)
	if len(p) != 2 || !strings.Contains(strings.Join(p, "\n"), "now requires a>=2, and the lock was made for a>=1") {
		t.Errorf("our lock with other requirements: %q", p)
	}
	other := &pylock.Lock{LockVersion: "1.0", CreatedBy: "x", Environments: []string{"python_version == '3.12'"}, Packages: []pylock.Package{{Name: "a", Version: "2.1"}}}
	if p := lockProblems(other, r, tg); len(p) != 1 || !strings.Contains(p[0], "other environments") {
		t.Errorf("other environment: %q", p)
	}
}
