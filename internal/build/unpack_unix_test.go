//go:build unix

package build

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/pkginstall/pkginstall/internal/fsutil"
)

// An sdist path that is a FIFO (or a device) is refused at once: opening it
// for reading would wait for a writer forever.
func TestUnpackRefusesFIFO(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"x-1.0.tar.gz", "x-1.0.zip"} {
		fifo := filepath.Join(dir, name)
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		_, err := Unpack(fifo, filepath.Join(dir, "out-"+name))
		if !errors.Is(err, fsutil.ErrNotRegular) {
			t.Errorf("Unpack(%s) = %v, want ErrNotRegular", name, err)
		}
	}
}
