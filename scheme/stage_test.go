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
