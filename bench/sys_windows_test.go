//go:build windows

package main

import (
	"os"
	"os/exec"
	"testing"
)

// Runs under wine in CI: the Windows stand-ins neither fail nor invent a
// number.
func TestSysWindows(t *testing.T) {
	syncDisks()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run", "^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if m := maxRSS(cmd.ProcessState); m != 0 {
		t.Errorf("maxRSS = %d, want 0 (unknown)", m)
	}
	// proc_other.go: no tmpfs here.
	if err := mountTmpfs(os.TempDir()); err != errNotRoot {
		t.Errorf("mountTmpfs = %v, want errNotRoot", err)
	}
}
