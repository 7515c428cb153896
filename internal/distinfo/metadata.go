package distinfo

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pep508"
)

// MaxHeaderLines is the most lines the header section of a METADATA or
// WHEEL file may have, continuation lines included. Real METADATA files
// have a few hundred at most (a License header holding a whole licence
// text being the largest); the body, the long description, is not
// counted.
const MaxHeaderLines = 100_000

// Header is one "Name: value" header, its continuation lines unfolded (the
// line breaks removed, the leading white space kept) and the value trimmed.
type Header struct{ Name, Value string }

// Headers is the header section of a METADATA or WHEEL file, in order.
type Headers []Header

// Get returns the value of the first header named key (case-insensitive),
// or "".
func (hs Headers) Get(key string) string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, key) {
			return h.Value
		}
	}
	return ""
}

// ParseHeaders splits an email-style message (core metadata, WHEEL) into
// headers and body, in time linear in the input. A header line is
// "Name: value"; a line starting with a space or tab continues the previous
// header; an empty line ends the headers. As in Python's email parser, a
// line that is neither a header nor a continuation ends the headers and
// starts the body, and a leading Unix "From " line is skipped. The header
// section must be valid UTF-8 and at most [MaxHeaderLines] lines long.
func ParseHeaders(b []byte) (Headers, []byte, error) {
	var hs Headers
	var cur strings.Builder // the value of the last header, being unfolded
	flush := func() {
		if len(hs) > 0 {
			hs[len(hs)-1].Value = strings.TrimSpace(cur.String())
		}
		cur.Reset()
	}
	rest := b
	for n := 1; len(rest) > 0; n++ {
		if n > MaxHeaderLines {
			return nil, nil, fmt.Errorf("more than %d header lines", MaxHeaderLines)
		}
		line, next, _ := bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			flush()
			return hs, next, nil // the empty line ends the headers
		}
		if !utf8.Valid(line) {
			return nil, nil, fmt.Errorf("header line %q is not valid UTF-8", line)
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(hs) > 0 {
				cur.Write(line) // the line break goes, the white space stays
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
			flush()
			return hs, rest, nil // not a header: the body starts here
		}
		flush()
		hs = append(hs, Header{Name: name})
		cur.WriteString(value)
		rest = next
	}
	flush()
	return hs, nil, nil
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
	Dynamic         []string // every "Dynamic" (PEP 643: fields a build may change)
	Description     string   // the message body, or else the "Description" header
	Raw             []byte   // the whole file
}

// ParseMetadata parses core metadata with [ParseHeaders]. Header names are
// case-insensitive. Name and Version are required, must appear once, and
// must be a valid project name and a PEP 440 version; Requires-Python may
// appear at most once.
func ParseMetadata(b []byte) (*Metadata, error) {
	hs, body, err := ParseHeaders(b)
	if err != nil {
		return nil, fmt.Errorf("METADATA: %v", err)
	}
	m := &Metadata{Raw: b}
	seen := map[string]int{}
	for _, h := range hs {
		key := strings.ToLower(h.Name)
		seen[key]++
		switch key {
		case "metadata-version":
			m.MetadataVersion = h.Value
		case "name":
			m.Name = h.Value
		case "version":
			m.Version = h.Value
		case "requires-python":
			m.RequiresPython = h.Value
		case "summary":
			m.Summary = h.Value
		case "requires-dist":
			m.RequiresDist = append(m.RequiresDist, h.Value)
		case "provides-extra":
			m.ProvidesExtra = append(m.ProvidesExtra, h.Value)
		case "dynamic":
			m.Dynamic = append(m.Dynamic, h.Value)
		case "description":
			m.Description = h.Value
		}
	}
	for _, k := range []string{"Name", "Version", "Requires-Python"} {
		if n := seen[strings.ToLower(k)]; n > 1 {
			return nil, fmt.Errorf("METADATA: %d %q headers, want one", n, k)
		}
	}
	if len(bytes.TrimSpace(body)) > 0 {
		m.Description = string(body)
	}
	if m.Name == "" {
		return nil, fmt.Errorf("METADATA: no Name header")
	}
	if !pep508.ValidName(m.Name) {
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
