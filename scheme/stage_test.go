package scheme

import (
	"path"
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
