package installer

import (
	"strings"
	"testing"

	"github.com/pkginstall/pkginstall/index"
	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/wheeltest"
	"github.com/pkginstall/pkginstall/wheel"
)

// The wheel's METADATA must agree with what resolution read; a difference
// names the index and the field.
func TestCheckResolvedMetadata(t *testing.T) {
	path, err := wheeltest.BuildFile(t.TempDir(), wheeltest.Spec{Name: "pkg", Version: "1.0", RequiresPython: ">=3.8",
		RequiresDist: []string{"a>=1", "b; extra == 'x'"}, Files: []wheeltest.File{{Path: "pkg/__init__.py"}}})
	if err != nil {
		t.Fatal(err)
	}
	w, err := wheel.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ch := &Change{Name: "pkg", Candidate: &Candidate{Name: "pkg", Version: pep440.MustParse("1.0"),
		File: index.File{Filename: "pkg-1.0-py3-none-any.whl", Index: "https://idx.example/simple/"}}}
	p := &Prepared{Wheel: w}
	for _, tc := range []struct {
		name string
		used *distinfo.Metadata
		want string // "" = accepted
	}{
		{"nothing read", nil, ""},
		{"same, other order and spacing", &distinfo.Metadata{Name: "PKG", Version: "1.0.0", RequiresPython: ">=3.8", RequiresDist: []string{"b;  extra == 'x'", "a>=1"}}, ""},
		{"extra dependency", &distinfo.Metadata{Name: "pkg", Version: "1.0", RequiresPython: ">=3.8", RequiresDist: []string{"a>=1", "b; extra == 'x'", "evil"}}, "Requires-Dist"},
		{"missing dependency", &distinfo.Metadata{Name: "pkg", Version: "1.0", RequiresPython: ">=3.8", RequiresDist: []string{"a>=1"}}, "Requires-Dist"},
		{"requires-python", &distinfo.Metadata{Name: "pkg", Version: "1.0", RequiresPython: ">=3.12", RequiresDist: []string{"a>=1", "b; extra == 'x'"}}, "Requires-Python"},
		{"version", &distinfo.Metadata{Name: "pkg", Version: "2.0", RequiresPython: ">=3.8", RequiresDist: []string{"a>=1", "b; extra == 'x'"}}, "Version"},
		{"name", &distinfo.Metadata{Name: "other", Version: "1.0", RequiresPython: ">=3.8", RequiresDist: []string{"a>=1", "b; extra == 'x'"}}, "Name"},
	} {
		err := checkResolvedMetadata(tc.used, ch, p)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "https://idx.example/simple/")):
			t.Errorf("%s: err = %v, want one naming %s and the index", tc.name, err, tc.want)
		}
	}
}
