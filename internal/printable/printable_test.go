package printable

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	for _, c := range []struct{ in, want, term string }{
		{"plain text", "plain text", "plain text"},
		{"clear\x1b[2Jscreen", `clear\x1b[2Jscreen`, `clear\x1b[2Jscreen`},
		{"two\nlines\tand tab", `two\x0alines\x09and tab`, "two\nlines\tand tab"},
		{"\rerror: forged", `\x0derror: forged`, `\x0derror: forged`},
		{"evil\u202etxt.exe", `evil\u202etxt.exe`, `evil\u202etxt.exe`},
		{"zero\u200bwidth", `zero\u200bwidth`, `zero\u200bwidth`},
		{"c1\u009bcsi", `c1\x9bcsi`, `c1\x9bcsi`},
		{"bad\xffutf8", `bad\xffutf8`, `bad\xffutf8`},
		{"résumé ✓ 日本", "résumé ✓ 日本", "résumé ✓ 日本"},
		{"sep\u2028line", `sep\u2028line`, `sep\u2028line`},
	} {
		if got := Sanitize(c.in); got != c.want {
			t.Errorf("Sanitize(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := Terminal(c.in); got != c.term {
			t.Errorf("Terminal(%q) = %q, want %q", c.in, got, c.term)
		}
	}
}

func TestQuote(t *testing.T) {
	if got := Quote("six==1.0"); got != `"six==1.0"` {
		t.Errorf("Quote short = %s", got)
	}
	long := strings.Repeat("a", 3000)
	got := Quote(long)
	if n := utf8.RuneCountInString(got); n != MaxQuote+2 || !strings.HasSuffix(got, `…"`) {
		t.Errorf("Quote(3000 a) = %s (%d runes), want %d runes ending in …", got, n, MaxQuote+2)
	}
	if got := Quote("a\x1b[2Jb"); got != `"a\x1b[2Jb"` {
		t.Errorf("Quote with ESC = %s", got)
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"", "x\x1by", "\u202e", "\xff", "a\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Sanitize(s), Terminal(s), Quote(s)} {
			if !utf8.ValidString(out) {
				t.Fatalf("invalid UTF-8 out of %q: %q", s, out)
			}
			for _, r := range out {
				if unsafe(r) && r != '\n' && r != '\t' {
					t.Fatalf("unsafe rune %U left in %q (from %q)", r, out, s)
				}
			}
		}
		if strings.ContainsRune(Sanitize(s), '\n') {
			t.Fatalf("Sanitize left a newline in %q", s)
		}
	})
}
