package tags

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pkginstall/pkginstall/internal/pep440"
)

// refPEP440 is the version pattern ParseWheelFilename used before it
// called pep440.IsVersion (packaging's VERSION_PATTERN without
// surrounding white space), kept as the reference the hand-written
// parser is compared with.
var refPEP440 = regexp.MustCompile(`(?i)^v?` +
	`(?:[0-9]+!)?` + // epoch
	`[0-9]+(?:\.[0-9]+)*` + // release
	`(?:[-_.]?(?:alpha|a|beta|b|preview|pre|c|rc)[-_.]?[0-9]*)?` + // pre
	`(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?` + // post
	`(?:[-_.]?dev[-_.]?[0-9]*)?` + // dev
	`(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$`) // local

// refParseWheelFilename is the regexp-based ParseWheelFilename as it was:
// strings.Split on "-", the regexp for the version, the tag set joined
// back (the build tag and tag set checks are shared: they did not change;
// FuzzSingleTagAgrees covers ParseTagSet's fast path).
func refParseWheelFilename(filename string) (WheelName, error) {
	bad := func(reason string, err error) (WheelName, error) {
		return WheelName{}, &WheelFilenameError{Filename: filename, Reason: reason, Err: err}
	}
	stem, ok := strings.CutSuffix(filename, ".whl")
	if !ok {
		return bad("extension must be .whl", nil)
	}
	parts := strings.Split(stem, "-")
	if len(parts) != 5 && len(parts) != 6 {
		return bad("want name-version[-build]-python-abi-platform.whl", nil)
	}
	var w WheelName
	w.Name, w.Version = parts[0], parts[1]
	if !validName(w.Name) {
		return bad(fmt.Sprintf("invalid project name %q", w.Name), nil)
	}
	if !refPEP440.MatchString(w.Version) {
		return bad(fmt.Sprintf("invalid version %q", w.Version), nil)
	}
	var err error
	if len(parts) == 6 {
		w.Build = parts[2]
		if err = checkBuildTag(filename, w.Build); err != nil {
			return WheelName{}, err
		}
	}
	if w.Tags, err = wheelTags(filename, strings.Join(parts[len(parts)-3:], "-")); err != nil {
		return WheelName{}, err
	}
	return w, nil
}

// checkAgainstReference fails when ParseWheelFilename and the reference
// disagree on s: both accept with the same result, or both reject with
// the same message. The one deliberate difference: the regexp's (?i)
// folds U+017F (long s) to "s" and U+212A (Kelvin sign) to "k", so it took
// "1.0po\u017ft1" for a version; pep440, the owner of the grammar, is ASCII
// and rejects it, so such a file failed at pep440.Parse before, and now
// at ParseWheelFilename.
func checkAgainstReference(t *testing.T, s string) {
	t.Helper()
	got, err := ParseWheelFilename(s)
	want, wantErr := refParseWheelFilename(s)
	if foldedVersion(s) {
		if err == nil || !strings.Contains(err.Error(), "invalid version") {
			t.Fatalf("ParseWheelFilename(%q) = %+v, %v; want an invalid version", s, got, err)
		}
		return
	}
	if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
		t.Fatalf("ParseWheelFilename(%q): error %v, the regexp-based parser %v", s, err, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseWheelFilename(%q) = %+v, the regexp-based parser %+v", s, got, want)
	}
}

// foldedVersion reports whether the version part of a well-shaped name s
// is one only the regexp's case folding accepts.
func foldedVersion(s string) bool {
	parts := strings.Split(strings.TrimSuffix(s, ".whl"), "-")
	if !strings.HasSuffix(s, ".whl") || len(parts) != 5 && len(parts) != 6 || !validName(parts[0]) {
		return false
	}
	v := parts[1]
	_, err := pep440.Parse(v)
	return !isASCII(v) && refPEP440.MatchString(v) && err != nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

var wheelNameSamples = []string{
	"foo-1.0-py3-none-any.whl", "foo-1.0-1-py2.py3-none-any.whl", "Foo.Bar-1.0rc1.post2.dev3+local.7-cp311-cp311-linux_x86_64.whl",
	"a-b-c-d-e-f-g.whl", "-----.whl", "----.whl", "foo-1.0-py3-none-any", "foo-1.0-PY3-None-ANY.whl",
	"foo-v1!2.0a-1.dev_3+Abc.1-py3-none-any.whl", "foo-1.0-x-py3-none-any.whl", "foo-1.0--py3-none-any.whl",
	"foo__bar-1.0-py3-none-any.whl", "foo- 1.0-py3-none-any.whl", "foo-1.0 -py3-none-any.whl",
	"foo-1.0po\u017ft1-py3-none-any.whl", "foo-1.0+\u212a-py3-none-any.whl", "foo-1.0-3py-none-any.whl",
	"foo-1.0-py3-none-.whl", "foo-1.0-py3..py2-none-any.whl", "foo-1.0.-py3-none-any.whl", "foo-1.0a--py3-none-any.whl",
	"foo-1.0-1-py3-none-any-x.whl", "foo-1.0-py3-none-\u212aany.whl", "foo-1.0-py3-none-any.WHL", "foo-1.0a.-py3-none-any.whl",
	"foo-1.0.post-py3-none-any.whl", "foo-1.0.r-py3-none-any.whl", "foo-1.0-rc-py3-none-any.whl", "foo-1.0+a..b-py3-none-any.whl",
	"foo-1.0\u00a0-py3-none-any.whl", "foo-1.0\x1c-py3-none-any.whl", "foo-1.0.1.2.3.4.5.6.7.8.9.10-py3-none-any.whl",
}

func TestParseWheelFilenameMatchesReference(t *testing.T) {
	for _, s := range wheelNameSamples {
		checkAgainstReference(t, s)
	}
	for _, s := range []string{"foo-1.0po\u017ft1-py3-none-any.whl", "foo-1.0+\u212a-py3-none-any.whl"} {
		if _, err := refParseWheelFilename(s); err != nil {
			t.Errorf("the reference rejects %q: the documented difference is not exercised", s)
		}
		if _, err := ParseWheelFilename(s); err == nil {
			t.Errorf("ParseWheelFilename(%q) accepts a version pep440 rejects", s)
		}
	}
}

// FuzzParseWheelFilenameMatchesReference compares the hand-written parser
// with the regexp-based one on random names.
func FuzzParseWheelFilenameMatchesReference(f *testing.F) {
	for _, s := range wheelNameSamples {
		f.Add(s)
	}
	f.Fuzz(checkAgainstReference)
}

// FuzzSingleTagAgrees checks ParseTagSet's fast path against its general
// path: same tags, and the fast path never takes what the general one
// rejects.
func FuzzSingleTagAgrees(f *testing.F) {
	for _, s := range []string{"py3-none-any", "PY3-None-Any", "3py-none-any", "py3-none-", "py3-none-any-x", "py3-none-\u212aany", "py2.py3-none-any"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tag, ok := singleTag(s)
		want, err := parseTagSet(s)
		if ok && (err != nil || len(want) != 1 || want[0] != tag) {
			t.Fatalf("singleTag(%q) = %v; the general path %v, %v", s, tag, want, err)
		}
		if !ok && err == nil && len(want) == 1 && !strings.Contains(s, ".") {
			t.Fatalf("singleTag(%q) missed a single tag %v", s, want)
		}
	})
}
