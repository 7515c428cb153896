package scheme

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// nsWheels are two distributions sharing the namespace directory ns/.
func nsWheels() []Job {
	return []Job{
		{Source: &memSource{project: "ns-a", version: "1", files: []memFile{{name: "ns/a/__init__.py", data: "A\n"}, {name: "ns/a/sub/x.py", data: "x\n"}}}},
		{Source: &memSource{project: "ns-b", version: "1", files: []memFile{{name: "ns/b/__init__.py", data: "B\n"}, {name: "top.py", data: "t\n"}}}},
		{Source: fooWheel("1.0"), Requested: true},
	}
}

// TestCommitRenamesNewDirectoriesWhole checks that a fresh install moves
// each new directory with one rename, and that a crash after any rename is
// finished by Recover into the same tree as an uninterrupted install.
func TestCommitRenamesNewDirectoriesWhole(t *testing.T) {
	info := testInfo()
	ref := newProject(t, info)
	renames := 0
	rs, err := InstallAll(context.Background(), ref, info, nsWheels(), InstallOptions{testHookAfterRename: func(n int) error { renames = n; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	for _, r := range rs {
		files += len(r.Files)
	}
	// ns/ is shared, so ns/a and ns/b move whole; foo/, each .dist-info,
	// include/foo-bar, share/ too; top.py and bin/ scripts one by one.
	if renames == 0 || renames >= files {
		t.Errorf("%d renames for %d files, want whole directories moved", renames, files)
	}
	want := tree(t, ref.Target)
	for n := 1; n <= renames; n++ {
		p := newProject(t, info)
		_, err := InstallAll(context.Background(), p, info, nsWheels(), InstallOptions{testHookAfterRename: func(k int) error {
			if k == n {
				return errCrash
			}
			return nil
		}})
		if !errors.Is(err, errCrash) {
			t.Fatalf("crash after rename %d: %v", n, err)
		}
		if err := Recover(p); err != nil {
			t.Fatalf("Recover after rename %d: %v", n, err)
		}
		if got := tree(t, p.Target); !equalLines(got, want) {
			t.Errorf("after crash at rename %d and Recover:\n%s\nwant:\n%s", n, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		for _, name := range []string{"ns-a", "ns-b", "foo-bar"} {
			d := findDist(t, p, name)
			if d == nil {
				t.Fatalf("after crash at rename %d: %s missing", n, name)
			}
			if probs := d.Verify(); len(probs) != 0 {
				t.Errorf("after crash at rename %d: %s: %v", n, name, probs)
			}
		}
	}
}

// TestRecoverMergesDirectoryThatAppeared: a directory the plan meant to
// move whole exists when the journal is rolled forward; its staged
// content is merged into it.
func TestRecoverMergesDirectoryThatAppeared(t *testing.T) {
	info := testInfo()
	p := newProject(t, info)
	src := &memSource{project: "m", version: "1", files: []memFile{{name: "a/x.py", data: "x\n"}, {name: "b/y.py", data: "y\n"}, {name: "b/c/z.py", data: "z\n"}}}
	_, err := Install(context.Background(), p, info, src, InstallOptions{testHookAfterRename: func(int) error { return errCrash }})
	if !errors.Is(err, errCrash) {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(p.Lib, "b", "c"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(p.Lib, "b", "other.txt"), []byte("kept"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Recover(p); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"a/x.py", "b/y.py", "b/c/z.py", "b/other.txt"} {
		if !exists(filepath.Join(p.Lib, filepath.FromSlash(f))) {
			t.Errorf("%s missing after merge", f)
		}
	}
	if probs := findDist(t, p, "m").Verify(); len(probs) != 0 {
		t.Error(probs)
	}
}

// diskSource is a memSource whose files also exist on disk: a LinkSource.
type diskSource struct {
	*memSource
	dir string
}

func newDiskSource(t testing.TB, m *memSource) *diskSource {
	t.Helper()
	d := &diskSource{memSource: m, dir: filepath.Join(t.TempDir(), "tree")}
	for _, f := range m.allFiles() {
		name := filepath.Join(d.dir, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		perm := os.FileMode(0o644)
		if f.mode&0o111 != 0 {
			perm = 0o755
		}
		if err := os.WriteFile(name, []byte(f.data), perm); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func (d *diskSource) Path(name string) string { return filepath.Join(d.dir, filepath.FromSlash(name)) }

// digest hashes every file (name, mode, content) under dir.
func digest(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		fi, err := e.Info()
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
		lines = append(lines, p+" "+fi.Mode().String()+" "+hex.EncodeToString(h.Sum(nil)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// TestLinkModes installs a LinkSource in each mode: the result is the same
// tree as a streamed install, hard links share the source's inodes,
// rewritten files never do, and no operation of pkginstall (install,
// upgrade, reinstall, uninstall) changes the source tree.
func TestLinkModes(t *testing.T) {
	info := testInfo()
	v1, v2 := newDiskSource(t, fooWheel("1.0")), newDiskSource(t, fooWheel("2.0"))
	before1, before2 := digest(t, v1.dir), digest(t, v2.dir)
	ref := newProject(t, info)
	mustInstall(t, ref, info, fooWheel("1.0"), InstallOptions{})
	refDigest := strings.ReplaceAll(digest(t, ref.Target), ref.Target, "")

	for _, mode := range []LinkMode{LinkAuto, LinkHardlink, LinkCopy, LinkClone} {
		t.Run(cmp.Or(string(mode), "auto"), func(t *testing.T) {
			p := newProject(t, info)
			opts := InstallOptions{LinkMode: mode}
			_, err := Install(context.Background(), p, info, v1, opts)
			if mode == LinkClone && err != nil {
				if !linkUnsupported(errors.Unwrap(errors.Unwrap(err))) && !strings.Contains(err.Error(), "clone") {
					t.Fatal(err)
				}
				t.Skipf("no reflinks here: %v", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.ReplaceAll(digest(t, p.Target), p.Target, ""); got != refDigest {
				t.Errorf("tree differs from a streamed install:\n%s\nwant:\n%s", got, refDigest)
			}
			same := func(rel, src string) bool {
				a, err1 := os.Stat(filepath.Join(p.Target, rel))
				b, err2 := os.Stat(v1.Path(src))
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				return os.SameFile(a, b)
			}
			if got := same("lib/foo/__init__.py", "foo/__init__.py"); got != (mode == LinkHardlink) && mode != LinkAuto {
				t.Errorf("hard link: %v", got)
			}
			if same("bin/foo-tool", "foo_bar-1.0.data/scripts/foo-tool") {
				t.Error("a rewritten script shares the source's inode")
			}
			mustInstall(t, p, info, v2, opts)                                                               // upgrade
			mustInstall(t, p, info, v1, opts)                                                               // downgrade
			if _, err := InstallAll(context.Background(), p, info, []Job{{Source: v1}}, opts); err != nil { // reinstall
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(p.Lib, "foo", "__pycache__.txt"), nil, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := Uninstall(context.Background(), p, "foo-bar"); err != nil {
				t.Fatal(err)
			}
			if digest(t, v1.dir) != before1 || digest(t, v2.dir) != before2 {
				t.Error("pkginstall changed the source tree")
			}
		})
	}
}

func TestParseLinkMode(t *testing.T) {
	for in, want := range map[string]LinkMode{"": LinkAuto, "auto": LinkAuto, "clone": LinkClone, "hardlink": LinkHardlink, "copy": LinkCopy, "symlink": LinkSymlink} {
		if got, err := ParseLinkMode(in); err != nil || got != want {
			t.Errorf("ParseLinkMode(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseLinkMode("reflink"); err == nil {
		t.Error("reflink accepted")
	}
}

// bigSource is a wheel of 2000 small files in nested directories.
func bigSource() *memSource {
	src := &memSource{project: "big", version: "1"}
	for i := 0; i < 2000; i++ {
		src.files = append(src.files, memFile{name: "big/d" + strings.Repeat("d", i%7) + "/m" + strings.Repeat("x", i%13) + "_" + itoa(i) + ".py", data: strings.Repeat("# line\n", 200)})
	}
	return src
}

// BenchmarkInstallLinked stages and commits a 2000-file LinkSource into a
// fresh target in each link mode.
func BenchmarkInstallLinked(b *testing.B) {
	src := newDiskSource(b, bigSource())
	info := testInfo()
	for _, mode := range []LinkMode{LinkHardlink, LinkCopy, LinkClone} {
		b.Run(string(mode), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				p, _ := NewPaths(b.TempDir(), info, LayoutVersion)
				b.StartTimer()
				if _, err := Install(context.Background(), p, info, src, InstallOptions{LinkMode: mode}); err != nil {
					b.Skip(err)
				}
			}
		})
	}
}

// BenchmarkReinstall replaces an installed 2000-file wheel by itself:
// every file goes through the per-file rename path.
func BenchmarkReinstall(b *testing.B) {
	src := bigSource()
	info := testInfo()
	p, _ := NewPaths(b.TempDir(), info, LayoutVersion)
	if _, err := Install(context.Background(), p, info, src, InstallOptions{}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Install(context.Background(), p, info, src, InstallOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// checkedSource is a diskSource that reports one member as changed.
type checkedSource struct {
	*diskSource
	changed string
}

func (c *checkedSource) Unchanged(name string, size, mtime int64) bool { return name != c.changed }

func TestChangedLinkSourceIsRefused(t *testing.T) {
	info := testInfo()
	p := newProject(t, info)
	mustInstall(t, p, info, fooWheel("1.0"), InstallOptions{})
	before := tree(t, p.Target)
	src := &checkedSource{diskSource: newDiskSource(t, fooWheel("2.0")), changed: "foo/__init__.py"}
	_, err := Install(context.Background(), p, info, src, InstallOptions{})
	var sce *SourceChangedError
	if !errors.As(err, &sce) || sce.Member != "foo/__init__.py" || sce.Path != src.Path("foo/__init__.py") {
		t.Fatalf("install from a changed source: %v", err)
	}
	if after := tree(t, p.Target); !equalLines(before, after) {
		t.Errorf("the target changed:\n%v\n%v", before, after)
	}
	src.changed = ""
	mustInstall(t, p, info, src, InstallOptions{})
}
