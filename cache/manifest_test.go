package cache

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/wheel.json.golden")

// mtimesRE matches the mtimes of wheel.json, which differ on every unpack.
var mtimesRE = regexp.MustCompile(`"mtimes":\[[0-9,]*\]`)

func zeroMTimes(b []byte) []byte {
	return mtimesRE.ReplaceAllFunc(b, func(m []byte) []byte {
		return regexp.MustCompile(`[0-9]+`).ReplaceAll(m, []byte("0"))
	})
}

// TestManifestGolden pins the on-disk format of wheel.json (unpacked-v1):
// the golden file was written by the first format, from scheme's untagged
// structs, so this fails if a field rename changes what is stored.
func TestManifestGolden(t *testing.T) {
	dir := t.TempDir()
	tr, err := Unpack(dir, shaOf(t, demo), openWheel(t, demo), 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(tr.Dir(), "wheel.json"))
	if err != nil {
		t.Fatal(err)
	}
	got := zeroMTimes(b)
	golden := filepath.Join("testdata", "wheel.json.golden")
	if *updateGolden {
		if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, bytes.TrimSpace(want)) {
		t.Errorf("wheel.json changed format:\ngot  %s\nwant %s", got, want)
	}
}

// TestManifestGoldenReads: a tree written in the pinned format is read back
// with every member and entry point.
func TestManifestGoldenReads(t *testing.T) {
	dir := t.TempDir()
	sha := shaOf(t, demo)
	want, err := os.ReadFile(filepath.Join("testdata", "wheel.json.golden"))
	if err != nil {
		t.Fatal(err)
	}
	tdir := TreeDir(dir, sha)
	if err := os.MkdirAll(tdir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tdir, "wheel.json"), want, 0o644); err != nil {
		t.Fatal(err)
	}
	tr, err := Lookup(dir, sha)
	if err != nil {
		t.Fatal(err)
	}
	w := openWheel(t, demo)
	if len(tr.Files()) != len(w.Files) || len(tr.EntryPoints()) != len(w.EntryPoints) || len(w.EntryPoints) == 0 {
		t.Fatalf("read %d files, %d entry points; the wheel has %d, %d", len(tr.Files()), len(tr.EntryPoints()), len(w.Files), len(w.EntryPoints))
	}
	for i, f := range w.Files {
		g := tr.Files()[i]
		if g.Name != f.Name || g.Size != f.Size || g.Hash != f.Hash || g.Mode != f.Mode {
			t.Errorf("file %d: %+v, want %+v", i, g, f)
		}
	}
	for i, e := range w.EntryPoints {
		g := tr.EntryPoints()[i]
		if g.Name != e.Name || g.Module != e.Module || g.Attr != e.Attr || g.Group != e.Group {
			t.Errorf("entry point %d: %+v, want %+v", i, g, e)
		}
	}
	if tr.Project() != w.Project || tr.Version() != w.Version || tr.DistInfo() != w.DistInfo || tr.Filename() != w.Filename {
		t.Errorf("tree %s %s %s %s", tr.Project(), tr.Version(), tr.DistInfo(), tr.Filename())
	}
}
