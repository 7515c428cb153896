// Package tags parses wheel file names and platform compatibility tags
// (PEP 425, PEP 427, the binary distribution format specification) and
// computes the ordered list of tags an interpreter supports.
//
// Rules it enforces:
//   - A tag is three non-empty components, interpreter-abi-platform, each
//     made of ASCII letters, digits and underscores; the interpreter starts
//     with a letter or underscore (a Python identifier). Tags are compared
//     in lower case, as packaging.tags.Tag does.
//   - A compressed tag set ("py2.py3-none-any") expands to the cross
//     product of its dotted parts, interpreter first, without duplicates,
//     and at most MaxTagSet tags.
//   - A wheel file name is {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl:
//     the name is ASCII letters, digits, "." and "_" without "__"; the
//     version is a valid PEP 440 version as pep440 defines it (IsVersion:
//     its grammar has one owner), without surrounding whitespace; the build
//     tag starts with a digit.
//   - Supported reproduces packaging.tags.sys_tags() order (best first),
//     with one documented exception: native linux_<arch> tags come after
//     the manylinux and musllinux tags, as in packaging up to 26.2 and pip.
package tags

import (
	"errors"
	"fmt"
	"strings"
)

// MaxTagSet is the largest number of tags a compressed tag set may expand
// to; real wheels use a handful.
const MaxTagSet = 1024

// Tag is one compatibility tag triple.
type Tag struct{ Interpreter, ABI, Platform string }

// String returns the tag in wheel file name form: "cp311-cp311-manylinux_2_17_x86_64".
func (t Tag) String() string { return t.Interpreter + "-" + t.ABI + "-" + t.Platform }

// TagSetError reports an invalid (compressed) tag set.
type TagSetError struct {
	TagSet string
	Reason string
}

func (e *TagSetError) Error() string {
	return fmt.Sprintf("invalid tag set %q: %s", e.TagSet, e.Reason)
}

// ParseTagSet parses a tag or a compressed tag set ("py2.py3-none-any")
// into its tags, in the order interpreter, then ABI, then platform.
func ParseTagSet(s string) ([]Tag, error) {
	if t, ok := singleTag(s); ok {
		return []Tag{t}, nil
	}
	return parseTagSet(s)
}

// parseTagSet is ParseTagSet without its fast path.
func parseTagSet(s string) ([]Tag, error) {
	comps := strings.Split(s, "-")
	if len(comps) != 3 {
		return nil, &TagSetError{s, "want interpreter-abi-platform"}
	}
	var parts [3][]string
	n := 1
	for i, c := range comps {
		parts[i] = strings.Split(strings.ToLower(c), ".")
		for _, p := range parts[i] {
			if err := checkComponent(p, i == 0); err != nil {
				return nil, &TagSetError{s, err.Error()}
			}
		}
		n *= len(parts[i])
		if n > MaxTagSet {
			return nil, &TagSetError{s, fmt.Sprintf("expands to more than %d tags", MaxTagSet)}
		}
	}
	out := make([]Tag, 0, n)
	seen := make(map[Tag]bool, n)
	for _, in := range parts[0] {
		for _, abi := range parts[1] {
			for _, plat := range parts[2] {
				t := Tag{in, abi, plat}
				if !seen[t] {
					seen[t] = true
					out = append(out, t)
				}
			}
		}
	}
	return out, nil
}

// singleTag is ParseTagSet's fast path for a valid tag set that is one
// tag (no "."), as nearly every wheel's is; it reports false for anything
// else, which the general path then parses or rejects.
func singleTag(s string) (Tag, bool) {
	if strings.IndexByte(s, '.') >= 0 {
		return Tag{}, false
	}
	in, rest, ok1 := strings.Cut(s, "-")
	abi, plat, ok2 := strings.Cut(rest, "-")
	if !ok1 || !ok2 || strings.IndexByte(plat, '-') >= 0 {
		return Tag{}, false
	}
	t := Tag{strings.ToLower(in), strings.ToLower(abi), strings.ToLower(plat)}
	if checkComponent(t.Interpreter, true) != nil || checkComponent(t.ABI, false) != nil || checkComponent(t.Platform, false) != nil {
		return Tag{}, false
	}
	return t, true
}

// checkComponent validates one dotted part of a tag.
func checkComponent(p string, interpreter bool) error {
	if p == "" {
		return errors.New("empty component")
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c >= 'a' && c <= 'z', c == '_':
		case c >= '0' && c <= '9':
			if interpreter && i == 0 {
				return fmt.Errorf("interpreter %q starts with a digit", p)
			}
		default:
			return fmt.Errorf("component %q has character %q", p, c)
		}
	}
	return nil
}
