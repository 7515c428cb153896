package pep440

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// containsTests: (specifier set, version, prereleases, want). With
// prereleases false, pre- and dev-releases never match; the rows with true
// are plain PEP 440 membership (packaging 26's range model).
var containsTests = []struct {
	spec, version string
	pre, want     bool
}{
	// Empty set.
	{"", "1.0", false, true},
	{"", "1.0a1", false, false},
	{"", "1.0a1", true, true},
	{" , ,", "1.0.dev0", true, true},
	// ==, with the candidate's local dropped when the spec has none.
	{"==1.0", "1.0", false, true},
	{"==1.0", "1.0.0", false, true},
	{"==1.0.0", "1", false, true},
	{"==1.0", "1.0+abc", false, true},
	{"==1.0", "1.0.post0", false, false},
	{"==1.0", "1.0a1", true, false},
	{"== 1.0", "1.0", false, true},
	{"==v1.0", "1.0", false, true},
	{"==1.0+abc", "1.0+abc", false, true},
	{"==1.0+abc", "1.0.0+ABC", false, true},
	{"==1.0+abc", "1.0", false, false},
	{"==1.0+abc", "1.0+abc.1", false, false},
	{"==1.0a1", "1.0a1", false, false},
	{"==1.0a1", "1.0a1", true, true},
	{"==1.0a1", "1.0a1+x", true, true},
	// !=
	{"!=1.0", "1.0", false, false},
	{"!=1.0", "1.0+abc", false, false},
	{"!=1.0", "1.0.post0", false, true},
	{"!=1.0", "1.0a1", true, true},
	{"!=1.0+abc", "1.0", false, true},
	{"!=1.0+abc", "1.0+abc", false, false},
	// Wildcards: prefix matching with padding.
	{"==1.*", "1.0", false, true},
	{"==1.*", "1.9.post3", false, true},
	{"==1.*", "1.0.dev0", true, true},
	{"==1.*", "2.0.dev0", true, false},
	{"==1.*", "2.0a1", true, false},
	{"==1.*", "0.9", false, false},
	{"==1.0.*", "1", false, true},
	{"==1.0.*", "1.0.0.5", false, true},
	{"==1.0.*", "1.0+local", false, true},
	{"==1.0.*", "1.1.dev0", true, false},
	{"==1.*", "1!1.0", false, false},
	{"==1!1.*", "1!1.5", false, true},
	{"==1!1.*", "1.5", false, false},
	{"!=1.*", "1.5", false, false},
	{"!=1.*", "2.0", false, true},
	{"!=1.*", "0.9", false, true},
	{"!=1.0.*", "1.0.1", false, false},
	// Inclusive ordering.
	{">=1.0", "1.0", false, true},
	{">=1.0", "1.0+x", false, true},
	{">=1.0", "1.0rc1", true, false},
	{">=1.0", "1.1a1", true, true},
	{">=1.0", "1.1a1", false, false},
	{"<=1.0", "1.0", false, true},
	{"<=1.0", "1.0+local", false, true},
	{"<=1.0", "1.0.post0.dev0", true, false},
	{"<=1.0", "1.0.post0", false, false},
	{"<=1.0a1", "1.0a1+x", true, true},
	// Exclusive ordering.
	{">1.7", "1.7", false, false},
	{">1.7", "1.7.post1", false, false},
	{">1.7", "1.7.0.post1", false, false},
	{">1.7", "1.7+local", false, false},
	{">1.7", "1.7.post1+local", false, false},
	{">1.7", "1.7.1", false, true},
	{">1.7", "1.8.dev0", true, true},
	{">1.7", "1.7.0.1.dev0", true, true},
	{">1.7.post2", "1.7.post3", false, true},
	{">1.7.post2", "1.7.post2+x", false, false},
	{">1.7.post2", "1.7.post3.dev0", true, true},
	{">1.7a1", "1.7a1.post1", true, false},
	{">1.7a1", "1.7a1+x", true, false},
	{">1.7a1", "1.7a2.dev0", true, true},
	{">1.7a1", "1.7.post1", false, true},
	{">1.7a1", "1.7+local", false, true},
	{">1.7.dev1", "1.7.dev1+x", true, false},
	{">1.7.dev1", "1.7.dev2", true, true},
	{">1.7.dev1", "1.7a1", true, true},
	{"<1.7", "1.7rc1", true, false},
	{"<1.7", "1.7.dev0", true, false},
	{"<1.7", "1.6.9", false, true},
	{"<1.7", "1.7", false, false},
	{"<1.7", "1.6+local", false, true},
	{"<1.7rc1", "1.7b1", true, true},
	{"<1.7rc1", "1.7rc1.dev0", true, true},
	{"<1.7rc1", "1.7rc1", true, false},
	{"<1.7.post1", "1.7", false, true},
	{"<1.7.post1", "1.7rc1", true, true},
	{"<1.7.post1", "1.7.post1.dev0", true, false},
	{"<0", "0.dev0", true, false},
	{"<0.dev0", "0.dev0", true, false},
	{"<0a0", "0.dev0", true, true},
	// Compatible release.
	{"~=2.2", "2.2", false, true},
	{"~=2.2", "2.9", false, true},
	{"~=2.2", "3.0", false, false},
	{"~=2.2", "3.0.dev0", true, false},
	{"~=2.2", "2.1", false, false},
	{"~=2.2.0", "2.2.5", false, true},
	{"~=2.2.0", "2.3", false, false},
	{"~=2.2.post3", "2.2.post3", false, true},
	{"~=2.2.post3", "2.2.post2", false, false},
	{"~=2.2.post3", "2.9", false, true},
	{"~=2.2a1", "2.2a2", true, true},
	{"~=2.2a1", "2.2", false, true},
	{"~=1!2.2", "1!2.5", false, true},
	{"~=1!2.2", "2.5", false, false},
	// Arbitrary equality compares canonical strings, case-insensitively.
	{"===1.0", "1.0", false, true},
	{"===1.0", "1.0.0", false, false},
	{"===1.0+ABC", "1.0+abc", false, true},
	{"===foobar", "1.0", true, false},
	{"===1.0a1", "1.0a1", false, false},
	{"===1.0a1", "1.0a1", true, true},
	{"===1.0,>=1.0", "1.0", false, true},
	// Sets.
	{">=1.0,<2.0", "1.5", false, true},
	{">=1.0, <2.0", "2.0", false, false},
	{">=1.0,!=1.5", "1.5", false, false},
	{">=1.0,!=1.5.*", "1.5.2", false, false},
	{">=2.0,<1.0", "1.5", true, false},
	{"==1.0,!=1.0", "1.0", true, false},
	{"  >=1.0  ,  <2  ", "1.9", false, true},
}

func TestContains(t *testing.T) {
	for _, tt := range containsTests {
		s, err := ParseSpecifierSet(tt.spec)
		if err != nil {
			t.Errorf("ParseSpecifierSet(%q): %v", tt.spec, err)
			continue
		}
		v := MustParse(tt.version)
		if got := s.Contains(v, tt.pre); got != tt.want {
			t.Errorf("%q.Contains(%s, %v) = %v, want %v", tt.spec, tt.version, tt.pre, got, tt.want)
		}
		if s.Len() > 0 && !strings.Contains(tt.spec, "===") {
			if got := s.Range().Contains(v); got != s.Contains(v, true) {
				t.Errorf("%q.Range().Contains(%s) = %v, want %v", tt.spec, tt.version, got, !got)
			}
		}
	}
}

func TestParseSpecifierSetInvalid(t *testing.T) {
	for _, in := range []string{
		"~=1", "~=1.*", "~=1.0+local", "==1.0.*+local", "==1.0a1.*", "==1.0.post1.*",
		">=1.0.*", "<1.0.*", "<1.0+local", ">1.0+local", "<=1.0+local", ">=1.0+local",
		"=1.0", "1.0", ">=", "==", "=> 1.0", ">== 1.0", ">=1.0,,<x", ">=1.0;",
		"==1.0 a1", ">=1.0 <2.0", "=== 1.0 2", "===1.0)", "==1.0.", "==1..0", "lolwat",
		">=1.0,foo", "!=1.0.*.*", "== 1.0.* ", "==１.0",
	} {
		if in == "== 1.0.* " {
			continue // valid; listed to keep the neighbours honest
		}
		_, err := ParseSpecifierSet(in)
		var ise *InvalidSpecifierError
		if !errors.As(err, &ise) {
			t.Errorf("ParseSpecifierSet(%q) error = %v, want *InvalidSpecifierError", in, err)
		}
	}
}

func TestSpecifierSetString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{">=1.0.0,!=1.0.1", "!=1.0.1,>=1.0.0"},
		{" >= 1.0 , < 2 ", "<2,>=1.0"},
		{"==1.0,==1.0.0", "==1.0"},
		{"~=1.0,~=1.0.0", "~=1.0,~=1.0.0"},
		{"==1.*, ==1.*", "==1.*"},
		{"===Foo", "===Foo"},
		{">=V1.0", ">=V1.0"},
	}
	for _, tt := range tests {
		s, err := ParseSpecifierSet(tt.in)
		if err != nil {
			t.Errorf("ParseSpecifierSet(%q): %v", tt.in, err)
			continue
		}
		if got := s.String(); got != tt.want {
			t.Errorf("ParseSpecifierSet(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
		again, err := ParseSpecifierSet(s.String())
		if err != nil || again.String() != s.String() {
			t.Errorf("String() of %q does not round-trip: %q, %v", tt.in, again.String(), err)
		}
	}
}

func TestHasPrerelease(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"", false},
		{">=1.0", false},
		{">=1.0a1", true},
		{">=1.0.dev0", true},
		{"~=1.0rc1", true},
		{"<2.0.post1.dev1", true},
		{"==1.0a1+local", true},
		{"!=1.0a1", false},
		{"==1.0.*", false},
		{"===1.0a1", true},
		{"===foo", false},
		{">=1.0,!=2.0b1", false},
		{">=1.0,<2.0b1", true},
	}
	for _, tt := range tests {
		if got := mustSpec(tt.in).HasPrerelease(); got != tt.want {
			t.Errorf("%q.HasPrerelease() = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestFilter(t *testing.T) {
	tests := []struct {
		spec, in, want string
	}{
		{">=1.2.3", "1.2 1.3 1.5a1", "1.3"},
		{">=1.2.3", "1.2 1.2.3 1.3 1.4", "1.2.3 1.3 1.4"},
		{">=1.2.3", "1.2 1.5a1", "1.5a1"},
		{">=1.2.3", "1.5a1 1.2 1.6b1", "1.5a1 1.6b1"},
		{">=1.2.3", "1.5a1 1.3 1.6b1", "1.3"},
		{">=1.0a1", "1.0a2 1.0 0.9 1.1.dev0", "1.0a2 1.0 1.1.dev0"},
		{"!=1.0a1", "1.0a2 1.0", "1.0"},
		{"", "1.3 1.5a1", "1.3"},
		{"", "1.5a1 1.6.dev0", "1.5a1 1.6.dev0"},
		{"", "", ""},
		{"==1.*", "2.0 1.0a1", "1.0a1"},
		{"<1.0", "1.0a1 1.0", ""},
		{"===1.0a1", "1.0a1 1.0", "1.0a1"},
		{"===1.0", "1.0a1 1.0 1.0.0", "1.0"},
		{">=1.0,!=1.1", "1.1 1.2a1 1.0 1.2", "1.0 1.2"},
	}
	for _, tt := range tests {
		s := mustSpec(tt.spec)
		var vs []Version
		for _, f := range strings.Fields(tt.in) {
			vs = append(vs, MustParse(f))
		}
		var got []string
		for _, v := range s.Filter(vs) {
			got = append(got, v.String())
		}
		if want := strings.Fields(tt.want); !slices.Equal(got, want) {
			t.Errorf("%q.Filter(%s) = %v, want %v", tt.spec, tt.in, got, want)
		}
	}
}

func FuzzParseSpecifierSet(f *testing.F) {
	for _, tt := range containsTests {
		f.Add(tt.spec, tt.version)
	}
	f.Fuzz(func(t *testing.T, spec, version string) {
		s, err := ParseSpecifierSet(spec)
		if err != nil {
			return
		}
		again, err := ParseSpecifierSet(s.String())
		if err != nil {
			t.Fatalf("String() of %q = %q does not parse: %v", spec, s.String(), err)
		}
		if again.String() != s.String() {
			t.Fatalf("String() of %q not stable: %q then %q", spec, s.String(), again.String())
		}
		v, err := Parse(version)
		if err != nil {
			return
		}
		if s.Contains(v, true) != again.Contains(v, true) {
			t.Fatalf("%q and its String() %q disagree on %s", spec, s.String(), v)
		}
		if s.Contains(v, false) && v.IsPrerelease() {
			t.Fatalf("%q.Contains(%s, false) is true for a pre-release", spec, v)
		}
		if !strings.Contains(spec, "===") && s.Range().Contains(v) != s.Contains(v, true) {
			t.Fatalf("%q: Range and Contains disagree on %s", spec, v)
		}
	})
}

func BenchmarkContains(b *testing.B) {
	s := mustSpec(">=1.20,!=1.24.0,<3")
	var vs [benchN]Version
	for i, v := range benchSet() {
		vs[i] = MustParse(v)
	}
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		if s.Contains(vs[i&(benchN-1)], false) {
			n++
		}
	}
	_ = n
}

// TestArbitraryEquality: "===" compares the version as written (ignoring
// case and surrounding whitespace), never its normalised form (PEP 440,
// "Arbitrary equality"); its Range is the wider class of equal versions.
func TestArbitraryEquality(t *testing.T) {
	for _, tt := range []struct {
		spec, version string
		want          bool
	}{
		{"===1.0", "1.0", true},
		{"===1.0", "v1.0", false},
		{"===1.0", "V1.0", false},
		{"===1.0", "0!1.0", false},
		{"===1.0", "1.0.0", false},
		{"===1.0", "1.00", false},
		{"===1.0", " 1.0 ", true}, // surrounding whitespace is not part of the version
		{"===1.01", "1.01", true},
		{"===1.01", "1.1", false},
		{"===1.1", "1.01", false},
		{"===1.1", "1.1", true},
		{"===v1.0", "v1.0", true},
		{"===V1.0", "v1.0", true},
		{"===v1.0", "1.0", false},
		{"===0!1.0", "0!1.0", true},
		{"===0!1.0", "1.0", false},
		{"===1.0a1", "1.0A1", true},
		{"===1.0a1", "1.0alpha1", false},
		{"===1.0.post1", "1.0-1", false},
		{"===1.0-1", "1.0-1", true},
		{"===1.0+abc", "1.0+ABC", true},
		{"===1.0+abc", "1.0", false},
		{"===1.0,>=1.0", "1.0", true},
		{"===1.0,>=2.0", "1.0", false},
		{"===foobar", "1.0", false},
	} {
		s := mustSpec(tt.spec)
		v := MustParse(tt.version)
		if got := s.Contains(v, true); got != tt.want {
			t.Errorf("%q.Contains(%q) = %v, want %v", tt.spec, tt.version, got, tt.want)
		}
		if !s.HasArbitrary() {
			t.Errorf("%q.HasArbitrary() = false", tt.spec)
		}
		// The Range may hold more than the clause (other spellings), never less.
		if tt.want && !s.Range().Contains(v) {
			t.Errorf("%q.Range() = %s lacks %q, which the set contains", tt.spec, s.Range(), tt.version)
		}
	}
}

func TestVersionText(t *testing.T) {
	for _, tt := range []struct{ in, text, canon string }{
		{"1.0", "1.0", "1.0"},
		{" v1.0\t", "v1.0", "1.0"},
		{"1.01", "1.01", "1.1"},
		{"0!1.0", "0!1.0", "1.0"},
		{"1.0-A-1", "1.0-A-1", "1.0a1"},
	} {
		v := MustParse(tt.in)
		if v.Text() != tt.text || v.String() != tt.canon {
			t.Errorf("Parse(%q): Text %q, String %q; want %q, %q", tt.in, v.Text(), v.String(), tt.text, tt.canon)
		}
	}
	if got := MustParse("V1.0+ABC").Public().Text(); got != "1.0" {
		t.Errorf("Public().Text() = %q, want the canonical public version", got)
	}
}

// mustSpec is ParseSpecifierSet for test tables: it panics on error.
func mustSpec(s string) SpecifierSet {
	set, err := ParseSpecifierSet(s)
	if err != nil {
		panic(err)
	}
	return set
}
