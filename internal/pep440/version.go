package pep440

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Version is a parsed PEP 440 version. It is an immutable value: it may be
// copied, compared with Compare and used as a map key (two Versions are ==
// only when they were parsed from the same text; 1.0, 1.0.0 and v1.0 are
// equal under Compare but not ==).
//
// A Version keeps the text it was parsed from (Text), because arbitrary
// equality ("===") compares that text, not the normalised version.
//
// The zero Version is not a valid version; obtain one from Parse or MustParse.
type Version struct {
	s    string // canonical form, as packaging's str(Version)
	text string // the text parsed, surrounding whitespace removed; "" when it is s
	key  string // byte-comparable sort key (see appendKey)
	// Offsets into key: end of the pre section (so key[:preEnd] is
	// epoch, release and pre-release) and end of the dev section (start of
	// the local label).
	preEnd, devEnd int32
	flags          uint8
}

const (
	flagPre uint8 = 1 << iota
	flagPost
	flagDev
	flagLocal
)

// InvalidVersionError reports a string that is not a PEP 440 version.
type InvalidVersionError struct {
	Input string
}

func (e *InvalidVersionError) Error() string {
	return "invalid version " + quote(e.Input)
}

// parts is a version split into its normalised components. Numbers are
// decimal digit strings without leading zeros ("0" for zero), so any size
// is exact.
type parts struct {
	epoch   string
	release []string
	preL    string // "", "a", "b" or "rc"
	preN    string
	post    string // "" when absent
	dev     string // "" when absent
	local   []localSeg
	hasPost bool
	hasDev  bool
}

type localSeg struct {
	s     string // lower-cased text, or digits without leading zeros
	isNum bool
}

// Parse parses s as packaging's Version does: surrounding whitespace,
// upper case and a leading "v" are accepted, alternative spellings are
// normalised (alpha -> a, c/pre/preview -> rc, rev/r/-N -> post, missing
// numbers -> 0, local separators -> "."). It makes one allocation; input
// already in canonical form takes a single-pass fast path.
func Parse(s string) (Version, error) {
	if v, ok := parseCanonical(s); ok {
		return v, nil
	}
	return parseGeneral(s)
}

// parseGeneral is Parse for any input (see parseCanonical for the fast path).
func parseGeneral(s string) (Version, error) {
	var relBuf [8]string
	p, ok := scanParts(s, relBuf[:0])
	if !ok {
		return Version{}, &InvalidVersionError{Input: s}
	}
	v := p.build()
	if t := pyStrip(s); t != v.s {
		v.text = t
	}
	return v, nil
}

// IsVersion reports whether s is a version as a file name carries one:
// Parse accepts it and it has no surrounding whitespace. It checks the
// grammar without building the Version (wheel file names are checked for
// every file of an index page, most of which are never parsed further).
func IsVersion(s string) bool {
	if len(trimSpace(s)) != len(s) {
		return false
	}
	var relBuf [8]string
	_, ok := scanParts(s, relBuf[:0])
	return ok
}

// MustParse is like Parse but panics if s is not a valid version. It is meant
// for constants and tests, never for outside input.
func MustParse(s string) Version {
	v, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

// String returns the canonical form: epoch only when non-zero, release as
// written (trailing zeros kept, leading zeros dropped), pre as a/b/rc,
// ".postN", ".devN", "+local" lower-cased with "." separators.
func (v Version) String() string { return v.s }

// Text returns the version as it was written, without surrounding
// whitespace ("v1.0", "1.01", "1.0.0"): what "===" compares.
func (v Version) Text() string {
	if v.text != "" {
		return v.text
	}
	return v.s
}

// Compare returns a negative number when v sorts before w, zero when they are
// equal under PEP 440 (1.0 == 1.0.0) and a positive number otherwise.
func (v Version) Compare(w Version) int { return strings.Compare(v.key, w.key) }

// IsPrerelease reports whether v is a pre-release or a development release.
func (v Version) IsPrerelease() bool { return v.flags&(flagPre|flagDev) != 0 }

// IsPostrelease reports whether v has a post-release segment.
func (v Version) IsPostrelease() bool { return v.flags&flagPost != 0 }

// IsDevrelease reports whether v has a development segment.
func (v Version) IsDevrelease() bool { return v.flags&flagDev != 0 }

// Local returns the normalised local label ("" when there is none).
func (v Version) Local() string {
	if i := strings.IndexByte(v.s, '+'); i >= 0 {
		return v.s[i+1:]
	}
	return ""
}

// Public returns v without its local label.
func (v Version) Public() Version {
	if v.flags&flagLocal == 0 {
		return v
	}
	w := v
	w.s = v.s[:strings.IndexByte(v.s, '+')]
	w.text = ""
	w.key = v.key[:v.devEnd]
	w.flags &^= flagLocal
	return w
}

// parts recovers the components of v (v is canonical, so this cannot fail).
func (v Version) parts() parts {
	p, _ := scanParts(v.s, nil)
	return p
}

// pyIsSpace reports whether r is whitespace for Python's str.isspace and
// the re module's \s.
func pyIsSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// pyStrip removes leading and trailing Python whitespace.
func pyStrip(s string) string {
	return strings.TrimFunc(s, pyIsSpace)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool {
	return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z')
}
func isSep(c byte) bool { return c == '.' || c == '-' || c == '_' }

// trimSpace is pyStrip with an ASCII fast path.
func trimSpace(s string) string {
	for len(s) > 0 {
		c := s[0]
		if c < utf8.RuneSelf {
			if c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f) {
				s = s[1:]
				continue
			}
			break
		}
		r, n := utf8.DecodeRuneInString(s)
		if !pyIsSpace(r) {
			break
		}
		s = s[n:]
	}
	for len(s) > 0 {
		c := s[len(s)-1]
		if c < utf8.RuneSelf {
			if c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f) {
				s = s[:len(s)-1]
				continue
			}
			break
		}
		r, n := utf8.DecodeLastRuneInString(s)
		if !pyIsSpace(r) {
			break
		}
		s = s[:len(s)-n]
	}
	return s
}

// matchWord reports whether s[i:] starts with word (ASCII, any case).
func matchWord(s string, i int, word string) bool {
	if len(s)-i < len(word) {
		return false
	}
	for j := 0; j < len(word); j++ {
		if s[i+j]|0x20 != word[j] {
			return false
		}
	}
	return true
}

// digits returns the end of the run of ASCII digits starting at i.
func digits(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// normNum strips leading zeros ("" and "000" become "0").
func normNum(d string) string {
	for len(d) > 1 && d[0] == '0' {
		d = d[1:]
	}
	if d == "" {
		return "0"
	}
	return d
}

var preWords = [...]struct{ word, norm string }{
	{"alpha", "a"}, {"a", "a"}, {"beta", "b"}, {"b", "b"},
	{"preview", "rc"}, {"pre", "rc"}, {"c", "rc"}, {"rc", "rc"},
}

var postWords = [...]string{"post", "rev", "r"}

// scanParts implements packaging's VERSION_PATTERN (Python 3.11+ form,
// whose possessive quantifiers make a single left-to-right pass exact).
// Release numbers are appended to rel. (Everything is returned by value so
// that Parse can keep its buffers on the stack.)
func scanParts(in string, rel []string) (p parts, ok bool) {
	s := trimSpace(in)
	i := 0
	p.epoch, p.release, i, ok = scanRelease(s, rel)
	if !ok {
		return p, false
	}
	i = p.scanPre(s, i)
	i = p.scanPost(s, i)
	i = p.scanDev(s, i)
	p.local, i = scanLocal(s, i, p.local)
	return p, i == len(s)
}

// scanRelease reads an optional "v", the epoch and the release numbers
// (appended to rel) and returns where they end. It returns rel rather than
// storing it through a pointer, so that a caller's stack buffer stays on
// the stack.
func scanRelease(s string, rel []string) (epoch string, _ []string, end int, ok bool) {
	i := 0
	if i < len(s) && s[i]|0x20 == 'v' {
		i++
	}
	j := digits(s, i)
	if j == i {
		return "", rel, 0, false
	}
	epoch = "0"
	if j < len(s) && s[j] == '!' {
		epoch = normNum(s[i:j])
		i = j + 1
		j = digits(s, i)
		if j == i {
			return "", rel, 0, false
		}
	}
	rel = append(rel, normNum(s[i:j]))
	i = j
	for i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]) {
		j = digits(s, i+1)
		rel = append(rel, normNum(s[i+1:j]))
		i = j
	}
	return epoch, rel, i, true
}

// scanPre reads an optional pre-release at s[i:] and returns its end.
func (p *parts) scanPre(s string, i int) int {
	k := skipSep(s, i)
	for _, w := range preWords {
		if matchWord(s, k, w.word) {
			k = skipSep(s, k+len(w.word))
			e := digits(s, k)
			p.preL, p.preN = w.norm, normNum(s[k:e])
			return e
		}
	}
	return i
}

// scanPost reads an optional post-release ("-N" or a post word) at s[i:]
// and returns its end.
func (p *parts) scanPost(s string, i int) int {
	if i+1 < len(s) && s[i] == '-' && isDigit(s[i+1]) {
		e := digits(s, i+1)
		p.post, p.hasPost = normNum(s[i+1:e]), true
		return e
	}
	k := skipSep(s, i)
	for _, w := range postWords {
		if matchWord(s, k, w) {
			k = skipSep(s, k+len(w))
			e := digits(s, k)
			p.post, p.hasPost = normNum(s[k:e]), true
			return e
		}
	}
	return i
}

// scanDev reads an optional development release at s[i:] and returns its
// end.
func (p *parts) scanDev(s string, i int) int {
	k := skipSep(s, i)
	if !matchWord(s, k, "dev") {
		return i
	}
	k = skipSep(s, k+3)
	e := digits(s, k)
	p.dev, p.hasDev = normNum(s[k:e]), true
	return e
}

// scanLocal reads an optional local label at s[i:], appending its segments
// to local, and returns where it ends. Like scanRelease it returns the
// slice rather than storing it through a pointer (see there).
func scanLocal(s string, i int, local []localSeg) ([]localSeg, int) {
	if i+1 >= len(s) || s[i] != '+' || !isAlnum(s[i+1]) {
		return local, i
	}
	i++
	for {
		e := i
		for e < len(s) && isAlnum(s[e]) {
			e++
		}
		seg := s[i:e]
		if digits(seg, 0) == len(seg) {
			local = append(local, localSeg{s: normNum(seg), isNum: true})
		} else {
			local = append(local, localSeg{s: strings.ToLower(seg)})
		}
		i = e
		if i+1 < len(s) && isSep(s[i]) && isAlnum(s[i+1]) {
			i++
			continue
		}
		return local, i
	}
}

// skipSep returns i+1 when s[i] is a separator ('.', '-' or '_'), else i.
func skipSep(s string, i int) int {
	if i < len(s) && isSep(s[i]) {
		return i + 1
	}
	return i
}

// appendNum appends an order-preserving, self-delimiting encoding of the
// decimal number d (no leading zeros).
func appendNum(b []byte, d string) []byte {
	if d == "0" {
		d = ""
	}
	if len(d) < 0xff {
		b = append(b, byte(len(d)))
	} else {
		n := uint32(len(d))
		b = append(b, 0xff, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, d...)
}

// build renders the canonical string and the sort key. The key mirrors
// packaging's _cmpkey so that bytewise order is PEP 440 order:
//
//	epoch | release without trailing zeros | pre | post | dev | local
//
// pre: 0x00 for a dev-only release (sorts first), 0x01 letter number,
// 0x02 for none; post: 0x00 none, 0x01 number; dev: 0x01 number, 0x02 none;
// local: absent, or 0x01 then segments (0x01 text 0x00 | 0x02 number) 0x00,
// so a version without a local sorts before the same version with one, and
// numeric segments sort above text ones.
func (p *parts) build() Version {
	var v Version
	var arr [128]byte
	buf := arr[:0]
	// Canonical string.
	if p.epoch != "0" {
		buf = append(buf, p.epoch...)
		buf = append(buf, '!')
	}
	for i, r := range p.release {
		if i > 0 {
			buf = append(buf, '.')
		}
		buf = append(buf, r...)
	}
	if p.preL != "" {
		v.flags |= flagPre
		buf = append(buf, p.preL...)
		buf = append(buf, p.preN...)
	}
	if p.hasPost {
		v.flags |= flagPost
		buf = append(buf, ".post"...)
		buf = append(buf, p.post...)
	}
	if p.hasDev {
		v.flags |= flagDev
		buf = append(buf, ".dev"...)
		buf = append(buf, p.dev...)
	}
	if len(p.local) > 0 {
		v.flags |= flagLocal
		buf = append(buf, '+')
		for i, l := range p.local {
			if i > 0 {
				buf = append(buf, '.')
			}
			buf = append(buf, l.s...)
		}
	}
	sLen := len(buf)
	// Sort key.
	buf = appendNum(buf, p.epoch)
	rel := p.release
	for len(rel) > 0 && rel[len(rel)-1] == "0" {
		rel = rel[:len(rel)-1]
	}
	for _, r := range rel {
		buf = append(buf, 1)
		buf = appendNum(buf, r)
	}
	buf = append(buf, 0)
	switch {
	case p.preL == "" && !p.hasPost && p.hasDev:
		buf = append(buf, 0)
	case p.preL == "":
		buf = append(buf, 2)
	default:
		buf = append(buf, 1, p.preL[0])
		buf = appendNum(buf, p.preN)
	}
	v.preEnd = int32(len(buf) - sLen)
	if p.hasPost {
		buf = append(buf, 1)
		buf = appendNum(buf, p.post)
	} else {
		buf = append(buf, 0)
	}
	if p.hasDev {
		buf = append(buf, 1)
		buf = appendNum(buf, p.dev)
	} else {
		buf = append(buf, 2)
	}
	v.devEnd = int32(len(buf) - sLen)
	if len(p.local) > 0 {
		buf = append(buf, 1)
		for _, l := range p.local {
			if l.isNum {
				buf = append(buf, 2)
				buf = appendNum(buf, l.s)
			} else {
				buf = append(buf, 1)
				buf = append(buf, l.s...)
				buf = append(buf, 0)
			}
		}
		buf = append(buf, 0)
	}
	all := string(buf)
	v.s, v.key = all[:sLen], all[sLen:]
	return v
}

// incNum adds one to the decimal number d.
func incNum(d string) string {
	b := []byte(d)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] != '9' {
			b[i]++
			return string(b)
		}
		b[i] = '0'
	}
	return "1" + string(b)
}

// decNum subtracts one from the positive decimal number d.
func decNum(d string) string {
	b := []byte(d)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] != '0' {
			b[i]--
			break
		}
		b[i] = '9'
	}
	return normNum(string(b))
}

func quote(s string) string {
	const max = 200
	if len(s) > max {
		s = s[:max] + "..."
	}
	return strconv.Quote(s)
}
