package procgroup

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

// A canceled command ends, through Own's cancel, well before it would
// have on its own; on every OS (the Windows build runs under wine in CI).
func TestOwnCancels(t *testing.T) {
	if os.Getenv("PROCGROUP_SLEEP") == "1" {
		time.Sleep(time.Minute)
		return
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-test.run", "^TestOwnCancels$")
	cmd.Env = append(os.Environ(), "PROCGROUP_SLEEP=1")
	Own(cmd)
	start := time.Now()
	if err := cmd.Run(); err == nil {
		t.Error("the canceled command succeeded")
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("the command ran %s after cancel", d)
	}
}
