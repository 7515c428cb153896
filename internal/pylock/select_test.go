package pylock

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pkginstall/pkginstall/internal/project"
	"github.com/pkginstall/pkginstall/internal/python"
)

func selectionLock() *Lock {
	w := func(n string) []Wheel {
		return []Wheel{{Name: n + "-1.0-py3-none-any.whl", URL: "file:///w/" + n + "-1.0-py3-none-any.whl", Hashes: map[string]string{"sha256": sha}}}
	}
	return &Lock{
		LockVersion: Version, CreatedBy: CreatedBy,
		DependencyGroups: []string{"dev", "test"}, DefaultGroups: []string{"dev", "test"}, Extras: []string{"socks"},
		Inputs: []string{"dependencies: app", "group dev: devtool", "group test: testtool", "extra socks: socksy"},
		Packages: []Package{
			{Name: "app", Version: "1.0", Wheels: w("app")},
			{Name: "winonly", Version: "1.0", Marker: "sys_platform == 'win32'", Wheels: w("winonly")},
			{Name: "devtool", Version: "1.0", Marker: "'dev' in dependency_groups", Dependencies: []Dependency{{Name: "helper"}}, Wheels: w("devtool")},
			{Name: "testtool", Version: "1.0", Marker: "'test' in dependency_groups", Dependencies: []Dependency{{Name: "helper"}}, Wheels: w("testtool")},
			{Name: "helper", Version: "1.0", Marker: "'dev' in dependency_groups or 'test' in dependency_groups", Wheels: w("helper")},
			{Name: "socksy", Version: "1.0", Marker: "'socks' in extras and python_version < '3.12'", Wheels: w("socksy")},
		},
	}
}

func linux311() *python.Info {
	return &python.Info{Implementation: "cpython", Version: "3.11.7", Markers: map[string]string{
		"sys_platform": "linux", "platform_machine": "x86_64", "python_version": "3.11", "python_full_version": "3.11.7",
		"implementation_name": "cpython", "os_name": "posix", "platform_system": "Linux",
		"platform_python_implementation": "CPython", "platform_release": "", "platform_version": "", "implementation_version": "3.11.7",
	}}
}

func TestSelected(t *testing.T) {
	l := selectionLock()
	names := func(sel project.Selection) string {
		idx, err := l.Selected("pylock.toml", linux311(), sel)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, i := range idx {
			out = append(out, l.Packages[i].Name)
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		sel  project.Selection
		want string
	}{
		{project.Selection{}, "app"},
		// two groups: a comma-separated set, not one name "dev test"
		{project.Selection{Groups: []string{"dev", "test"}}, "app devtool testtool helper"},
		{project.Selection{Groups: []string{"test"}}, "app testtool helper"},
		{project.Selection{Extras: []string{"socks"}}, "app socksy"},
		{project.Selection{Groups: []string{"test"}, NoProject: true}, "testtool helper"},
	} {
		if got := names(tc.sel); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.sel, got, tc.want)
		}
	}
}

func TestExport(t *testing.T) {
	l := selectionLock()
	got, err := l.Export("pylock.toml", project.Selection{Extras: []string{"socks"}})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range got {
		lines = append(lines, e.Name+" "+e.Marker)
	}
	want := []string{"app ", `winonly sys_platform == "win32"`, `socksy python_version < "3.12"`}
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("Export = %q, want %q", lines, want)
	}
}

func TestChanges(t *testing.T) {
	l := selectionLock()
	l.Requirements = []string{"app", "devtool", "socksy", "testtool"}
	l.RequiresPython = ">=3.8"
	l.Inputs = append(l.Inputs, "index: https://pypi.org/simple/")
	same := Inputs{Requirements: l.Requirements, RequiresPython: ">=3.8", Lines: append([]string{}, l.Inputs...)}
	if c := l.Changes(same); len(c) != 0 {
		t.Errorf("unchanged inputs: %q", c)
	}
	moved := same
	moved.Lines = []string{"dependencies: app", "group dev: devtool", "group dev: testtool", "extra socks: socksy", "index: https://other/simple/"}
	c := strings.Join(l.Changes(moved), "; ")
	if !strings.Contains(c, "now group dev: testtool") || !strings.Contains(c, "made with group test: testtool") {
		t.Errorf("a moved requirement: %q", c)
	}
	if strings.Contains(c, "index") {
		t.Errorf("index compared without CompareIndex: %q", c)
	}
	moved.CompareIndex = true
	if c := strings.Join(l.Changes(moved), "; "); !strings.Contains(c, "now index: https://other/simple/") {
		t.Errorf("index not compared: %q", c)
	}
	rp := same
	rp.RequiresPython = ">=3.10"
	if c := strings.Join(l.Changes(rp), "; "); !strings.Contains(c, `requires-python is now ">=3.10"`) {
		t.Errorf("requires-python: %q", c)
	}
}

func TestInputsRoundTrip(t *testing.T) {
	l := selectionLock()
	l.Requirements = []string{"app"}
	got, err := Parse("pylock.toml", Marshal(l))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Inputs, l.Inputs) {
		t.Errorf("Inputs = %q, want %q", got.Inputs, l.Inputs)
	}
}
