package scheme

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLockGoroutines(t *testing.T) {
	p := newProject(t, testInfo())
	unlock, err := Lock(context.Background(), p, func() { t.Error("first Lock waited") })
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(p.PyPackages, ".gitignore")); got != "*\n" {
		t.Errorf(".gitignore = %q", got)
	}
	var waited, held atomic.Int32
	done := make(chan error)
	go func() {
		u, err := Lock(context.Background(), p, func() { waited.Add(1) })
		if err == nil {
			held.Store(1)
			u()
		}
		done <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for waited.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if waited.Load() != 1 {
		t.Fatal("second Lock did not call onWait")
	}
	time.Sleep(150 * time.Millisecond)
	if held.Load() != 0 {
		t.Fatal("second Lock got the lock while the first held it")
	}
	unlock()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if waited.Load() != 1 {
		t.Errorf("onWait called %d times", waited.Load())
	}
}

func TestLockHonoursContext(t *testing.T) {
	p := newProject(t, testInfo())
	unlock, err := Lock(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = Lock(ctx, p, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Lock on a held lock with a deadline: %v", err)
	}
}

// TestLockHelperProcess is run as a child process by TestLockProcesses.
func TestLockHelperProcess(t *testing.T) {
	dir := os.Getenv("SCHEME_LOCK_HELPER")
	if dir == "" {
		t.Skip("helper process only")
	}
	p := Paths{PyPackages: dir}
	unlock, err := Lock(context.Background(), p, func() { os.Stdout.WriteString("waiting\n") })
	if err != nil {
		os.Stdout.WriteString("error: " + err.Error() + "\n")
		os.Exit(1)
	}
	os.Stdout.WriteString("locked\n")
	unlock()
	os.Exit(0)
}

func TestLockProcesses(t *testing.T) {
	p := newProject(t, testInfo())
	unlock, err := Lock(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelperProcess$")
	cmd.Env = append(os.Environ(), "SCHEME_LOCK_HELPER="+p.PyPackages)
	var out syncBuffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "waiting") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if s := out.String(); s != "waiting\n" {
		t.Errorf("child output while locked: %q", s)
	}
	unlock()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v (%s)", err, out.String())
	}
	if s := out.String(); s != "waiting\nlocked\n" {
		t.Errorf("child output: %q", s)
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
