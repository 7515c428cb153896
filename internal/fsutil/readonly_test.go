package fsutil

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteReadOnlyDirNamesTheFile: a directory that refuses new files
// gives an error naming the file being written, not the temporary file
// (issue 16: "a read-only project's error names a temp file").
func TestWriteReadOnlyDirNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	if os.Getuid() == 0 {
		// root writes anywhere, except in an immutable directory.
		if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
			t.Skipf("root, and chattr +i fails: %v %s", err, out)
		}
		defer exec.Command("chattr", "-i", dir).Run()
		checkNamed(t, filepath.Join(dir, "pyproject.toml"))
		return
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755)
	checkNamed(t, filepath.Join(dir, "pyproject.toml"))
}

func checkNamed(t *testing.T, name string) {
	t.Helper()
	err := WriteFile(name, []byte("x"), 0o644)
	if err == nil || !strings.Contains(err.Error(), name) || strings.Contains(err.Error(), ".tmp") {
		t.Fatalf("error %v, want one naming %s and no temporary file", err, name)
	}
}
