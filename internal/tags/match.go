package tags

// Matcher ranks tag sets against an interpreter's supported tags. It is
// built once from Supported and is safe for concurrent use.
type Matcher struct {
	rank map[Tag]int
	// pairs are the supported interpreter-ABI pairs, for FitsInterpreter.
	pairs map[[2]string]bool
}

// NewMatcher indexes supported, best first; a tag listed twice keeps its
// first (better) rank.
func NewMatcher(supported []Tag) *Matcher {
	m := &Matcher{rank: make(map[Tag]int, len(supported)), pairs: map[[2]string]bool{}}
	for i, t := range supported {
		if _, ok := m.rank[t]; !ok {
			m.rank[t] = i
		}
		m.pairs[[2]string{t.Interpreter, t.ABI}] = true
	}
	return m
}

// Rank returns the best rank among ts (lower is better); ok is false when
// no tag in ts is supported.
func (m *Matcher) Rank(ts []Tag) (rank int, ok bool) {
	rank = -1
	for _, t := range ts {
		if r, found := m.rank[t]; found && (rank < 0 || r < rank) {
			rank = r
		}
	}
	return rank, rank >= 0
}

// FitsInterpreter reports whether some tag of ts names a supported
// interpreter and ABI, whatever its platform: a universal lock keeps a
// version whose wheels fit the Python of an environment even when none
// is built for its platform (that is a missing wheel, reported apart).
func (m *Matcher) FitsInterpreter(ts []Tag) bool {
	for _, t := range ts {
		if m.pairs[[2]string{t.Interpreter, t.ABI}] {
			return true
		}
	}
	return false
}

// BestWheel returns the index of the best compatible wheel among filenames:
// the lowest rank, and among equal ranks the highest build tag (PEP 427:
// no build tag sorts first, then by the tag's leading number, then by the
// rest as a string), then the earliest in the list. Invalid file names are
// ignored. ok is false when none is compatible. It is the one wheel
// ranking: installs from an index, from a lock and download all use it.
func BestWheel(m *Matcher, filenames []string) (index int, ok bool) {
	wheels := make([]WheelName, len(filenames))
	for i, f := range filenames {
		wheels[i], _ = ParseWheelFilename(f) // invalid: no tags, never compatible
	}
	return BestParsedWheel(m, wheels)
}

// BestParsedWheel is BestWheel for names already parsed (a WheelName
// without tags, such as the zero one, is never compatible), for callers
// that parsed them to filter candidates.
func BestParsedWheel(m *Matcher, wheels []WheelName) (index int, ok bool) {
	best, bestRank := -1, 0
	for i, w := range wheels {
		r, compatible := m.Rank(w.Tags)
		if !compatible {
			continue
		}
		if best < 0 || r < bestRank || r == bestRank && compareBuild(w, wheels[best]) > 0 {
			best, bestRank = i, r
		}
	}
	return best, best >= 0
}
