package pep508

import "strings"

// NormalizeName returns the PEP 503 normalised form of a project or extra
// name: runs of '-', '_' and '.' become a single '-', and letters are
// lower-cased. It does not validate the name.
func NormalizeName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	sep := false
	for _, r := range s {
		switch {
		case r == '-' || r == '_' || r == '.':
			sep = true
			continue
		case sep:
			b.WriteByte('-')
			sep = false
		}
		if r == 'İ' { // Python's full lower-case mapping
			b.WriteString("i\u0307")
			continue
		}
		if r < 0x80 {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
			continue
		}
		b.WriteString(strings.ToLower(string(r)))
	}
	if sep {
		b.WriteByte('-')
	}
	return b.String()
}

// ValidName reports whether s is a valid PEP 508 project name: ASCII letters,
// digits, '.', '_' and '-', starting and ending with a letter or digit.
func ValidName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := isAlnum(c)
		if !alnum && c != '.' && c != '_' && c != '-' {
			return false
		}
		if (i == 0 || i == len(s)-1) && !alnum {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
