package cache

import (
	"encoding/json"
	"math"
	"os"
	"strconv"
	"unicode/utf8"
)

// decodeManifest decodes wheel.json. Every install from the cache reads
// the manifest of each tree it links (2.3 MB for the benchmark's 55
// distributions), where encoding/json's reflection was an eighth of a
// warm install's CPU: the common form, as Unpack writes it, is read by
// fastManifest, and anything else (escapes, null, unknown keys, a
// malformed file) by encoding/json, which has the last word.
// FuzzManifestDecode holds the two to the same result.
func decodeManifest(b []byte, m *manifest) error {
	var fm manifest
	if fastManifest(b, &fm) {
		*m = fm
		return nil
	}
	return json.Unmarshal(b, m)
}

// mscan reads the subset of JSON that fastManifest accepts; ok turns
// false at the first thing outside it.
type mscan struct {
	b  []byte
	i  int
	ok bool
}

func (s *mscan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// byte consumes c after optional white space.
func (s *mscan) byte(c byte) bool {
	s.ws()
	if s.ok && s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str reads a string without escapes or control characters, valid UTF-8.
func (s *mscan) str() string {
	if !s.byte('"') {
		s.ok = false
		return ""
	}
	start, ascii := s.i, true
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			v := s.b[start:s.i]
			s.i++
			if !ascii && !utf8.Valid(v) {
				s.ok = false
			}
			return string(v)
		case c == '\\' || c < 0x20:
			s.ok = false
			return ""
		case c >= utf8.RuneSelf:
			ascii = false
		}
		s.i++
	}
	s.ok = false
	return ""
}

// int reads an integer: an optional minus and digits, without a leading
// zero, in range.
func (s *mscan) int(bits int) int64 {
	s.ws()
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	return s.digits(start, bits)
}

// uint reads an integer without a sign, in range.
func (s *mscan) uint(bits int) int64 {
	s.ws()
	return s.digits(s.i, bits)
}

func (s *mscan) digits(start, bits int) int64 {
	digits := s.i
	for s.i < len(s.b) && '0' <= s.b[s.i] && s.b[s.i] <= '9' {
		s.i++
	}
	n := s.i - digits
	if n == 0 || (n > 1 && s.b[digits] == '0') {
		s.ok = false
		return 0
	}
	if s.i < len(s.b) && (s.b[s.i] == '.' || s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.ok = false // a number encoding/json may read differently
		return 0
	}
	v, err := strconv.ParseInt(string(s.b[start:s.i]), 10, bits)
	if err != nil {
		s.ok = false
	}
	return v
}

func (s *mscan) bool() bool {
	s.ws()
	switch {
	case len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "true":
		s.i += 4
		return true
	case len(s.b)-s.i >= 5 && string(s.b[s.i:s.i+5]) == "false":
		s.i += 5
		return false
	}
	s.ok = false
	return false
}

// object reads an object, calling field with each key (the value is then
// the field's to read).
func (s *mscan) object(field func(key string)) {
	if !s.byte('{') {
		s.ok = false
		return
	}
	if s.byte('}') {
		return
	}
	for s.ok {
		key := s.str()
		if !s.byte(':') {
			s.ok = false
			return
		}
		field(key)
		if s.byte(',') {
			continue
		}
		if !s.byte('}') {
			s.ok = false
		}
		return
	}
}

// array reads an array, calling elem for each element.
func (s *mscan) array(elem func()) {
	if !s.byte('[') {
		s.ok = false
		return
	}
	if s.byte(']') {
		return
	}
	for s.ok {
		elem()
		if s.byte(',') {
			continue
		}
		if !s.byte(']') {
			s.ok = false
		}
		return
	}
}

// fastManifest decodes b into m when b is in the form Unpack writes (every
// key known and spelled exactly, no null, no escapes), reporting whether
// it did.
func fastManifest(b []byte, m *manifest) bool {
	s := &mscan{b: b, ok: true}
	seen := map[string]bool{}
	strs := map[string]*string{"filename": &m.Filename, "project": &m.Project,
		"project_version": &m.ProjVersion, "dist_info": &m.DistInfo, "data_dir": &m.DataDir}
	s.object(func(key string) {
		if seen[key] {
			s.ok = false // encoding/json merges a repeated array into the first
			return
		}
		seen[key] = true
		if p := strs[key]; p != nil {
			*p = s.str()
			return
		}
		switch key {
		case "version":
			m.Version = int(s.int(strconv.IntSize))
		case "root_is_purelib":
			m.RootIsPurelib = s.bool()
		case "files":
			m.Files = s.files()
		case "mtimes":
			m.MTimes = []int64{}
			s.array(func() { m.MTimes = append(m.MTimes, s.int(64)) })
		case "entry_points":
			m.EntryPoints = s.entryPoints()
		default:
			s.ok = false
		}
	})
	s.ws()
	return s.ok && s.i == len(s.b)
}

func (s *mscan) files() []manifestFile {
	files := []manifestFile{}
	s.array(func() {
		var f manifestFile
		s.object(func(key string) {
			switch key {
			case "Name":
				f.Name = s.str()
			case "Size":
				f.Size = s.int(64)
			case "Hash":
				f.Hash = s.str()
			case "Mode":
				v := s.uint(33)
				if v > math.MaxUint32 {
					s.ok = false
				}
				f.Mode = os.FileMode(v)
			default:
				s.ok = false
			}
		})
		files = append(files, f)
	})
	return files
}

func (s *mscan) entryPoints() []manifestEntryPoint {
	eps := []manifestEntryPoint{}
	s.array(func() {
		var e manifestEntryPoint
		fields := map[string]*string{"Name": &e.Name, "Module": &e.Module, "Attr": &e.Attr, "Group": &e.Group}
		s.object(func(key string) {
			if p := fields[key]; p != nil {
				*p = s.str()
			} else {
				s.ok = false
			}
		})
		eps = append(eps, e)
	})
	return eps
}
