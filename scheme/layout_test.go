package scheme

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pkginstall/pkginstall/internal/python"
)

func TestTargetDirName(t *testing.T) {
	cp := func(minor int, abi string, ft bool, plat string) *python.Info {
		return &python.Info{Implementation: "cpython", Major: 3, Minor: minor, ABIFlags: abi, FreeThreaded: ft, Platform: plat}
	}
	tests := []struct {
		info   *python.Info
		layout string
		want   string
	}{
		{cp(11, "", false, "linux-x86_64"), "version", "3.11"},
		{cp(11, "", false, "linux-x86_64"), "", "3.11"},
		{cp(13, "t", true, "linux-x86_64"), "version", "3.13t"},
		{cp(13, "", true, "linux-x86_64"), "version", "3.13t"},
		{&python.Info{Implementation: "pypy", Major: 3, Minor: 10, Platform: "linux-x86_64"}, "version", "pypy3.10"},
		{&python.Info{Implementation: "GraalPy", Major: 3, Minor: 11, Platform: "linux-x86_64"}, "version", "graalpy3.11"},
		{cp(11, "", false, "linux-x86_64"), "platform", "cp311-linux_x86_64"},
		{cp(10, "", false, "win-amd64"), "platform", "cp310-win_amd64"},
		{cp(12, "", false, "macosx-11.0-arm64"), "platform", "cp312-macosx_11_0_arm64"},
		{cp(13, "t", true, "linux-aarch64"), "platform", "cp313t-linux_aarch64"},
		{cp(13, "", true, "linux-aarch64"), "platform", "cp313t-linux_aarch64"},
		{cp(11, "d", false, "linux-x86_64"), "platform", "cp311d-linux_x86_64"},
		{&python.Info{Implementation: "pypy", Major: 3, Minor: 10, Platform: "linux-x86_64"}, "platform", "pp310-linux_x86_64"},
	}
	for _, tt := range tests {
		got, err := TargetDirName(tt.info, tt.layout)
		if err != nil || got != tt.want {
			t.Errorf("TargetDirName(%+v, %q) = %q, %v; want %q", *tt.info, tt.layout, got, err, tt.want)
		}
	}
	bad := []struct {
		info   *python.Info
		layout string
	}{
		{nil, "version"},
		{cp(11, "", false, "linux-x86_64"), "flat"},
		{cp(11, "", false, ""), "platform"},
		{&python.Info{Major: 3, Minor: 11}, "version"},
		{cp(11, "", false, "linux/../../x"), "platform"},
	}
	for _, tt := range bad {
		if got, err := TargetDirName(tt.info, tt.layout); err == nil {
			t.Errorf("TargetDirName(%v, %q) = %q, want an error", tt.info, tt.layout, got)
		}
	}
}

func TestNewPaths(t *testing.T) {
	root := t.TempDir()
	info := testInfo()
	p, err := NewPaths(root, info, "version")
	if err != nil {
		t.Fatal(err)
	}
	want := Paths{
		Project:    root,
		PyPackages: filepath.Join(root, "__pypackages__"),
		Target:     filepath.Join(root, "__pypackages__", "3.11"),
		Lib:        filepath.Join(root, "__pypackages__", "3.11", "lib"),
		Bin:        filepath.Join(root, "__pypackages__", "3.11", "bin"),
		Include:    filepath.Join(root, "__pypackages__", "3.11", "include"),
	}
	if p != want {
		t.Errorf("NewPaths = %+v, want %+v", p, want)
	}
	win := *info
	win.OS, win.Platform = "windows", "win-amd64"
	p, err = NewPaths(root, &win, "platform")
	if err != nil {
		t.Fatal(err)
	}
	if p.Bin != filepath.Join(root, "__pypackages__", "cp311-win_amd64", "Scripts") {
		t.Errorf("windows Bin = %s", p.Bin)
	}
	if exists(p.PyPackages) {
		t.Error("NewPaths created directories")
	}
	if err := CreateTarget(p); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(p.PyPackages, ".gitignore")); got != "*\n" {
		t.Errorf(".gitignore = %q", got)
	}
	for _, d := range []string{p.Target, p.Lib, p.Bin} {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			t.Errorf("CreateTarget did not create %s", d)
		}
	}
}

func TestCreateTargetKeepsExistingPyPackages(t *testing.T) {
	root := t.TempDir()
	p, _ := NewPaths(root, testInfo(), "version")
	if err := os.Mkdir(p.PyPackages, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := CreateTarget(p); err != nil {
		t.Fatal(err)
	}
	if exists(filepath.Join(p.PyPackages, ".gitignore")) {
		t.Error(".gitignore written into an existing __pypackages__")
	}
}
