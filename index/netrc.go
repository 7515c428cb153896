package index

import (
	"strings"
	"unicode"
)

// NetrcEntry is one machine (or the default) of a netrc file.
type NetrcEntry struct {
	Machine  string // "" for the default entry
	Login    string
	Password string
	Account  string
}

// Netrc is a parsed netrc file.
type Netrc struct {
	Entries []NetrcEntry // in file order; the default entry, if any, is last
}

// ParseNetrc parses the netrc format as curl and Python's netrc module read
// it: whitespace-separated tokens, "machine NAME" or "default" starting an
// entry, "login", "password" and "account" followed by a value, "macdef NAME"
// followed by a macro running to the next blank line (skipped), "#" starting
// a comment at a token boundary, and double-quoted tokens with backslash
// escapes. Unknown keywords are skipped. It never fails: a malformed file
// yields the entries that could be read.
func ParseNetrc(data string) *Netrc {
	n := &Netrc{}
	var def *NetrcEntry
	var cur *NetrcEntry
	flush := func() {
		if cur != nil && cur.Machine != "" {
			n.Entries = append(n.Entries, *cur)
		}
		cur = nil
	}
	t := &netrcLexer{s: data}
	for {
		tok, ok := t.next()
		if !ok {
			break
		}
		switch tok {
		case "machine":
			flush()
			name, _ := t.next()
			cur = &NetrcEntry{Machine: name}
		case "default":
			flush()
			if def == nil {
				def = &NetrcEntry{}
				cur = def
			} else {
				cur = &NetrcEntry{} // a second default is ignored
			}
		case "login", "password", "account":
			v, _ := t.next()
			if cur == nil {
				continue
			}
			switch tok {
			case "login":
				cur.Login = v
			case "password":
				cur.Password = v
			case "account":
				cur.Account = v
			}
		case "macdef":
			t.next() // macro name
			t.skipMacro()
		}
	}
	flush()
	if def != nil {
		n.Entries = append(n.Entries, *def)
	}
	return n
}

// Lookup returns the entry for host (matched case-insensitively, without a
// port), else the default entry, else false.
func (n *Netrc) Lookup(host string) (NetrcEntry, bool) {
	if n == nil {
		return NetrcEntry{}, false
	}
	for _, e := range n.Entries {
		if e.Machine != "" && strings.EqualFold(e.Machine, host) {
			return e, true
		}
	}
	for _, e := range n.Entries {
		if e.Machine == "" {
			return e, true
		}
	}
	return NetrcEntry{}, false
}

type netrcLexer struct {
	s string
	i int
}

func (l *netrcLexer) next() (string, bool) {
	for {
		for l.i < len(l.s) && isSpace(l.s[l.i]) {
			l.i++
		}
		if l.i >= len(l.s) {
			return "", false
		}
		if l.s[l.i] == '#' {
			for l.i < len(l.s) && l.s[l.i] != '\n' {
				l.i++
			}
			continue
		}
		break
	}
	var b strings.Builder
	if l.s[l.i] == '"' {
		l.i++
		for l.i < len(l.s) && l.s[l.i] != '"' {
			if l.s[l.i] == '\\' && l.i+1 < len(l.s) {
				l.i++
			}
			b.WriteByte(l.s[l.i])
			l.i++
		}
		if l.i < len(l.s) {
			l.i++ // closing quote
		}
		return b.String(), true
	}
	for l.i < len(l.s) && !isSpace(l.s[l.i]) {
		if l.s[l.i] == '\\' && l.i+1 < len(l.s) {
			l.i++
		}
		b.WriteByte(l.s[l.i])
		l.i++
	}
	return b.String(), true
}

// skipMacro skips the rest of the macdef line and the macro body, which ends
// at the first empty line.
func (l *netrcLexer) skipMacro() {
	// rest of the current line
	for l.i < len(l.s) && l.s[l.i] != '\n' {
		l.i++
	}
	for l.i < len(l.s) {
		l.i++ // the '\n'
		start := l.i
		for l.i < len(l.s) && l.s[l.i] != '\n' {
			l.i++
		}
		if strings.TrimFunc(l.s[start:l.i], unicode.IsSpace) == "" {
			return
		}
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
