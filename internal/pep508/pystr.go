package pep508

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// decodePyString decodes a quoted marker string ('…' or "…", quotes
// included) as Python's ast.literal_eval does for a plain string literal:
// backslash escapes are processed, an unknown escape keeps its backslash, and
// a line break or NUL inside the quotes is an error. \N{name} escapes are not
// supported.
func decodePyString(tok string) (string, error) {
	body := tok[1 : len(tok)-1]
	if !strings.ContainsAny(body, "\\\n\r\x00") {
		return body, nil
	}
	var b strings.Builder
	for i := 0; i < len(body); {
		c := body[i]
		switch c {
		case '\n', '\r':
			return "", errors.New("line break inside a string")
		case 0:
			return "", errors.New("NUL inside a string")
		case '\\':
		default:
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(body) {
			// The closing quote would be escaped: unterminated string.
			return "", errors.New("unterminated string")
		}
		e := body[i+1]
		i += 2
		switch e {
		case '\n':
			// line continuation: nothing
		case '\r':
			if i < len(body) && body[i] == '\n' {
				i++
			}
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			n := int(e - '0')
			for k := 0; k < 2 && i < len(body) && body[i] >= '0' && body[i] <= '7'; k++ {
				n = n*8 + int(body[i]-'0')
				i++
			}
			b.WriteRune(rune(n))
		case 'x', 'u', 'U':
			width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if i+width > len(body) {
				return "", errors.New("truncated \\" + string(e) + " escape")
			}
			n, err := strconv.ParseUint(body[i:i+width], 16, 32)
			if err != nil || strings.ContainsAny(body[i:i+width], "+-_") {
				return "", errors.New("truncated \\" + string(e) + " escape")
			}
			if n > utf8.MaxRune || (n >= 0xD800 && n <= 0xDFFF) {
				return "", errors.New("illegal Unicode character")
			}
			i += width
			b.WriteRune(rune(n))
		case 'N':
			return "", errors.New("\\N{...} escapes are not supported")
		default:
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String(), nil
}

// quotePyString returns v as a marker string literal. Like packaging it uses
// double quotes; a value that could not be read back that way uses single
// quotes, or Python escapes when it must.
func quotePyString(v string) string {
	plain := func(q byte) bool {
		for i := 0; i < len(v); i++ {
			switch v[i] {
			case q, '\\', '\n', '\r', 0:
				return false
			}
		}
		return true
	}
	if plain('"') {
		return `"` + v + `"`
	}
	if plain('\'') {
		return `'` + v + `'`
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range v {
		switch r {
		case '"':
			b.WriteString(`\x22`) // the token cannot hold its own quote, even escaped
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case 0:
			b.WriteString(`\x00`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
