//go:build unix

package fsutil

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
)

func TestReadRegularDevices(t *testing.T) {
	if _, err := ReadRegular("/dev/zero", 1<<20); !errors.Is(err, ErrNotRegular) {
		t.Errorf("/dev/zero: err = %v, want ErrNotRegular", err)
	}
	// A FIFO with no writer: a plain open would block forever.
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if _, err := ReadRegular(fifo, 1<<20); !errors.Is(err, ErrNotRegular) {
		t.Errorf("a FIFO: err = %v, want ErrNotRegular", err)
	}
}
