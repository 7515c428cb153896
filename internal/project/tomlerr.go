package project

import (
	"errors"
	"regexp"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/pkginstall/pkginstall/internal/fileerr"
)

// go-toml reports a value of the wrong type with the Go type it was
// decoding into ("cannot decode TOML string into struct field struct { ...
// }.Dependencies of type []string"), which means nothing to a user.
var typeMismatch = regexp.MustCompile(`^toml: cannot decode TOML (\w+) into .* of type (.+)$`)

// DecodeErrorMessage is the message of a TOML decode error as a user should
// read it: for a value of the wrong type, "KEY: expected WANT, found GOT"
// in TOML's terms; otherwise go-toml's own message without its "toml: "
// prefix. The position is the caller's to add.
func DecodeErrorMessage(err error) string {
	var de *toml.DecodeError
	if !errors.As(err, &de) {
		return strings.TrimPrefix(err.Error(), "toml: ")
	}
	m := typeMismatch.FindStringSubmatch(de.Error())
	if m == nil {
		return strings.TrimPrefix(de.Error(), "toml: ")
	}
	key := strings.Join(de.Key(), ".")
	msg := "expected " + tomlKind(m[2]) + ", found " + article(m[1])
	if key == "" {
		return msg
	}
	return key + ": " + msg
}

// tomlKind names a Go type by the TOML value that decodes into it.
func tomlKind(goType string) string {
	switch {
	case goType == "[]string":
		return "an array of strings"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case goType == "string":
		return "a string"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"):
		return "an integer"
	case strings.HasPrefix(goType, "float"):
		return "a number"
	case goType == "interface {}":
		return "a value"
	}
	return "a table"
}

func article(kind string) string {
	if kind == "" {
		return "a value"
	}
	switch kind[0] {
	case 'a', 'e', 'i', 'o', 'u':
		return "an " + kind
	}
	return "a " + kind
}

// Locate returns the 1-based line and column of the first match of re in
// data at or after the first occurrence of after ("" for the start), for
// errors about a value the TOML decoder accepted but pkginstall does not.
func Locate(data []byte, after string, re *regexp.Regexp) (line, col int, ok bool) {
	start := 0
	if after != "" {
		i := strings.Index(string(data), after)
		if i < 0 {
			return 0, 0, false
		}
		start = i
	}
	loc := re.FindIndex(data[start:])
	if loc == nil {
		return 0, 0, false
	}
	line, col = fileerr.Position(data, start+loc[0])
	return line, col, true
}
