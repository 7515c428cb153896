package project

import (
	"strings"
	"testing"
)

func TestAddRequirement(t *testing.T) {
	tests := []struct {
		name  string
		where Where
		req   string
		in    string
		want  string
	}{
		{
			name: "multiline with trailing comma and comments",
			req:  "httpx>=0.27",
			in: `# top comment
[project]
name = "demo"   # keep me
dependencies = [
  "requests>=2",  # why
  # a comment line
  "rich",
]

[tool.x]
a = 1
`,
			want: `# top comment
[project]
name = "demo"   # keep me
dependencies = [
  "requests>=2",  # why
  # a comment line
  "rich",
  "httpx>=0.27",
]

[tool.x]
a = 1
`,
		},
		{
			name: "multiline without trailing comma",
			req:  "b",
			in:   "[project]\ndependencies = [\n    \"a\"\n]\n",
			want: "[project]\ndependencies = [\n    \"a\",\n    \"b\"\n]\n",
		},
		{
			name: "inline",
			req:  "c>=1",
			in:   "[project]\ndependencies = [\"a\", \"b\"]  # x\n",
			want: "[project]\ndependencies = [\"a\", \"b\", \"c>=1\"]  # x\n",
		},
		{
			name: "inline no space",
			req:  "c",
			in:   "[project]\ndependencies = ['a','b']\n",
			want: "[project]\ndependencies = ['a','b','c']\n",
		},
		{
			name: "empty becomes multiline",
			req:  "a",
			in:   "[project]\nname = \"x\"\ndependencies = []\n",
			want: "[project]\nname = \"x\"\ndependencies = [\n    \"a\",\n]\n",
		},
		{
			name: "replace same name in place",
			req:  "Requests[socks]>=2.31",
			in:   "[project]\ndependencies = [\n    \"requests>=2\", # pinned\n    \"rich\",\n]\n",
			want: "[project]\ndependencies = [\n    \"Requests[socks]>=2.31\", # pinned\n    \"rich\",\n]\n",
		},
		{
			name: "marker quoted",
			req:  `tomli; python_version < "3.11"`,
			in:   "[project]\ndependencies = []\n",
			want: "[project]\ndependencies = [\n    \"tomli; python_version < \\\"3.11\\\"\",\n]\n",
		},
		{
			name: "missing dependencies key goes after the last key of [project]",
			req:  "a",
			in:   "[project]\nname = \"x\"\nversion = \"1\" # v\n\n[tool.y]\nz = 1\n",
			want: "[project]\nname = \"x\"\nversion = \"1\" # v\ndependencies = [\n    \"a\",\n]\n\n[tool.y]\nz = 1\n",
		},
		{
			name:  "new group table at the end",
			where: Where{Group: "dev"},
			req:   "pytest",
			in:    "[project]\nname = \"x\"\n",
			want:  "[project]\nname = \"x\"\n\n[dependency-groups]\ndev = [\n    \"pytest\",\n]\n",
		},
		{
			name:  "new group in an existing table",
			where: Where{Group: "lint"},
			req:   "ruff",
			in:    "[dependency-groups]\ndev = [\"pytest\"]\n\n[tool.z]\n",
			want:  "[dependency-groups]\ndev = [\"pytest\"]\nlint = [\n    \"ruff\",\n]\n\n[tool.z]\n",
		},
		{
			name:  "extra in existing table",
			where: Where{Optional: "socks"},
			req:   "pysocks",
			in:    "[project]\nname = \"x\"\n\n[project.optional-dependencies]\nweb = [\"flask\"]\n",
			want:  "[project]\nname = \"x\"\n\n[project.optional-dependencies]\nweb = [\"flask\"]\nsocks = [\n    \"pysocks\",\n]\n",
		},
		{
			name:  "extra as dotted key",
			where: Where{Optional: "b"},
			req:   "y",
			in:    "[project]\nname = \"x\"\noptional-dependencies.a = [\"x\"]\n",
			want:  "[project]\nname = \"x\"\noptional-dependencies.a = [\"x\"]\noptional-dependencies.b = [\n    \"y\",\n]\n",
		},
		{
			name: "no trailing newline",
			req:  "a",
			in:   "[project]\nname = \"x\"",
			want: "[project]\nname = \"x\"\ndependencies = [\n    \"a\",\n]\n",
		},
		{
			name: "crlf",
			req:  "b",
			in:   "[project]\r\ndependencies = [\r\n  \"a\",\r\n]\r\n",
			want: "[project]\r\ndependencies = [\r\n  \"a\",\r\n  \"b\",\r\n]\r\n",
		},
		{
			name: "closing bracket on the last line",
			req:  "c",
			in:   "[project]\ndependencies = [\n  \"a\",\n  \"b\"]\n",
			want: "[project]\ndependencies = [\n  \"a\",\n  \"b\",\n  \"c\"]\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AddRequirement("pyproject.toml", []byte(tt.in), tt.where, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestRemoveRequirement(t *testing.T) {
	tests := []struct {
		name, rm, in, want string
		where              Where
	}{
		{
			name: "own line with comment",
			rm:   "Rich",
			in:   "[project]\ndependencies = [\n  \"requests>=2\",\n  \"rich\",  # pretty\n  \"x\",\n]\n# after\n",
			want: "[project]\ndependencies = [\n  \"requests>=2\",\n  \"x\",\n]\n# after\n",
		},
		{
			name: "last without trailing comma",
			rm:   "b",
			in:   "[project]\ndependencies = [\n  \"a\",\n  \"b\"\n]\n",
			want: "[project]\ndependencies = [\n  \"a\"\n]\n",
		},
		{
			name: "only entry collapses",
			rm:   "a",
			in:   "[project]\ndependencies = [\n    \"a>=1\",\n]\nname = \"x\"\n",
			want: "[project]\ndependencies = []\nname = \"x\"\n",
		},
		{
			name: "inline first",
			rm:   "a",
			in:   "[project]\ndependencies = [\"a\", \"b\", \"c\"]\n",
			want: "[project]\ndependencies = [\"b\", \"c\"]\n",
		},
		{
			name: "inline last",
			rm:   "c",
			in:   "[project]\ndependencies = [\"a\", \"b\", \"c\"]\n",
			want: "[project]\ndependencies = [\"a\", \"b\"]\n",
		},
		{
			name: "every marker variant",
			rm:   "tomli",
			in:   "[project]\ndependencies = [\"tomli; python_version<'3.11'\", \"a\", \"tomli>=2; python_version>='3.11'\"]\n",
			want: "[project]\ndependencies = [\"a\"]\n",
		},
		{
			name:  "group",
			where: Where{Group: "dev"},
			rm:    "pytest",
			in:    "[dependency-groups]\ndev = [\"pytest\", {include-group = \"lint\"}]\nlint = [\"ruff\"]\n",
			want:  "[dependency-groups]\ndev = [{include-group = \"lint\"}]\nlint = [\"ruff\"]\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, removed, err := RemoveRequirement("pyproject.toml", []byte(tt.in), tt.where, tt.rm)
			if err != nil {
				t.Fatal(err)
			}
			if !removed {
				t.Error("removed = false")
			}
			if string(got) != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
	in := "[project]\ndependencies = [\"a\"]\n"
	got, removed, err := RemoveRequirement("p", []byte(in), Where{}, "b")
	if err != nil || removed || string(got) != in {
		t.Errorf("removing an absent name: %q %v %v", got, removed, err)
	}
}

func TestEditErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"[project]\nname = \n", "pyproject.toml:2:"},
		{"[project]\ndependencies = \"a\"\n", "pyproject.toml:2:1: project.dependencies must be an array"},
		{"[project]\noptional-dependencies = {a = [\"x\"]}\n", "cannot edit"},
	} {
		w := Where{}
		if strings.Contains(tt.in, "optional") {
			w.Optional = "b"
		}
		_, err := AddRequirement("pyproject.toml", []byte(tt.in), w, "x")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestNewPyproject(t *testing.T) {
	data := NewPyproject("My Project", ">=3.11")
	out, err := AddRequirement("pyproject.toml", data, Where{}, "requests>=2")
	if err != nil {
		t.Fatal(err)
	}
	var p Pyproject
	if err := Decode("pyproject.toml", out, &p); err != nil {
		t.Fatal(err)
	}
	if p.Project.Name != "my-project" || p.Project.Version != "0.1.0" || p.Project.RequiresPython != ">=3.11" ||
		len(p.Project.Dependencies) != 1 || p.Project.Dependencies[0] != "requests>=2" {
		t.Errorf("got %+v", p.Project)
	}
	if ProjectName("__") != "project" {
		t.Error("ProjectName of junk")
	}
}

// FuzzEdit checks that edits never panic, always parse, and leave every
// byte outside the edited array alone.
func FuzzEdit(f *testing.F) {
	f.Add("[project]\ndependencies = [\n  \"a\", # c\n  'b'\n]\n", "b", false)
	f.Add("[project]\nname = \"x\"\n[tool.a]\nb = [1, [2, \"]\"]]\n", "c>=1", true)
	f.Add("[dependency-groups]\ndev = [\"\"\"x\"\"\", {include-group = \"y\"}]\ny = []\n", "x", false)
	f.Fuzz(func(t *testing.T, in, req string, group bool) {
		w := Where{}
		if group {
			w.Group = "dev"
		}
		out, err := AddRequirement("p", []byte(in), w, req)
		if err == nil {
			checkEdit(t, in, string(out), w)
		}
		out, _, err = RemoveRequirement("p", []byte(in), w, req)
		if err == nil {
			checkEdit(t, in, string(out), w)
		}
	})
}

// checkEdit asserts that out parses and differs from in only inside the
// edited array, or by one insertion where scan said a new key goes.
func checkEdit(t *testing.T, in, out string, w Where) {
	t.Helper()
	var m map[string]any
	if err := Decode("p", []byte(out), &m); err != nil {
		t.Fatalf("edit of %q gives %q, which does not parse: %v", in, out, err)
	}
	doc, err := scan("p", []byte(in), w.path())
	if err != nil {
		t.Fatalf("input %q edited but does not scan: %v", in, err)
	}
	if doc.array != nil {
		head, tail := in[:doc.array.open], in[doc.array.close+1:]
		if !strings.HasPrefix(out, head) || !strings.HasSuffix(out, tail) || len(out) < len(head)+len(tail) {
			t.Fatalf("edit of %q changed bytes outside the array: %q", in, out)
		}
		return
	}
	if out == in {
		return
	}
	at := doc.insertAt
	if at < 0 {
		at = len(in)
	}
	if !strings.HasPrefix(out, in[:at]) || !strings.HasSuffix(out, in[at:]) {
		t.Fatalf("edit of %q is not one insertion at %d: %q", in, at, out)
	}
}
