package project

import (
	"reflect"
	"strings"
	"testing"
)

func TestReadRoots(t *testing.T) {
	data := []byte(`[project]
name = "p"
dependencies = ["a>=1"]
[project.optional-dependencies]
web = ["b"]
[dependency-groups]
Dev = ["c", {include-group = "lint"}]
lint = ["d; python_version < '3'"]
`)
	pp, err := Parse("pyproject.toml", data)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ReadRoots(data, pp)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a>=1", "b", "c", `d; python_version < "3"`}
	if !reflect.DeepEqual(r.Strings, want) {
		t.Errorf("Strings = %q, want %q", r.Strings, want)
	}
	var project, where []string
	for _, q := range r.Reqs {
		if q.Project {
			project = append(project, q.Req.String())
		}
		where = append(where, q.Where)
	}
	if !reflect.DeepEqual(project, []string{"a>=1"}) || !r.Names["d"] {
		t.Errorf("project = %v, names = %v", project, r.Names)
	}
	wantWhere := []string{"[project] dependencies", "extra web", "group dev", "group dev", "group lint"}
	if !reflect.DeepEqual(where, wantWhere) {
		t.Errorf("where = %q, want %q", where, wantWhere)
	}

	for _, tt := range []struct{ in, want string }{
		{"[dependency-groups]\na = [{include-group = \"b\"}]\nb = [{include-group = \"a\"}]\n", "includes itself (a -> b -> a)"},
		{"[dependency-groups]\na = [{include-group = \"zz\"}]\n", "pyproject.toml:2:7: [dependency-groups] zz is included but not defined"},
		{"[dependency-groups]\na = [1]\n", "must be a string or"},
		{"[dependency-groups]\na = [{include-group = \"b\", x = 1}]\nb = []\n", "must be a string or"},
		{"[dependency-groups]\nA-b = []\na_B = []\n", "names a-b twice"},
		{"[project]\ndependencies = [\n  \"ok\",\n  \"bad !!\",\n]\n", "pyproject.toml:4:3: [project] dependencies:"},
		{"[project]\nrequires-python = \">=3.x\"\n", "pyproject.toml:2:1: [project] requires-python"},
	} {
		pp, err := Parse("pyproject.toml", []byte(tt.in))
		if err != nil {
			t.Fatal(err)
		}
		_, err = ReadRoots([]byte(tt.in), pp)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestSpellingAndListedIn(t *testing.T) {
	data := []byte(`[project]
dependencies = ["six"]
[project.optional-dependencies]
Web_Stuff = ["six>=1"]
[dependency-groups]
Dev = ["pytest", "six; python_version > '3'"]
`)
	pp, err := Parse("pyproject.toml", data)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ in, want Where }{
		{Where{Group: "dev"}, Where{Group: "Dev"}},
		{Where{Group: "DEV"}, Where{Group: "Dev"}},
		{Where{Group: "New.Group"}, Where{Group: "new-group"}},
		{Where{Optional: "web-stuff"}, Where{Optional: "Web_Stuff"}},
		{Where{}, Where{}},
	} {
		if got := pp.Spelling(tt.in); got != tt.want {
			t.Errorf("Spelling(%+v) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	var flags []string
	for _, l := range ListedIn(data, pp, "SIX") {
		flags = append(flags, l.Flag)
	}
	if want := []string{"no --group or --optional", "--group Dev", "--optional Web_Stuff"}; !reflect.DeepEqual(flags, want) {
		t.Errorf("ListedIn(six) = %q, want %q", flags, want)
	}
	if l := ListedIn(data, pp, "nothing"); len(l) != 0 {
		t.Errorf("ListedIn(nothing) = %v", l)
	}
}

func TestValidName(t *testing.T) {
	for s, want := range map[string]bool{"dev": true, "Dev.Tools_2": true, "a": true, "": false, "-dev": false, "dev-": false, "a b": false, "é": false} {
		if got := ValidName(s); got != want {
			t.Errorf("ValidName(%q) = %v, want %v", s, got, want)
		}
	}
}
