// Package printable makes text from outside (index pages, metadata, files
// the user points at) safe to print on a terminal.
//
// The rules:
//   - Sanitize escapes every rune that could move the cursor, change colours,
//     hide or reorder text, or start a new line: control characters (C0, DEL,
//     C1, including ESC and newline), Unicode format characters (category Cf:
//     bidi overrides such as U+202E, zero-width spaces such as U+200B), line
//     and paragraph separators, and invalid UTF-8. They are written as Go
//     escapes (\x1b, \u202e), so the text stays readable and one line.
//   - Terminal does the same for a message of our own, but keeps '\n' and
//     '\t': our messages may span lines, text quoted inside them may not.
//   - Quote is strconv.Quote of the text shortened to MaxQuote runes, for
//     quoting a line of a file or an argument in an error message.
package printable

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxQuote is the most runes of the quoted text that Quote keeps.
const MaxQuote = 60

// Sanitize returns s with every unsafe rune escaped (see the package doc).
func Sanitize(s string) string { return escape(s, false) }

// Terminal is Sanitize for a whole message: '\n' and '\t' are kept.
func Terminal(s string) string { return escape(s, true) }

func escape(s string, keepLines bool) string {
	if isSafe(s, keepLines) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case keepLines && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case unsafe(r):
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func isSafe(s string, keepLines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			// Decode the rest properly.
			for _, r := range s[i:] {
				if r == utf8.RuneError || unsafe(r) && !(keepLines && (r == '\n' || r == '\t')) {
					return false
				}
			}
			return utf8.ValidString(s[i:])
		}
		if c < 0x20 || c == 0x7f {
			if keepLines && (c == '\n' || c == '\t') {
				continue
			}
			return false
		}
	}
	return true
}

// unsafe reports a rune that must not reach a terminal as it is.
func unsafe(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029'
}

// Quote quotes s for an error message: shortened to MaxQuote runes (an
// ellipsis marks the cut) and escaped as a Go string literal is, which
// leaves no control or format character in it.
func Quote(s string) string {
	if utf8.RuneCountInString(s) > MaxQuote {
		cut, n := 0, 0
		for i := range s {
			if n == MaxQuote-1 {
				cut = i
				break
			}
			n++
		}
		s = s[:cut] + "…"
	}
	return strconv.Quote(s)
}
