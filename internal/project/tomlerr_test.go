package project

import (
	"errors"
	"strings"
	"testing"

	"github.com/pkginstall/pkginstall/internal/fileerr"
)

func TestDecodeErrorReadable(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{"[project]\nname = \"x\"\ndependencies = \"six\"\n", "x.toml:3:16: project.dependencies: expected an array of strings, found a string"},
		{"[project]\nname = 3\n", "x.toml:2:8: project.name: expected a string, found an integer"},
		{"[project\n", "x.toml:1:9: "},
	} {
		var p Pyproject
		err := Decode("x.toml", []byte(tc.doc), &p)
		var pe *fileerr.Error
		if !errors.As(err, &pe) {
			t.Fatalf("%q: %v, want a *fileerr.Error", tc.doc, err)
		}
		if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "struct") || strings.Contains(err.Error(), "cannot decode") {
			t.Errorf("%q:\n got %s\nwant %s", tc.doc, err, tc.want)
		}
	}
}
