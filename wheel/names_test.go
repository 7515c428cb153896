package wheel

import "testing"

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
