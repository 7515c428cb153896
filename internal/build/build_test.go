package build

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type member struct {
	name, body, link string
	typ              byte
}

func writeTarGz(t testing.TB, path string, ms []member) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, m := range ms {
		typ := m.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		h := &tar.Header{Name: m.name, Typeflag: typ, Mode: 0o644, Linkname: m.link}
		if typ == tar.TypeReg {
			h.Size = int64(len(m.body))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if typ == tar.TypeReg {
			tw.Write([]byte(m.body))
		}
	}
	tw.Close()
	gz.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestUnpack(t *testing.T) {
	cases := []struct {
		name    string
		members []member
		wantErr string
	}{
		{"ok", []member{{name: "p-1.0/pyproject.toml", body: "x"}, {name: "p-1.0/p/__init__.py", body: ""}, {name: "p-1.0/inner", link: "p/__init__.py", typ: tar.TypeSymlink}}, ""},
		{"traversal", []member{{name: "p-1.0/../../x.py", body: "x"}}, `".." path component`},
		{"absolute", []member{{name: "/etc/x", body: "x"}}, "absolute path"},
		{"symlink out", []member{{name: "p-1.0/a", link: "../../etc/passwd", typ: tar.TypeSymlink}}, "outside the source tree"},
		{"symlink absolute", []member{{name: "p-1.0/a", link: "/etc/passwd", typ: tar.TypeSymlink}}, "outside the source tree"},
		{"hardlink out", []member{{name: "p-1.0/a", link: "../x", typ: tar.TypeLink}}, "outside the source tree"},
		{"device", []member{{name: "p-1.0/dev", typ: tar.TypeChar}}, "not a regular file"},
		{"fifo", []member{{name: "p-1.0/fifo", typ: tar.TypeFifo}}, "not a regular file"},
		{"two tops", []member{{name: "a/x", body: "x"}, {name: "b/y", body: "y"}}, "2 top-level folders"},
		{"duplicate", []member{{name: "p-1.0/x", body: "x"}, {name: "p-1.0/x", body: "y"}}, "cannot be written"},
		{"windows name", []member{{name: "p-1.0/aux.py", body: "x"}}, "reserved device name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tmp := t.TempDir()
			archive := filepath.Join(tmp, "p-1.0.tar.gz")
			writeTarGz(t, archive, c.members)
			dest := filepath.Join(tmp, "out")
			root, err := Unpack(archive, dest)
			if c.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if b, err := os.ReadFile(filepath.Join(root, "pyproject.toml")); err != nil || string(b) != "x" {
					t.Fatalf("pyproject.toml: %q %v", b, err)
				}
				if _, err := os.Lstat(filepath.Join(root, "inner")); err == nil {
					t.Fatal("a link was written")
				}
				return
			}
			var ue *UnsafeError
			if err == nil || !errors.As(err, &ue) || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("err = %v, want an UnsafeError with %q", err, c.wantErr)
			}
			if _, err := os.Stat(dest); !os.IsNotExist(err) {
				t.Fatalf("%s is left after a refusal", dest)
			}
		})
	}
}

func TestUnpackZip(t *testing.T) {
	tmp := t.TempDir()
	archive := filepath.Join(tmp, "p-1.0.zip")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("p-1.0/setup.py")
	w.Write([]byte("print(1)"))
	w, _ = zw.Create("p-1.0/../escape.py")
	w.Write([]byte("x"))
	zw.Close()
	os.WriteFile(archive, buf.Bytes(), 0o644)
	if _, err := Unpack(archive, filepath.Join(tmp, "out")); err == nil || !strings.Contains(err.Error(), `".."`) {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(tmp, "escape.py")); err == nil {
		t.Fatal("escape.py written")
	}
}

func TestParseSdistFilename(t *testing.T) {
	for fn, want := range map[string]string{
		"foo-1.0.tar.gz":            "foo 1.0",
		"foo_bar-2.0.post1.tar.gz":  "foo-bar 2.0.post1",
		"foo-bar-3.0.zip":           "foo-bar 3.0",
		"Django-4.2rc1.tar.gz":      "django 4.2rc1",
		"notanarchive-1.0.whl":      "error",
		"noversion.tar.gz":          "error",
		"python-dateutil-2.8.2.tgz": "python-dateutil 2.8.2",
	} {
		n, v, err := ParseSdistFilename(fn)
		got := n + " " + v.String()
		if err != nil {
			got = "error"
		}
		if got != want {
			t.Errorf("%s: got %q, want %q", fn, got, want)
		}
	}
}

func TestStaticMetadata(t *testing.T) {
	for body, want := range map[string]bool{
		"Metadata-Version: 2.2\nName: p\nVersion: 1.0\nRequires-Dist: six\n":                       true,
		"Metadata-Version: 2.1\nName: p\nVersion: 1.0\n":                                           false,
		"Metadata-Version: 2.2\nName: p\nVersion: 1.0\nDynamic: Requires-Dist\n":                   false,
		"Metadata-Version: 2.3\nName: p\nVersion: 1.0\nDynamic: Summary\nRequires-Python: >=3.8\n": true,
		"Metadata-Version: 2.4\nName: p\nVersion: 1.0\nDynamic: requires-python\n":                 false,
		"garbage": false,
	} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "PKG-INFO"), []byte(body), 0o644)
		if _, ok := StaticMetadata(dir); ok != want {
			t.Errorf("%q: static %v, want %v", body, ok, want)
		}
	}
}

func TestReadSystem(t *testing.T) {
	dir := t.TempDir()
	s, err := ReadSystem(dir)
	if err != nil || s.Backend != DefaultBackend || len(s.Requires) != 1 || s.Requires[0] != DefaultRequires {
		t.Fatalf("defaults: %+v %v", s, err)
	}
	os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte("[build-system]\nrequires = []\nbuild-backend = \"b\"\nbackend-path = [\"../out\"]\n"), 0o644)
	if _, err := ReadSystem(dir); err == nil || !strings.Contains(err.Error(), "not a folder inside the source tree") {
		t.Fatalf("backend-path outside: %v", err)
	}
}

func TestTreeHash(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.py"), []byte("1"), 0o644)
	h1, _ := TreeHash(dir)
	os.MkdirAll(filepath.Join(dir, "__pycache__"), 0o755)
	os.WriteFile(filepath.Join(dir, "__pycache__", "a.pyc"), []byte("junk"), 0o644)
	h2, _ := TreeHash(dir)
	os.WriteFile(filepath.Join(dir, "a.py"), []byte("2"), 0o644)
	h3, _ := TreeHash(dir)
	if h1 != h2 || h1 == h3 {
		t.Fatalf("hashes %s %s %s", h1, h2, h3)
	}
}

// FuzzUnpack: any archive bytes give an error or a tree inside dest,
// never a panic and never a file outside dest.
func FuzzUnpack(f *testing.F) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	tw.WriteHeader(&tar.Header{Name: "p-1.0/a", Size: 1, Mode: 0o644, Typeflag: tar.TypeReg})
	tw.Write([]byte("x"))
	tw.Close()
	gz.Close()
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		tmp := t.TempDir()
		archive := filepath.Join(tmp, "in", "p-1.0.tar.gz")
		os.MkdirAll(filepath.Dir(archive), 0o755)
		os.WriteFile(archive, b, 0o644)
		dest := filepath.Join(tmp, "out")
		Unpack(archive, dest) //nolint:errcheck // only the file system matters
		ents, _ := os.ReadDir(tmp)
		for _, e := range ents {
			if e.Name() != "in" && e.Name() != "out" {
				t.Fatalf("%s written outside dest", e.Name())
			}
		}
	})
}
