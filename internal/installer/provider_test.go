package installer

import (
	"strings"
	"testing"

	"github.com/pkginstall/pkginstall/internal/pep440"
)

// TestPythonFitMemo: the memo of Requires-Python verdicts gives, for each
// string, what parsing it afresh gives, however often and in whatever
// order the strings of a page repeat.
func TestPythonFitMemo(t *testing.T) {
	py := pep440.MustParse("3.11.4")
	fit := pythonFit{py: py}
	specs := []string{">=3.8", ">=3.12", ">=3.8", "not a specifier", "<3.12,>=3.8", ">=3.12", "", "!=3.11.*", ">=3.8"}
	for round := 0; round < 2; round++ {
		for _, s := range specs {
			rp, err := pep440.ParseSpecifierSet(s)
			want := err != nil || rp.Contains(py, true)
			if got := fit.admits(s); got != want {
				t.Errorf("round %d: admits(%q) = %v, want %v", round, s, got, want)
			}
		}
	}
	if len(fit.seen) != 6 {
		t.Errorf("%d strings remembered, want the 6 distinct ones", len(fit.seen))
	}
}

func TestHasSuffixFold(t *testing.T) {
	for _, s := range []string{"a.whl", "a.WHL", "a.Whl", ".whl", "whl", "", "a.whl.tar.gz", "a.wh", "a.\u212ahl", "a.whİ", "a.whlx", "a\u0130.whl"} {
		want := strings.HasSuffix(strings.ToLower(s), ".whl")
		if got := hasSuffixFold(s, ".whl"); got != want {
			t.Errorf("hasSuffixFold(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestLoadHintVersions: the hint lists the newest ten candidates, newest
// first whatever the order the resolver tries them in, then how many more.
func TestLoadHintVersions(t *testing.T) {
	var pr project
	for _, v := range []string{"2.0", "10.0", "1.0rc1", "3.0", "1!0.1", "4.0", "5.0", "6.0", "7.0", "8.0", "9.0", "0.9", "11.0.post1"} {
		pr.candidates = append(pr.candidates, &Candidate{Name: "demo", Version: pep440.MustParse(v)})
	}
	got := loadHint("demo", 20, &pr, nil, 0, 0, "")
	want := "available: 1!0.1, 11.0.post1, 10.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, … 3 more"
	if got != want {
		t.Errorf("loadHint = %q, want %q", got, want)
	}
}
