package redact

import (
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	for _, c := range []struct{ in, strip, shown string }{
		{"https://host/simple/", "https://host/simple/", "https://host/simple/"},
		{"https://user:s3cret@host:8443/x.whl#sha256=ab", "https://host:8443/x.whl#sha256=ab", "https://***@host:8443/x.whl#sha256=ab"},
		{"http://token@host/a", "http://host/a", "http://***@host/a"},
		{"https://u:p%40ss@host/a b", "https://host/a%20b", "https://***@host/a%20b"},
		// Not a valid URL: still cut before the last '@' of the authority.
		{"https://user:pa ss%zz@host/x", "https://host/x", "https://***@host/x"},
		{"https://token@host:8443/x", "https://host:8443/x", "https://***@host:8443/x"},
		{"https://u:p@ho st/%zz", "https://ho st/%zz", "https://***@ho st/%zz"},
		{"file:///tmp/x.whl", "file:///tmp/x.whl", "file:///tmp/x.whl"},
		{"no scheme user:pw@host", "no scheme user:pw@host", "no scheme user:pw@host"},
	} {
		if got := Strip(c.in); got != c.strip {
			t.Errorf("Strip(%q) = %q, want %q", c.in, got, c.strip)
		}
		if got := URL(c.in); got != c.shown {
			t.Errorf("URL(%q) = %q, want %q", c.in, got, c.shown)
		}
	}
}

func TestRequirement(t *testing.T) {
	for _, c := range []struct{ in, strip, shown string }{
		{"six>=1.0", "six>=1.0", "six>=1.0"},
		{"pkg @ https://u:pw@h/pkg-1.0-py3-none-any.whl", "pkg @ https://h/pkg-1.0-py3-none-any.whl", "pkg @ https://***@h/pkg-1.0-py3-none-any.whl"},
		{"pkg[x]@https://u:pw@h/p.whl ; python_version >= '3'", "pkg[x]@https://h/p.whl ; python_version >= '3'", "pkg[x]@https://***@h/p.whl ; python_version >= '3'"},
		{"pkg @ file:///w/p.whl", "pkg @ file:///w/p.whl", "pkg @ file:///w/p.whl"},
	} {
		if got := StripRequirement(c.in); got != c.strip {
			t.Errorf("StripRequirement(%q) = %q, want %q", c.in, got, c.strip)
		}
		if got := Requirement(c.in); got != c.shown {
			t.Errorf("Requirement(%q) = %q, want %q", c.in, got, c.shown)
		}
	}
}

func TestText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`error: "pkg @ http://u:s3cret@127.0.0.1:80/x.whl": names x`, `error: "pkg @ http://***@127.0.0.1:80/x.whl": names x`},
		{"fetching https://tok@h/a and https://a:b@c@h2/b", "fetching https://***@h/a and https://***@h2/b"},
		{"mail me at user@example.com", "mail me at user@example.com"},
		{"https://host/path@v1", "https://host/path@v1"},
		{"already https://***@h/x", "already https://***@h/x"},
	} {
		if got := Text(c.in); got != c.want {
			t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzStrip(f *testing.F) {
	for _, s := range []string{"https://u:p@h/x", "http://@/", "https://a@b@c/d", "x://y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// No "@" is left in the authority of a stripped URL, and a shown
		// one has only the "***@" that replaced the userinfo.
		if a := authority(Strip(s)); strings.Contains(a, "@") && authority(s) != a {
			t.Fatalf("Strip(%q) = %q keeps userinfo", s, Strip(s))
		}
		if a := authority(URL(s)); strings.Contains(strings.TrimPrefix(a, "***@"), "@") && authority(s) != a {
			t.Fatalf("URL(%q) = %q keeps userinfo", s, URL(s))
		}
	})
}

// authority is what stands between "://" and the path, query or fragment.
func authority(s string) string {
	i := strings.Index(s, "://")
	if i < 0 {
		return ""
	}
	rest := s[i+3:]
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		rest = rest[:end]
	}
	return rest
}
