package distinfo_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/pkginstall/pkginstall/internal/distinfo"
)

func TestParseRecord(t *testing.T) {
	tests := []struct {
		in   string
		want []distinfo.RecordEntry
		err  string
	}{
		{in: "", want: nil},
		{in: "a.py,sha256=abc,12\n", want: []distinfo.RecordEntry{{"a.py", "sha256=abc", 12}}},
		{in: "a.py,sha256=abc,12", want: []distinfo.RecordEntry{{"a.py", "sha256=abc", 12}}},
		{in: "a.py,,\r\nb.py,sha256=x,0\r\n", want: []distinfo.RecordEntry{{"a.py", "", -1}, {"b.py", "sha256=x", 0}}},
		{in: "\n\na.py,,\n\n", want: []distinfo.RecordEntry{{"a.py", "", -1}}},
		{in: `"a,b.py",sha256=x,1` + "\n", want: []distinfo.RecordEntry{{"a,b.py", "sha256=x", 1}}},
		{in: `"say ""hi"".py",sha256=x,1`, want: []distinfo.RecordEntry{{`say "hi".py`, "sha256=x", 1}}},
		{in: `a"b.py,,`, want: []distinfo.RecordEntry{{`a"b.py`, "", -1}}},
		{in: "\"line\nbreak\",,\r", want: []distinfo.RecordEntry{{"line\nbreak", "", -1}}},
		{in: `"a"b,,`, want: []distinfo.RecordEntry{{"ab", "", -1}}}, // as Python's non-strict reader
		{in: "a.py,sha256=x\n", err: "RECORD line 1: want 3 fields (path,hash,size), have 2"},
		{in: "a.py,,\nb.py,sha256=x,1,extra\n", err: "RECORD line 2: want 3 fields"},
		{in: "a.py,,-1\n", err: `RECORD line 1: size "-1" is not a non-negative decimal number`},
		{in: "a.py,,1.0\n", err: `size "1.0"`},
		{in: "a.py,,99999999999999999999\n", err: `size "99999999999999999999"`},
		{in: "a.py,sha256,1\n", err: `hash "sha256" is not of the form algorithm=digest`},
		{in: "a.py,=x,1\n", err: `hash "=x"`},
		{in: ",sha256=x,1\n", err: "RECORD line 1: empty path"},
		{in: "a.py,,\n\"unterminated,,\n", err: "RECORD line 2: unterminated quoted field"},
	}
	for _, tt := range tests {
		got, err := distinfo.ParseRecord([]byte(tt.in))
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseRecord(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseRecord(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseRecord(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestFormatRecord(t *testing.T) {
	entries := []distinfo.RecordEntry{{"a.py", "sha256=x", 3}, {"b,c.py", "", -1}, {`q"uote`, "sha256=y", 0}}
	want := "a.py,sha256=x,3\n\"b,c.py\",,\n\"q\"\"uote\",sha256=y,0\n"
	if got := string(distinfo.FormatRecord(entries)); got != want {
		t.Errorf("FormatRecord = %q, want %q", got, want)
	}
}

// BenchmarkFormatRecord: a RECORD of 250 rows (an average distribution of
// the benchmark set), as every install writes one per distribution.
func BenchmarkFormatRecord(b *testing.B) {
	entries := make([]distinfo.RecordEntry, 250)
	for i := range entries {
		entries[i] = distinfo.RecordEntry{Path: fmt.Sprintf("package/sub/module_%d.py", i), Hash: "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU", Size: int64(i * 1000)}
	}
	b.ReportAllocs()
	for b.Loop() {
		distinfo.FormatRecord(entries)
	}
}

func FuzzParseRecord(f *testing.F) {
	for _, s := range []string{"a.py,sha256=abc,12\n", `"a,b",,` + "\r\n", "x,,\n\ny,sha512=z,0", `"a""b"c,d=e,1`, "\"\n\"\r,,\r",
		"a/b.py,sha256=abc,12\n\"c,d.py\",,\n", "x\r\n\"y\"\"z\",,0\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := distinfo.ParseRecord(b)
		if err != nil {
			return
		}
		out := distinfo.FormatRecord(entries)
		again, err := distinfo.ParseRecord(out)
		if err != nil {
			t.Fatalf("ParseRecord(FormatRecord(%+v)) = %q: %v", entries, out, err)
		}
		if !reflect.DeepEqual(entries, again) {
			t.Fatalf("round trip: %+v -> %q -> %+v", entries, out, again)
		}
	})
}

func TestParseMetadata(t *testing.T) {
	in := "Metadata-Version: 2.1\r\n" +
		"name: Foo.Bar\r\n" +
		"Version: 1.0.post1\r\n" +
		"Summary: A summary\r\n" +
		"  continued\r\n" +
		"Requires-Python: >=3.8\r\n" +
		"Requires-Dist: requests (>=2.0)\r\n" +
		"Requires-Dist: tomli;\r\n" +
		"\tpython_version < \"3.11\"\r\n" +
		"Provides-Extra: fancy\r\n" +
		"Description: ignored because there is a body\r\n" +
		"\r\n" +
		"The long description.\r\nKey: not a header\r\n"
	m, err := distinfo.ParseMetadata([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := &distinfo.Metadata{
		MetadataVersion: "2.1",
		Name:            "Foo.Bar",
		Version:         "1.0.post1",
		RequiresPython:  ">=3.8",
		Summary:         "A summary  continued",
		RequiresDist:    []string{"requests (>=2.0)", "tomli;\tpython_version < \"3.11\""},
		ProvidesExtra:   []string{"fancy"},
		Description:     "The long description.\r\nKey: not a header\r\n",
		Raw:             []byte(in),
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("ParseMetadata:\n got %+v\nwant %+v", m, want)
	}

	// A line that is not a header starts the body, as in Python's parser.
	m, err = distinfo.ParseMetadata([]byte("From nobody\nName: x\nVersion: 1\nthis is not a header\nSummary: body now\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "x" || m.Summary != "" || m.Description != "this is not a header\nSummary: body now\n" {
		t.Errorf("got %+v", m)
	}

	for _, tt := range []struct{ in, err string }{
		{"Version: 1.0\n", "METADATA: no Name header"},
		{"Name: foo\n", "METADATA: no Version header"},
		{"Name: foo\nVersion: one\n", `METADATA: Version "one" is not a valid PEP 440 version`},
		{"Name: -foo\nVersion: 1\n", `METADATA: Name "-foo" is not a valid project name`},
		{"Name: foo bar\nVersion: 1\n", `Name "foo bar"`},
		{"Name: foo\nName: bar\nVersion: 1\n", `METADATA: 2 "Name" headers, want one`},
		{"Name: f\xffoo\nVersion: 1\n", "not valid UTF-8"},
		{"", "no Name header"},
	} {
		_, err := distinfo.ParseMetadata([]byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("ParseMetadata(%q) error = %v, want %q", tt.in, err, tt.err)
		}
	}
}

func FuzzParseMetadata(f *testing.F) {
	f.Add([]byte("Metadata-Version: 2.1\nName: foo\nVersion: 1.0\nRequires-Dist: bar\n baz\n\nbody"))
	f.Add([]byte("From x\r\nName: a\r\nVersion: 1!2.0rc1.post3.dev4+local.7\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := distinfo.ParseMetadata(b)
		if err != nil {
			return
		}
		if m.Name == "" || m.Version == "" || strings.ContainsAny(m.Name, "\r\n") {
			t.Fatalf("accepted %q with Name %q Version %q", b, m.Name, m.Version)
		}
	})
}

func TestParseEntryPoints(t *testing.T) {
	in := `# comment
[console_scripts]
foo = foo.cli:main
bar=bar:App.run [extra1, extra2]
; another comment

[gui_scripts]
foo-gui = foo.gui : start

[pytest11]
not a script = anything at all
`
	got, err := distinfo.ParseEntryPoints([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []distinfo.EntryPoint{
		{Name: "foo", Module: "foo.cli", Attr: "main", Group: "console_scripts"},
		{Name: "bar", Module: "bar", Attr: "App.run", Group: "console_scripts"},
		{Name: "foo-gui", Module: "foo.gui", Attr: "start", Group: "gui_scripts"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if s := want[1].String(); s != "bar = bar:App.run" {
		t.Errorf("String() = %q", s)
	}

	for _, tt := range []struct{ in, err string }{
		{"foo = a:b\n", `line 1: "foo = a:b" is outside any [section]`},
		{"[console_scripts]\nfoo\n", `line 2: "foo" is not of the form name = value`},
		{"[console_scripts]\nfoo = a:b\nfoo = c:d\n", `line 3: "foo" appears twice in [console_scripts]`},
		{"[x]\n[x]\n", "line 2: section [x] appears twice"},
		{"[console_scripts\n", "has no closing ']'"},
		{"[console_scripts]\n../x = a:b\n", `script name "../x" contains a path separator`},
		{"[console_scripts]\n.. = a:b\n", `script name ".." is not a file name`},
		{"[console_scripts]\na\\b = a:b\n", "contains a path separator"},
		{"[console_scripts]\na\x01 = a:b\n", "contains a control character"},
		{"[console_scripts]\nfoo = mod\n", `script "foo": "mod" is not of the form module:attr`},
		{"[console_scripts]\nfoo = os;import evil:x\n", `module "os;import evil" is not a dotted Python identifier`},
		{"[console_scripts]\nfoo = a:b()\n", `attribute "b()" is not a dotted Python identifier`},
		{"[console_scripts]\nfoo = a..b:c\n", `module "a..b"`},
		{"[console_scripts]\nfoo = 1a:c\n", `module "1a"`},
		{"[console_scripts]\nfoo = a:b [x\n", "unbalanced extras"},
		{"[console_scripts]\nfoo = a:b\n[gui_scripts]\nfoo = a:c\n", `script "foo" is in both [console_scripts] and [gui_scripts]`},
		{"[console_scripts]\nfoo = a:b\n  continued\n", "indented continuation lines are not supported"},
		{"[console_scripts]\n = a:b\n", "empty name"},
	} {
		_, err := distinfo.ParseEntryPoints([]byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("ParseEntryPoints(%q) error = %v, want %q", tt.in, err, tt.err)
		}
	}
}

func FuzzParseEntryPoints(f *testing.F) {
	f.Add([]byte("[console_scripts]\nfoo = foo.cli:main\n[gui_scripts]\ng=a.b:c.d [x]\n"))
	f.Add([]byte("# c\n[other]\nx = y\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		eps, err := distinfo.ParseEntryPoints(b)
		if err != nil {
			return
		}
		// Round trip through the entry_points.txt form; sections may not
		// repeat, so group the lines first.
		var text strings.Builder
		for _, g := range []string{distinfo.ConsoleScripts, distinfo.GUIScripts} {
			text.WriteString("[" + g + "]\n")
			for _, e := range eps {
				if e.Group == g {
					text.WriteString(e.String() + "\n")
				}
			}
		}
		again, err := distinfo.ParseEntryPoints([]byte(text.String()))
		if err != nil {
			t.Fatalf("re-parse of %q: %v", text.String(), err)
		}
		var want []distinfo.EntryPoint
		for _, g := range []string{distinfo.ConsoleScripts, distinfo.GUIScripts} {
			for _, e := range eps {
				if e.Group == g {
					want = append(want, e)
				}
			}
		}
		if !reflect.DeepEqual(again, want) {
			t.Fatalf("round trip: %+v -> %+v", want, again)
		}
	})
}
