// Package suggest owns "did you mean": the closest of some known names to
// a mistyped one (a command, a flag, a package on the index), or nothing
// when none is close enough to be a typo.
//
// Rule: a name is a suggestion when its edit distance (insertions,
// deletions, substitutions and swaps of neighbours, ignoring case) is at
// most a third of the typed name's length (at least 1, at most 3); the
// closest wins, ties go to the earlier name.
package suggest

import "strings"

// Closest returns the known name closest to typed, or "" when none is
// close enough (or typed is itself known).
func Closest(typed string, known []string) string {
	t := strings.ToLower(typed)
	if t == "" {
		return ""
	}
	limit := min(max(len([]rune(t))/3, 1), 3)
	best, bestD := "", limit+1
	for _, k := range known {
		if strings.ToLower(k) == t {
			return ""
		}
		if d := distance(t, strings.ToLower(k), limit); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// distance is the optimal string alignment distance of a and b, or more
// than limit as soon as it must be.
func distance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
