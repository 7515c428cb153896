package pep440

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// referenceScanner reads testdata/reference.txt line by line; the file is
// closed when the test ends.
func referenceScanner(t *testing.T) *bufio.Scanner {
	f, err := os.Open("testdata/reference.txt")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	return sc
}

// TestReference replays testdata/reference.txt, produced from the Python
// packaging library by testdata/gen_reference.py: random version strings
// with their canonical form or rejection, sorted runs of versions, and
// random specifier strings with their canonical form or rejection.
func TestReference(t *testing.T) {
	sc := referenceScanner(t)
	var err error
	counts := map[string]int{}
	for line := 1; sc.Scan(); line++ {
		fields := strings.Split(sc.Text(), "\t")
		args := make([]string, len(fields)-1)
		for i, fld := range fields[1:] {
			if args[i], err = strconv.Unquote(fld); err != nil {
				t.Fatalf("line %d: %v", line, err)
			}
		}
		counts[fields[0]]++
		switch fields[0] {
		case "version":
			got := "ERR"
			if v, err := Parse(args[0]); err == nil {
				got = v.String()
			}
			if got != args[1] {
				t.Errorf("line %d: Parse(%q) = %q, want %q", line, args[0], got, args[1])
			}
		case "spec":
			got := "ERR"
			if s, err := ParseSpecifierSet(args[0]); err == nil {
				got = s.String()
			}
			if got != args[1] {
				t.Errorf("line %d: ParseSpecifierSet(%q) = %q, want %q", line, args[0], got, args[1])
			}
		case "order":
			prev := MustParse(args[0])
			for i := 1; i < len(args); i++ {
				want := -1
				if args[i] == "=" {
					want = 0
					i++
				}
				v := MustParse(args[i])
				if got := sign(prev.Compare(v)); got != want {
					t.Errorf("line %d: Compare(%s, %s) = %d, want %d", line, prev, v, got, want)
				}
				if got := sign(v.Compare(prev)); got != -want {
					t.Errorf("line %d: Compare(%s, %s) = %d, want %d", line, v, prev, got, -want)
				}
				prev = v
			}
		default:
			t.Fatalf("line %d: unknown record %q", line, fields[0])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if counts["version"] < 1000 || counts["spec"] < 1000 || counts["order"] < 10 {
		t.Fatalf("reference data too small: %v", counts)
	}
}
