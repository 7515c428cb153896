package pep440

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// checkFastPath checks parseCanonical against the general parser on s and
// reports whether the fast path took it.
func checkFastPath(t testing.TB, s string) bool {
	t.Helper()
	fv, fok := parseCanonical(s)
	gv, gerr := parseGeneral(s)
	if fok {
		if gerr != nil {
			t.Fatalf("fast path accepts %q, general path rejects it: %v", s, gerr)
		}
		if fv.String() != gv.String() || fv.String() != s {
			t.Fatalf("%q: fast path String() = %q, general %q", s, fv.String(), gv.String())
		}
		if fv.key != gv.key || fv.Compare(gv) != 0 {
			t.Fatalf("%q: fast path key %q, general %q", s, fv.key, gv.key)
		}
		if fv != gv {
			t.Fatalf("%q: fast path %#v, general %#v", s, fv, gv)
		}
	} else if gerr == nil && gv.String() == s {
		t.Fatalf("fast path rejects the canonical %q", s)
	}
	v, err := Parse(s)
	if (err == nil) != (gerr == nil) || v != gv {
		t.Fatalf("Parse(%q) = %#v, %v; general path %#v, %v", s, v, err, gv, gerr)
	}
	return fok
}

// genVersion returns a random version-like string: mostly canonical, often
// in an alternative spelling, sometimes invalid.
func genVersion(r *rand.Rand) string {
	pick := func(opts ...string) string { return opts[r.IntN(len(opts))] }
	num := func() string {
		if r.IntN(12) == 0 {
			return pick("00", "01", "007")
		}
		return pick("0", "1", "2", "9", "10", "42", "100", "2024",
			"18446744073709551616", "99999999999999999999999999")
	}
	var b strings.Builder
	if r.IntN(10) == 0 {
		b.WriteString(pick("v", "V", " ", "\t", "\u00a0"))
	}
	if r.IntN(6) == 0 {
		b.WriteString(num() + "!")
	}
	b.WriteString(num())
	for n := r.IntN(5); n > 0; n-- {
		b.WriteString("." + num())
	}
	if r.IntN(3) == 0 {
		if r.IntN(4) == 0 {
			b.WriteString(pick(".", "-", "_"))
		}
		b.WriteString(pick("a", "b", "rc", "a", "b", "rc", "alpha", "beta", "c", "pre", "preview", "A", "RC", "r"))
		if r.IntN(4) == 0 {
			b.WriteString(pick(".", "-", "_"))
		}
		if r.IntN(6) != 0 {
			b.WriteString(num())
		}
	}
	if r.IntN(3) == 0 {
		switch r.IntN(5) {
		case 0:
			b.WriteString("-" + num())
		case 1:
			b.WriteString(pick("post", "-post", ".rev", "_r", ".POST", ".post.") + num())
		case 2:
			b.WriteString(".post")
		default:
			b.WriteString(".post" + num())
		}
	}
	if r.IntN(3) == 0 {
		b.WriteString(pick(".dev", ".dev", ".dev", "dev", "-dev", ".DEV", ".dev_"))
		if r.IntN(6) != 0 {
			b.WriteString(num())
		}
	}
	if r.IntN(4) == 0 {
		b.WriteString("+")
		for n := 1 + r.IntN(3); n > 0; n-- {
			b.WriteString(pick("abc", "g1234abc", "ubuntu", "0a", "x9", "cpu", "AbC", "", "é") +
				pick("", "", num()))
			if n > 1 {
				b.WriteString(pick(".", ".", ".", "-", "_", ".."))
			}
		}
	}
	if r.IntN(20) == 0 {
		b.WriteString(pick(" ", ".", "-", "+", "x", ".*", "\x00"))
	}
	return b.String()
}

// TestFastPathAgrees checks that Parse's fast path and the general path
// agree (string, key, Compare, every field) on generated inputs, on the
// packaging reference inputs and their canonical forms, and that the fast
// path takes every canonical input.
func TestFastPathAgrees(t *testing.T) {
	var inputs []string
	for _, line := range sortedVersions {
		inputs = append(inputs, strings.Split(line, " = ")...)
	}
	sc := referenceScanner(t)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if fields[0] != "version" && fields[0] != "order" {
			continue
		}
		for _, fld := range fields[1:] {
			if s, err := strconv.Unquote(fld); err == nil && s != "=" && s != "ERR" {
				inputs = append(inputs, s)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("9", 300) // past appendNum's one-byte length
	inputs = append(inputs, long, "1."+long, long+"!1", "1.0a"+long, "1.0.post"+long,
		"1.0.dev"+long, "1.0+"+long, "1.0+x."+long, "1.0+0"+long)
	r := rand.New(rand.NewPCG(1, 2))
	for range 50000 {
		inputs = append(inputs, genVersion(r))
	}
	fast, general := 0, 0
	var prev Version
	for _, s := range inputs {
		if checkFastPath(t, s) {
			fast++
		} else {
			general++
		}
		// Compare through Parse against the general path's answer.
		if v, err := Parse(s); err == nil {
			g, _ := parseGeneral(s)
			if sign(v.Compare(prev)) != sign(g.Compare(prev)) || sign(prev.Compare(v)) != sign(prev.Compare(g)) {
				t.Fatalf("Compare(%s, %s) differs between paths", s, prev)
			}
			prev = v
		}
	}
	// Both paths must see plenty of inputs, or this test proves little.
	if fast < len(inputs)/5 || general < len(inputs)/5 {
		t.Fatalf("fast path took %d inputs, general path %d: generator is off balance", fast, general)
	}
	if testing.Verbose() {
		t.Logf("fast path %d inputs, general path %d", fast, general)
	}
}

func FuzzFastPathAgrees(f *testing.F) {
	for _, line := range sortedVersions {
		for _, s := range strings.Split(line, " = ") {
			f.Add(s)
		}
	}
	for _, s := range []string{"1!2.3rc4.post5.dev6+seven.8", "0!1", "1.0+01", "1.0+0a.0", "1.0rc", "1.0.post01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkFastPath(t, s)
		// Every valid version's canonical form must take the fast path.
		if v, err := parseGeneral(s); err == nil && !checkFastPath(t, v.String()) {
			t.Fatalf("canonical %q (from %q) missed the fast path", v.String(), s)
		}
	})
}
