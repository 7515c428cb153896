package installer

import (
	"slices"
	"testing"

	"github.com/pkginstall/pkginstall/index"
	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pylock"
	"github.com/pkginstall/pkginstall/internal/tags"
)

// TestIndexAndLockPickTheSameWheel: wheels that differ only in their build
// tag are ranked by one rule (tags.BestWheel, PEP 427) whether they come
// from an index page or from a lock, in any order. Before, the index
// compared the leading numbers only (so 2abc tied with 2) and the lock
// ignored build tags (taking the first listed).
func TestIndexAndLockPickTheSameWheel(t *testing.T) {
	m := tags.NewMatcher([]tags.Tag{{Interpreter: "cp311", ABI: "cp311", Platform: "linux_x86_64"}, {Interpreter: "py3", ABI: "none", Platform: "any"}})
	v := pep440.MustParse("1.0")
	for _, tt := range []struct {
		builds []string
		want   string
	}{
		{[]string{"1", "10", "2abc"}, "10"},
		{[]string{"2abc", "1", "10"}, "10"},
		{[]string{"2", "2abc", "1"}, "2abc"},
		{[]string{"2abc", "2"}, "2abc"},
		{[]string{"", "1"}, "1"},
		{[]string{"09", "10"}, "10"},
	} {
		for _, order := range [][]string{tt.builds, reversed(tt.builds)} {
			var cands []*Candidate
			var wheels []pylock.Wheel
			for _, b := range order {
				fn := "demo-1.0-py3-none-any.whl"
				if b != "" {
					fn = "demo-1.0-" + b + "-py3-none-any.whl"
				}
				cands = append(cands, &Candidate{Name: "demo", Version: v, File: index.File{Filename: fn}})
				wheels = append(wheels, pylock.Wheel{Name: fn})
			}
			fromIndex, _ := tags.ParseWheelFilename(bestCandidate(m, cands).File.Filename)
			fromLock, _ := tags.ParseWheelFilename(bestLocked(m, wheels).FileName())
			if fromIndex.Build != tt.want || fromLock.Build != tt.want {
				t.Errorf("builds %q: index picks %q, lock picks %q, want %q", order, fromIndex.Build, fromLock.Build, tt.want)
			}
		}
	}
}

func reversed(s []string) []string {
	r := slices.Clone(s)
	slices.Reverse(r)
	return r
}
