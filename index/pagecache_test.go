package index

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pkginstall/pkginstall/cache/layout"
	"github.com/pkginstall/pkginstall/internal/wheeltest"
)

// syntheticPages are pages of each kind parsePage reads, and their parses.
func syntheticPages(t testing.TB, files int) ([]*page, []*Project) {
	t.Helper()
	lp := wheeltest.LargePage(wheeltest.PageSpec{Name: "boto-core", Files: files, FilesURL: "https://files.pythonhosted.org/packages/"})
	j, h := lp.JSON, lp.HTML
	pages := []*page{
		{Key: "https://pypi.example/simple/boto-core/", FinalURL: "https://pypi.example/simple/boto-core/", Status: 200, ContentType: ContentTypeJSON, Body: j},
		{Key: "https://pypi.example/simple/boto-core/", FinalURL: "https://pypi.example/simple/boto-core/", Status: 200, ContentType: "text/html", Body: h},
		{Key: "https://x/simple/e/", FinalURL: "https://x/simple/e/", Status: 200, ContentType: ContentTypeJSON,
			Body: []byte(`{"meta": {"api-version": "1.0"}, "name": "E", "versions": [], "files": []}`)},
		{Key: "https://x/simple/e/", FinalURL: "https://x/simple/e/", Status: 200, ContentType: "text/html", Body: []byte(`<html></html>`)},
	}
	var parsed []*Project
	for _, pg := range pages {
		p, err := parsePage(pg)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, p)
	}
	return pages, parsed
}

// roundTrip checks that p encodes, decodes to a deeply equal value, and
// that the decoded value encodes to the same bytes.
func roundTrip(t *testing.T, what string, p *Project) {
	t.Helper()
	key := sha256.Sum256([]byte(what))
	enc := encodePage(key, p)
	k, got, err := decodePage(enc)
	if err != nil || k != key {
		t.Fatalf("%s: decoding its encoding: %v (key %x)", what, err, k)
	}
	if !reflect.DeepEqual(got, p) {
		t.Fatalf("%s: decoded\n%+v\nparsed\n%+v", what, got, p)
	}
	if again := encodePage(key, got); !bytes.Equal(again, enc) {
		t.Fatalf("%s: the decoded value encodes differently", what)
	}
}

func TestPageCacheRoundTripSynthetic(t *testing.T) {
	pages, parsed := syntheticPages(t, 300)
	for i, pg := range pages {
		roundTrip(t, pg.ContentType+" "+pg.Key, parsed[i])
	}
	roundTrip(t, "zero", &Project{})
	roundTrip(t, "everything set", &Project{Name: "a", Index: "", Versions: []string{"", "1"}, Files: []File{
		{Filename: "a-1.whl", URL: "u", SHA256: "s", RequiresPython: ">=3", Yanked: true, YankedReason: "r\x00",
			MetadataURL: "m", MetadataSHA256: "ms", Size: -1, Index: "i"},
		{Size: 1 << 62},
	}})
}

// TestPageCacheRoundTripWheelhouse parses the HTML and JSON pages of a
// wheelhouse built from this machine's interpreter and round-trips them.
func TestPageCacheRoundTripWheelhouse(t *testing.T) {
	cctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, out := buildWheelhouse(t, cctx, "six", "packaging", "idna", "certifi", "urllib3", "pip", "setuptools", "wheel")
	pages, _ := filepath.Glob(filepath.Join(out, "simple*", "*", "index.*"))
	if len(pages) < 2 {
		t.Fatalf("pages: %v", pages)
	}
	t.Logf("%d pages", len(pages))
	for _, name := range pages {
		body, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		ct := "text/html"
		if strings.HasSuffix(name, ".json") {
			ct = ContentTypeJSON
		}
		url := "https://wheelhouse.example/" + filepath.ToSlash(filepath.Dir(name)[len(out)+1:]) + "/"
		p, err := parsePage(&page{FinalURL: url, ContentType: ct, Body: body})
		if err != nil || len(p.Files) == 0 {
			t.Fatalf("%s: %+v, %v", name, p, err)
		}
		roundTrip(t, name, p)
	}
}

func TestPageCacheDecodeRefuses(t *testing.T) {
	j := wheeltest.LargePage(wheeltest.PageSpec{Name: "a", Files: 3}).JSON
	p, err := parsePage(&page{FinalURL: "https://x/simple/a/", ContentType: ContentTypeJSON, Body: j})
	if err != nil {
		t.Fatal(err)
	}
	enc := encodePage([32]byte{1}, p)
	for n := range len(enc) {
		if _, _, err := decodePage(enc[:n]); err == nil {
			t.Fatalf("a file truncated to %d of %d bytes decodes", n, len(enc))
		}
	}
	bad := func(what string, edit func(b []byte) []byte) {
		t.Helper()
		b := edit(bytes.Clone(enc))
		if _, got, err := decodePage(b); err == nil {
			t.Errorf("%s: decoded to %+v", what, got)
		}
	}
	bad("another version", func(b []byte) []byte { b[4]++; return b })
	bad("another magic", func(b []byte) []byte { b[0] = 'X'; return b })
	bad("a byte left over", func(b []byte) []byte { return append(b, 0) })
	// The versions count sits after the header and the name "a".
	at := pageHeader + 4 + 1
	bad("a count past the end", func(b []byte) []byte { b[at+3] = 0x7f; return b })
	bad("a string past the end", func(b []byte) []byte { b[at+4+3] = 0x7f; return b })
	yanked := bytes.Index(enc, []byte(">=3.8")) + len(">=3.8")
	if enc[yanked] != 0 {
		t.Fatalf("yanked byte is %d", enc[yanked])
	}
	bad("a yanked byte other than 0 and 1", func(b []byte) []byte { b[yanked] = 2; return b })
}

// TestPageKeyInputs: the key of a parsed form changes with each input of
// the parse (a page redirected elsewhere resolves its relative links
// against another URL; HTML and JSON read the same bytes differently), and
// the inputs cannot run into each other.
func TestPageKeyInputs(t *testing.T) {
	base := page{FinalURL: "https://x/simple/a/", ContentType: ContentTypeJSON, Body: []byte(`{}`)}
	seen := map[[sha256.Size]byte]string{pageKey(&base): "base"}
	for what, pg := range map[string]page{
		"another final URL":     {FinalURL: "https://y/simple/a/", ContentType: base.ContentType, Body: base.Body},
		"another Content-Type":  {FinalURL: base.FinalURL, ContentType: "text/html", Body: base.Body},
		"another body":          {FinalURL: base.FinalURL, ContentType: base.ContentType, Body: []byte(`{ }`)},
		"URL into Content-Type": {FinalURL: "https://x/simple/a", ContentType: "/" + base.ContentType, Body: base.Body},
		"Content-Type into body": {FinalURL: base.FinalURL, ContentType: base.ContentType[:len(base.ContentType)-1],
			Body: append([]byte(base.ContentType[len(base.ContentType)-1:]), base.Body...)},
	} {
		k := pageKey(&pg)
		if other, ok := seen[k]; ok {
			t.Errorf("%s: the same key as %s", what, other)
		}
		seen[k] = what
	}
	saved := parserID
	defer func() { parserID = saved }()
	parserID = func() string { return "another pkginstall" }
	if other, ok := seen[pageKey(&base)]; ok {
		t.Errorf("another parser: the same key as %s", other)
	}
}

// TestPageCacheClient checks that the client reads the parsed form of a
// page it has seen, keeps it across a 304 and offline, and parses the page
// again when another executable reads it, when a 200 brings another body
// or when the parsed form is damaged.
func TestPageCacheClient(t *testing.T) {
	body := jsonPage(`{"filename": "six-1.0-py3-none-any.whl", "url": "six-1.0-py3-none-any.whl", "hashes": {}}`)
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(body)))
		w.Header().Set("Cache-Control", "max-age=0")
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", ContentTypeJSON)
		fmt.Fprint(w, body)
	})
	cacheDir := t.TempDir()
	key := s.URL + "/simple/six/"
	parsed := layout.ParsedPageFile(cacheDir, key)
	project := func(opts Options) *Project {
		t.Helper()
		opts.IndexURL, opts.CacheDir = s.URL+"/simple/", cacheDir
		p, err := newClient(t, opts).Project(ctx, "six")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if p := project(Options{}); len(p.Files) != 1 || p.Files[0].RequiresPython != "" {
		t.Fatalf("first read: %+v", p)
	}
	// Mark the parsed form: a run that reads it sees the mark.
	data, err := os.ReadFile(parsed)
	if err != nil {
		t.Fatalf("no parsed form written: %v", err)
	}
	k, p, err := decodePage(data)
	if err != nil {
		t.Fatal(err)
	}
	p.Files[0].RequiresPython = "marked"
	if err := os.WriteFile(parsed, encodePage(k, p), 0o644); err != nil {
		t.Fatal(err)
	}
	if p := project(Options{}); p.Files[0].RequiresPython != "marked" {
		t.Errorf("after a 304 the parsed form was not used: %+v", p.Files[0])
	}
	if p := project(Options{Offline: true}); p.Files[0].RequiresPython != "marked" {
		t.Errorf("offline, the parsed form was not used: %+v", p.Files[0])
	}
	if n := len(s.requests("")); n != 2 || s.requests("")[1].Header.Get("If-None-Match") == "" {
		t.Fatalf("%d requests, the second not a revalidation", n)
	}
	// Another executable's parsers do not use this one's parsed form.
	saved := parserID
	parserID = func() string { return "another pkginstall" }
	p = project(Options{Offline: true})
	parserID = saved
	if p.Files[0].RequiresPython == "marked" {
		t.Errorf("another executable used the parsed form: %+v", p.Files[0])
	}
	// A new body replaces the page: the parsed form is stale.
	body = strings.Replace(body, `"hashes": {}`, `"hashes": {}, "requires-python": ">=3.9"`, 1)
	if p := project(Options{}); p.Files[0].RequiresPython != ">=3.9" {
		t.Errorf("after a new body: %+v", p.Files[0])
	}
	// A damaged parsed form is a miss, and is written again.
	if err := os.WriteFile(parsed, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if p := project(Options{}); p.Files[0].RequiresPython != ">=3.9" {
		t.Errorf("with a damaged parsed form: %+v", p.Files[0])
	}
	if data, err := os.ReadFile(parsed); err != nil {
		t.Error(err)
	} else if _, p, err := decodePage(data); err != nil || p.Files[0].RequiresPython != ">=3.9" {
		t.Errorf("the parsed form was not rewritten: %v", err)
	}
}

// FuzzDecodePage: arbitrary bytes never panic the decoder, and what it
// accepts encodes back to the same bytes.
func FuzzDecodePage(f *testing.F) {
	pages, parsed := syntheticPages(f, 5)
	for i, pg := range pages {
		f.Add(encodePage(pageKey(pg), parsed[i]))
	}
	f.Add([]byte(pageMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, p, err := decodePage(data)
		if err != nil {
			return
		}
		if again := encodePage(k, p); !bytes.Equal(again, data) {
			t.Fatalf("decoded %+v encodes to other bytes", p)
		}
	})
}

// BenchmarkPageCache compares parsing a PyPI-sized page (4,000 files) with
// decoding its parsed form: this package's encoding, and for comparison
// encoding/gob and encoding/json of the same value.
func BenchmarkPageCache(b *testing.B) {
	pages, parsed := syntheticPages(b, 4000)
	jsonPg, htmlPg, p := pages[0], pages[1], parsed[0]
	if len(p.Files) != 4000 {
		b.Fatal(len(p.Files))
	}
	key := pageKey(jsonPg)
	enc := encodePage(key, p)
	var gobBuf bytes.Buffer
	if err := gob.NewEncoder(&gobBuf).Encode(p); err != nil {
		b.Fatal(err)
	}
	jsonEnc, err := json.Marshal(p)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("page: %d bytes JSON, %d bytes HTML; parsed form: %d bytes (gob %d, JSON %d)",
		len(jsonPg.Body), len(htmlPg.Body), len(enc), gobBuf.Len(), len(jsonEnc))
	bench := func(name string, f func() error) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := f(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	bench("parse-json", func() error { _, err := parsePage(jsonPg); return err })
	bench("parse-html", func() error { _, err := parsePage(htmlPg); return err })
	bench("key", func() error { pageKey(jsonPg); return nil })
	bench("decode", func() error { _, _, err := decodePage(enc); return err })
	bench("encode", func() error { encodePage(key, p); return nil })
	bench("decode-gob", func() error { var q Project; return gob.NewDecoder(bytes.NewReader(gobBuf.Bytes())).Decode(&q) })
	bench("decode-json", func() error { var q Project; return json.Unmarshal(jsonEnc, &q) })
}
