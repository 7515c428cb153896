package index

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

const sha1 = "1111111111111111111111111111111111111111111111111111111111111111"
const sha2 = "2222222222222222222222222222222222222222222222222222222222222222"

func TestParseHTML(t *testing.T) {
	base := mustURL(t, "https://example.org/simple/foo/")
	tests := []struct {
		name string
		body string
		want []File
	}{
		{"hash and relative URL",
			`<a href="../../files/foo-1.0-py3-none-any.whl#sha256=` + strings.ToUpper(sha1) + `">foo-1.0-py3-none-any.whl</a>`,
			[]File{{Filename: "foo-1.0-py3-none-any.whl", URL: "https://example.org/files/foo-1.0-py3-none-any.whl", SHA256: sha1}}},
		{"requires-python unescaped, yanked with reason",
			`<a href="/f/foo-1.0.tar.gz" data-requires-python="&gt;=3.7,&lt;4" data-yanked="broken &amp; bad">x</a>`,
			[]File{{Filename: "foo-1.0.tar.gz", URL: "https://example.org/f/foo-1.0.tar.gz", RequiresPython: ">=3.7,<4", Yanked: true, YankedReason: "broken & bad"}}},
		{"yanked without reason",
			`<A HREF="https://cdn.example/foo-2.0-py3-none-any.whl" data-yanked>x</A>`,
			[]File{{Filename: "foo-2.0-py3-none-any.whl", URL: "https://cdn.example/foo-2.0-py3-none-any.whl", Yanked: true}}},
		{"core-metadata wins over dist-info-metadata",
			`<a href="foo-1.0-py3-none-any.whl" data-dist-info-metadata="sha256=` + sha2 + `" data-core-metadata="sha256=` + sha1 + `">x</a>`,
			[]File{{Filename: "foo-1.0-py3-none-any.whl", URL: "https://example.org/simple/foo/foo-1.0-py3-none-any.whl",
				MetadataURL: "https://example.org/simple/foo/foo-1.0-py3-none-any.whl.metadata", MetadataSHA256: sha1}}},
		{"dist-info-metadata true",
			`<a href="foo-1.0-py3-none-any.whl" data-dist-info-metadata="true">x</a>`,
			[]File{{Filename: "foo-1.0-py3-none-any.whl", URL: "https://example.org/simple/foo/foo-1.0-py3-none-any.whl",
				MetadataURL: "https://example.org/simple/foo/foo-1.0-py3-none-any.whl.metadata"}}},
		{"metadata false is no metadata",
			`<a href="foo-1.0-py3-none-any.whl" data-core-metadata="false">x</a>`,
			[]File{{Filename: "foo-1.0-py3-none-any.whl", URL: "https://example.org/simple/foo/foo-1.0-py3-none-any.whl"}}},
		{"base href",
			`<html><head><base href="https://mirror.example/pkgs/"></head><body><a href="foo-1.0.zip">x</a></body></html>`,
			[]File{{Filename: "foo-1.0.zip", URL: "https://mirror.example/pkgs/foo-1.0.zip"}}},
		{"percent-encoded file name",
			`<a href="foo-1.0%2Blocal-py3-none-any.whl">x</a>`,
			[]File{{Filename: "foo-1.0+local-py3-none-any.whl", URL: "https://example.org/simple/foo/foo-1.0%2Blocal-py3-none-any.whl"}}},
		{"anchors without href or to directories are skipped",
			`<a name="x">x</a><a href="../">up</a><a href="foo-1.0.tar.gz#md5=abc">x</a>`,
			[]File{{Filename: "foo-1.0.tar.gz", URL: "https://example.org/simple/foo/foo-1.0.tar.gz"}}},
		{"repository version 1.1 accepted",
			`<meta name="pypi:repository-version" content="1.1"><a href="foo-1.0.tar.gz">x</a>`,
			[]File{{Filename: "foo-1.0.tar.gz", URL: "https://example.org/simple/foo/foo-1.0.tar.gz"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseHTML(base, []byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseHTMLRefusesMajorVersion(t *testing.T) {
	_, err := ParseHTML(nil, []byte(`<meta name="pypi:repository-version" content="2.0"><a href="x.whl">x</a>`))
	if err == nil || !strings.Contains(err.Error(), `"2.0"`) {
		t.Fatalf("err = %v, want a refusal naming 2.0", err)
	}
}

func TestParseJSON(t *testing.T) {
	base := mustURL(t, "https://example.org/simple/foo/")
	body := `{"meta": {"api-version": "1.1"}, "name": "Foo_Bar", "versions": ["1.0", "2.0"],
	"files": [
	  {"filename": "foo_bar-1.0-py3-none-any.whl", "url": "../../files/foo_bar-1.0-py3-none-any.whl",
	   "hashes": {"sha256": "` + strings.ToUpper(sha1) + `", "md5": "x"}, "requires-python": ">=3.8", "size": 123,
	   "core-metadata": {"sha256": "` + sha2 + `"}, "yanked": "reason"},
	  {"filename": "foo_bar-2.0.tar.gz", "url": "https://cdn.example/foo_bar-2.0.tar.gz", "hashes": {},
	   "dist-info-metadata": true, "yanked": true},
	  {"filename": "foo_bar-2.0-py3-none-any.whl", "url": "/x/foo_bar-2.0-py3-none-any.whl", "hashes": {},
	   "core-metadata": false, "dist-info-metadata": true, "yanked": false}
	]}`
	p, err := ParseJSON(base, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := &Project{Name: "foo-bar", Versions: []string{"1.0", "2.0"}, Files: []File{
		{Filename: "foo_bar-1.0-py3-none-any.whl", URL: "https://example.org/files/foo_bar-1.0-py3-none-any.whl", SHA256: sha1,
			RequiresPython: ">=3.8", Size: 123, MetadataURL: "https://example.org/files/foo_bar-1.0-py3-none-any.whl.metadata",
			MetadataSHA256: sha2, Yanked: true, YankedReason: "reason"},
		{Filename: "foo_bar-2.0.tar.gz", URL: "https://cdn.example/foo_bar-2.0.tar.gz",
			MetadataURL: "https://cdn.example/foo_bar-2.0.tar.gz.metadata", Yanked: true},
		// core-metadata present (false) wins over dist-info-metadata.
		{Filename: "foo_bar-2.0-py3-none-any.whl", URL: "https://example.org/x/foo_bar-2.0-py3-none-any.whl"},
	}}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("got  %+v\nwant %+v", p, want)
	}
}

func TestParseJSONErrors(t *testing.T) {
	for _, body := range []string{
		`{"meta": {"api-version": "2.0"}, "name": "x", "files": []}`,
		`{"name": "x", "files": []}`,
		`{"meta": {"api-version": "1.0"}, "name": "x", "files": [{"filename": "../evil.whl", "url": "a.whl", "hashes": {}}]}`,
		`{"meta": {"api-version": "1.0"}, "name": "x", "files": [{"filename": "a.whl", "url": "", "hashes": {}}]}`,
		`not json`,
	} {
		if _, err := ParseJSON(nil, []byte(body)); err == nil {
			t.Errorf("ParseJSON(%s) succeeded, want an error", body)
		}
	}
}

func TestBelongsTo(t *testing.T) {
	for _, tt := range []struct {
		file, name string
		want       bool
	}{
		{"Foo_Bar-1.0-py3-none-any.whl", "foo-bar", true},
		{"foo-1.0-py3-none-any.whl", "foo-bar", false},
		{"foo-bar-1.0.tar.gz", "foo-bar", true},
		{"foo-bar-1.0.tar.gz", "foo", false},
		{"foo-1.0.zip", "foo", true},
		{"foo-1.0.exe", "foo", false},
	} {
		if got := belongsTo(tt.file, tt.name); got != tt.want {
			t.Errorf("belongsTo(%q, %q) = %v", tt.file, tt.name, got)
		}
	}
}

func TestParseNetrc(t *testing.T) {
	n := ParseNetrc(`# comment
machine example.org login alice password "s3 cret"
machine other.example
  login bob
  password pw # trailing comment
macdef init
  cd /pub
  ls

default login anon password guest
machine late.example login carol password x
`)
	for host, want := range map[string]NetrcEntry{
		"example.org":   {Machine: "example.org", Login: "alice", Password: "s3 cret"},
		"OTHER.example": {Machine: "other.example", Login: "bob", Password: "pw"},
		"late.example":  {Machine: "late.example", Login: "carol", Password: "x"},
		"nowhere":       {Login: "anon", Password: "guest"},
	} {
		got, ok := n.Lookup(host)
		if !ok || got != want {
			t.Errorf("Lookup(%q) = %+v, %v; want %+v", host, got, ok, want)
		}
	}
	if _, ok := ParseNetrc("machine a login b password c").Lookup("z"); ok {
		t.Error("Lookup without default matched")
	}
}

func FuzzParseHTML(f *testing.F) {
	f.Add([]byte(`<a href="../../f/x-1.0-py3-none-any.whl#sha256=ab" data-requires-python="&gt;=3" data-yanked data-core-metadata="sha256=cd">x</a>`))
	f.Add([]byte(`<base href="http://[::1]:80/"><meta name="pypi:repository-version" content="1.0"><a href="%zz">`))
	f.Fuzz(func(t *testing.T, b []byte) {
		files, err := ParseHTML(mustURL(t, "https://example.org/simple/x/"), b)
		if err != nil {
			return
		}
		for _, f := range files {
			if f.Filename == "" || strings.Contains(f.URL, "#") {
				t.Errorf("bad file %+v", f)
			}
		}
	})
}

func FuzzParseJSON(f *testing.F) {
	f.Add([]byte(`{"meta":{"api-version":"1.1"},"name":"x","files":[{"filename":"x-1.0-py3-none-any.whl","url":"x.whl","hashes":{"sha256":"ab"},"core-metadata":{"sha256":"cd"},"yanked":"r","size":3}]}`))
	f.Add([]byte(`{"meta":{"api-version":"1"},"files":[{"url":"/a/b.whl","dist-info-metadata":true,"yanked":1}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseJSON(mustURL(t, "https://example.org/simple/x/"), b)
		if err != nil {
			return
		}
		for _, f := range p.Files {
			if !safeFilenameJSON(f.Filename) {
				t.Errorf("unsafe file name %q accepted", f.Filename)
			}
		}
	})
}

func safeFilenameJSON(s string) bool { return s != "" && !strings.ContainsAny(s, "/\\\x00") }

func FuzzParseNetrc(f *testing.F) {
	f.Add("machine a login b password \"c d\"\nmacdef x\n  y\n\ndefault login e password f # c\n")
	f.Add("machine \"unterminated \\")
	f.Fuzz(func(t *testing.T, s string) {
		n := ParseNetrc(s)
		n.Lookup("a")
		defaults := 0
		for _, e := range n.Entries {
			if e.Machine == "" {
				defaults++
			}
		}
		if defaults > 1 {
			t.Errorf("%d default entries", defaults)
		}
	})
}

func FuzzParseContentRange(f *testing.F) {
	f.Add("bytes 0-9/10")
	f.Add("bytes 5-4/3")
	f.Fuzz(func(t *testing.T, s string) {
		first, last, total, ok := parseContentRange(s)
		if ok && (first < 0 || last < first || total <= last) {
			t.Errorf("accepted %q as %d-%d/%d", s, first, last, total)
		}
	})
}

// FuzzIsHTTP: isHTTP agrees with url.Parse on every URL that parses.
func FuzzIsHTTP(f *testing.F) {
	for _, s := range []string{"https://x/a.whl", "HTTP://x/", "file:///etc/a.whl", "https", "", "h:ttp://x",
		"./https://x", "/https:x", "https:x", "ftp://x/", "http//x:y", "%68ttp://x/", " http://x/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := url.Parse(s)
		if err != nil {
			return
		}
		if want := u.Scheme == "http" || u.Scheme == "https"; isHTTP(s) != want {
			t.Fatalf("isHTTP(%q) = %v, url.Parse's scheme %q", s, !want, u.Scheme)
		}
	})
}
