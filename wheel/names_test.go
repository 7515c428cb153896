package wheel

import (
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestPortableNames(t *testing.T) {
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"pkg/mod.py", true},
		{"pkg/console.py", true},
		{"pkg/COM0.py", true},
		{"pkg/COM10", true},
		{"pkg/auxiliary.py", true},
		{"pkg/.hidden", true},
		{"CON", false},
		{"pkg/con", false},
		{"pkg/Aux.py", false},
		{"pkg/nul.tar.gz", false},
		{"pkg/aux .py", false},
		{"pkg/com1.txt", false},
		{"LPT9/x.py", false},
		{"pkg/COM¹", false},
		{"pkg/prn/x.py", false},
		{"pkg/mod.py.", false},
		{"pkg./mod.py", false},
		{"pkg/mod.py ", false},
		{"pkg/a:b", false},
		{"pkg/a<b", false},
		{"pkg/a>b", false},
		{`pkg/a"b`, false},
		{"pkg/a|b", false},
		{"pkg/a?b", false},
		{"pkg/a*b", false},
	} {
		if err := checkPath(tt.name); (err == nil) != tt.ok {
			t.Errorf("checkPath(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

func TestFoldName(t *testing.T) {
	for _, pair := range [][2]string{
		{"caf\u00e9.py", "cafe\u0301.py"},
		{"CAF\u00c9.py", "cafe\u0301.py"},
		{"Mod.py", "mod.py"},
		{"\u212b", "\u00e5"}, // ANGSTROM SIGN vs a with ring above
	} {
		if foldName(pair[0]) != foldName(pair[1]) {
			t.Errorf("%q and %q do not collide", pair[0], pair[1])
		}
	}
	if foldName("a.py") == foldName("b.py") {
		t.Error("a.py and b.py collide")
	}
}

// Windows holds names of at most 255 UTF-16 units. The byte limit
// (MaxComponentLength, UTF-8) is never looser: every rune takes at least as
// many UTF-8 bytes as UTF-16 units, so no separate rule is needed; this
// pins that down.
func TestComponentLengthCoversUTF16(t *testing.T) {
	for _, r := range []rune{'a', 'é', '€', '中', '😀', 0x10FFFF} {
		if utf8.RuneLen(r) < len(utf16.Encode([]rune{r})) {
			t.Errorf("%U: %d UTF-8 bytes, %d UTF-16 units", r, utf8.RuneLen(r), len(utf16.Encode([]rune{r})))
		}
	}
	for name, ok := range map[string]bool{
		"p/" + strings.Repeat("a", 255): true,
		"p/" + strings.Repeat("a", 256): false,
		"p/" + strings.Repeat("é", 128): false, // 128 UTF-16 units, 256 bytes
		"p/" + strings.Repeat("😀", 64):  false, // 128 UTF-16 units
		"p/" + strings.Repeat("😀", 63):  true,
	} {
		if err := checkPath(name); (err == nil) != ok {
			t.Errorf("checkPath(%d bytes, %d UTF-16 units) = %v", len(name)-2, len(utf16.Encode([]rune(name)))-2, err)
		}
	}
}

// FuzzFoldName checks foldName's ASCII fast path against the Unicode path
// it skips: the same key for every input.
func FuzzFoldName(f *testing.F) {
	for _, s := range []string{"", "a.py", "Mod.py", "PKG/__INIT__.PY", "caf\u00e9.py", "cafe\u0301.py", "\u212b", "[@`{", "x\x7f\x00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := foldName(s), foldNameUnicode(s); got != want {
			t.Errorf("foldName(%q) = %q, the Unicode path gives %q", s, got, want)
		}
	})
}

// FuzzDeviceName checks isDeviceName, which compares without allocating,
// against upper-casing the stem, as the rule is worded.
func FuzzDeviceName(f *testing.F) {
	for _, s := range []string{"con", "CON", "Aux", "nul", "com1", "LPT9", "com\u00b9", "COM0", "COM10", "\u017fon", "lpt", "co"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, stem string) {
		u := strings.ToUpper(stem)
		want := u == "CON" || u == "PRN" || u == "AUX" || u == "NUL" ||
			(strings.HasPrefix(u, "COM") || strings.HasPrefix(u, "LPT")) && isDeviceDigit(u[3:])
		if got := isDeviceName(stem); got != want {
			t.Errorf("isDeviceName(%q) = %v, want %v", stem, got, want)
		}
	})
}

func TestCheckPathAllocs(t *testing.T) {
	name := "botocore/data/ec2/2016-11-15/service-2.json"
	if err := checkPath(name); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _ = checkPath(name) }); n != 0 {
		t.Errorf("checkPath allocates %v times per valid name", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = foldName("botocore/data/ec2/service-2.json") }); n != 0 {
		t.Errorf("foldName allocates %v times per lower-case ASCII name", n)
	}
}
