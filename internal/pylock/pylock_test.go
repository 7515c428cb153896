package pylock

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const sha = "a0b1c2d3e4f5a0b1c2d3e4f5a0b1c2d3e4f5a0b1c2d3e4f5a0b1c2d3e4f5abcd"

func sample() *Lock {
	return &Lock{
		LockVersion:    Version,
		Environments:   []string{"implementation_name == 'cpython' and python_version == '3.11'"},
		RequiresPython: ">=3.11",
		CreatedBy:      CreatedBy,
		Requirements:   []string{"demo>=1.0", `tomli; python_version < "3.11"`},
		Packages: []Package{
			{Name: "zeta", Version: "2.0", Index: "https://example.org/simple/", Wheels: []Wheel{
				{Name: "zeta-2.0-cp311-cp311-win_amd64.whl", URL: "https://example.org/z/zeta-2.0-cp311-cp311-win_amd64.whl", Size: 10, Hashes: map[string]string{"sha256": sha}},
				{Name: "zeta-2.0-cp311-cp311-manylinux_2_17_x86_64.whl", URL: "https://example.org/z/zeta-2.0-cp311-cp311-manylinux_2_17_x86_64.whl", Size: 12, Hashes: map[string]string{"sha256": sha}},
			}},
			{Name: "alpha", Version: "1.0", Dependencies: []Dependency{{Name: "zeta"}}, Wheels: []Wheel{
				{Name: "alpha-1.0-py3-none-any.whl", URL: "file:///tmp/w/alpha-1.0-py3-none-any.whl", Size: 3, Hashes: map[string]string{"sha256": sha}},
			}},
		},
	}
}

func TestRoundTrip(t *testing.T) {
	l := sample()
	out := Marshal(l)
	got, err := Parse("pylock.toml", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got.Packages[0].Name != "alpha" || got.Packages[1].Name != "zeta" {
		t.Fatalf("packages not sorted: %+v", got.Packages)
	}
	if got.Packages[1].Wheels[0].FileName() != "zeta-2.0-cp311-cp311-manylinux_2_17_x86_64.whl" {
		t.Errorf("wheels not sorted")
	}
	if got.Packages[0].Line != 6 || got.Packages[0].Col != 3 {
		t.Errorf("package position %d:%d", got.Packages[0].Line, got.Packages[0].Col)
	}
	if !reflect.DeepEqual(got.Requirements, l.Requirements) || got.LockVersion != "1.0" || got.CreatedBy != "pkginstall" ||
		got.RequiresPython != ">=3.11" || !reflect.DeepEqual(got.Environments, l.Environments) {
		t.Errorf("got %+v", got)
	}
	if again := Marshal(got); string(again) != string(out) {
		t.Errorf("second marshal differs:\n%s\n---\n%s", again, out)
	}
}

func TestParseOtherTools(t *testing.T) {
	// As PEP 751's example: single-quoted strings, per-package markers,
	// upload-time, a path, attestation identities, tool tables.
	in := `lock-version = '1.0'
environments = ["sys_platform == 'win32'", "sys_platform == 'linux'"]
requires-python = '== 3.12.*'
created-by = 'mousebender'

[[packages]]
name = 'attrs'
version = '25.1.0'
requires-python = '>=3.8'
wheels = [
  {name = 'attrs-25.1.0-py3-none-any.whl', upload-time = 2025-01-25T11:30:10.164985+00:00, url = 'https://files.pythonhosted.org/packages/fc/30/attrs-25.1.0-py3-none-any.whl', size = 63152, hashes = {sha256 = 'c75a69e28a550a7e93789579c22aa26b0f5b83b75dc4e08fe092980051e1090a'}},
]
[[packages.attestation-identities]]
environment = 'release-pypi'
kind = 'GitHub'
repository = 'python-attrs/attrs'
workflow = 'pypi-package.yml'

[[packages]]
name = 'numpy'
version = '2.2.3'
marker = "sys_platform == 'linux'"
wheels = [
  {path = 'wheels/numpy-2.2.3-cp312-cp312-win_amd64.whl', hashes = {sha256 = '5c9d6ed5e5d2a5f6f0d8e5a3e1ab25a5bb1b2ba6b2e5ad6f2e8f6f5e3e0d6c2a'}},
]

[tool.other]
x = 1
`
	l, err := Parse("pylock.toml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Packages) != 2 || l.Packages[1].Marker != "sys_platform == 'linux'" || l.Packages[1].Wheels[0].FileName() != "numpy-2.2.3-cp312-cp312-win_amd64.whl" {
		t.Errorf("got %+v", l.Packages)
	}
	if l.Packages[1].Line != 19 {
		t.Errorf("numpy at line %d", l.Packages[1].Line)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"lock-version = \n", "pylock.toml:1:"},
		{"created-by = 'x'\n", "lock-version is missing"},
		{"lock-version = '2.0'\ncreated-by = 'x'\n", "pylock.toml:1:1: lock-version \"2.0\" is not supported"},
		{"lock-version = '1.0'\ncreated-by = 'x'\n\n[[packages]]\nname = 'a'\nwheels = [{url = 'https://x/a-1-py3-none-any.whl', hashes = {md5 = 'x'}}]\n", "pylock.toml:4:3: package a: wheel a-1-py3-none-any.whl has no valid sha256"},
		{"lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = 'a'\nwheels = [{hashes = {sha256 = 'x'}}]\n", "neither url nor path"},
		{"lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = '-bad'\n", "invalid name"},
		{"lock-version = '1.0'\ncreated-by = 'x'\npackages = 3\n", "pylock.toml:3:"},
		{"lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = 'a'\nwheels = [{name = 'a-1-py3-none-any.whl', url = 'file:///etc/shadow', hashes = {sha256 = '0000000000000000000000000000000000000000000000000000000000000000'}}]\n", "pylock.toml:3:3: package a: wheel a-1-py3-none-any.whl: its url or path names another file, shadow"},
		{"lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = 'a'\nwheels = [{name = 'a-1-py3-none-any.whl', path = '/dev/zero', hashes = {sha256 = '0000000000000000000000000000000000000000000000000000000000000000'}}]\n", "names another file, zero"},
	} {
		_, err := Parse("pylock.toml", []byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestSource(t *testing.T) {
	p := Package{Name: "a", Sdist: map[string]any{"url": "x"}}
	if p.Source() != "sdist" {
		t.Error(p.Source())
	}
	p = Package{Name: "a", VCS: map[string]any{"url": "x"}}
	if p.Source() != "vcs" {
		t.Error(p.Source())
	}
}

func FuzzParse(f *testing.F) {
	f.Add(string(Marshal(sample())))
	f.Add("lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = 'a'\n")
	f.Fuzz(func(t *testing.T, in string) {
		l, err := Parse("pylock.toml", []byte(in))
		if err != nil {
			return
		}
		out := Marshal(l)
		l2, err := Parse("pylock.toml", out)
		if err != nil {
			t.Fatalf("re-parse of %q: %v\n%s", in, err, out)
		}
		if string(Marshal(l2)) != string(out) {
			t.Fatalf("not stable:\n%s", out)
		}
	})
}

// A symlinked pylock.toml stays a link: its target gets the new lock, as a
// symlinked pyproject.toml does.
func TestWriteFileFollowsSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "shared", FileName)
	if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(real, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, FileName)
	if err := os.Symlink(filepath.Join("shared", FileName), link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, sample()); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("%s is no longer a symlink (%v)", link, err)
	}
	b, _ := os.ReadFile(real)
	if string(b) != string(Marshal(sample())) {
		t.Fatalf("target not written: %q", b)
	}
	if fi, _ := os.Stat(real); fi.Mode().Perm() != 0o600 {
		t.Errorf("target mode %v, want 0600 kept", fi.Mode().Perm())
	}
}

func TestSdistRoundTrip(t *testing.T) {
	sd := Wheel{Name: "a-1.0.tar.gz", URL: "https://example.org/a-1.0.tar.gz", Size: 12, Hashes: map[string]string{"sha256": strings.Repeat("ab", 32)}}
	l := &Lock{LockVersion: "1.0", CreatedBy: "pkginstall", Packages: []Package{{Name: "a", Version: "1.0", Sdist: SdistEntry(sd)}}}
	out := Marshal(l)
	if !strings.Contains(string(out), `sdist = {name = "a-1.0.tar.gz", url = "https://example.org/a-1.0.tar.gz", size = 12, hashes = {sha256 = "`) {
		t.Fatalf("written:\n%s", out)
	}
	back, err := Parse("pylock.toml", out)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := back.Packages[0].SdistFile()
	if !ok || got.FileName() != sd.Name || got.URL != sd.URL || got.Size != sd.Size || got.SHA256() != sd.SHA256() {
		t.Fatalf("read back %+v", got)
	}
}
