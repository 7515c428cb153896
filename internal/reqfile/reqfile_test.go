package reqfile

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pkginstall/pkginstall/internal/fileerr"
)

const (
	h1 = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	h2 = "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// mapFS returns an opener reading from files.
func mapFS(files map[string]string) func(string) ([]byte, error) {
	return func(p string) ([]byte, error) {
		s, ok := files[filepath.ToSlash(p)]
		if !ok {
			return nil, os.ErrNotExist
		}
		return []byte(s), nil
	}
}

// summary renders requirement lines compactly for comparison.
func summary(ls []Line) []string {
	var out []string
	for _, l := range ls {
		s := l.File + ":" + itoa(l.LineNo) + " " + l.Req.String()
		if l.Path != "" {
			s += " path=" + l.Path
		}
		for _, h := range l.Hashes {
			s += " hash=" + h[:10]
		}
		if l.Constraint {
			s += " constraint"
		}
		out = append(out, s)
	}
	return out
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func TestParseBytes(t *testing.T) {
	tests := []struct {
		name string
		in   string
		env  map[string]string
		want []string
	}{
		{"plain", "requests\nflask>=2.0\n", nil, []string{"r.txt:1 requests", "r.txt:2 flask>=2.0"}},
		{"comments and blanks", "# top\n\n  # indented\nrequests # trailing\t# more\npkg @ https://h/pkg-1.0-py3-none-any.whl#frag\n", nil,
			[]string{"r.txt:4 requests", "r.txt:5 pkg @ https://h/pkg-1.0-py3-none-any.whl#frag"}},
		{"continuation", "requests \\\n  >=2.0 \\\n  ; python_version >= '3'\nflask\n", nil,
			[]string{`r.txt:1 requests>=2.0; python_version >= "3"`, "r.txt:4 flask"}},
		{"continuation ended by comment", "requests>=1 \\\n# comment\nflask\n", nil,
			[]string{"r.txt:1 requests>=1", "r.txt:3 flask"}},
		{"continuation at EOF", "requests>=1 \\", nil, []string{"r.txt:1 requests>=1"}},
		{"crlf", "a\r\nb\rc\n", nil, []string{"r.txt:1 a", "r.txt:2 b", "r.txt:3 c"}},
		{"env vars", "${PKG}>=${VER}\npkg @ https://h/$PKG/${lower}/${UNSET}/${EMPTY}/${PKG}\n",
			map[string]string{"PKG": "requests", "VER": "2.0", "lower": "no", "EMPTY": ""},
			[]string{"r.txt:1 requests>=2.0", "r.txt:2 pkg @ https://h/$PKG/${lower}/${UNSET}/${EMPTY}/requests"},
		},
		{"hashes", "requests==2.0 --hash=sha256:" + h1[7:] + " --hash " + h2 + "\n", nil,
			[]string{"r.txt:1 requests==2.0 hash=sha256:012 hash=sha256:fed"}},
		{"hash on continuation", "requests==2.0 \\\n    --hash=" + h1 + " \\\n    --hash=" + h2 + "\n", nil,
			[]string{"r.txt:1 requests==2.0 hash=sha256:012 hash=sha256:fed"}},
		{"url requirement", "pkg @ https://example.com/pkg-1.0-py3-none-any.whl ; os_name == 'posix'\n", nil,
			[]string{`r.txt:1 pkg @ https://example.com/pkg-1.0-py3-none-any.whl ; os_name == "posix"`}},
		{"local wheel", "./dist/My_Pkg-1.0-py3-none-any.whl\n", nil,
			[]string{"r.txt:1 My_Pkg path=./dist/My_Pkg-1.0-py3-none-any.whl"}},
		{"local wheel extras marker", "dist/pkg-1.0-1-py3-none-any.whl[b,a];sys_platform=='linux'\n", nil,
			[]string{`r.txt:1 pkg[a,b]; sys_platform == "linux" path=dist/pkg-1.0-1-py3-none-any.whl`}},
		{"bare wheel name", "pkg-1.0-py3-none-any.whl\n", nil, []string{"r.txt:1 pkg path=pkg-1.0-py3-none-any.whl"}},
		{"file url", "file:///tmp/w/pkg-1.0-py3-none-any.whl\n", nil,
			[]string{"r.txt:1 pkg @ file:///tmp/w/pkg-1.0-py3-none-any.whl path=" + filepath.FromSlash("/tmp/w/pkg-1.0-py3-none-any.whl")}},
		{"https wheel url with marker", "https://h/x/pkg-2.0-py3-none-any.whl; python_version > '3'\n", nil,
			[]string{`r.txt:1 pkg @ https://h/x/pkg-2.0-py3-none-any.whl ; python_version > "3"`}},
		{"named file url", "pkg @ file:///tmp/pkg-1.0-py3-none-any.whl\n", nil,
			[]string{"r.txt:1 pkg @ file:///tmp/pkg-1.0-py3-none-any.whl path=" + filepath.FromSlash("/tmp/pkg-1.0-py3-none-any.whl")}},
		{"bom", "\ufeffrequests\n", nil, []string{"r.txt:1 requests"}},
		{"ignored binary options", "--only-binary :all:\n--prefer-binary\nrequests\n", nil, []string{"r.txt:3 requests"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseBytes("r.txt", []byte(tt.in), env(tt.env), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := summary(f.Requirements); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestEnvExpansion(t *testing.T) {
	f, err := ParseBytes("r.txt", []byte("pkg @ https://${HOST}/${P}/pkg-1.0-py3-none-any.whl\n"),
		env(map[string]string{"HOST": "example.com", "P": "a"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Requirements[0].Req.URL; got != "https://example.com/a/pkg-1.0-py3-none-any.whl" {
		t.Errorf("URL = %q", got)
	}
}

func TestOptions(t *testing.T) {
	in := `-i https://idx.example/simple
--index-url=https://idx2.example/simple
--extra-index-url https://extra.example/simple
--extra-index-url=https://extra2.example/simple
-f ./wheels
--find-links=https://example.com/links
-fother
--no-index
--pre
--require-hashes
requests
`
	f, err := ParseBytes(filepath.Join("proj", "req.txt"), []byte(in), env(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := &File{
		Requirements:   f.Requirements,
		IndexURL:       "https://idx2.example/simple",
		ExtraIndexURLs: []string{"https://extra.example/simple", "https://extra2.example/simple"},
		FindLinks:      []string{filepath.Join("proj", "wheels"), "https://example.com/links", filepath.Join("proj", "other")},
		NoIndex:        true,
		Pre:            true,
		RequireHashes:  true,
	}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("got  %+v\nwant %+v", f, want)
	}
}

func TestIncludes(t *testing.T) {
	files := map[string]string{
		"top.txt":             "-r sub/more.txt\n-c cons.txt\nflask\n",
		"sub/more.txt":        "requests\n--requirement=deeper/x.txt\n",
		"sub/deeper/x.txt":    "idna\n",
		"cons.txt":            "urllib3<2\n-r cons-reqs.txt\n--constraint nested-cons.txt\n",
		"cons-reqs.txt":       "certifi\n",
		"nested-cons.txt":     "chardet==5.0\n",
		"cycle-a.txt":         "-r cycle-b.txt\n",
		"cycle-b.txt":         "x\n-r ./cycle-a.txt\n",
		"self.txt":            "-r self.txt\n",
		"twice.txt":           "-r cons-reqs.txt\n-r cons-reqs.txt\n",
		"missing-include.txt": "a\n-r nope.txt\n",
	}
	open := mapFS(files)
	f, err := ParseBytes("top.txt", []byte(files["top.txt"]), env(nil), open)
	if err != nil {
		t.Fatal(err)
	}
	wantReqs := []string{"sub/more.txt:1 requests", "sub/deeper/x.txt:1 idna", "cons-reqs.txt:1 certifi", "top.txt:3 flask"}
	for i := range wantReqs {
		wantReqs[i] = filepath.FromSlash(wantReqs[i])
	}
	if got := summary(f.Requirements); !reflect.DeepEqual(got, wantReqs) {
		t.Errorf("requirements:\ngot  %q\nwant %q", got, wantReqs)
	}
	wantCons := []string{"cons.txt:1 urllib3<2 constraint", "nested-cons.txt:1 chardet==5.0 constraint"}
	if got := summary(f.Constraints); !reflect.DeepEqual(got, wantCons) {
		t.Errorf("constraints:\ngot  %q\nwant %q", got, wantCons)
	}

	f, err = ParseBytes("twice.txt", []byte(files["twice.txt"]), env(nil), open)
	if err != nil || len(f.Requirements) != 2 {
		t.Errorf("including a file twice: %v, %d requirements", err, len(f.Requirements))
	}

	for _, name := range []string{"cycle-a.txt", "self.txt"} {
		_, err := ParseBytes(name, []byte(files[name]), env(nil), open)
		var e *fileerr.Error
		if !errors.As(err, &e) || !strings.Contains(err.Error(), "includes itself") {
			t.Errorf("%s: got %v, want an include-cycle error", name, err)
		}
	}
	_, err = ParseBytes("missing-include.txt", []byte(files["missing-include.txt"]), env(nil), open)
	if err == nil || !strings.HasPrefix(err.Error(), "missing-include.txt:2:1: cannot read requirements file nope.txt") {
		t.Errorf("missing include: %v", err)
	}
	_, err = ParseBytes("top.txt", []byte(files["top.txt"]), env(nil), nil)
	if err == nil {
		t.Error("include without an opener: no error")
	}
}

func TestErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"-e .\n", "r.txt:1:1: editable installs are not supported (-e .)"},
		{"ok\n--editable=git+https://x\n", "r.txt:2:1: editable installs are not supported"},
		{"--use-feature fast-deps\n", "r.txt:1:1: option --use-feature is not supported"},
		{"--no-binary :all:\n", "r.txt:1:1: option --no-binary is not supported"},
		{"--frobnicate\n", "r.txt:1:1: unknown option --frobnicate"},
		{"-x\n", "r.txt:1:1: unknown option -x"},
		{"--extra https://x\nr\n", ""},
		{"--no https://x\n", "ambiguous option --no (--no-index, --no-binary, --no-deps-for)"},
		{"--index-url\n", "r.txt:1:1: option --index-url requires a value"},
		{"--pre=yes\n", "r.txt:1:1: option --pre takes no value"},
		{"requests --pre\n", "r.txt:1:10: option --pre cannot follow a requirement"},
		{"--hash=" + h1 + "\n", "r.txt:1:1: --hash must follow a requirement"},
		{"requests --hash=md5:abc\n", "allowed hash algorithms are sha256, sha384 and sha512"},
		{"requests --hash=sha256:abc\n", "a sha256 digest is 64 hexadecimal digits"},
		{"requests --hash=sha256\n", "must be a hash name and a value"},
		{"\n\nrequests >= 1.0.*\n", "r.txt:3:10: invalid requirement"},
		{"foo bar\n", "r.txt:1:5: invalid requirement"},
		{"./dist/pkg.tar.gz\n", "r.txt:1:1: \"./dist/pkg.tar.gz\" is not a wheel"},
		{"./not-a-wheel.whl\n", "invalid wheel file name"},
		{"git+https://github.com/x/y\n", "unsupported URL scheme \"git+https\""},
		{"https://example.com/pkg-1.0.tar.gz\n", "is not a wheel"},
		{"requests --hash='unterminated\n", "cannot split options"},
		{"\xff\n", "r.txt: file is not valid UTF-8"},
	}
	for _, tt := range tests {
		_, err := ParseBytes("r.txt", []byte(tt.in), env(nil), nil)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%q: unexpected error %v", tt.in, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%q: no error, want %q", tt.in, tt.want)
			continue
		}
		var e *fileerr.Error
		if !errors.As(err, &e) {
			t.Errorf("%q: error %T is not *fileerr.Error", tt.in, err)
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %q, want it to contain %q", tt.in, err, tt.want)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: error spans lines: %q", tt.in, err)
		}
	}
	_, err := ParseBytes("r.txt", []byte("-e .\n"), env(nil), nil)
	if !errors.Is(err, ErrEditable) {
		t.Errorf("-e error %v does not wrap ErrEditable", err)
	}
}

func TestConstraintRules(t *testing.T) {
	files := map[string]string{
		"c1.txt": "pkg[extra]<2\n",
		"c2.txt": "./pkg-1.0-py3-none-any.whl\n",
		"c3.txt": "pkg @ https://example.com/pkg-1.0-py3-none-any.whl\n",
	}
	open := mapFS(files)
	for name, want := range map[string]string{"c1.txt": "constraints cannot have extras", "c2.txt": "a constraint must name a project"} {
		_, err := ParseBytes("r.txt", []byte("-c "+name+"\n"), env(nil), open)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), name+":1:") {
			t.Errorf("%s: got %v, want %q", name, err, want)
		}
	}
	f, err := ParseBytes("r.txt", []byte("-c c3.txt\n"), env(nil), open)
	if err != nil || len(f.Constraints) != 1 {
		t.Errorf("URL constraint: %v", err)
	}
}

func TestParseFromDisk(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "requirements.txt"), "-r sub/base.txt\nflask\n")
	write(filepath.Join(sub, "base.txt"), "requests==${V}\n")
	f, err := Parse(filepath.Join(dir, "requirements.txt"), env(map[string]string{"V": "2.31.0"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Requirements) != 2 || f.Requirements[0].Req.String() != "requests==2.31.0" ||
		f.Requirements[0].File != filepath.Join(sub, "base.txt") {
		t.Errorf("got %+v", f.Requirements)
	}
	_, err = Parse(filepath.Join(dir, "absent.txt"), nil)
	var e *fileerr.Error
	if !errors.As(err, &e) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	write(filepath.Join(dir, "remote.txt"), "-r https://example.com/r.txt\n")
	if _, err := Parse(filepath.Join(dir, "remote.txt"), nil); err == nil || !strings.Contains(err.Error(), "remote requirements files are not supported") {
		t.Errorf("remote include: %v", err)
	}
}

func TestSplitLines(t *testing.T) {
	got := splitLines("a\nb\r\nc\rd\x0be\u2028f\n\n")
	want := []string{"a", "b", "c", "d", "e", "f", ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("splitLines = %q, want %q", got, want)
	}
}

func TestShellSplit(t *testing.T) {
	got, err := shellSplit(`--hash="sha256:a b" 'x y' z\ w "q\"r" # comment`)
	want := []string{"--hash=sha256:a b", "x y", "z w", `q"r`}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("shellSplit = %q, %v; want %q", got, err, want)
	}
}

func TestTrustedHostAccepted(t *testing.T) {
	f, err := ParseBytes("r.txt", []byte("--trusted-host 10.0.0.5\n--index-url http://10.0.0.5:8000/simple/\nrequests\n"), env(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.IndexURL != "http://10.0.0.5:8000/simple/" || len(f.Requirements) != 1 {
		t.Errorf("got %+v", f)
	}
}

func TestErrorsQuoteLinesAsWritten(t *testing.T) {
	getenv := func(k string) string {
		return map[string]string{"TOKEN": "s3cr3t-t0ken", "V": "1.0", "SIX": "6"}[k]
	}
	for _, c := range []struct{ name, data, want string }{
		{"url", "https://u:${TOKEN}@host/pkg.tar.gz\n", "${TOKEN}"},
		{"requirement", "six ==${V} !! ${TOKEN}\n", "${TOKEN}"},
		{"options", "six --hash=${TOKEN}\n", "${TOKEN}"},
		// a short value is left alone: the message keeps its own "64"
		{"short value", "six --hash=sha256:${SIX}\n", "a sha256 digest is 64 hexadecimal digits"},
	} {
		_, err := ParseBytes("r.txt", []byte(c.data), getenv, nil)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if strings.Contains(err.Error(), "s3cr3t") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q should quote %s and not its value", c.name, err, c.want)
		}
	}
}

func TestRefusesBinaryText(t *testing.T) {
	for _, data := range []string{"six\x00==1.0\n", "\xff\xfes\x00\x00\x00"} {
		_, err := ParseBytes("r.txt", []byte(data), nil, nil)
		if err == nil || !strings.Contains(err.Error(), "not a text file") {
			t.Errorf("ParseBytes(%q) error = %v, want 'not a text file'", data, err)
		}
	}
}
