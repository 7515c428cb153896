package pep508

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Django", "django"},
		{"zope.interface", "zope-interface"},
		{"Foo__Bar--baz..Qux", "foo-bar-baz-qux"},
		{"a-_.b", "a-b"},
		{"_leading", "-leading"},
		{"trailing.", "trailing-"},
		{"ABC123", "abc123"},
		{"", ""},
		// PEP 503 exactly: re.sub(r"[-_.]+", "-", name).lower().
		{"_foo_", "-foo-"},
		{"Foo.Bar", "foo-bar"},
		{"a--b", "a-b"},
		{"A_._B", "a-b"},
		{"Foo.Bar__baz-Qux", "foo-bar-baz-qux"},
		{"---", "-"},
	}
	for _, tt := range tests {
		if got := NormalizeName(tt.in); got != tt.want {
			t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestValidName(t *testing.T) {
	for _, s := range []string{"a", "A1", "foo-bar", "foo.bar_baz", "1a"} {
		if !ValidName(s) {
			t.Errorf("ValidName(%q) = false", s)
		}
	}
	for _, s := range []string{"", "-a", "a-", "a b", "a+b", "é", ".a"} {
		if ValidName(s) {
			t.Errorf("ValidName(%q) = true", s)
		}
	}
}

func TestParseRequirement(t *testing.T) {
	tests := []struct {
		in     string
		name   string
		extras []string
		spec   string
		url    string
		marker string
		str    string
	}{
		{in: "requests", name: "requests", str: "requests"},
		{in: "  requests  ", name: "requests", str: "requests"},
		{in: "name>=1,", name: "name", spec: ">=1", str: "name>=1"},
		{in: "name>=\n1.0", name: "name", spec: ">=1.0", str: "name>=1.0"},
		{
			in: "name; os_name == 'a' and ((os_name == 'b' or os_name == 'c'))", name: "name",
			// packaging drops the doubled parentheses when printing
			marker: `os_name == "a" and os_name == "b" or os_name == "c"`,
			str:    `name; os_name == "a" and os_name == "b" or os_name == "c"`,
		},
		{in: "Requests_Foo.Bar", name: "Requests_Foo.Bar", str: "Requests_Foo.Bar"},
		{in: "name>=1.0", name: "name", spec: ">=1.0", str: "name>=1.0"},
		{in: "name >= 1.0", name: "name", spec: ">=1.0", str: "name>=1.0"},
		{in: "name (>=1.0, <2)", name: "name", spec: "<2,>=1.0", str: "name<2,>=1.0"},
		{in: "name( >=1.0 )", name: "name", spec: ">=1.0", str: "name>=1.0"},
		{in: "name==1.0.*", name: "name", spec: "==1.0.*", str: "name==1.0.*"},
		{in: "name==1.0+local.1", name: "name", spec: "==1.0+local.1", str: "name==1.0+local.1"},
		{in: "name===foo-bar", name: "name", spec: "===foo-bar", str: "name===foo-bar"},
		{in: "name~=1.4.2", name: "name", spec: "~=1.4.2", str: "name~=1.4.2"},
		{in: "name[b, a ,a]", name: "name", extras: []string{"a", "b"}, str: "name[a,b]"},
		{in: "name[]", name: "name", str: "name"},
		{in: "name[Foo_Bar]>=1", name: "name", extras: []string{"Foo_Bar"}, spec: ">=1", str: "name[Foo_Bar]>=1"},
		{
			in: "name; python_version<'3.8'", name: "name",
			marker: `python_version < "3.8"`, str: `name; python_version < "3.8"`,
		},
		{
			in: `name>=1;python_version>="3" and os_name=="posix"`, name: "name", spec: ">=1",
			marker: `python_version >= "3" and os_name == "posix"`,
			str:    `name>=1; python_version >= "3" and os_name == "posix"`,
		},
		{
			in: "name @ https://example.com/name-1.0-py3-none-any.whl", name: "name",
			url: "https://example.com/name-1.0-py3-none-any.whl",
			str: "name @ https://example.com/name-1.0-py3-none-any.whl",
		},
		{
			in: "name[x]@ file:///tmp/a.whl ; extra == 'Foo.Bar'", name: "name", extras: []string{"x"},
			url: "file:///tmp/a.whl", marker: `extra == "foo-bar"`,
			str: `name[x] @ file:///tmp/a.whl ; extra == "foo-bar"`,
		},
		{in: "name @ https://x/y;z", name: "name", url: "https://x/y;z", str: "name @ https://x/y;z"},
		{in: "name @ https://x/y  ", name: "name", url: "https://x/y", str: "name @ https://x/y"},
		{in: "name\t>=1.0\t;\tos_name=='nt'\t", name: "name", spec: ">=1.0", marker: `os_name == "nt"`, str: `name>=1.0; os_name == "nt"`},
	}
	for _, tt := range tests {
		r, err := ParseRequirement(tt.in)
		if err != nil {
			t.Errorf("ParseRequirement(%q): %v", tt.in, err)
			continue
		}
		if r.Name != tt.name || strings.Join(r.Extras, ",") != strings.Join(tt.extras, ",") ||
			r.Specifier.String() != tt.spec || r.URL != tt.url || r.Marker.String() != tt.marker {
			t.Errorf("ParseRequirement(%q) = name %q extras %q spec %q url %q marker %q; want %q %q %q %q %q",
				tt.in, r.Name, r.Extras, r.Specifier.String(), r.URL, r.Marker.String(),
				tt.name, tt.extras, tt.spec, tt.url, tt.marker)
		}
		if got := r.String(); got != tt.str {
			t.Errorf("ParseRequirement(%q).String() = %q, want %q", tt.in, got, tt.str)
		}
	}
}

func TestParseRequirementInvalid(t *testing.T) {
	tests := []struct {
		in   string
		want string // substring of the error
	}{
		{"", "expected package name"},
		{"-foo", "expected package name"},
		{"foo-", "semicolon (after name with no version specifier) or end at column 4"},
		{"foo bar", "semicolon (after name with no version specifier) or end at column 5"},
		{"foo>=1.0 bar", "comma (within version specifier), semicolon (after version specifier) or end"},
		{"foo[bar", "expected matching ']' for '[', after extras at column 4"},
		{"foo[a b]", "expected comma between extra names"},
		{"foo[a,]", "expected extra name after comma"},
		{"foo (>=1.0", "expected matching ')' for '(', after version specifier"},
		{"foo>=1.0.*", ".* suffix can only be used with `==` or `!=` operators"},
		{"foo==1.0a1.*", ".* suffix cannot be used after pre-release"},
		{"foo>=1.0+local", "local version label can only be used"},
		{"foo~=1", "semicolon (after name with no version specifier) or end at column 4"},
		{"foo @", "expected URL after @"},
		{"foo @ http://x;os_name=='a'", ""},
		{"foo @ http://x os_name=='a'", "expected semicolon (after URL and whitespace) or end at column 7"},
		{"foo;", "expected a marker variable or quoted string"},
		{"foo; os_name", "expected marker operator"},
		{"foo; os_name == 'a' )", "expected end of dependency specifier"},
		{"foo; (os_name == 'a'", "expected matching ')' for '(', after marker expression"},
		{"foo\xff", "not valid UTF-8"},
		{"foo\n", "or end"},
	}
	for _, tt := range tests {
		_, err := ParseRequirement(tt.in)
		if tt.want == "" {
			if err != nil {
				t.Errorf("ParseRequirement(%q): unexpected error %v", tt.in, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("ParseRequirement(%q): no error, want %q", tt.in, tt.want)
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("ParseRequirement(%q): error %T is not *SyntaxError", tt.in, err)
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseRequirement(%q) error = %q, want it to contain %q", tt.in, err, tt.want)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseRequirement(%q) error spans lines: %q", tt.in, err)
		}
	}
}

func TestMarkerString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"os_name=='a'", `os_name == "a"`},
		{`"a" in sys_platform`, `"a" in sys_platform`},
		{"os.name == 'posix'", `os_name == "posix"`},
		{"sys.platform == 'linux'", `sys_platform == "linux"`},
		{"platform.version == 'x'", `platform_version == "x"`},
		{"platform.machine == 'x'", `platform_machine == "x"`},
		{"platform.python_implementation == 'CPython'", `platform_python_implementation == "CPython"`},
		{"python_implementation == 'CPython'", `platform_python_implementation == "CPython"`},
		{"os_name not   in 'abc'", `os_name not in "abc"`},
		{"(os_name == 'a')", `os_name == "a"`},
		{"((os_name == 'a'))", `os_name == "a"`},
		{"(os_name == 'a' or os_name == 'b') and python_version > '3'", `(os_name == "a" or os_name == "b") and python_version > "3"`},
		{"os_name == 'a' and (os_name == 'b')", `os_name == "a" and os_name == "b"`},
		{"os_name=='a'or os_name=='b'", `os_name == "a" or os_name == "b"`},
		{"extra == 'Foo_Bar.baz'", `extra == "foo-bar-baz"`},
		{"'Foo_Bar' == extra", `"foo-bar" == extra`},
		{"extra in 'Foo_Bar'", `extra in "foo-bar"`},
		{"python_version === '3.8'", `python_version === "3.8"`},
		{`os_name == 'a"b'`, `os_name == 'a"b'`},
		{`os_name == 'a\nb'`, `os_name == "a\nb"`},
		{`os_name == "\x41\u00e9\101"`, `os_name == "AéA"`},
		{`os_name == "\d"`, `os_name == "\\d"`},
		{`"a" in extras`, `"a" in extras`},
		{`"test" in dependency_groups`, `"test" in dependency_groups`},
		{`os_name == "\x22'"`, `os_name == "\x22'"`},
	}
	for _, tt := range tests {
		m, err := ParseMarker(tt.in)
		if err != nil {
			t.Errorf("ParseMarker(%q): %v", tt.in, err)
			continue
		}
		if got := m.String(); got != tt.want {
			t.Errorf("ParseMarker(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
		m2, err := ParseMarker(m.String())
		if err != nil || m2.String() != m.String() {
			t.Errorf("round trip of %q: %v, %q", m.String(), err, m2)
		}
	}
}

func TestParseMarkerInvalid(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "expected a marker variable or quoted string at column 1"},
		{"os_name", "expected marker operator"},
		{"os_name = 'a'", "expected marker operator"},
		{"os_name == 'a", "expected a marker variable or quoted string"},
		{"os_name == 'a' and", "expected a marker variable or quoted string"},
		{"os_name == 'a' xor os_name == 'b'", "expected end of marker expression at column 16"},
		{"os_name notin 'a'", "expected marker operator"},
		{"os_name not 'a'", "expected 'in' after 'not'"},
		{"os_name not", "expected whitespace after 'not'"},
		{"unknown_var == 'a'", "expected a marker variable or quoted string at column 1"},
		{"python_versionx == 'a'", "expected a marker variable"},
		{"os_name == 'a\\'", "invalid quoted string"},
		{`os_name == "\x4"`, "invalid quoted string"},
		{`os_name == "\N{DASH}"`, "invalid quoted string"},
		{"os_name == 'a\nb'", "invalid quoted string"},
		{"os_name == 'a'\n", "expected end of marker expression"},
		{"(os_name == 'a'", "expected matching ')'"},
		{"platform.release == 'a'", "expected a marker variable"},
	}
	for _, tt := range tests {
		_, err := ParseMarker(tt.in)
		if err == nil {
			t.Errorf("ParseMarker(%q): no error, want %q", tt.in, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseMarker(%q) error = %q, want it to contain %q", tt.in, err, tt.want)
		}
	}
}

var linuxEnv = map[string]string{
	"implementation_name":            "cpython",
	"implementation_version":         "3.11.4",
	"os_name":                        "posix",
	"platform_machine":               "x86_64",
	"platform_release":               "6.5.0-1-amd64",
	"platform_system":                "Linux",
	"platform_version":               "#1 SMP PREEMPT_DYNAMIC Debian 6.5.3-1",
	"python_full_version":            "3.11.4",
	"platform_python_implementation": "CPython",
	"python_version":                 "3.11",
	"sys_platform":                   "linux",
}

func withEnv(kv ...string) map[string]string {
	env := make(map[string]string, len(linuxEnv)+len(kv)/2)
	for k, v := range linuxEnv {
		env[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		env[kv[i]] = kv[i+1]
	}
	return env
}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		marker string
		env    map[string]string
		want   bool
	}{
		{`python_version >= "3.8"`, linuxEnv, true},
		{`python_version < "3.8"`, linuxEnv, false},
		{`python_version > "3.9"`, linuxEnv, true}, // 3.11 > 3.9 as versions
		{`python_version == "3.11.*"`, linuxEnv, true},
		{`python_version != "3.11"`, linuxEnv, false},
		{`python_version ~= "3.8"`, linuxEnv, true},
		{`python_version === "3.11"`, linuxEnv, true},
		{`python_version === "3.11.0"`, linuxEnv, false},
		{`"3.8" <= python_version`, linuxEnv, true}, // Specifier("<=3.11").contains("3.8")
		{`python_full_version >= "3.11.4rc1"`, linuxEnv, true},
		{`python_full_version < "3.12"`, withEnv("python_full_version", "3.12.0b1"), false}, // <V excludes V's pre-releases
		{`python_full_version == "3.11.4"`, withEnv("python_full_version", "3.11.4+"), true},
		{`python_full_version >= "3.11"`, withEnv("python_full_version", "3.11.4+"), true},
		{`implementation_version >= "3.11"`, linuxEnv, true},
		{`platform_release >= "5"`, linuxEnv, false}, // not a version: no version matches
		{`platform_release >= "5"`, withEnv("platform_release", "22.1.0"), true},
		{`platform_release == "6.5.0-1-amd64"`, linuxEnv, true}, // invalid specifier -> string ==
		{`platform_release > "a"`, linuxEnv, false},
		{`os_name == "posix"`, linuxEnv, true},
		{`os_name != "posix"`, linuxEnv, false},
		{`os_name >= "posix"`, linuxEnv, true},
		{`os_name <= "nt"`, linuxEnv, false},
		{`os_name > "a"`, linuxEnv, false},
		{`os_name < "z"`, linuxEnv, false},
		{`"osi" in os_name`, linuxEnv, true},
		{`os_name in "posix_like"`, linuxEnv, true},
		{`os_name not in "nt java"`, linuxEnv, true},
		{`sys_platform == "linux" and platform_machine == "x86_64"`, linuxEnv, true},
		{`sys_platform == "win32" or platform_machine == "x86_64"`, linuxEnv, true},
		{`sys_platform == "win32" or os_name == "nt" and python_version > "3"`, linuxEnv, false},
		{`os_name == "posix" or os_name == "nt" and python_version < "3"`, linuxEnv, true},
		{`(os_name == "posix" or os_name == "nt") and python_version < "3"`, linuxEnv, false},
		{`extra == "test"`, linuxEnv, false},
		{`extra == "Test_Extra"`, withEnv("extra", "test.extra"), true},
		{`extra != "test"`, linuxEnv, true},
		{`"foo" in extras`, withEnv("extras", "Foo, bar"), true},
		{`"baz" not in extras`, withEnv("extras", "foo,bar"), true},
		{`"dev" in dependency_groups`, withEnv("dependency_groups", ""), false},
		{`platform_python_implementation == "CPython"`, linuxEnv, true},
		{`platform_release === "6.5.0-1-AMD64"`, linuxEnv, true}, // arbitrary equality on a non-version
		{`platform_release === "6.5.0"`, linuxEnv, false},
		{`"b" < python_full_version`, map[string]string{"python_full_version": "c"}, false},
		{`"b" > python_full_version`, map[string]string{"python_full_version": "a"}, false},
		{`"a" <= "a"`, map[string]string{"a": "a"}, true},
		{`"b" >= "a"`, map[string]string{"a": "a"}, false},
		{`"2.7.9" < python_full_version`, map[string]string{"python_full_version": "2.7.10"}, true},
		{`python_full_version > "3.6.2"`, map[string]string{"python_full_version": "3.11.0a5"}, true},
		{`python_full_version < "3.12"`, map[string]string{"python_full_version": "3.11.1+"}, true},
		{`"2.7" in python_version`, map[string]string{"python_version": "2.7.5"}, true},
		{`extra == "v2a3"`, map[string]string{"extra": "v2"}, false},
		{`"Foo" in extras`, map[string]string{"extras": "foo,bar"}, true},
		{`python_version >= "3.8" or os_name == "nt"`, map[string]string{"python_version": "3.9", "os_name": "nt"}, true},
		{`python_implementation == "CPython"`, linuxEnv, true},
	}
	for _, tt := range tests {
		m, err := ParseMarker(tt.marker)
		if err != nil {
			t.Errorf("ParseMarker(%q): %v", tt.marker, err)
			continue
		}
		got, err := m.Evaluate(tt.env)
		if err != nil {
			t.Errorf("Evaluate(%q): %v", tt.marker, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Evaluate(%q) = %v, want %v", tt.marker, got, tt.want)
		}
	}
}

func TestEvaluateErrors(t *testing.T) {
	tests := []struct {
		marker string
		env    map[string]string
		undef  bool // want *UndefinedNameError, else *UndefinedComparisonError
	}{
		{`os_name == "posix"`, map[string]string{}, true},
		{`os_name == "nt" or python_version >= "3"`, map[string]string{"os_name": "posix"}, true},
		{`"a" == "b"`, linuxEnv, true},
		{`"a" in extras`, linuxEnv, true},
		{`os_name ~= "posix"`, linuxEnv, false},
		{`os_name === "posix"`, linuxEnv, false},
		{`python_version ~= "3"`, linuxEnv, false}, // ~=3 is not a valid specifier
		{`extras == "a"`, withEnv("extras", "a"), false},
		{`"a" ~= extras`, withEnv("extras", "a"), false},
	}
	for _, tt := range tests {
		m, err := ParseMarker(tt.marker)
		if err != nil {
			t.Fatalf("ParseMarker(%q): %v", tt.marker, err)
		}
		_, err = m.Evaluate(tt.env)
		var un *UndefinedNameError
		var uc *UndefinedComparisonError
		switch {
		case err == nil:
			t.Errorf("Evaluate(%q): no error", tt.marker)
		case tt.undef && !errors.As(err, &un):
			t.Errorf("Evaluate(%q) = %v, want *UndefinedNameError", tt.marker, err)
		case !tt.undef && !errors.As(err, &uc):
			t.Errorf("Evaluate(%q) = %v, want *UndefinedComparisonError", tt.marker, err)
		}
	}
}

func TestRequirementEvaluateMarker(t *testing.T) {
	r, err := ParseRequirement(`pytest; extra == "test" and python_version >= "3.8"`)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		extras []string
		want   bool
	}{
		{nil, false},
		{[]string{"docs"}, false},
		{[]string{"docs", "Test"}, true},
	} {
		got, err := r.EvaluateMarker(linuxEnv, tt.extras...)
		if err != nil || got != tt.want {
			t.Errorf("EvaluateMarker(%v) = %v, %v; want %v", tt.extras, got, err, tt.want)
		}
	}
	plain, _ := ParseRequirement("pytest")
	if ok, err := plain.EvaluateMarker(nil); !ok || err != nil {
		t.Errorf("no marker: %v, %v", ok, err)
	}
}
