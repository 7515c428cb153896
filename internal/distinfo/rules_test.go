package distinfo_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/pkginstall/pkginstall/internal/distinfo"
)

// Moved from scheme (which had a RECORD parser of its own): installed
// RECORD files go through the same rules as a wheel's.
func TestParseRecordInstalled(t *testing.T) {
	in := "a/b.py,sha256=abc,12\n\"c,d.py\",,\n\nfoo-1.dist-info/RECORD,,\n"
	got, err := distinfo.ParseRecord([]byte(in))
	want := []distinfo.RecordEntry{{"a/b.py", "sha256=abc", 12}, {"c,d.py", "", -1}, {"foo-1.dist-info/RECORD", "", -1}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseRecord = %+v, %v", got, err)
	}
	if s := string(distinfo.FormatRecord(want)); s != "a/b.py,sha256=abc,12\n\"c,d.py\",,\nfoo-1.dist-info/RECORD,,\n" {
		t.Errorf("FormatRecord = %q", s)
	}
	for _, bad := range []string{"a,b,c,d\n", "a,h,x\n", ",h,1\n", "a,h,-1\n", "\"a\n"} {
		if _, err := distinfo.ParseRecord([]byte(bad)); err == nil {
			t.Errorf("ParseRecord(%q) succeeded", bad)
		}
	}
}

func TestParseRecordHash(t *testing.T) {
	for _, tt := range []struct{ in, err string }{
		{"sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU", ""},
		{"sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=", ""},
		{"sha512=z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg_SpIdNs6c5H0NE8XYXysP-DGNKHfuwvY7kxvUdBeoGlODJ6-SfaPg", ""},
		{"md5=1B2M2Y8AsgTpgAmY7PhCfg", "too weak"},
		{"sha1=2jmj7l5rSw0yVb_vlWAYkK_YBwk", "too weak"},
		{"blake2b=abc", "not supported"},
		{"sha256=abc", "not a urlsafe-base64 sha256 digest"},
		{"sha256", "not of the form"},
	} {
		h, err := distinfo.ParseRecordHash(tt.in)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("ParseRecordHash(%q): %v", tt.in, err)
		case tt.err == "" && h.String() != strings.TrimRight(tt.in, "="):
			t.Errorf("ParseRecordHash(%q).String() = %q", tt.in, h.String())
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("ParseRecordHash(%q) error = %v, want %q", tt.in, err, tt.err)
		}
	}
}

// identifierCases were checked with python3: want is
// all(p.isidentifier() for p in s.split(".")) and s != "".
var identifierCases = []struct {
	s    string
	want bool
}{
	{"main", true}, {"pkg.cli", true}, {"_private", true}, {"App.run", true},
	{"a1", true}, {"1a", false}, {"", false}, {"a..b", false}, {".a", false}, {"a.", false},
	{"a-b", false}, {"a b", false}, {"b()", false}, {"os;x", false},
	{"café", true}, {"名前", true}, {"ǅx", true}, // Lt
	{"a\u203Fb", true},  // Pc after the first character (UNDERTIE)
	{"\u203Fab", false}, // Pc cannot start an identifier
	{"a\uFE4Fb", true},  // Pc WAVY LOW LINE
	{"a\u0301", true},   // Mn after the first character
	{"\u0301a", false},  // Mn cannot start
	{"x\u0663", true},   // Arabic-Indic digit (Nd)
	{"\u0663x", false},
	{"\u2160x", true}, // ROMAN NUMERAL ONE (Nl)
	{"\u2118x", true}, // Other_ID_Start
	{"x\u00B7", true}, // Other_ID_Continue
	{"\u00B7x", false},
	{"x\u037A", false}, // ID_Continue but not XID_Continue
	{"\u0E33x", false}, // XID_Continue but not XID_Start
	{"x\u0E33", true},
	{"x\u200B", false}, // ZERO WIDTH SPACE (Cf)
	{"x\u202E", false}, // RIGHT-TO-LEFT OVERRIDE (Cf)
	{"x\u2E2F", false}, // VERTICAL TILDE: Lm but Pattern_Syntax
	{"a$", false}, {"a\u00A0", false},
}

func TestDottedIdentifier(t *testing.T) {
	for _, tt := range identifierCases {
		if got := distinfo.DottedIdentifier(tt.s); got != tt.want {
			t.Errorf("DottedIdentifier(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// TestIdentifierCasesAgreeWithPython re-checks the table against the
// python3 on PATH, when there is one.
func TestIdentifierCasesAgreeWithPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	var in strings.Builder
	for _, tt := range identifierCases {
		in.WriteString(tt.s + "\x00")
	}
	cmd := exec.Command(py, "-c", `import sys
for s in sys.stdin.buffer.read().decode().split("\0")[:-1]:
    print(int(s != "" and all(p.isidentifier() for p in s.split("."))))`)
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(string(out))
	if len(lines) != len(identifierCases) {
		t.Fatalf("python3 answered %d lines for %d cases", len(lines), len(identifierCases))
	}
	for i, tt := range identifierCases {
		if (lines[i] == "1") != tt.want {
			t.Errorf("%q: python3 says %s, the table says %v", tt.s, lines[i], tt.want)
		}
	}
}

func TestScriptNameFormatCharacters(t *testing.T) {
	for _, name := range []string{"evil\u202Etxt.exe", "pip\u200B", "a\u2066b", "\uFEFFtool"} {
		_, err := distinfo.ParseEntryPoints([]byte("[console_scripts]\n" + name + " = a:b\n"))
		if err == nil || !strings.Contains(err.Error(), "format character") {
			t.Errorf("script name %q: error = %v, want a format character refusal", name, err)
		}
	}
	if _, err := distinfo.ParseEntryPoints([]byte("[console_scripts]\ncafé-tool = a:b\n")); err != nil {
		t.Errorf("a non-ASCII letter in a script name: %v", err)
	}
}

func TestParseHeadersLineCap(t *testing.T) {
	long := "Metadata-Version: 2.1\nName: x\nVersion: 1\nLicense: start\n" + strings.Repeat(" more\n", 200_000)
	_, err := distinfo.ParseMetadata([]byte(long))
	if err == nil || !strings.Contains(err.Error(), "more than 100000 header lines") {
		t.Errorf("200k continuation lines: error = %v", err)
	}
	ok := "Metadata-Version: 2.1\nName: x\nVersion: 1\nLicense: start\n" + strings.Repeat(" more\n", 50_000) + "\nbody\n"
	m, err := distinfo.ParseMetadata([]byte(ok))
	if err != nil {
		t.Fatal(err)
	}
	hs, _, _ := distinfo.ParseHeaders([]byte(ok))
	if lic := hs.Get("license"); len(lic) != len("start")+50_000*len(" more") {
		t.Errorf("License has %d bytes", len(lic))
	}
	if m.Description != "body\n" {
		t.Errorf("Description = %q", m.Description)
	}
}

// BenchmarkParseMetadataContinuations parses a METADATA whose License
// header has 90,000 continuation lines (quadratic before: 100k took 20 s).
func BenchmarkParseMetadataContinuations(b *testing.B) {
	in := []byte("Metadata-Version: 2.1\nName: x\nVersion: 1\nLicense: start\n" + strings.Repeat(" more text on a line\n", 90_000))
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := distinfo.ParseMetadata(in); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzParseHeaders(f *testing.F) {
	f.Add([]byte("Metadata-Version: 2.1\nName: foo\nVersion: 1.0\n\nbody"))
	f.Add([]byte("name:x\r\n cont\r\n\tmore\r\nnot a header\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		hs, body, err := distinfo.ParseHeaders(b)
		if err != nil {
			return
		}
		for _, h := range hs {
			if strings.ContainsAny(h.Value, "\n") || h.Name == "" || strings.ContainsAny(h.Name, ": \n") {
				t.Fatalf("header %+v", h)
			}
		}
		if len(body) > len(b) {
			t.Fatalf("body longer than the input")
		}
	})
}

func TestCheckHashes(t *testing.T) {
	got := distinfo.Digests{"sha256": "aa11", "sha384": "bb22", "sha512": "cc33"}
	only256 := distinfo.Digests{"sha256": "aa11"}
	for _, tt := range []struct {
		got     distinfo.Digests
		allowed []string
		want    string // "" ok, "mismatch", "undecided"
	}{
		{got, nil, ""},
		{got, []string{"sha256:aa11"}, ""},
		{got, []string{"SHA256:AA11"}, ""},
		{got, []string{"sha256=aa11"}, ""},
		{got, []string{"sha384:bb22"}, ""},
		{got, []string{"sha512:cc33"}, ""},
		{got, []string{"sha256:ffff", "sha512:cc33"}, ""},
		{got, []string{"sha256:ffff"}, "mismatch"},
		{got, []string{"sha512:ffff"}, "mismatch"},
		{got, []string{"md5:aa11"}, "undecided"},
		{got, []string{"sha224:aa11"}, "undecided"},
		{got, []string{"garbage"}, "undecided"},
		{only256, []string{"sha512:cc33"}, "undecided"},
		{only256, []string{"sha512:cc33", "sha256:ffff"}, "mismatch"},
	} {
		err := distinfo.CheckHashes(tt.got, tt.allowed)
		var mm *distinfo.HashMismatchError
		switch tt.want {
		case "":
			if err != nil {
				t.Errorf("CheckHashes(%v, %q) = %v, want nil", tt.got, tt.allowed, err)
			}
		case "mismatch":
			if !errors.As(err, &mm) {
				t.Errorf("CheckHashes(%v, %q) = %v, want a mismatch", tt.got, tt.allowed, err)
			}
		case "undecided":
			if !errors.Is(err, distinfo.ErrHashUndecided) {
				t.Errorf("CheckHashes(%v, %q) = %v, want undecided", tt.got, tt.allowed, err)
			}
		}
	}
	if a := distinfo.AlgorithmsFor([]string{"sha512:x", "SHA384=y", "md5:z", "sha512:w"}); !reflect.DeepEqual(a, []string{"sha256", "sha512", "sha384"}) {
		t.Errorf("AlgorithmsFor = %v", a)
	}
	d, n, err := distinfo.DigestReader(strings.NewReader(""), "sha256", "sha512", "md5")
	if err != nil || n != 0 || len(d) != 2 || d["sha256"] != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("DigestReader = %v, %d, %v", d, n, err)
	}
}

// zipOf builds a zip of the given members.
func zipOf(t testing.TB, members map[string]string, order ...string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range order {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(members[name]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestMetadataFromZip(t *testing.T) {
	md := "Metadata-Version: 2.1\nName: six\nVersion: 1.0\n"
	m := map[string]string{
		"six.py":                       "x = 1\n",
		"six-1.0.dist-info/METADATA":   md,
		"other-2.0.dist-info/METADATA": "Name: other\n",
		"Six-1.0.dist-info/METADATA":   md,
		"six/x-1.dist-info/METADATA":   "nested, not top level",
	}
	for _, tt := range []struct {
		order []string
		want  string
		err   string
	}{
		{[]string{"six.py", "six-1.0.dist-info/METADATA"}, md, ""},
		{[]string{"other-2.0.dist-info/METADATA", "six-1.0.dist-info/METADATA"}, md, ""},
		{[]string{"other-2.0.dist-info/METADATA"}, "Name: other\n", ""},
		{[]string{"six.py"}, "", "found 0 .dist-info/METADATA files, none for six"},
		{[]string{"six/x-1.dist-info/METADATA"}, "", "found 0"},
		{[]string{"six-1.0.dist-info/METADATA", "Six-1.0.dist-info/METADATA"}, "", "more than one six .dist-info/METADATA"},
	} {
		b := zipOf(t, m, tt.order...)
		got, err := distinfo.MetadataFromZip(bytes.NewReader(b), int64(len(b)), "six-1.0-py3-none-any.whl")
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%v: error = %v, want %q", tt.order, err, tt.err)
			}
			continue
		}
		if err != nil || string(got) != tt.want {
			t.Errorf("%v: %q, %v", tt.order, got, err)
		}
	}
	big := map[string]string{"six-1.0.dist-info/METADATA": strings.Repeat("x", distinfo.MaxMetadataSize+1)}
	b := zipOf(t, big, "six-1.0.dist-info/METADATA")
	if _, err := distinfo.MetadataFromZip(bytes.NewReader(b), int64(len(b)), "six-1.0-py3-none-any.whl"); err == nil || !strings.Contains(err.Error(), "is larger than 16777216 bytes") {
		t.Errorf("oversized METADATA: %v", err)
	}
}

func FuzzMetadataFromZip(f *testing.F) {
	f.Add(zipOf(f, map[string]string{"six-1.0.dist-info/METADATA": "Name: six\nVersion: 1.0\n"}, "six-1.0.dist-info/METADATA"))
	f.Add([]byte("PK\x05\x06"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := distinfo.MetadataFromZip(bytes.NewReader(b), int64(len(b)), "six-1.0-py3-none-any.whl")
		if err == nil && len(m) > distinfo.MaxMetadataSize {
			t.Errorf("%d bytes of metadata", len(m))
		}
	})
}
