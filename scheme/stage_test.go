package scheme

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestComparePathsDepthFirst: mkdirs needs every directory right after
// its parent's subtree began and before the parent's next sibling, which
// a plain byte order breaks ("a-b" sorts between "a" and "a/b").
func TestComparePathsDepthFirst(t *testing.T) {
	paths := []string{"a/b/c", "a-b", "a", "a/b", "a.b/c", "a.b", "ab", "a/b-c", "a/b/c/d", "a/bc", "b", "a/b.c/d", "a/b.c", "é/x", "é", "z/0"}
	slices.SortFunc(paths, comparePaths)
	// The reference: "/" below every other byte.
	want := slices.Clone(paths)
	slices.SortFunc(want, func(x, y string) int {
		return strings.Compare(strings.ReplaceAll(x, "/", "\x00"), strings.ReplaceAll(y, "/", "\x00"))
	})
	if !slices.Equal(paths, want) {
		t.Fatalf("order %q, want %q", paths, want)
	}
	// Depth first: once a directory's subtree ends it never comes back.
	done := map[string]bool{}
	var open []string
	for _, p := range paths {
		for len(open) > 0 && !strings.HasPrefix(p, open[len(open)-1]+"/") {
			done[open[len(open)-1]] = true
			open = open[:len(open)-1]
		}
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			if done[d] {
				t.Fatalf("%s comes after the subtree of %s ended: %q", p, d, paths)
			}
		}
		open = append(open, p)
	}
	for _, c := range [][2]string{{"a", "a"}, {"a", "a/b"}, {"a/b", "a-b"}, {"a/b", "a"}} {
		got := comparePaths(c[0], c[1])
		ref := strings.Compare(strings.ReplaceAll(c[0], "/", "\x00"), strings.ReplaceAll(c[1], "/", "\x00"))
		if got != ref {
			t.Errorf("comparePaths(%q, %q) = %d, want %d", c[0], c[1], got, ref)
		}
	}
}

// TestHardLinksFromManySourceDirectories: a staging directory whose files
// come from several directories of the source, interleaved (the wheel's
// root and its .data/purelib both fill lib/mix/), gets each file linked
// from its own source file; a source file that went missing fails the
// install naming it, and leaves the target as it was.
func TestHardLinksFromManySourceDirectories(t *testing.T) {
	info := testInfo()
	m := &memSource{project: "mix", version: "1"}
	for i := range 40 {
		name := "mix/a" + itoa(i) + ".py"
		if i%2 == 1 {
			name = m.DataDir() + "/purelib/mix/b" + itoa(i) + ".py"
		}
		if i%5 == 0 {
			name = "mix/sub/c" + itoa(i) + ".py"
		}
		m.files = append(m.files, memFile{name: name, data: "x = " + itoa(i) + "\n"})
	}
	src := newDiskSource(t, m)
	p := newProject(t, info)
	if _, err := Install(context.Background(), p, info, src, InstallOptions{LinkMode: LinkHardlink}); err != nil {
		t.Fatal(err)
	}
	for _, f := range m.files {
		dest := strings.TrimPrefix(f.name, m.DataDir()+"/purelib/")
		a, err1 := os.Stat(filepath.Join(p.Lib, filepath.FromSlash(dest)))
		b, err2 := os.Stat(src.Path(f.name))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !os.SameFile(a, b) {
			t.Errorf("%s is not a hard link of %s", dest, f.name)
		}
	}

	// Reinstalling from a source that lost a file fails before any change.
	before := tree(t, p.Target)
	gone := src.Path(m.DataDir() + "/purelib/mix/b7.py")
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	_, err := Install(context.Background(), p, info, src, InstallOptions{LinkMode: LinkHardlink})
	if err == nil || !strings.Contains(err.Error(), gone) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("install with a source file missing: %v", err)
	}
	if after := tree(t, p.Target); !equalLines(before, after) {
		t.Errorf("the target changed:\n%v\n%v", before, after)
	}
}

// TestDiskCheckStat: what the commit check finds where a run installs, for
// each kind of entry (the answers stat gave when it took three lookups
// per entry).
func TestDiskCheckStat(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	for _, d := range []string{"lib/pkg", "lib/inside"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"lib/file", "lib/gone"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, to := range map[string]string{"lib/in": "inside", "lib/out": outside, "lib/dangling": "nothing", "lib/tofile": "file", "lib/old": outside} {
		if err := os.Symlink(to, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	c := newDiskCheck(root, map[string]bool{"lib/gone": true, "lib/old": true})
	for d, want := range map[string]string{
		"lib/pkg":      "present",
		"lib/missing":  "missing",
		"lib/file":     "error: lib/file is a file",
		"lib/gone":     "removed",
		"lib/in":       "present",
		"lib/out":      "error: lib/out is a symbolic link out of the target",
		"lib/dangling": "error: lib/dangling is a symbolic link out of the target",
		"lib/tofile":   "error: lib/tofile is a file",
		"lib/old":      "removed",
	} {
		st := c.stat(d)
		got := [...]string{dirPresent: "present", dirMissing: "missing", dirRemoved: "removed"}[st.kind]
		if st.err != nil {
			got = "error: " + st.err.Error()
		}
		if !strings.HasPrefix(got, want) {
			t.Errorf("stat(%s) = %s, want %s", d, got, want)
		}
	}
}

// TestParentDir: parentDir is path.Dir on the clean relative paths it is
// given, and results' absolute paths are filepath.Join's.
func TestParentDir(t *testing.T) {
	for _, p := range []string{"a", "a/b", "a/b/c.py", ".pkginstall-staging/x/0/lib/a", "lib/é/ü.py"} {
		if got, want := parentDir(p), path.Dir(p); got != want {
			t.Errorf("parentDir(%q) = %q, want %q", p, got, want)
		}
	}
	info := testInfo()
	p := newProject(t, info)
	rs, err := Install(context.Background(), p, info, fooWheel("1.0"), InstallOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs.Files) == 0 {
		t.Fatal("no files")
	}
	for _, f := range rs.Files {
		rel, err := filepath.Rel(p.Target, f)
		if err != nil || filepath.Join(p.Target, rel) != f || !filepath.IsAbs(f) {
			t.Errorf("file %q is not a clean absolute path under %s", f, p.Target)
		}
		if _, err := os.Lstat(f); err != nil {
			t.Error(err)
		}
	}
}

// TestCheckJoinedDest: for a member name already found valid, the check
// of lib/<name> without validating the name again answers as checkDest.
func TestCheckJoinedDest(t *testing.T) {
	names := []string{"a.py", "pkg/sub/m.py", "é/ü.py", ".pkginstall-x", "a/../b", "./a", "a//b", "a\\b", "a\x01b", "\xff", "", "."}
	for _, dir := range []string{"lib", ".pkginstall", "lib/../x", "", "l\x00b", "a/b"} {
		for _, name := range names {
			if validName(name) != nil {
				continue // the caller refused it already
			}
			dest := dir + "/" + name
			got, want := checkJoinedDest(dest, dir, name), checkDest(dest)
			if (got == nil) != (want == nil) {
				t.Errorf("checkJoinedDest(%q) = %v, checkDest = %v", dest, got, want)
			}
		}
	}
	if checkJoinedDest("lib/x", "lib", "y") == nil && checkDest("lib/x") != nil {
		t.Error("a dest that is not dir/name skipped the check")
	}
}
