package wheel_test

import (
	"bytes"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/wheeltest"
	"github.com/pkginstall/pkginstall/wheel"
)

func tinySpec(name string) wheeltest.Spec {
	return wheeltest.Spec{
		Name:    name,
		Version: "1.0",
		Files:   []wheeltest.File{{Path: wheeltest.EscapeName(name) + "/__init__.py", Content: "VALUE = 1\n"}},
	}
}

// open builds spec in memory and opens it.
func open(t *testing.T, spec wheeltest.Spec) (*wheel.Wheel, error) {
	t.Helper()
	b, err := wheeltest.BuildBytes(spec)
	if err != nil {
		t.Fatal(err)
	}
	return wheel.OpenReaderAt(bytes.NewReader(b), int64(len(b)), spec.Filename())
}

func wantProblem(t *testing.T, err error, kind error, substr string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", substr)
	}
	if !errors.Is(err, kind) || !strings.Contains(err.Error(), substr) {
		t.Fatalf("error:\n%v\nwant kind %v containing %q", err, kind, substr)
	}
}

func TestOpenFile(t *testing.T) {
	dir := t.TempDir()
	p, err := wheeltest.BuildFile(dir, tinySpec("on-disk"))
	if err != nil {
		t.Fatal(err)
	}
	w, err := wheel.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	if w.Filename != "on_disk-1.0-py3-none-any.whl" || w.Name.Name != "on_disk" || w.Name.Version != "1.0" || len(w.Name.Tags) != 1 {
		t.Errorf("Filename %q, Name %+v", w.Filename, w.Name)
	}
	if err := w.VerifyAll(); err != nil {
		t.Error(err)
	}
	if err := w.Close(); err != nil {
		t.Error(err)
	}
	if _, err := wheel.Open(filepath.Join(dir, "absent-1.0-py3-none-any.whl")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open(absent) = %v, want ErrNotExist", err)
	}
	if _, err := wheel.Open(dir); err == nil {
		t.Errorf("Open(directory) succeeded")
	}
}

func TestNotAZip(t *testing.T) {
	b := []byte("this is not a zip archive")
	_, err := wheel.OpenReaderAt(bytes.NewReader(b), int64(len(b)), "junk-1.0-py3-none-any.whl")
	wantProblem(t, err, wheel.ErrInvalidFormat, "junk-1.0-py3-none-any.whl: not a valid zip archive: zip: not a valid zip file")
}

func TestBadFilename(t *testing.T) {
	s := tinySpec("fine")
	s.Hostile.Filename = "fine-1.0.zip"
	_, err := open(t, s)
	wantProblem(t, err, wheel.ErrNameMismatch, `fine-1.0.zip: invalid wheel file name "fine-1.0.zip": extension must be .whl`)
}

// Names and versions are compared normalised.
func TestNormalisedNames(t *testing.T) {
	s := tinySpec("Foo.Bar")
	s.Hostile.Filename = "foo_bar-1.0.0-py3-none-any.whl"
	s.Hostile.DistInfoName = "Foo_Bar"
	s.Hostile.DistInfoVersion = "1.0.0"
	s.Hostile.MetadataVersion = "v1.0"
	w, err := open(t, s)
	if err != nil {
		t.Fatal(err)
	}
	if w.Project != "Foo.Bar" || w.Version != "v1.0" || w.DistInfo != "Foo_Bar-1.0.0.dist-info" || w.DataDir != "Foo_Bar-1.0.0.data" {
		t.Errorf("Project %q Version %q DistInfo %q DataDir %q", w.Project, w.Version, w.DistInfo, w.DataDir)
	}

	s.Hostile.MetadataVersion = "1.0.post0"
	_, err = open(t, s)
	wantProblem(t, err, wheel.ErrNameMismatch, "says Version 1.0.post0, but the wheel file name says 1.0.0")
}

func TestRecordHashes(t *testing.T) {
	// sha512 is accepted; padding on the digest is tolerated.
	s := tinySpec("strong")
	content := "VALUE = 1\n"
	sum := sha512.Sum512([]byte(content))
	s.Hostile.RECORD = fmt.Sprintf("strong/__init__.py,sha512=%s==,%d\n", base64.RawURLEncoding.EncodeToString(sum[:]), len(content)) +
		recordOf(t, s, "strong-1.0.dist-info/METADATA", "strong-1.0.dist-info/WHEEL") +
		"strong-1.0.dist-info/RECORD,,\nstrong-1.0.dist-info/RECORD.jws,,\n"
	s.DistInfoFiles = []wheeltest.File{{Path: "RECORD.jws", Content: "{}"}}
	w, err := open(t, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.VerifyAll(); err != nil {
		t.Fatal(err)
	}
	for _, f := range w.Files {
		if strings.HasSuffix(f.Name, "/RECORD.jws") || strings.HasSuffix(f.Name, "/RECORD") {
			t.Errorf("Files includes %s", f.Name)
		}
		if f.Name == "strong/__init__.py" && !strings.HasPrefix(f.Hash, "sha512=") {
			t.Errorf("Hash = %q", f.Hash)
		}
	}
	rec, err := w.ReadFile("strong-1.0.dist-info/RECORD")
	if err != nil || !bytes.Equal(rec, []byte(s.Hostile.RECORD)) {
		t.Errorf("ReadFile(RECORD) = %q, %v", rec, err)
	}

	for _, tt := range []struct{ hash, err string }{
		{"sha1=" + strings.Repeat("A", 27), "RECORD hash uses sha1, which is too weak"},
		{"sha224=x", "RECORD hash uses sha224, which is too weak"},
		{"blake2b=x", `RECORD hash algorithm "blake2b" is not supported`},
		{"sha256=short", `RECORD hash "sha256=short" is not a urlsafe-base64 sha256 digest`},
		{"sha256=" + strings.Repeat("+", 43), `RECORD hash "sha256=++++`},
	} {
		s := tinySpec("weak")
		s.Hostile.RECORD = "weak/__init__.py," + tt.hash + ",10\n" + recordOf(t, s, "weak-1.0.dist-info/METADATA", "weak-1.0.dist-info/WHEEL")
		_, err := open(t, s)
		wantProblem(t, err, wheel.ErrRecord, "weak/__init__.py: "+tt.err)
	}
}

// recordOf returns the RECORD lines wheeltest would write for paths.
func recordOf(t *testing.T, s wheeltest.Spec, paths ...string) string {
	t.Helper()
	s.Hostile.RECORD = ""
	b, err := wheeltest.BuildBytes(s)
	if err != nil {
		t.Fatal(err)
	}
	w, err := wheel.OpenReaderAt(bytes.NewReader(b), int64(len(b)), s.Filename())
	if err != nil {
		t.Fatal(err)
	}
	rec, err := w.ReadFile(w.DistInfo + "/RECORD")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := distinfo.ParseRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	var keep []distinfo.RecordEntry
	for _, e := range entries {
		for _, p := range paths {
			if e.Path == p {
				keep = append(keep, e)
			}
		}
	}
	return string(distinfo.FormatRecord(keep))
}

func TestReadErrors(t *testing.T) {
	s := tinySpec("short")
	s.Files = append(s.Files, wheeltest.File{Path: "short/data.bin", Content: "abc", DeclaredSize: 100})
	w, err := open(t, s)
	if err != nil {
		t.Fatal(err)
	}
	err = w.VerifyAll()
	wantProblem(t, err, wheel.ErrSizeMismatch, "short/data.bin: size mismatch: content is shorter than the 100 bytes RECORD says")

	if _, err := w.Open(wheel.File{Name: "short/absent.py"}); !errors.Is(err, wheel.ErrNotFound) || !strings.Contains(err.Error(), "short/absent.py") {
		t.Errorf("Open(absent) = %v", err)
	}
	if _, err := w.ReadFile("short/absent.py"); !errors.Is(err, wheel.ErrNotFound) {
		t.Errorf("ReadFile(absent) = %v", err)
	}
}

// A bomb reader never hands out more than the declared size.
func TestBombReadIsLimited(t *testing.T) {
	s := tinySpec("bomb")
	s.Files = append(s.Files, wheeltest.File{Path: "bomb/zeros", DeclaredSize: 10, ZeroFill: 1 << 20})
	w, err := open(t, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range w.Files {
		if f.Name != "bomb/zeros" {
			continue
		}
		rc, err := w.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, rc)
		if n > 10 {
			t.Errorf("read %d bytes, more than the declared 10", n)
		}
		wantProblem(t, err, wheel.ErrSizeMismatch, "bomb/zeros: size mismatch: content is larger than the 10 bytes")
		return
	}
	t.Fatal("bomb/zeros not in Files")
}

func TestDirectoriesAndLayout(t *testing.T) {
	s := tinySpec("dirs")
	s.Files = append(s.Files, wheeltest.File{Path: "dirs/", Store: true}, wheeltest.File{Path: "dirs/sub/", Store: true})
	s.Data = []wheeltest.File{{Path: "scripts/tool", Content: "#!python\n", Mode: 0o755}}
	w, err := open(t, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range w.Files {
		if strings.HasSuffix(f.Name, "/") {
			t.Errorf("directory %s in Files", f.Name)
		}
	}

	s = tinySpec("dirs")
	s.Files = append(s.Files, wheeltest.File{Path: "dirs/x/", Store: true}, wheeltest.File{Path: "dirs/x", Content: "file"})
	_, err = open(t, s)
	wantProblem(t, err, wheel.ErrDuplicate, "dirs/x: is both a file and a directory entry")

	s = tinySpec("dirs")
	s.Data = []wheeltest.File{{Path: "loose.txt", Content: "x"}}
	_, err = open(t, s)
	wantProblem(t, err, wheel.ErrLayout, "dirs-1.0.data/loose.txt: is directly inside dirs-1.0.data")

	s = tinySpec("dirs")
	s.Files = append(s.Files, wheeltest.File{Path: "other-1.0.data/purelib/x.py", Content: "x"})
	s.Data = []wheeltest.File{{Path: "purelib/y.py", Content: "y"}}
	_, err = open(t, s)
	wantProblem(t, err, wheel.ErrLayout, "2 top-level .data directories (dirs-1.0.data, other-1.0.data), want at most one")

	s = tinySpec("dirs")
	s.Hostile.NoMETADATA = true
	s.Hostile.NoWHEEL = true
	s.Hostile.NoRECORD = true
	s.Files = nil
	_, err = open(t, s)
	wantProblem(t, err, wheel.ErrMissing, "no top-level .dist-info directory")
}

func TestProblemsAreCapped(t *testing.T) {
	s := tinySpec("many")
	for i := range 150 {
		s.Files = append(s.Files, wheeltest.File{Path: fmt.Sprintf("/abs/%d", i)})
	}
	_, err := open(t, s)
	var we *wheel.Error
	if !errors.As(err, &we) {
		t.Fatalf("err = %v", err)
	}
	if len(we.Problems) != wheel.MaxProblems {
		t.Errorf("%d problems, want %d", len(we.Problems), wheel.MaxProblems)
	}
	if last := we.Problems[len(we.Problems)-1].Error(); last != "and 51 more problems" {
		t.Errorf("last problem %q", last)
	}
}

func TestBadDistInfoFiles(t *testing.T) {
	for _, tt := range []struct {
		edit func(*wheeltest.Spec)
		kind error
		msg  string
	}{
		{func(s *wheeltest.Spec) { s.Hostile.WHEEL = "Wheel-Version: 1.0\n" }, wheel.ErrBadMetadata, "bad-1.0.dist-info/WHEEL: no Root-Is-Purelib"},
		{func(s *wheeltest.Spec) { s.Hostile.WHEEL = "Root-Is-Purelib: true\n" }, wheel.ErrBadMetadata, "bad-1.0.dist-info/WHEEL: no Wheel-Version"},
		{func(s *wheeltest.Spec) { s.Hostile.WHEEL = "Wheel-Version: one\nRoot-Is-Purelib: true\n" }, wheel.ErrBadMetadata, `bad-1.0.dist-info/WHEEL: Wheel-Version "one" is not major.minor`},
		{func(s *wheeltest.Spec) { s.Hostile.WHEEL = "Wheel-Version: 1.0\nRoot-Is-Purelib: yes\n" }, wheel.ErrBadMetadata, `bad-1.0.dist-info/WHEEL: Root-Is-Purelib "yes" is neither true nor false`},
		{func(s *wheeltest.Spec) { s.Hostile.METADATA = "Name: bad\n" }, wheel.ErrBadMetadata, "bad-1.0.dist-info/METADATA: METADATA: no Version header"},
		{func(s *wheeltest.Spec) { s.Hostile.RECORD = "x,y\n" }, wheel.ErrBadMetadata, "bad-1.0.dist-info/RECORD: RECORD line 1: want 3 fields"},
		{func(s *wheeltest.Spec) { s.Hostile.EntryPointsText = "junk\n" }, wheel.ErrBadMetadata, `bad-1.0.dist-info/entry_points.txt: entry_points.txt line 1: "junk" is outside any [section]`},
		{func(s *wheeltest.Spec) { s.Hostile.ExtraRecord = []string{"../escape.py"} }, wheel.ErrUnsafePath, `../escape.py: RECORD lists an unsafe path: ".." path component`},
		{func(s *wheeltest.Spec) {
			s.Files = append(s.Files, wheeltest.File{Path: "bad/x.py", Content: "x"})
			s.Hostile.RECORD = recordOfSpec(*s) + "bad/x.py,sha256=4T34xEr13qHkEkA5ELmcxaSPLMv2imazN01quc75_GU,1\n"
		}, wheel.ErrRecord, "bad/x.py: is listed more than once in RECORD"},
		{func(s *wheeltest.Spec) {
			s.Files = append(s.Files, wheeltest.File{Path: "bad/x.py", Content: "x"})
			s.Hostile.RECORD = strings.Replace(recordOfSpec(*s), ",1\n", ",2\n", 1)
		}, wheel.ErrRecord, "bad/x.py: size mismatch: RECORD says 2 bytes, the zip header says 1"},
	} {
		s := tinySpec("bad")
		tt.edit(&s)
		_, err := open(t, s)
		wantProblem(t, err, tt.kind, "bad-1.0-py3-none-any.whl: "+tt.msg)
	}
}

// recordOfSpec returns the RECORD wheeltest writes for s.
func recordOfSpec(s wheeltest.Spec) string {
	for _, m := range s.Members() {
		if strings.HasSuffix(m.Path, ".dist-info/RECORD") {
			return m.Content
		}
	}
	return ""
}

func TestErrorFormat(t *testing.T) {
	e := &wheel.Error{Wheel: "w.whl", Problems: []error{
		&wheel.FileError{Path: "a\nb", Err: errors.New("bad")},
		&wheel.FileError{Path: "ok/path.py", Err: errors.New("worse")},
	}}
	want := "w.whl: \"a\\nb\": bad\nw.whl: ok/path.py: worse"
	if e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
	for in, want := range map[string]string{"a b": "a b", " a": `" a"`, "a\x00": `"a\x00"`, "\xff": `"\xff"`, "": `""`, `a"b`: `"a\"b"`, "ünï": "ünï"} {
		if got := wheel.QuotePath(in); got != want {
			t.Errorf("QuotePath(%q) = %s, want %s", in, got, want)
		}
	}
}

// FuzzOpen feeds arbitrary bytes to OpenReaderAt (seeded with every
// fixture but the bomb). Minimising a multi-kilobyte zip is slow; run with
// -fuzzminimizetime=2s.
func FuzzOpen(f *testing.F) {
	for _, fx := range wheeltest.Fixtures() {
		b, err := os.ReadFile(filepath.Join(fixtureDir, fx.Path))
		if err != nil {
			f.Fatal(err)
		}
		if len(b) < 8000 { // keep the corpus small: skip the bomb
			f.Add(b, filepath.Base(fx.Path))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte, name string) {
		w, err := wheel.OpenReaderAt(bytes.NewReader(b), int64(len(b)), name)
		if err != nil {
			var we *wheel.Error
			if !errors.As(err, &we) || len(we.Problems) == 0 {
				t.Fatalf("error %T %v is not a *wheel.Error with problems", err, err)
			}
			return
		}
		if w.Metadata == nil || w.DistInfo == "" {
			t.Fatalf("opened without METADATA or .dist-info")
		}
		_ = w.VerifyAll()
	})
}

func TestUnsafeNames(t *testing.T) {
	for name, want := range map[string]string{
		"a//b.py":      "unsafe path: empty path component",
		"./a.py":       `unsafe path: "." path component`,
		"a/./b.py":     `unsafe path: "." path component`,
		"a/b/../../..": `unsafe path: ".." path component`,
		"\xff.py":      "unsafe path: name is not valid UTF-8",
		"a\u0085.py":   "unsafe path: name contains control character U+0085",
		"d:x.py":       "unsafe path: starts with a drive letter",
		"//server/x":   "unsafe path: absolute path",
		"dir//":        "unsafe path: empty path component",
	} {
		s := tinySpec("names")
		s.Files = append(s.Files, wheeltest.File{Path: name, Content: "x", Store: strings.HasSuffix(name, "/")})
		if strings.HasSuffix(name, "/") {
			s.Files[len(s.Files)-1].Content = ""
		}
		_, err := open(t, s)
		wantProblem(t, err, wheel.ErrUnsafePath, wheel.QuotePath(name)+": "+want)
	}
}

// A member whose stored bytes were changed fails zip's CRC check.
func TestDamagedMember(t *testing.T) {
	s := tinySpec("damaged")
	s.Files[0].Store = true
	b, err := wheeltest.BuildBytes(s)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte("VALUE = 1\n"))
	if i < 0 {
		t.Fatal("stored content not found")
	}
	b[i+8] = '2'
	w, err := wheel.OpenReaderAt(bytes.NewReader(b), int64(len(b)), s.Filename())
	if err != nil {
		t.Fatal(err)
	}
	err = w.VerifyAll()
	wantProblem(t, err, wheel.ErrInvalidFormat, "damaged/__init__.py: damaged member: zip: checksum error")
}

// Members may be read concurrently (run with -race).
func TestConcurrentReads(t *testing.T) {
	w, err := wheel.Open(filepath.Join(fixtureDir, "pkginstall_alldata-1.0-py3-none-any.whl"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	errs := make(chan error, len(w.Files))
	for _, f := range w.Files {
		go func() {
			rc, err := w.Open(f)
			if err == nil {
				_, err = io.Copy(io.Discard, rc)
				rc.Close()
			}
			errs <- err
		}()
	}
	for range w.Files {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestUnsupportedMembers(t *testing.T) {
	s := tinySpec("unsupported")
	s.Files = append(s.Files,
		wheeltest.File{Path: "unsupported/bz2.py", Content: "x", Method: 12},
		wheeltest.File{Path: "unsupported/secret.py", Content: "x", Encrypted: true})
	_, err := open(t, s)
	wantProblem(t, err, wheel.ErrUnsupported, "unsupported/bz2.py: uses compression method 12 (only stored and deflate are supported)")
	wantProblem(t, err, wheel.ErrUnsupported, "unsupported/secret.py: is encrypted")
}

// TestOpenReadsOnce: a wheel Open read into memory is what its readers
// inflate, whatever happens to the file afterwards (on the old code,
// which read members from the file, the overwritten file fails them).
func TestOpenReadsOnce(t *testing.T) {
	dir := t.TempDir()
	p, err := wheeltest.BuildFile(dir, tinySpec("read-once"))
	if err != nil {
		t.Fatal(err)
	}
	w, err := wheel.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	size, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, bytes.Repeat([]byte{'x'}, int(size.Size())), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := w.VerifyAll(); err != nil {
		t.Errorf("members read after the file changed: %v", err)
	}
}
