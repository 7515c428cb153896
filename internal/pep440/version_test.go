package pep440

import (
	"errors"
	"strings"
	"testing"
)

// sortedVersions is in strictly increasing PEP 440 order; entries on one line
// joined by " = " compare equal. It drives every ordering test.
var sortedVersions = []string{
	"0.dev0",
	"0",
	"0.0.1",
	"1.0.dev0 = 1.dev0 = 1.0.0.dev0",
	"1.0.dev1",
	"1.0.dev1+local",
	"1.0.dev2",
	"1.0.dev10",
	"1.0a0.dev0",
	"1.0a0",
	"1.0a1.dev1",
	"1.0a1 = 1.0alpha1 = 1.0.a.1 = 1.0-A-1",
	"1.0a1+abc",
	"1.0a1.post0.dev0",
	"1.0a1.post1",
	"1.0a2.dev0",
	"1.0a2",
	"1.0a12",
	"1.0b1",
	"1.0rc1 = 1.0c1 = 1.0pre1 = 1.0preview1",
	"1.0rc1.post1",
	"1.0rc2",
	"1.0 = 1 = 1.0.0 = 01.00 = v1.0",
	"1.0+0a",
	"1.0+a",
	"1.0+a.b",
	"1.0+a.1",
	"1.0+abc",
	"1.0+b",
	"1.0+z9",
	"1.0+0 = 1.0+000",
	"1.0+1",
	"1.0+1.a",
	"1.0+1.0",
	"1.0+2",
	"1.0+10",
	"1.0.post0.dev0",
	"1.0.post0 = 1.0-0 = 1.0post = 1.0.r",
	"1.0.post0+x",
	"1.0.post1.dev0",
	"1.0.post1.dev1",
	"1.0.post1 = 1.0-1 = 1.0.rev1 = 1.0r1",
	"1.0.post1+a",
	"1.0.post2",
	"1.0.0.1.dev0",
	"1.0.0.1",
	"1.1.dev0",
	"1.1",
	"1.9",
	"1.10",
	"2.0",
	"99999999999999999999",
	"100000000000000000000",
	"100000000000000000000.1",
	"1!0.dev0",
	"1!0",
	"1!1.0",
	"2!0.1",
	"18446744073709551616!1",
}

func parseSorted(t testing.TB) [][]Version {
	var groups [][]Version
	for _, line := range sortedVersions {
		var g []Version
		for _, s := range strings.Split(line, " = ") {
			v, err := Parse(s)
			if err != nil {
				t.Fatalf("Parse(%q): %v", s, err)
			}
			g = append(g, v)
		}
		groups = append(groups, g)
	}
	return groups
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func TestCompareSortedTable(t *testing.T) {
	groups := parseSorted(t)
	for i, gi := range groups {
		for j, gj := range groups {
			want := sign(i - j)
			for _, a := range gi {
				for _, b := range gj {
					if got := sign(a.Compare(b)); got != want {
						t.Errorf("Compare(%s, %s) = %d, want %d", a, b, got, want)
					}
				}
			}
		}
	}
}

func TestCanonicalString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1.0", "1.0"},
		{"1.0.0", "1.0.0"},
		{"  1.0\t\n", "1.0"},
		{"\u00a01.0\u3000", "1.0"},
		{"v1.0", "1.0"},
		{"V1.0", "1.0"},
		{"0!1.0", "1.0"},
		{"000!1.0", "1.0"},
		{"2!1.0", "2!1.0"},
		{"01.002.0003", "1.2.3"},
		{"1.0alpha", "1.0a0"},
		{"1.0ALPHA1", "1.0a1"},
		{"1.0.beta.2", "1.0b2"},
		{"1.0-b_2", "1.0b2"},
		{"1.0c3", "1.0rc3"},
		{"1.0pre", "1.0rc0"},
		{"1.0preview4", "1.0rc4"},
		{"1.0RC1", "1.0rc1"},
		{"1.0a.", "1.0a0"},
		{"1.0-1", "1.0.post1"},
		{"1.0-01", "1.0.post1"},
		{"1.0post", "1.0.post0"},
		{"1.0.rev2", "1.0.post2"},
		{"1.0_r_3", "1.0.post3"},
		{"1.0-post-4", "1.0.post4"},
		{"1.0dev", "1.0.dev0"},
		{"1.0-dev-5", "1.0.dev5"},
		{"1.0_DEV.6", "1.0.dev6"},
		{"1.0a1-1.dev2", "1.0a1.post1.dev2"},
		{"1.0+ABC", "1.0+abc"},
		{"1.0+abc-DEF_1", "1.0+abc.def.1"},
		{"1.0+007", "1.0+7"},
		{"1.0+0a.01", "1.0+0a.1"},
		{"1!2.3rc4.post5.dev6+seven.8", "1!2.3rc4.post5.dev6+seven.8"},
		{"123456789012345678901234567890", "123456789012345678901234567890"},
		{"1.0.post000000000000000000000000000001", "1.0.post1"},
	}
	for _, tt := range tests {
		v, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := v.String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	for _, in := range []string{
		"", " ", "v", "a", "1.", ".1", "1..0", "1.0.", "1-", "1.0-", "1!", "!1", "1!!1",
		"1.0+", "1.0+abc.", "1.0+abc..d", "1.0+ab+cd", "1.0+ab c", "1.0 a1",
		"1.0a1a1", "1.0.post1.post2", "1.0.dev1.dev2", "1.0dev1a1", "1.0.dev1.post1",
		"1.0-1-1", "1.0.*", "1.0a-1-", "vv1.0", "1.0_", "1,0", "1.0final", "1.0@",
		"1.0\x00", "１.0", "1.0+é", "-1.0", "+1.0", "1.0.pre.post.dev.x",
		// packaging's re.IGNORECASE takes these for ASCII letters (doc.go)
		"1.0po\u017ft1", "1.0+\u212a", "1.0+\u0131", "1.0r\u0130c1",
	} {
		_, err := Parse(in)
		var ive *InvalidVersionError
		if !errors.As(err, &ive) || ive.Input != in {
			t.Errorf("Parse(%q) error = %v, want *InvalidVersionError", in, err)
		}
	}
}

func TestVersionAccessors(t *testing.T) {
	tests := []struct {
		in           string
		pre, post    bool
		dev          bool
		local, publc string
	}{
		{"1.0", false, false, false, "", "1.0"},
		{"1.0a1", true, false, false, "", "1.0a1"},
		{"1.0.dev1", true, false, true, "", "1.0.dev1"},
		{"1.0.post1", false, true, false, "", "1.0.post1"},
		{"1.0.post1.dev1", true, true, true, "", "1.0.post1.dev1"},
		{"1.0+Ab-1", false, false, false, "ab.1", "1.0"},
		{"1!1.0rc1+x", true, false, false, "x", "1!1.0rc1"},
	}
	for _, tt := range tests {
		v := MustParse(tt.in)
		if v.IsPrerelease() != tt.pre || v.IsPostrelease() != tt.post || v.IsDevrelease() != tt.dev {
			t.Errorf("%s: pre/post/dev = %v/%v/%v, want %v/%v/%v", tt.in,
				v.IsPrerelease(), v.IsPostrelease(), v.IsDevrelease(), tt.pre, tt.post, tt.dev)
		}
		if v.Local() != tt.local {
			t.Errorf("%s: Local() = %q, want %q", tt.in, v.Local(), tt.local)
		}
		p := v.Public()
		if p.String() != tt.publc || p.Local() != "" {
			t.Errorf("%s: Public() = %q, want %q", tt.in, p, tt.publc)
		}
		if want := MustParse(tt.publc); p.Compare(want) != 0 || p != want {
			t.Errorf("%s: Public() = %#v, want %#v", tt.in, p, want)
		}
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParse(\"bad\") did not panic")
		}
	}()
	MustParse("bad")
}

func FuzzParseVersion(f *testing.F) {
	for _, line := range sortedVersions {
		for _, s := range strings.Split(line, " = ") {
			f.Add(s)
		}
	}
	f.Add(" v1!2.3.4a5-6.dev7+Eight_9 ")
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			return
		}
		w, err := Parse(v.String())
		if err != nil {
			t.Fatalf("Parse(%q) ok but Parse(String()=%q) failed: %v", s, v.String(), err)
		}
		canon := v
		canon.text = ""
		if w != canon || w.Compare(v) != 0 {
			t.Fatalf("round trip of %q: %#v != %#v", s, w, v)
		}
		if v.Text() != pyStrip(s) {
			t.Fatalf("Parse(%q).Text() = %q, want the input without surrounding whitespace", s, v.Text())
		}
		if v.Public().Compare(v) > 0 {
			t.Fatalf("Public(%s) sorts after it", v)
		}
	})
}

var benchVersions = []string{"1.0", "2.31.0", "1.26.0rc1", "3.1.4.post1", "0.9.dev3+g1234abc", "2!1.0"}

// benchN is the number of inputs a benchmark cycles through: a power of two,
// so that the loop picks the next input with a mask. (An i%len(slice)
// division costs about as much as Compare itself on some CPUs.)
const benchN = 64

// benchSet returns benchVersions repeated to fill benchN slots.
func benchSet() (in [benchN]string) {
	for i := range in {
		in[i] = benchVersions[i%len(benchVersions)]
	}
	return in
}

func BenchmarkParse(b *testing.B) {
	in := benchSet()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Parse(in[i&(benchN-1)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompare(b *testing.B) {
	var vs [benchN]Version
	for i, s := range benchSet() {
		vs[i] = MustParse(s)
	}
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		// Neighbours differ (except where the cycle wraps), so every call
		// does real work on a different pair.
		n += vs[i&(benchN-1)].Compare(vs[(i+1)&(benchN-1)])
	}
	_ = n
}

func TestCompareHugeNumbers(t *testing.T) {
	nines := strings.Repeat("9", 300)
	sorted := []string{
		"1." + strings.Repeat("9", 254),
		"1.1" + strings.Repeat("0", 254),
		"1." + nines,
		"1.1" + strings.Repeat("0", 300),
		"1.1" + strings.Repeat("0", 300) + ".post" + nines,
		"1." + strings.Repeat("1", 70000),
		strings.Repeat("1", 300) + "!0",
	}
	for i := range sorted {
		for j := range sorted {
			a, b := MustParse(sorted[i]), MustParse(sorted[j])
			if got := sign(a.Compare(b)); got != sign(i-j) {
				t.Errorf("Compare(#%d, #%d) = %d, want %d", i, j, got, sign(i-j))
			}
		}
	}
	v := MustParse("1.0+" + "0" + nines)
	if v.String() != "1.0+"+nines {
		t.Errorf("huge local number not normalised: %.20s...", v.Local())
	}
}

// BenchmarkParseGeneral measures the general parser, which takes every
// version not already in canonical form.
func BenchmarkParseGeneral(b *testing.B) {
	in := []string{"v1.0", "1.0RC1", "1.0-1", "1.0.0-dev2", "2!1.0.POST3+Ubuntu-1", " 01.02 "}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Parse(in[i%len(in)]); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzIsVersion checks IsVersion against Parse: the same verdict, except
// that surrounding whitespace, which Parse strips, makes it false.
func FuzzIsVersion(f *testing.F) {
	for _, s := range []string{"1.0", " 1.0", "1.0\t", "v1!2.0rc1.post2.dev3+abc.4", "1.0+", "", "1.0po\u017ft1", "1.0.1.2.3.4.5.6.7.8.9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, err := Parse(s)
		want := err == nil && strings.TrimFunc(s, pyIsSpace) == s
		if got := IsVersion(s); got != want {
			t.Fatalf("IsVersion(%q) = %v; Parse gives %v", s, got, err)
		}
	})
}
