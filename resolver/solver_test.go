package resolver

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pkginstall/pkginstall/internal/pep440"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden explanations")

// TestCases runs every testdata/*.txt case (see testCase for the language).
// Failing cases also compare the whole explanation with testdata/NAME.golden.
func TestCases(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test cases: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txt")
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			tc, err := parseCase(string(text))
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if !tc.hasWant && len(tc.errs) == 0 && len(tc.aborts) == 0 {
				t.Fatalf("%s: no want:, error: or abort: line", file)
			}
			sol, err := Solve(context.Background(), tc, tc.request)
			var nse *NoSolutionError
			switch {
			case tc.hasWant:
				if err != nil {
					t.Fatalf("Solve: %v", err)
				}
				if got := format(sol); got != tc.want {
					t.Errorf("solution:\n got %s\nwant %s", got, tc.want)
				}
			case len(tc.aborts) > 0:
				if err == nil || errors.As(err, &nse) {
					t.Fatalf("Solve = %v, %v; want a provider error", format(sol), err)
				}
				for _, want := range tc.aborts {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not contain %q", err, want)
					}
				}
			default:
				if !errors.As(err, &nse) {
					t.Fatalf("Solve = %v, %v; want *NoSolutionError", format(sol), err)
				}
				msg := err.Error()
				for _, want := range tc.errs {
					if !strings.Contains(msg, want) {
						t.Errorf("explanation does not contain %q:\n%s", want, msg)
					}
				}
				if !strings.HasSuffix(msg, "version solving failed.") {
					t.Errorf("explanation does not end with the conclusion:\n%s", msg)
				}
				golden := strings.TrimSuffix(file, ".txt") + ".golden"
				if *update {
					if err := os.WriteFile(golden, []byte(msg+"\n"), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if msg+"\n" != string(want) {
					t.Errorf("explanation differs from %s:\n got:\n%s\nwant:\n%s", golden, msg, want)
				}
			}
			for key, n := range tc.versionsCalls {
				if n > 1 {
					t.Errorf("Versions(%s) called %d times", key, n)
				}
			}
			for key, n := range tc.dependencyCall {
				if n > 1 {
					t.Errorf("Dependencies(%s) called %d times", key, n)
				}
			}
			// Determinism: solving again with a fresh provider gives the
			// same answer, byte for byte.
			tc2, _ := parseCase(string(text))
			sol2, err2 := Solve(context.Background(), tc2, tc2.request)
			if format(sol) != format(sol2) || errString(err) != errString(err2) {
				t.Errorf("second run differs: %s / %v", format(sol2), err2)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestPrefetch(t *testing.T) {
	tc, err := parseCase(`
a 1.0: b, c
b 1.0: c
c 1.0
request: a
`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Solve(context.Background(), tc, tc.request); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tc.prefetched, " "); got != "a b c" {
		t.Errorf("prefetched %q, want each package once, as it is first required: \"a b c\"", got)
	}
}

func TestCancel(t *testing.T) {
	tc, err := parseCase("a 1.0\nrequest: a\n")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Solve(ctx, tc, tc.request); !errors.Is(err, context.Canceled) {
		t.Errorf("Solve with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestBadNames(t *testing.T) {
	tc, err := parseCase("a 1.0\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"", "a\x00b"} {
		_, err := Solve(context.Background(), tc, map[string]pep440.Range{name: pep440.Full()})
		var nse *NoSolutionError
		if err == nil || errors.As(err, &nse) {
			t.Errorf("Solve(%q) = %v, want a request error", name, err)
		}
	}
}

func TestProviderErrorWrapped(t *testing.T) {
	tc, err := parseCase("a 1.0: b\nb 1.0\nioerror: b 1.0\nrequest: a\n")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Solve(context.Background(), tc, tc.request)
	if !errors.Is(err, errIO) || !strings.Contains(err.Error(), "b 1.0") {
		t.Errorf("Solve = %v, want errIO wrapped with the package", err)
	}
}

func TestSplitExtra(t *testing.T) {
	for _, tt := range []struct{ in, name, extra string }{
		{"foo", "foo", ""},
		{"foo[bar]", "foo", "bar"},
		{"foo[bar-baz]", "foo", "bar-baz"},
		{"foo[]", "foo[]", ""},
		{"[bar]", "[bar]", ""},
		{"foo[a[b]]", "foo[a[b]]", ""},
		{"foo]", "foo]", ""},
		{"", "", ""},
	} {
		name, extra := SplitExtra(tt.in)
		if name != tt.name || extra != tt.extra {
			t.Errorf("SplitExtra(%q) = %q, %q; want %q, %q", tt.in, name, extra, tt.name, tt.extra)
		}
	}
	if got := ExtraPackage("foo", "bar"); got != "foo[bar]" {
		t.Errorf("ExtraPackage = %q", got)
	}
	if got := ExtraPackage("foo", ""); got != "foo" {
		t.Errorf("ExtraPackage with no extra = %q", got)
	}
}

func FuzzSplitExtra(f *testing.F) {
	for _, s := range []string{"foo", "foo[bar]", "foo[]", "[x]", "a[b][c]", "a[b]]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, extra := SplitExtra(s)
		if got := ExtraPackage(name, extra); got != s {
			t.Errorf("ExtraPackage(SplitExtra(%q)) = %q", s, got)
		}
		if extra != "" {
			if n2, e2 := SplitExtra(ExtraPackage(name, extra)); n2 != name || e2 != extra {
				t.Errorf("round trip of %q: %q, %q", s, n2, e2)
			}
		}
	})
}

// TestDeterminism solves the same inputs repeatedly (the test provider
// returns fresh maps, so map order varies) and wants identical results.
func TestDeterminism(t *testing.T) {
	for _, seed := range []uint64{3, 7, 11, 19, 23} {
		text := randomCase(seed)
		var first string
		for i := range 10 {
			tc, err := parseCase(text)
			if err != nil {
				t.Fatal(err)
			}
			sol, err := Solve(context.Background(), tc, tc.request)
			got := format(sol) + "|" + errString(err)
			if i == 0 {
				first = got
			} else if got != first {
				t.Fatalf("run %d differs:\n%s\nfirst:\n%s\n%s", i, got, first, text)
			}
		}
	}
	f := newFanOut(60, 20)
	want := format(solveFanOut(t, f))
	for range 3 {
		if got := format(solveFanOut(t, f)); got != want {
			t.Fatalf("fan-out solution differs:\n%s\n%s", got, want)
		}
	}
}
