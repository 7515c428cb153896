package pep440

import (
	"regexp"
	"sort"
	"strings"
)

// InvalidSpecifierError reports a string that is not a PEP 440 specifier
// (or a specifier set containing one).
type InvalidSpecifierError struct {
	Input string // the offending clause
}

func (e *InvalidSpecifierError) Error() string {
	return "invalid specifier " + quote(e.Input)
}

// specifier is one clause of a set.
type specifier struct {
	op       string // ~= == != <= >= < > ===
	ver      string // version text as written (stripped), e.g. "1.0.*"
	v        Version
	wildcard bool // ver ends in ".*"
	hasLocal bool
	parsed   bool // v is valid (always, except for === on a non-version)
}

func (s specifier) String() string { return s.op + s.ver }

// canonical is the identity packaging uses to deduplicate clauses.
func (s specifier) canonical() string {
	if s.op == "===" || s.wildcard {
		return s.op + s.ver
	}
	if s.op == "~=" {
		return s.op + s.v.String()
	}
	p := s.v.parts()
	for len(p.release) > 1 && p.release[len(p.release)-1] == "0" {
		p.release = p.release[:len(p.release)-1]
	}
	return s.op + p.build().String()
}

// prereleases is packaging's Specifier.prereleases: whether the clause
// names a pre-release ("!=" and "==X.*" never do).
func (s specifier) prereleases() bool {
	if s.op == "!=" || (s.op == "==" && s.wildcard) {
		return false
	}
	return s.parsed && s.v.IsPrerelease()
}

var specRegexp = regexp.MustCompile(buildSpecPattern())

// buildSpecPattern is packaging's Specifier regex, written for RE2:
// Python's Unicode \s spelled out, IGNORECASE spelled out per letter.
func buildSpecPattern() string {
	const wsClass = `\t-\r\x1c-\x20\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}`
	ws := `[` + wsClass + `]`
	ci := func(words ...string) string {
		var alts []string
		for _, w := range words {
			var b strings.Builder
			for _, c := range w {
				b.WriteString("[" + string(c) + strings.ToUpper(string(c)) + "]")
			}
			alts = append(alts, b.String())
		}
		return "(?:" + strings.Join(alts, "|") + ")"
	}
	sep := `[-_.]`
	pre := `(?:` + sep + `?` + ci("alpha", "beta", "preview", "pre", "a", "b", "c", "rc") + sep + `?[0-9]*)?`
	post := `(?:-[0-9]+|` + sep + `?` + ci("post", "rev", "r") + sep + `?[0-9]*)?`
	dev := `(?:` + sep + `?` + ci("dev") + sep + `?[0-9]*)?`
	local := `(?:\+[a-zA-Z0-9]+(?:[-_.][a-zA-Z0-9]+)*)?`
	release := `(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*`
	arbitrary := `===` + ws + `*[^` + wsClass + `;)]*`
	equal := `(?:==|!=)` + ws + `*[vV]?` + release + `(?:\.\*|` + pre + post + dev + local + `)?`
	compatible := `~=` + ws + `*[vV]?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)+` + pre + post + dev
	ordered := `(?:<=|>=|<|>)` + ws + `*[vV]?` + release + pre + post + dev
	return `^` + ws + `*(?:` + arbitrary + `|` + equal + `|` + compatible + `|` + ordered + `)` + ws + `*$`
}

// parseSpecifier parses one clause.
func parseSpecifier(in string) (specifier, error) {
	if !specRegexp.MatchString(in) {
		return specifier{}, &InvalidSpecifierError{Input: in}
	}
	s := pyStrip(in)
	var sp specifier
	switch {
	case strings.HasPrefix(s, "==="):
		sp.op = "==="
	case strings.HasPrefix(s, "~="), strings.HasPrefix(s, "=="), strings.HasPrefix(s, "!="),
		strings.HasPrefix(s, "<="), strings.HasPrefix(s, ">="):
		sp.op = s[:2]
	default:
		sp.op = s[:1]
	}
	sp.ver = pyStrip(s[len(sp.op):])
	vs := sp.ver
	if sp.op != "===" && strings.HasSuffix(vs, ".*") {
		sp.wildcard = true
		vs = vs[:len(vs)-2]
	}
	v, err := Parse(vs)
	if err == nil {
		sp.v, sp.parsed = v, true
		sp.hasLocal = strings.Contains(vs, "+")
	} else if sp.op != "===" {
		return specifier{}, &InvalidSpecifierError{Input: in}
	}
	return sp, nil
}

// SpecifierSet is a parsed, comma-separated list of PEP 440 version
// specifiers; a version matches when it matches every clause. The zero
// SpecifierSet (like ParseSpecifierSet("")) matches every version.
type SpecifierSet struct {
	specs     []specifier
	rng       Range    // intersection of the non-=== clauses
	arbitrary []string // === operands as written
}

// ParseSpecifierSet parses s, a comma-separated list of specifiers with
// optional whitespace around each. Empty clauses are ignored, so "" yields
// the set that matches everything.
func ParseSpecifierSet(s string) (SpecifierSet, error) {
	set := SpecifierSet{rng: Full()}
	for _, item := range strings.Split(s, ",") {
		item = pyStrip(item)
		if item == "" {
			continue
		}
		sp, err := parseSpecifier(item)
		if err != nil {
			return SpecifierSet{}, err
		}
		set.specs = append(set.specs, sp)
		if sp.op == "===" {
			set.arbitrary = append(set.arbitrary, sp.ver)
			continue
		}
		set.rng = set.rng.Intersect(sp.ranges())
	}
	return set, nil
}

// String returns the clauses sorted and deduplicated, joined by ",", as
// packaging's str(SpecifierSet) ("!=1.0.1,>=1.0").
func (s SpecifierSet) String() string {
	strs := make([]string, len(s.specs))
	idx := make([]int, len(s.specs))
	for i, sp := range s.specs {
		strs[i] = sp.String()
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return strs[idx[a]] < strs[idx[b]] })
	seen := make(map[string]bool, len(idx))
	out := make([]string, 0, len(idx))
	for _, i := range idx {
		c := s.specs[i].canonical()
		if seen[c] {
			continue
		}
		seen[c] = true
		out = append(out, strs[i])
	}
	return strings.Join(out, ",")
}

// Len returns the number of clauses.
func (s SpecifierSet) Len() int { return len(s.specs) }

// HasPrerelease reports whether a clause names a pre-release, as packaging's
// SpecifierSet.prereleases: true when any clause other than "!=" or "==X.*"
// has a pre- or dev-release version.
func (s SpecifierSet) HasPrerelease() bool {
	for _, sp := range s.specs {
		if sp.prereleases() {
			return true
		}
	}
	return false
}

// Contains reports whether v satisfies every clause. With prereleases
// false, pre- and dev-releases never match; with true, plain PEP 440
// membership is tested.
func (s SpecifierSet) Contains(v Version, prereleases bool) bool {
	if !prereleases && v.IsPrerelease() {
		return false
	}
	for _, a := range s.arbitrary {
		// PEP 440: "===" is plain string equality with the version as
		// written (ignoring case), not with its normalised form.
		if !strings.EqualFold(a, v.Text()) {
			return false
		}
	}
	if len(s.specs) == 0 {
		return true
	}
	return s.rng.Contains(v)
}

// Filter selects candidates as packaging's SpecifierSet.filter does with
// prereleases=None: the versions in the set, in their original order, but
// pre-releases only when a clause names one (HasPrerelease) or when no
// final release matches.
func (s SpecifierSet) Filter(vs []Version) []Version {
	out := make([]Version, 0, len(vs))
	if s.HasPrerelease() {
		for _, v := range vs {
			if s.Contains(v, true) {
				out = append(out, v)
			}
		}
		return out
	}
	var pres []Version
	for _, v := range vs {
		if !s.Contains(v, true) {
			continue
		}
		if v.IsPrerelease() {
			if len(out) == 0 {
				pres = append(pres, v)
			}
			continue
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		out = append(out, pres...)
	}
	return out
}

// Range returns the set of versions the specifier set contains, so that
// s.Range().Contains(v) == s.Contains(v, true) for every v. The one
// exception is "===X", which compares the text a version was written
// with, which a Range (a set of versions under Compare) cannot see: it
// becomes Exactly(X) when X is a version (a superset of what the clause
// matches: "===1.0" also lets in "v1.0" and "1.0.0"), Empty otherwise.
// Callers that hold version texts (a candidate list) filter them with
// Contains, which is exact.
func (s SpecifierSet) Range() Range {
	if len(s.specs) == 0 {
		return Full()
	}
	r := s.rng
	for _, a := range s.arbitrary {
		v, err := Parse(a)
		if err != nil {
			return Empty()
		}
		r = r.Intersect(Exactly(v))
	}
	return r
}

// HasArbitrary reports whether a clause is "===" (arbitrary equality),
// whose Range is wider than Contains; see Range.
func (s SpecifierSet) HasArbitrary() bool { return len(s.arbitrary) > 0 }
