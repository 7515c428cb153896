package pep508

import "testing"

var fuzzSeeds = []string{
	"requests",
	"name[a,b] (>=1.0, <2) ; python_version >= '3.8' and (os_name == 'nt' or extra == 'X')",
	"name @ https://example.com/x.whl ; sys_platform == 'linux'",
	"name===foo",
	"name==1.0.*",
	"name; 'a' not in platform_version",
	`name; os_name == "\x41\n"`,
	"name; ((os_name == 'a' or os_name == 'b')) and python_version < '3'",
}

func FuzzParseRequirement(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRequirement(s)
		if err != nil {
			return
		}
		out := r.String()
		r2, err := ParseRequirement(out)
		if err != nil {
			t.Fatalf("ParseRequirement(%q) ok, but its String %q does not parse: %v", s, out, err)
		}
		if got := r2.String(); got != out {
			t.Fatalf("round trip of %q: %q then %q", s, out, got)
		}
		_, _ = r.EvaluateMarker(linuxEnv, "x")
	})
}

func FuzzParseMarker(f *testing.F) {
	for _, s := range []string{
		"os_name == 'a'",
		"python_version >= '3' and (extra == 'x' or 'a' in sys_platform)",
		"'3.8' <= python_full_version or implementation_version ~= '1.0'",
		`platform_release === "5.x" or "test" in dependency_groups`,
		`os_name == '\d\x41\u00e9' or os_name not in "a\"b"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMarker(s)
		if err != nil {
			return
		}
		out := m.String()
		m2, err := ParseMarker(out)
		if err != nil {
			t.Fatalf("ParseMarker(%q) ok, but its String %q does not parse: %v", s, out, err)
		}
		if got := m2.String(); got != out {
			t.Fatalf("round trip of %q: %q then %q", s, out, got)
		}
		_, _ = m.Evaluate(withEnv("extras", "a,b", "dependency_groups", "test"))
	})
}
