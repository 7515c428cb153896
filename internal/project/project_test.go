package project

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFindRoot(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b", "c", "d")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := FindRoot(deep, 8); got != deep {
		t.Errorf("no marker: got %s, want the working directory", got)
	}
	if err := os.WriteFile(filepath.Join(root, "a", "pyproject.toml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := FindRoot(deep, 8); got != filepath.Join(root, "a") {
		t.Errorf("pyproject three levels up: got %s", got)
	}
	if got := FindRoot(deep, 2); got != deep {
		t.Errorf("max depth 2: got %s, want the working directory", got)
	}
	if got := FindRoot(deep, 3); got != filepath.Join(root, "a") {
		t.Errorf("max depth 3: got %s", got)
	}
	if err := os.Mkdir(filepath.Join(root, "a", "b", "c", "__pypackages__"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := FindRoot(deep, 8); got != filepath.Join(root, "a", "b", "c") {
		t.Errorf("nearest __pypackages__: got %s", got)
	}
	if got := FindRoot(filepath.Join(root, "a", "b", "c"), 0); got != filepath.Join(root, "a", "b", "c") {
		t.Errorf("marker in the directory itself: got %s", got)
	}
}
