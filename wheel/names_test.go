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
