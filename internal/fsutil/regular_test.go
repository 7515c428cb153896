package fsutil

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/pkginstall/pkginstall/internal/wintest"
)

func TestReadRegular(t *testing.T) {
	dir := wintest.TempDir(t) // also run under wine (.ci/wine.sh)
	small := filepath.Join(dir, "small.txt")
	if err := os.WriteFile(small, []byte("six==1.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadRegular(small, 100); err != nil || string(b) != "six==1.0\n" {
		t.Fatalf("ReadRegular(small) = %q, %v", b, err)
	}
	if _, err := ReadRegular(small, 4); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: err = %v, want ErrTooLarge", err)
	}
	if _, err := ReadRegular(dir, 100); !errors.Is(err, ErrNotRegular) {
		t.Errorf("a directory: err = %v, want ErrNotRegular", err)
	}
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink("small.txt", link); err != nil {
		t.Logf("no symbolic links here: %v", err)
	} else if _, err := os.ReadFile(link); err != nil {
		t.Logf("symbolic links do not resolve here (wine): %v", err)
	} else {
		if _, err := ReadRegular(link, 100); err != nil {
			t.Errorf("a symlink to a regular file: %v", err)
		}
	}
}

func TestReadRegularProcLimit(t *testing.T) {
	// /proc files report size 0: the limit must hold while reading.
	if _, err := os.Stat("/proc/self/environ"); err != nil {
		t.Skip("no /proc")
	}
	if _, err := ReadRegular("/proc/self/maps", 16); !errors.Is(err, ErrTooLarge) {
		t.Errorf("/proc/self/maps with a 16-byte limit: err = %v, want ErrTooLarge", err)
	}
}
