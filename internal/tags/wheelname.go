package tags

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pep508"
)

// WheelName is a parsed wheel file name.
type WheelName struct {
	Name    string // distribution name as in the file name (escaped form)
	Version string // as in the file name
	Build   string // "" or the build tag ("1", "2abc")
	Tags    []Tag
}

// WheelFilenameError reports an invalid wheel file name.
type WheelFilenameError struct {
	Filename string
	Reason   string
	Err      error // the tag set error, if that is the reason
}

func (e *WheelFilenameError) Error() string {
	return fmt.Sprintf("invalid wheel file name %q: %s", e.Filename, e.Reason)
}

func (e *WheelFilenameError) Unwrap() error { return e.Err }

// ParseWheelFilename parses {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl
// following the binary distribution format and packaging.utils.parse_wheel_filename:
// four or five dashes; the name has no "__" and only letters, digits, "."
// and "_"; the version is PEP 440 (pep440.IsVersion); the build tag starts
// with a digit; the tags may be compressed tag sets. It is called for
// every file of an index page, so it slices the name in place.
func ParseWheelFilename(filename string) (WheelName, error) {
	bad := func(reason string, err error) (WheelName, error) {
		return WheelName{}, &WheelFilenameError{Filename: filename, Reason: reason, Err: err}
	}
	stem, ok := strings.CutSuffix(filename, ".whl")
	if !ok {
		return bad("extension must be .whl", nil)
	}
	// dash[i] is where the i-th "-" of stem is; a sixth means too many.
	var dash [6]int
	n := 0
	for i := 0; i < len(stem) && n < len(dash); i++ {
		if stem[i] == '-' {
			dash[n] = i
			n++
		}
	}
	if n != 4 && n != 5 {
		return bad("want name-version[-build]-python-abi-platform.whl", nil)
	}
	var w WheelName
	w.Name, w.Version = stem[:dash[0]], stem[dash[0]+1:dash[1]]
	if !validName(w.Name) {
		return bad(fmt.Sprintf("invalid project name %q", w.Name), nil)
	}
	if !pep440.IsVersion(w.Version) {
		return bad(fmt.Sprintf("invalid version %q", w.Version), nil)
	}
	var err error
	if n == 5 {
		w.Build = stem[dash[1]+1 : dash[2]]
		if err = checkBuildTag(filename, w.Build); err != nil {
			return WheelName{}, err
		}
	}
	if w.Tags, err = wheelTags(filename, stem[dash[n-3]+1:]); err != nil {
		return WheelName{}, err
	}
	return w, nil
}

// checkBuildTag refuses a build tag that does not start with a digit.
func checkBuildTag(filename, build string) error {
	if build == "" || build[0] < '0' || build[0] > '9' {
		return &WheelFilenameError{Filename: filename, Reason: fmt.Sprintf("invalid build tag %q: must start with a digit", build)}
	}
	return nil
}

// wheelTags parses the tag set of the wheel file filename.
func wheelTags(filename, tagSet string) ([]Tag, error) {
	tags, err := ParseTagSet(tagSet)
	if err != nil {
		reason := err.Error()
		if te, ok := errors.AsType[*TagSetError](err); ok {
			reason = te.Reason
		}
		return nil, &WheelFilenameError{Filename: filename, Reason: reason, Err: err}
	}
	return tags, nil
}

// validName reports whether s is an escaped distribution name as wheel
// file names carry it.
func validName(s string) bool {
	if s == "" || strings.Contains(s, "__") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

// NormalizedName returns the PEP 503 normalised project name
// (pep508.NormalizeName).
func (w WheelName) NormalizedName() string {
	return pep508.NormalizeName(w.Name)
}

// BuildNumber splits the build tag into its leading number (as a decimal
// string without leading zeros, "" when there is no build tag) and the
// rest, the two keys PEP 427 sorts build tags by.
func (w WheelName) BuildNumber() (number, rest string) {
	i := 0
	for i < len(w.Build) && w.Build[i] >= '0' && w.Build[i] <= '9' {
		i++
	}
	number = strings.TrimLeft(w.Build[:i], "0")
	if number == "" && i > 0 {
		number = "0"
	}
	return number, w.Build[i:]
}

// compareBuild orders build tags as PEP 427 does: no build tag first, then
// by number, then by the rest of the tag as a string.
func compareBuild(a, b WheelName) int {
	if (a.Build == "") != (b.Build == "") {
		if a.Build == "" {
			return -1
		}
		return 1
	}
	an, ar := a.BuildNumber()
	bn, br := b.BuildNumber()
	if c := len(an) - len(bn); c != 0 {
		return c
	}
	if c := strings.Compare(an, bn); c != 0 {
		return c
	}
	return strings.Compare(ar, br)
}
