package distinfo

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Script entry point groups: an installer writes a launcher into bin/ for
// each entry of these two groups. Other groups are plugin registrations that
// installing does not act on.
const (
	ConsoleScripts = "console_scripts"
	GUIScripts     = "gui_scripts"
)

// EntryPoint is a script to generate: "Name = Module:Attr" in Group.
type EntryPoint struct {
	Name   string // the launcher's file name in bin/
	Module string // dotted module path, e.g. "pkg.cli"
	Attr   string // dotted attribute path inside Module, e.g. "main" or "App.run"
	Group  string // ConsoleScripts or GUIScripts
}

// String returns the entry point as an entry_points.txt line:
// "name = module:attr".
func (e EntryPoint) String() string {
	return e.Name + " = " + e.Module + ":" + e.Attr
}

// ParseEntryPoints parses entry_points.txt, an INI file as Python's
// configparser reads it for installers: "[group]" section headers, then
// "name = value" lines split at the first '='; blank lines and lines whose
// first non-blank character is '#' or ';' are ignored. A line outside a
// section, a line without '=', an indented line after a "name = value" line
// of the same section (a configparser continuation), a section given twice
// or a name given twice in one section is an error.
//
// Only the console_scripts and gui_scripts groups are returned, in file
// order. Their values must be "module:attr" (an optional " [extras]" suffix
// is accepted and ignored) with module and attr dotted Python identifiers,
// and their names must be usable as a file name: no '/', '\', NUL,
// control characters or Unicode format characters (category Cf), not "."
// or "..". A name may not be both a console and
// a GUI script.
func ParseEntryPoints(b []byte) ([]EntryPoint, error) {
	var eps []EntryPoint
	section := ""
	inSection := false
	haveKey := false // a "name = value" line was seen in this section
	sections := map[string]bool{}
	names := map[string]bool{} // "section\x00name"
	scripts := map[string]string{}
	for n, line := range bytes.Split(b, []byte("\n")) {
		lineNo := n + 1
		line = bytes.TrimSuffix(line, []byte("\r"))
		if !utf8.Valid(line) {
			return nil, fmt.Errorf("entry_points.txt line %d: not valid UTF-8", lineNo)
		}
		s := string(line)
		t := strings.TrimSpace(s)
		if t == "" || t[0] == '#' || t[0] == ';' {
			continue
		}
		if haveKey && strings.TrimLeft(s, " \t") != s {
			// configparser would append this line to the previous value.
			return nil, fmt.Errorf("entry_points.txt line %d: indented continuation lines are not supported", lineNo)
		}
		if t[0] == '[' {
			end := strings.IndexByte(t, ']')
			if end < 0 {
				return nil, fmt.Errorf("entry_points.txt line %d: section header %q has no closing ']'", lineNo, t)
			}
			section = t[1:end]
			if sections[section] {
				return nil, fmt.Errorf("entry_points.txt line %d: section [%s] appears twice", lineNo, section)
			}
			sections[section] = true
			inSection = true
			haveKey = false
			continue
		}
		if !inSection {
			return nil, fmt.Errorf("entry_points.txt line %d: %q is outside any [section]", lineNo, t)
		}
		key, value, ok := strings.Cut(t, "=")
		if !ok {
			return nil, fmt.Errorf("entry_points.txt line %d: %q is not of the form name = value", lineNo, t)
		}
		key = strings.TrimSpace(key)
		value = strings.TrimSpace(value)
		if key == "" {
			return nil, fmt.Errorf("entry_points.txt line %d: empty name", lineNo)
		}
		if names[section+"\x00"+key] {
			return nil, fmt.Errorf("entry_points.txt line %d: %q appears twice in [%s]", lineNo, key, section)
		}
		names[section+"\x00"+key] = true
		haveKey = true
		if section != ConsoleScripts && section != GUIScripts {
			continue
		}
		if err := checkScriptName(key); err != nil {
			return nil, fmt.Errorf("entry_points.txt line %d: script name %q %v", lineNo, key, err)
		}
		if other, ok := scripts[key]; ok {
			return nil, fmt.Errorf("entry_points.txt line %d: script %q is in both [%s] and [%s]", lineNo, key, other, section)
		}
		scripts[key] = section
		mod, attr, err := parseObjectRef(value)
		if err != nil {
			return nil, fmt.Errorf("entry_points.txt line %d: script %q: %v", lineNo, key, err)
		}
		eps = append(eps, EntryPoint{Name: key, Module: mod, Attr: attr, Group: section})
	}
	return eps, nil
}

func checkScriptName(s string) error {
	if s == "." || s == ".." {
		return fmt.Errorf("is not a file name")
	}
	for _, r := range s {
		switch {
		case r == '/' || r == '\\':
			return fmt.Errorf("contains a path separator")
		case r == utf8.RuneError || unicode.IsControl(r):
			return fmt.Errorf("contains a control character")
		case unicode.Is(unicode.Cf, r):
			// U+202E RIGHT-TO-LEFT OVERRIDE, U+200B ZERO WIDTH SPACE, ...
			// make a name look like another one.
			return fmt.Errorf("contains the invisible format character %U", r)
		}
	}
	return nil
}

// parseObjectRef parses "module:attr [extras]".
func parseObjectRef(v string) (mod, attr string, err error) {
	if i := strings.IndexByte(v, '['); i >= 0 {
		if !strings.HasSuffix(v, "]") {
			return "", "", fmt.Errorf("%q has unbalanced extras brackets", v)
		}
		v = strings.TrimSpace(v[:i])
	}
	m, a, ok := strings.Cut(v, ":")
	if !ok {
		return "", "", fmt.Errorf("%q is not of the form module:attr", v)
	}
	mod, attr = strings.TrimSpace(m), strings.TrimSpace(a)
	if !DottedIdentifier(mod) {
		return "", "", fmt.Errorf("module %q is not a dotted Python identifier", mod)
	}
	if !DottedIdentifier(attr) {
		return "", "", fmt.Errorf("attribute %q is not a dotted Python identifier", attr)
	}
	return mod, attr, nil
}

// DottedIdentifier reports whether s is one or more Python identifiers
// joined by dots, each as Python's str.isidentifier decides: a first
// character in XID_Start or '_', then characters in XID_Continue (letters,
// letter numbers, combining marks, digits and connector punctuation such as
// '_' and U+203F).
func DottedIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if !isIdentifier(part) {
			return false
		}
	}
	return true
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == utf8.RuneError || notXID[r] || unicode.In(r, unicode.Pattern_Syntax, unicode.Pattern_White_Space) {
			return false
		}
		start := r == '_' || unicode.In(r, unicode.L, unicode.Nl, unicode.Other_ID_Start) && !notXIDStart[r]
		if i == 0 && !start {
			return false
		}
		if i > 0 && !start && !notXIDStart[r] && !unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc, unicode.Other_ID_Continue) {
			return false
		}
	}
	return true
}

// notXID are the characters of ID_Start or ID_Continue that are not in
// XID_Start or XID_Continue (UAX #31: their NFKC forms are not
// identifiers), which str.isidentifier refuses anywhere in an identifier.
var notXID = map[rune]bool{
	0x037A: true, 0x309B: true, 0x309C: true,
	0xFC5E: true, 0xFC5F: true, 0xFC60: true, 0xFC61: true, 0xFC62: true, 0xFC63: true,
	0xFDFA: true, 0xFDFB: true,
	0xFE70: true, 0xFE72: true, 0xFE74: true, 0xFE76: true, 0xFE78: true, 0xFE7A: true, 0xFE7C: true, 0xFE7E: true,
}

// notXIDStart are letters that are XID_Continue but not XID_Start (their
// NFKC forms begin with a combining mark).
var notXIDStart = map[rune]bool{0x0E33: true, 0x0EB3: true, 0xFF9E: true, 0xFF9F: true}
