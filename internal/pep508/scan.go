package pep508

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// scanner is a cursor over the input with the context-sensitive token rules
// of packaging's tokenizer. Every match function returns the length of the
// token at the cursor, or -1.
type scanner struct {
	src string
	pos int
}

// isWordRune reports whether r is a word character for Python's Unicode \b.
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
}

// wordBefore reports whether the rune before byte offset i is a word rune.
func (s *scanner) wordBefore(i int) bool {
	if i <= 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s.src[:i])
	return isWordRune(r)
}

// wordAt reports whether the rune at byte offset i is a word rune.
func (s *scanner) wordAt(i int) bool {
	if i >= len(s.src) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s.src[i:])
	return isWordRune(r)
}

// boundary reports whether byte offset i is a \b position.
func (s *scanner) boundary(i int) bool { return s.wordBefore(i) != s.wordAt(i) }

func (s *scanner) atEnd() bool { return s.pos >= len(s.src) }

// ws matches [ \t]+.
func (s *scanner) ws() int {
	n := 0
	for s.pos+n < len(s.src) && (s.src[s.pos+n] == ' ' || s.src[s.pos+n] == '\t') {
		n++
	}
	if n == 0 {
		return -1
	}
	return n
}

// skipWS consumes optional whitespace.
func (s *scanner) skipWS() {
	if n := s.ws(); n > 0 {
		s.pos += n
	}
}

// char matches one literal byte.
func (s *scanner) char(c byte) int {
	if s.pos < len(s.src) && s.src[s.pos] == c {
		return 1
	}
	return -1
}

// identifier matches \b[a-zA-Z0-9][a-zA-Z0-9._-]*\b.
func (s *scanner) identifier() int {
	if s.pos >= len(s.src) || !isAlnum(s.src[s.pos]) || !s.boundary(s.pos) {
		return -1
	}
	end := s.pos + 1
	for end < len(s.src) && (isAlnum(s.src[end]) || s.src[end] == '.' || s.src[end] == '_' || s.src[end] == '-') {
		end++
	}
	for ; end > s.pos; end-- {
		if s.boundary(end) {
			return end - s.pos
		}
	}
	return -1
}

// keyword matches \b(word)\b for one of words, in order.
func (s *scanner) keyword(words ...string) int {
	if !s.boundary(s.pos) {
		return -1
	}
	rest := s.src[s.pos:]
	for _, w := range words {
		if strings.HasPrefix(rest, w) && s.boundary(s.pos+len(w)) {
			return len(w)
		}
	}
	return -1
}

// variableNames lists the marker variable spellings in the order of
// packaging's VARIABLE rule.
var variableNames = []string{
	"python_version",
	"python_full_version",
	"os.name", "os_name",
	"sys.platform", "sys_platform",
	"platform_release", "platform_system",
	"platform.version", "platform_version",
	"platform.machine", "platform_machine",
	"platform.python_implementation", "platform_python_implementation",
	"python_implementation",
	"implementation_name", "implementation_version",
	"extras", "extra",
	"dependency_groups",
}

func (s *scanner) variable() int { return s.keyword(variableNames...) }

// quoted matches '[^']*' or "[^"]*".
func (s *scanner) quoted() int {
	if s.pos >= len(s.src) {
		return -1
	}
	q := s.src[s.pos]
	if q != '\'' && q != '"' {
		return -1
	}
	i := strings.IndexByte(s.src[s.pos+1:], q)
	if i < 0 {
		return -1
	}
	return i + 2
}

// op matches a comparison operator.
func (s *scanner) op() int {
	rest := s.src[s.pos:]
	for _, o := range []string{"===", "==", "~=", "!=", "<=", ">=", "<", ">"} {
		if strings.HasPrefix(rest, o) {
			return len(o)
		}
	}
	return -1
}

// url matches [^ \t]+.
func (s *scanner) url() int {
	n := 0
	for s.pos+n < len(s.src) && s.src[s.pos+n] != ' ' && s.src[s.pos+n] != '\t' {
		n++
	}
	if n == 0 {
		return -1
	}
	return n
}

// pySpace is Python's Unicode \s as a regexp class body.
const pySpace = `\t\n\v\f\r \x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}`

// specifierPattern is the grammar of one PEP 440 specifier clause (the
// SPECIFIER token), matched case-insensitively.
const specifierPattern = `(?:` +
	`(?:===[` + pySpace + `]*[^` + pySpace + `;)]*)` +
	`|(?:(?:==|!=)[` + pySpace + `]*v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*` +
	`(?:\.\*|(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?` +
	`(?:(?:-[0-9]+)|(?:[-_.]?(?:post|rev|r)[-_.]?[0-9]*))?` +
	`(?:[-_.]?dev[-_.]?[0-9]*)?` +
	`(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?)?)` +
	`|(?:~=[` + pySpace + `]*v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)+` +
	`(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?` +
	`(?:(?:-[0-9]+)|(?:[-_.]?(?:post|rev|r)[-_.]?[0-9]*))?` +
	`(?:[-_.]?dev[-_.]?[0-9]*)?)` +
	`|(?:(?:<=|>=|<|>)[` + pySpace + `]*v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*` +
	`(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?` +
	`(?:(?:-[0-9]+)|(?:[-_.]?(?:post|rev|r)[-_.]?[0-9]*))?` +
	`(?:[-_.]?dev[-_.]?[0-9]*)?)` +
	`)`

var (
	specifierToken = regexp.MustCompile(`^(?i)` + specifierPattern)
	specifierFull  = regexp.MustCompile(`^(?i)[` + pySpace + `]*` + specifierPattern + `[` + pySpace + `]*$`)
)

// specifier matches one specifier clause at the cursor.
func (s *scanner) specifier() int {
	loc := specifierToken.FindStringIndex(s.src[s.pos:])
	if loc == nil || loc[1] == 0 {
		return -1
	}
	return loc[1]
}

// localLabel matches \+[a-z0-9]+(?:[-_.][a-z0-9]+)* (case-sensitive).
func (s *scanner) localLabel() bool {
	return s.pos+1 < len(s.src) && s.src[s.pos] == '+' && (s.src[s.pos+1] >= 'a' && s.src[s.pos+1] <= 'z' || s.src[s.pos+1] >= '0' && s.src[s.pos+1] <= '9')
}

// IsPythonSpace reports whether r is Python whitespace (str.isspace), the
// whitespace of PEP 508's grammar as packaging implements it and of pip's
// requirements files.
func IsPythonSpace(r rune) bool {
	switch {
	case r == ' ' || r >= '\t' && r <= '\r' || r >= 0x1c && r <= 0x1f || r == 0x85 || r == 0xa0:
		return true
	case r < 0x1680:
		return false
	}
	return r == 0x1680 || r >= 0x2000 && r <= 0x200a || r == 0x2028 || r == 0x2029 || r == 0x202f || r == 0x205f || r == 0x3000
}

// column converts a byte offset in src to a 1-based character column.
func column(src string, off int) int {
	if off > len(src) {
		off = len(src)
	}
	return utf8.RuneCountInString(src[:off]) + 1
}
