package wheel

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pkginstall/pkginstall/internal/pep440"
)

// Metadata is the part of a core metadata file (METADATA, PKG-INFO, a PEP 658
// .metadata file) that installing needs.
type Metadata struct {
	MetadataVersion string // "Metadata-Version", e.g. "2.1"; may be empty
	Name            string // "Name", as written (not normalised)
	Version         string // "Version", as written
	RequiresPython  string // "Requires-Python", unparsed
	Summary         string
	RequiresDist    []string // every "Requires-Dist", in order, unparsed
	ProvidesExtra   []string // every "Provides-Extra", in order
	Description     string   // the message body, or else the "Description" header
	Raw             []byte   // the whole file
}

// ParseMetadata parses core metadata: RFC 822-style "Name: value" headers,
// continuation lines starting with a space or tab, then an empty line and
// the body (the long description). Header names are case-insensitive. As in
// Python's email parser, a line that is neither a header nor a continuation
// ends the headers and starts the body. Name and Version are required, must
// appear once, and must be a valid project name and a PEP 440 version. The
// header section must be valid UTF-8.
func ParseMetadata(b []byte) (*Metadata, error) {
	hs, body, err := parseHeaders(b)
	if err != nil {
		return nil, fmt.Errorf("METADATA: %v", err)
	}
	m := &Metadata{Raw: b}
	seen := map[string]int{}
	for _, h := range hs {
		key := strings.ToLower(h.name)
		seen[key]++
		switch key {
		case "metadata-version":
			m.MetadataVersion = h.value
		case "name":
			m.Name = h.value
		case "version":
			m.Version = h.value
		case "requires-python":
			m.RequiresPython = h.value
		case "summary":
			m.Summary = h.value
		case "requires-dist":
			m.RequiresDist = append(m.RequiresDist, h.value)
		case "provides-extra":
			m.ProvidesExtra = append(m.ProvidesExtra, h.value)
		case "description":
			m.Description = h.value
		}
	}
	for _, k := range []string{"name", "version", "requires-python"} {
		if seen[k] > 1 {
			return nil, fmt.Errorf("METADATA: %d %q headers, want one", seen[k], canonicalHeader(k))
		}
	}
	if len(bytes.TrimSpace(body)) > 0 {
		m.Description = string(body)
	}
	if m.Name == "" {
		return nil, fmt.Errorf("METADATA: no Name header")
	}
	if !validProjectName(m.Name) {
		return nil, fmt.Errorf("METADATA: Name %q is not a valid project name", m.Name)
	}
	if m.Version == "" {
		return nil, fmt.Errorf("METADATA: no Version header")
	}
	if _, err := pep440.Parse(m.Version); err != nil {
		return nil, fmt.Errorf("METADATA: Version %q is not a valid PEP 440 version", m.Version)
	}
	return m, nil
}

func canonicalHeader(k string) string {
	switch k {
	case "name":
		return "Name"
	case "version":
		return "Version"
	case "requires-python":
		return "Requires-Python"
	}
	return k
}

type header struct{ name, value string }

// parseHeaders splits an email-style message into headers and body.
func parseHeaders(b []byte) ([]header, []byte, error) {
	var hs []header
	trimmed := func() []header {
		for i := range hs {
			hs[i].value = strings.TrimSpace(hs[i].value)
		}
		return hs
	}
	rest := b
	for len(rest) > 0 {
		line, next, _ := bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			return trimmed(), next, nil // the empty line ends the headers
		}
		if !utf8.Valid(line) {
			return nil, nil, fmt.Errorf("header line %q is not valid UTF-8", line)
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(hs) > 0 {
				// Unfold: the line break goes, the whitespace stays.
				hs[len(hs)-1].value += string(line)
			}
			rest = next
			continue
		}
		name, value, ok := splitHeader(line)
		if !ok {
			if len(hs) == 0 && bytes.HasPrefix(line, []byte("From ")) {
				rest = next // a Unix "From " line
				continue
			}
			return trimmed(), rest, nil // not a header: the body starts here
		}
		hs = append(hs, header{name: name, value: value})
		rest = next
	}
	return trimmed(), nil, nil
}

// splitHeader splits "Name: value"; a name is printable ASCII without ':'
// or space, as in Python's email.feedparser.
func splitHeader(line []byte) (string, string, bool) {
	i := bytes.IndexByte(line, ':')
	if i <= 0 {
		return "", "", false
	}
	for _, c := range line[:i] {
		if c < 0x21 || c > 0x7e {
			return "", "", false
		}
	}
	return string(line[:i]), strings.TrimLeft(string(line[i+1:]), " \t"), true
}

// validProjectName reports whether s is a valid distribution name:
// ASCII letters and digits, with '.', '_' and '-' allowed inside.
func validProjectName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if alnum {
			continue
		}
		if (c == '.' || c == '_' || c == '-') && i > 0 && i < len(s)-1 {
			continue
		}
		return false
	}
	return true
}

// normalizeName is PEP 503 normalisation: lower case, runs of "-_." become
// one "-".
func normalizeName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	sep := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '-' || c == '_' || c == '.' {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// sameVersion reports whether a and b are the same PEP 440 version (so
// "1.0" and "1.0.0" agree), falling back to exact comparison when either
// does not parse.
func sameVersion(a, b string) bool {
	va, errA := pep440.Parse(a)
	vb, errB := pep440.Parse(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return va.Compare(vb) == 0
}

// wheelInfo is the parsed WHEEL file.
type wheelInfo struct {
	version       string
	major, minor  int
	rootIsPurelib bool
	tags          []string
	build         string
}

// parseWheelFile parses the WHEEL file: Wheel-Version "major.minor" and
// Root-Is-Purelib "true" or "false" are required.
func parseWheelFile(b []byte) (wheelInfo, error) {
	hs, _, err := parseHeaders(b)
	if err != nil {
		return wheelInfo{}, err
	}
	var wi wheelInfo
	var haveVersion, havePurelib bool
	for _, h := range hs {
		switch strings.ToLower(h.name) {
		case "wheel-version":
			if haveVersion {
				return wheelInfo{}, fmt.Errorf("more than one Wheel-Version")
			}
			haveVersion = true
			wi.version = h.value
			maj, min, ok := strings.Cut(h.value, ".")
			var err1, err2 error
			wi.major, err1 = strconv.Atoi(maj)
			wi.minor, err2 = strconv.Atoi(min)
			if !ok || err1 != nil || err2 != nil || wi.major < 0 || wi.minor < 0 {
				return wheelInfo{}, fmt.Errorf("Wheel-Version %q is not major.minor", h.value)
			}
		case "root-is-purelib":
			if havePurelib {
				return wheelInfo{}, fmt.Errorf("more than one Root-Is-Purelib")
			}
			havePurelib = true
			switch strings.ToLower(h.value) {
			case "true":
				wi.rootIsPurelib = true
			case "false":
			default:
				return wheelInfo{}, fmt.Errorf("Root-Is-Purelib %q is neither true nor false", h.value)
			}
		case "tag":
			wi.tags = append(wi.tags, h.value)
		case "build":
			wi.build = h.value
		}
	}
	if !haveVersion {
		return wheelInfo{}, fmt.Errorf("no Wheel-Version")
	}
	if !havePurelib {
		return wheelInfo{}, fmt.Errorf("no Root-Is-Purelib")
	}
	return wi, nil
}
