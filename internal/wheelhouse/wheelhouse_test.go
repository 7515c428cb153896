package wheelhouse

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/wheel"
)

func python(t *testing.T) string {
	for _, p := range []string{"python3.11", "python3"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	t.Skip("no python3 on PATH")
	return ""
}

// installed writes a distribution as an installer leaves it: files listed
// in RECORD, a .pyc and the installer's own files that a wheel must not
// carry, and one file on disk that RECORD does not list.
func installed(t *testing.T, site string) {
	files := map[string]string{
		"demo/__init__.py":                      "X = 1\n",
		"demo/__pycache__/__init__.cpython.pyc": "junk",
		"demo-1.0.dist-info/METADATA":           "Metadata-Version: 2.1\nName: Demo\nVersion: 1.0\nRequires-Python: >=3.8\n",
		"demo-1.0.dist-info/WHEEL":              "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py2-none-any\nTag: py3-none-any\n",
		"demo-1.0.dist-info/INSTALLER":          "pip\n",
		"demo-1.0.dist-info/REQUESTED":          "",
	}
	var rows []distinfo.RecordEntry
	for rel, body := range files {
		p := filepath.Join(site, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(body))
		rows = append(rows, distinfo.RecordEntry{Path: rel, Hash: distinfo.FormatRecordHash("sha256", sum[:]), Size: int64(len(body))})
	}
	rows = append(rows, distinfo.RecordEntry{Path: "demo-1.0.dist-info/RECORD", Size: -1})
	if err := os.WriteFile(filepath.Join(site, "demo-1.0.dist-info", "RECORD"), distinfo.FormatRecord(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(site, "demo", "unlisted.py"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBuild(t *testing.T) {
	py := python(t)
	site := t.TempDir()
	installed(t, site)
	out := filepath.Join(t.TempDir(), "wh")
	man, err := Build(context.Background(), out, Options{Python: py, SitePackages: []string{site}})
	if err != nil {
		t.Fatal(err)
	}
	if len(man.Wheels) != 1 || man.Wheels[0].Filename != "demo-1.0-py2.py3-none-any.whl" || man.Wheels[0].Source != "rebuilt" {
		t.Fatalf("manifest: %+v", man.Wheels)
	}
	whl := filepath.Join(out, "files", man.Wheels[0].Filename)
	w, err := wheel.Open(whl)
	if err != nil {
		t.Fatalf("the rebuilt wheel does not validate: %v", err)
	}
	if err := w.VerifyAll(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	zr, err := zip.OpenReader(whl)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if !f.Modified.Equal(zipTime) || f.Mode().Perm() != 0o644 {
			t.Errorf("%s: time %v mode %v", f.Name, f.Modified, f.Mode())
		}
	}
	zr.Close()
	want := []string{"demo/__init__.py", "demo-1.0.dist-info/METADATA", "demo-1.0.dist-info/WHEEL", "demo-1.0.dist-info/RECORD"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("members %v, want %v", names, want)
	}
	for _, p := range []string{"simple/index.html", "simple/demo/index.html", "simple-json/index.json", "simple-json/demo/index.json", "files/" + man.Wheels[0].Filename + ".metadata"} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Error(err)
		}
	}
	page, _ := os.ReadFile(filepath.Join(out, "simple", "demo", "index.html"))
	if !strings.Contains(string(page), `data-requires-python="&gt;=3.8"`) || !strings.Contains(string(page), "#sha256="+man.Wheels[0].SHA256) {
		t.Errorf("project page:\n%s", page)
	}

	// Again: byte for byte the same, nothing rewritten.
	before := stamps(t, out)
	if _, err := Build(context.Background(), out, Options{Python: py, SitePackages: []string{site}}); err != nil {
		t.Fatal(err)
	}
	if after := stamps(t, out); after != before {
		t.Errorf("a rebuild rewrote files:\n%s\n%s", before, after)
	}
}

// stamps lists every file under dir with its size and modification time.
func stamps(t *testing.T, dir string) string {
	var lines []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			lines = append(lines, p+" "+info.ModTime().String())
		}
		return err
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func TestBuildRefusesForeignDirectory(t *testing.T) {
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "precious"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(context.Background(), out, Options{Python: "python3"}); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("err = %v", err)
	}
}

func TestLauncherAndShebang(t *testing.T) {
	pr := &interp{Executable: "/opt/py/bin/python3.11", Paths: map[string]string{"scripts": "/opt/py/bin"}}
	if got := string(unfixShebang([]byte("#!/opt/py/bin/python3.11\nprint(1)\n"), pr)); got != "#!python\nprint(1)\n" {
		t.Errorf("unfixShebang = %q", got)
	}
	if got := string(unfixShebang([]byte("#!/bin/sh\necho\n"), pr)); got != "#!/bin/sh\necho\n" {
		t.Errorf("a shell script changed: %q", got)
	}
	if !generatedLauncher("pip3.11", nil, map[string]bool{"pip": true}) || generatedLauncher("tool", []byte("#!python\n"), map[string]bool{"other": true}) {
		t.Error("generatedLauncher")
	}
}
