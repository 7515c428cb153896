package wheeltest_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/pkginstall/pkginstall/internal/wheeltest"
)

const fixtureDir = "../../testdata/wheels"

// TestFixturesUpToDate regenerates every fixture and compares it byte for
// byte with the checked-in file, so nobody hand-edits a binary: after
// changing a spec, run `go generate ./wheel`.
func TestFixturesUpToDate(t *testing.T) {
	dir := t.TempDir()
	if err := wheeltest.WriteFixtures(dir); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, fx := range wheeltest.Fixtures() {
		want[filepath.FromSlash(fx.Path)] = true
		got, err := os.ReadFile(filepath.Join(dir, fx.Path))
		if err != nil {
			t.Fatal(err)
		}
		have, err := os.ReadFile(filepath.Join(fixtureDir, fx.Path))
		if err != nil {
			t.Errorf("%s: %v (run go generate ./wheel)", fx.Path, err)
			continue
		}
		if !bytes.Equal(got, have) {
			t.Errorf("%s differs from what the generator writes (run go generate ./wheel)", fx.Path)
		}
	}
	for _, pattern := range []string{"*.whl", "hostile/*.whl"} {
		found, _ := filepath.Glob(filepath.Join(fixtureDir, pattern))
		for _, p := range found {
			rel, _ := filepath.Rel(fixtureDir, p)
			if !want[rel] {
				t.Errorf("%s is not written by the generator; remove it or add a spec", rel)
			}
		}
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	a, err := wheeltest.BuildBytes(wheeltest.AllData)
	if err != nil {
		t.Fatal(err)
	}
	b, err := wheeltest.BuildBytes(wheeltest.AllData)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two builds of one spec differ")
	}
}

func TestFilenames(t *testing.T) {
	for _, tt := range []struct {
		spec wheeltest.Spec
		want string
	}{
		{wheeltest.Spec{Name: "Foo.Bar-baz", Version: "1.0"}, "foo_bar_baz-1.0-py3-none-any.whl"},
		{wheeltest.Spec{Name: "x", Version: "2", Build: "1", Tag: "cp311-abi3-linux_x86_64"}, "x-2-1-cp311-abi3-linux_x86_64.whl"},
	} {
		if got := tt.spec.Filename(); got != tt.want {
			t.Errorf("Filename() = %q, want %q", got, tt.want)
		}
	}
	if got := wheeltest.Demo.DistInfo(); got != "pkginstall_demo-1.0.dist-info" {
		t.Errorf("DistInfo() = %q", got)
	}
}
