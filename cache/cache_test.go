package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pkginstall/pkginstall/cache/layout"
	"github.com/pkginstall/pkginstall/internal/wheeltest"
	"github.com/pkginstall/pkginstall/wheel"
)

const demo = "../testdata/wheels/pkginstall_demo-1.0-py3-none-any.whl"

func shaOf(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func openWheel(t *testing.T, path string) *wheel.Wheel {
	t.Helper()
	w, err := wheel.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// leftovers lists temporary entries of the unpacked bucket.
func leftovers(t *testing.T, cacheDir string) []string {
	var out []string
	_ = filepath.WalkDir(filepath.Join(cacheDir, layout.UnpackedBucket), func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), tmpPrefix) {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func TestUnpackAndLookup(t *testing.T) {
	dir := t.TempDir()
	sha := shaOf(t, demo)
	if _, err := Lookup(dir, sha); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Lookup in an empty cache: %v", err)
	}
	w := openWheel(t, demo)
	tr, err := Unpack(dir, sha, w, 0)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Dir() != TreeDir(dir, sha) || tr.Project() != w.Project || tr.Version() != w.Version || tr.DistInfo() != w.DistInfo || len(tr.Files()) != len(w.Files) || len(tr.EntryPoints()) != len(w.EntryPoints) {
		t.Errorf("tree %+v does not describe the wheel", tr.d)
	}
	for _, f := range w.Files {
		want, err := w.ReadFile(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(tr.Path(f.Name))
		if err != nil || string(got) != string(want) {
			t.Errorf("%s: %q, %v", f.Name, got, err)
		}
		fi, _ := os.Stat(tr.Path(f.Name))
		if fi.Mode().Perm() != f.Mode.Perm() {
			t.Errorf("%s: mode %v, want %v", f.Name, fi.Mode(), f.Mode)
		}
	}
	if _, err := tr.Open("nope.py"); err == nil {
		t.Error("Open of a missing member succeeded")
	}
	again, err := Lookup(dir, sha)
	if err != nil || len(again.Files()) != len(w.Files) {
		t.Fatalf("Lookup after Unpack: %v", err)
	}
	if l := leftovers(t, dir); len(l) != 0 {
		t.Errorf("temporary files left: %v", l)
	}
}

// TestUnpackConcurrent: many unpackers of one wheel (as separate
// processes would) all get the one published tree, and leave nothing.
func TestUnpackConcurrent(t *testing.T) {
	dir := t.TempDir()
	sha := shaOf(t, demo)
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w, err := wheel.Open(demo)
			if err != nil {
				errs[i] = err
				return
			}
			defer w.Close()
			_, errs[i] = Unpack(dir, sha, w, 2)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if l := leftovers(t, dir); len(l) != 0 {
		t.Errorf("temporary files left: %v", l)
	}
	ents, _ := os.ReadDir(filepath.Dir(TreeDir(dir, sha)))
	if len(ents) != 1 {
		t.Errorf("bucket holds %d entries, want 1", len(ents))
	}
}

// TestUnpackRefusesBadContent: a member whose content differs from RECORD
// publishes nothing.
func TestUnpackRefusesBadContent(t *testing.T) {
	dir := t.TempDir()
	bad := "../testdata/wheels/hostile/bad_hash-1.0-py3-none-any.whl"
	w := openWheel(t, bad)
	sha := shaOf(t, bad)
	if _, err := Unpack(dir, sha, w, 0); err == nil || !strings.Contains(err.Error(), "hash") {
		t.Fatalf("Unpack of a wheel with a bad hash: %v", err)
	}
	if _, err := Lookup(dir, sha); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a tree was published: %v", err)
	}
	if l := leftovers(t, dir); len(l) != 0 {
		t.Errorf("temporary files left: %v", l)
	}
	// The root keeps only its tag (written when the cache was first used).
	if ents, _ := os.ReadDir(dir); len(ents) != 1 || ents[0].Name() != layout.TagName {
		t.Errorf("directories left in the cache: %v", ents)
	}
}

func TestPrune(t *testing.T) {
	dir := t.TempDir()
	sha := shaOf(t, demo)
	if _, err := Unpack(dir, sha, openWheel(t, demo), 0); err != nil {
		t.Fatal(err)
	}
	// A downloaded wheel for the same sha, an unrelated old wheel, an old
	// temporary directory and a fresh one.
	otherSHA := strings.Repeat("ab", 32)
	for _, p := range []string{
		filepath.Join(dir, layout.WheelsBucket, sha[:2], sha, "demo.whl"),
		filepath.Join(dir, layout.WheelsBucket, otherSHA[:2], otherSHA, "other.whl"),
		filepath.Join(dir, layout.UnpackedBucket, "zz", tmpPrefix+"old", "f"),
		filepath.Join(dir, layout.UnpackedBucket, "zz", tmpPrefix+"new", "f"),
	} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	old := now.Add(-60 * 24 * time.Hour)
	for _, p := range []string{
		filepath.Join(dir, layout.WheelsBucket, sha[:2], sha, "demo.whl"),
		filepath.Join(dir, layout.WheelsBucket, sha[:2], sha),
		filepath.Join(dir, layout.WheelsBucket, otherSHA[:2], otherSHA, "other.whl"),
		filepath.Join(dir, layout.WheelsBucket, otherSHA[:2], otherSHA),
		filepath.Join(dir, layout.UnpackedBucket, "zz", tmpPrefix+"old"),
	} {
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	st, err := Prune(dir, 30*24*time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	if st.Trees != 0 || st.Wheels != 1 || st.Temps != 1 {
		t.Errorf("first prune: %+v", st)
	}
	if _, err := Lookup(dir, sha); err != nil {
		t.Errorf("recently used tree pruned: %v", err)
	}
	if !exists(filepath.Join(dir, layout.WheelsBucket, sha[:2], sha, "demo.whl")) || exists(filepath.Join(dir, layout.WheelsBucket, otherSHA[:2], otherSHA)) {
		t.Error("wrong wheels pruned")
	}
	if !exists(filepath.Join(dir, layout.UnpackedBucket, "zz", tmpPrefix+"new")) {
		t.Error("a young temporary directory was removed")
	}
	// Later, nothing was used: the tree and its wheel go.
	st, err = Prune(dir, 30*24*time.Hour, now.Add(90*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if st.Trees != 1 || st.Wheels != 1 {
		t.Errorf("second prune: %+v", st)
	}
	if _, err := Lookup(dir, sha); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("tree still there: %v", err)
	}
}

func TestClean(t *testing.T) {
	dir := t.TempDir()
	if _, err := Unpack(dir, shaOf(t, demo), openWheel(t, demo), 0); err != nil {
		t.Fatal(err)
	}
	if err := Clean(dir); err != nil || exists(dir) {
		t.Fatalf("Clean: %v", err)
	}
	foreign := t.TempDir()
	if err := os.WriteFile(filepath.Join(foreign, "thesis.tex"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Clean(foreign); err == nil || !exists(foreign) {
		t.Errorf("Clean of a foreign directory: %v", err)
	}
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// TestChangedFileIsNoticed: a file written to in place (as through a hard
// link in __pypackages__) is not Unchanged any more, and Discard lets the
// next Unpack write the tree again.
func TestChangedFileIsNoticed(t *testing.T) {
	dir := t.TempDir()
	sha := shaOf(t, demo)
	tr, err := Unpack(dir, sha, openWheel(t, demo), 0)
	if err != nil {
		t.Fatal(err)
	}
	f0 := tr.Files()[0]
	stat := func() (int64, int64) {
		fi, err := os.Stat(tr.Path(f0.Name))
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size(), fi.ModTime().UnixNano()
	}
	if size, mtime := stat(); !tr.Unchanged(f0.Name, size, mtime) {
		t.Fatal("a fresh tree reads as changed")
	}
	f, err := os.OpenFile(tr.Path(f0.Name), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("#"); err != nil { // same size, new mtime
		t.Fatal(err)
	}
	f.Close()
	later := time.Now().Add(time.Second)
	if err := os.Chtimes(tr.Path(f0.Name), later, later); err != nil {
		t.Fatal(err)
	}
	if size, mtime := stat(); tr.Unchanged(f0.Name, size, mtime) {
		t.Fatal("an edited file reads as unchanged")
	}
	if err := tr.Discard(); err != nil {
		t.Fatal(err)
	}
	if exists(tr.Dir()) || len(leftovers(t, dir)) != 0 {
		t.Error("the discarded tree is still there")
	}
	tr, err = Unpack(dir, sha, openWheel(t, demo), 0)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := openWheel(t, demo).ReadFile(f0.Name)
	if got, _ := os.ReadFile(tr.Path(f0.Name)); string(got) != string(want) {
		t.Errorf("unpacked again: %q", got)
	}
}

// TestUnpackSizes: members of every size class (empty, pooled buffer,
// own buffer, streamed) come out as they went in, and the tree this
// process published says it is fresh while a tree looked up is not.
func TestUnpackSizes(t *testing.T) {
	spec := wheeltest.Spec{Name: "sizes", Version: "1.0"}
	sizes := []int{0, 1, smallBuf - 1, smallBuf, smallBuf + 1, maxBuffered - 1, maxBuffered, maxBuffered + 1}
	for i, n := range sizes {
		spec.Files = append(spec.Files, wheeltest.File{Path: fmt.Sprintf("sizes/f%d.bin", i), Content: strings.Repeat(string(rune('a'+i)), n)})
	}
	p, err := wheeltest.BuildFile(t.TempDir(), spec)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tr, err := Unpack(dir, shaOf(t, p), openWheel(t, p), 0)
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Fresh() {
		t.Error("a tree just unpacked is not fresh")
	}
	for i, n := range sizes {
		b, err := os.ReadFile(tr.Path(fmt.Sprintf("sizes/f%d.bin", i)))
		if err != nil || len(b) != n || strings.Trim(string(b), string(rune('a'+i))) != "" {
			t.Errorf("f%d: %d bytes, want %d (%v)", i, len(b), n, err)
		}
	}
	again, err := Lookup(dir, shaOf(t, p))
	if err != nil || again.Fresh() {
		t.Errorf("Lookup: fresh %v, %v", again != nil && again.Fresh(), err)
	}
}
