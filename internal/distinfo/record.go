package distinfo

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// RecordEntry is one row of a RECORD file: "path,algorithm=digest,size".
type RecordEntry struct {
	Path string
	Hash string // "sha256=<urlsafe-b64 without padding>", or "" when the row has none
	Size int64  // -1 when the row has no size
}

// ParseRecord parses a RECORD file: CSV as Python's csv module reads it with
// the default dialect (comma separated, '"' quotes with "" for a literal
// quote, any of \n, \r\n, \r ends a row). Every row must have exactly three
// fields and a non-empty path; a hash, if present, must look like
// "algorithm=value"; a size, if present, must be a non-negative decimal
// number. Blank lines are skipped. Which algorithms are acceptable is
// decided by [ParseRecordHash], not here.
func ParseRecord(b []byte) ([]RecordEntry, error) {
	var entries []RecordEntry
	line := 1
	for len(b) > 0 {
		startLine := line
		fields, rest, nl, err := csvRow(b)
		if err != nil {
			return nil, fmt.Errorf("RECORD line %d: %v", startLine, err)
		}
		b = rest
		line += nl
		if len(fields) == 1 && fields[0] == "" {
			continue // blank line
		}
		if len(fields) != 3 {
			return nil, fmt.Errorf("RECORD line %d: want 3 fields (path,hash,size), have %d", startLine, len(fields))
		}
		e := RecordEntry{Path: fields[0], Hash: fields[1], Size: -1}
		if e.Path == "" {
			return nil, fmt.Errorf("RECORD line %d: empty path", startLine)
		}
		if e.Hash != "" {
			algo, val, ok := strings.Cut(e.Hash, "=")
			if !ok || algo == "" || val == "" {
				return nil, fmt.Errorf("RECORD line %d: hash %q is not of the form algorithm=digest", startLine, e.Hash)
			}
		}
		if fields[2] != "" {
			n, err := parseSize(fields[2])
			if err != nil {
				return nil, fmt.Errorf("RECORD line %d: size %q is not a non-negative decimal number", startLine, fields[2])
			}
			e.Size = n
		}
		entries = append(entries, e)
	}
	return entries, nil
}

func parseSize(s string) (int64, error) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, strconv.ErrSyntax
		}
	}
	return strconv.ParseInt(s, 10, 64)
}

// csvRow reads one row from b. It returns the fields, the rest of the input
// after the row's line terminator and the number of line breaks consumed.
func csvRow(b []byte) (fields []string, rest []byte, lines int, err error) {
	var field []byte
	i := 0
	for {
		// Start of a field.
		field = field[:0]
		if i < len(b) && b[i] == '"' {
			i++
			closed := false
			for i < len(b) {
				c := b[i]
				if c == '"' {
					if i+1 < len(b) && b[i+1] == '"' {
						field = append(field, '"')
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				if c == '\n' {
					lines++
				}
				field = append(field, c)
				i++
			}
			if !closed {
				return nil, nil, 0, fmt.Errorf("unterminated quoted field")
			}
			// Like Python's non-strict reader, characters after the
			// closing quote are part of the field.
		}
		for i < len(b) && b[i] != ',' && b[i] != '\n' && b[i] != '\r' {
			field = append(field, b[i])
			i++
		}
		fields = append(fields, string(field))
		if i < len(b) && b[i] == ',' {
			i++
			continue
		}
		// End of row: a line terminator or the end of the input.
		if i < len(b) {
			lines++
			if b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			i++
		}
		return fields, b[i:], lines, nil
	}
}

// FormatRecord writes entries in RECORD form, quoting fields as Python's csv
// module does (only when a field holds a comma, a quote or a line break), one
// row per line terminated by "\n". A Size below zero is written as an empty
// field. ParseRecord(FormatRecord(e)) returns e for entries ParseRecord
// accepts.
func FormatRecord(entries []RecordEntry) []byte {
	n := 0
	for _, e := range entries {
		n += len(e.Path) + len(e.Hash) + 24
	}
	b := make([]byte, 0, n)
	for _, e := range entries {
		b = AppendRecordRow(b, e.Path, e.Hash, e.Size)
	}
	return b
}

// AppendRecordRow appends the RECORD row of a file (see FormatRecord) to
// b, allocating nothing when b has room.
func AppendRecordRow(b []byte, path, hash string, size int64) []byte {
	b = appendCSVField(b, path)
	b = append(b, ',')
	b = appendCSVField(b, hash)
	b = append(b, ',')
	if size >= 0 {
		b = strconv.AppendInt(b, size, 10)
	}
	return append(b, '\n')
}

func appendCSVField(b []byte, s string) []byte {
	quote := false
	for i := 0; i < len(s) && !quote; i++ {
		switch s[i] {
		case ',', '"', '\r', '\n':
			quote = true
		}
	}
	if !quote {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// RecordHash is a parsed RECORD hash field.
type RecordHash struct {
	Algo   string // "sha256", "sha384" or "sha512"
	Digest []byte
}

// String returns the hash in RECORD form.
func (h RecordHash) String() string { return FormatRecordHash(h.Algo, h.Digest) }

// ParseRecordHash checks a RECORD hash field ("algorithm=urlsafe-b64") and
// decodes its digest. Only the algorithms [NewHash] knows are accepted:
// installer accepts anything in hashlib.algorithms_guaranteed; this refuses
// md5, sha1 and sha224 by name, as too weak, and everything else as
// unsupported.
func ParseRecordHash(s string) (RecordHash, error) {
	algo, val, ok := strings.Cut(s, "=")
	if !ok {
		return RecordHash{}, fmt.Errorf("hash %q is not of the form algorithm=digest", s)
	}
	newHash, ok := NewHash(algo)
	if !ok {
		if weakHashes[strings.ToLower(algo)] {
			return RecordHash{}, fmt.Errorf("RECORD hash uses %s, which is too weak (want sha256, sha384 or sha512)", algo)
		}
		return RecordHash{}, fmt.Errorf("RECORD hash algorithm %q is not supported (want sha256, sha384 or sha512)", algo)
	}
	digest, err := base64.RawURLEncoding.Strict().DecodeString(strings.TrimRight(val, "="))
	if err != nil || len(digest) != newHash.Size() {
		return RecordHash{}, fmt.Errorf("RECORD hash %q is not a urlsafe-base64 %s digest", s, algo)
	}
	return RecordHash{Algo: algo, Digest: digest}, nil
}

var weakHashes = map[string]bool{"md5": true, "sha1": true, "sha224": true}

// FormatRecordHash returns "algo=<urlsafe-b64 without padding>".
func FormatRecordHash(algo string, digest []byte) string {
	return algo + "=" + base64.RawURLEncoding.EncodeToString(digest)
}
