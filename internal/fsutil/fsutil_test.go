package fsutil

import (
	"github.com/pkginstall/pkginstall/internal/wintest"

	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// Each kind of file pkginstall replaces through a symlink: the link stays,
// its target gets the new content.
func TestWriteFollowsSymlink(t *testing.T) {
	for _, name := range []string{"pyproject.toml", "pylock.toml", "sitecustomize.py", ".pkginstall-manifest.json", "BENCHMARKS.md", "page"} {
		t.Run(name, func(t *testing.T) {
			dir := wintest.TempDir(t)
			real := filepath.Join(dir, "real", name)
			if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(real, []byte("old"), 0o600); err != nil {
				t.Fatal(err)
			}
			// A chain: link -> link2 -> real/name, the first one relative.
			link2 := filepath.Join(dir, "link2")
			if err := os.Symlink(real, link2); err != nil {
				t.Fatal(err)
			}
			link := filepath.Join(dir, name)
			if err := os.Symlink("link2", link); err != nil {
				t.Fatal(err)
			}
			if err := WriteFile(link, []byte("new"), KeepPerm); err != nil {
				t.Fatal(err)
			}
			for _, l := range []string{link, link2} {
				if fi, err := os.Lstat(l); err != nil || fi.Mode()&os.ModeSymlink == 0 {
					t.Fatalf("%s is no longer a symlink (%v)", l, err)
				}
			}
			b, _ := os.ReadFile(real)
			fi, _ := os.Stat(real)
			if string(b) != "new" || fi.Mode().Perm() != 0o600 {
				t.Fatalf("target = %q mode %v, want new 0600", b, fi.Mode().Perm())
			}
			assertNoTemp(t, dir)
			assertNoTemp(t, filepath.Dir(real))
		})
	}
}

func TestWriteDanglingSymlinkCreatesTarget(t *testing.T) {
	dir := wintest.TempDir(t)
	link := filepath.Join(dir, "pylock.toml")
	if err := os.Symlink("elsewhere.toml", link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "elsewhere.toml")); err != nil || string(b) != "x" {
		t.Fatalf("target: %q %v", b, err)
	}
}

func TestWritePerm(t *testing.T) {
	dir := wintest.TempDir(t)
	name := filepath.Join(dir, "f")
	if err := WriteFile(name, []byte("a"), KeepPerm); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(name); fi.Mode().Perm() != 0o644 {
		t.Fatalf("new file mode %v, want 0644", fi.Mode().Perm())
	}
	if err := WriteFile(name, []byte("b"), 0o755); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(name); fi.Mode().Perm() != 0o755 {
		t.Fatalf("mode %v, want 0755", fi.Mode().Perm())
	}
}

// Two writers of one file at once never share a temporary file: every
// result is one writer's whole content.
func TestConcurrentWritersUniqueTemp(t *testing.T) {
	dir := wintest.TempDir(t)
	name := filepath.Join(dir, "f")
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data := bytes.Repeat([]byte{byte('a' + i)}, 256<<10)
			errs <- Write(name, 0o644, func(w io.Writer) error {
				// Written in pieces, so that interleaving would show.
				for off := 0; off < len(data); off += 4096 {
					if _, err := w.Write(data[off : off+4096]); err != nil {
						return err
					}
					runtime.Gosched()
				}
				return nil
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(name)
	if len(b) != 256<<10 || strings.Trim(string(b), string(b[:1])) != "" {
		t.Fatalf("mixed content of %d bytes", len(b))
	}
	assertNoTemp(t, dir)
}

func TestWriteErrorLeavesNothing(t *testing.T) {
	dir := wintest.TempDir(t)
	name := filepath.Join(dir, "f")
	if err := os.WriteFile(name, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(name, 0o644, func(w io.Writer) error {
		w.Write(bytes.Repeat([]byte("x"), 1<<20)) // past the buffer: on disk
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if b, _ := os.ReadFile(name); string(b) != "old" {
		t.Fatalf("destination changed to %d bytes", len(b))
	}
	assertNoTemp(t, dir)
	// A rename that fails (the destination is a non-empty directory).
	sub := filepath.Join(dir, "sub")
	if err := os.MkdirAll(filepath.Join(sub, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(sub, []byte("y"), 0o644); err == nil {
		t.Fatal("replacing a directory succeeded")
	}
	assertNoTemp(t, dir)
}

func TestWriteIfChanged(t *testing.T) {
	name := filepath.Join(wintest.TempDir(t), "f")
	if changed, err := WriteIfChanged(name, []byte("a"), 0o644); err != nil || !changed {
		t.Fatalf("first write: %v %v", changed, err)
	}
	old := time.Now().Add(-time.Hour)
	os.Chtimes(name, old, old)
	if changed, err := WriteIfChanged(name, []byte("a"), 0o644); err != nil || changed {
		t.Fatalf("same content: %v %v", changed, err)
	}
	if fi, _ := os.Stat(name); !fi.ModTime().Equal(old) {
		t.Fatal("same content rewrote the file")
	}
	if changed, err := WriteIfChanged(name, []byte("b"), 0o644); err != nil || !changed {
		t.Fatalf("new content: %v %v", changed, err)
	}
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left in %s", e.Name(), dir)
		}
	}
}

// The helper process of the lock tests: it takes the lock named by
// FSUTIL_LOCK_HELPER, says "locked", and holds it until stdin closes.
func TestMain(m *testing.M) {
	if name := os.Getenv("FSUTIL_LOCK_HELPER"); name != "" {
		unlock, err := Lock(context.Background(), name, nil)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("locked")
		io.Copy(io.Discard, os.Stdin)
		unlock()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// holdInOtherProcess locks name in a second process (this test binary
// re-executed) and returns the function that makes it release the lock.
func holdInOtherProcess(t *testing.T, name string) (release func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "FSUTIL_LOCK_HELPER="+name)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line := make([]byte, 7)
	if _, err := io.ReadFull(stdout, line); err != nil || string(line) != "locked\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper: %q %v", line, err)
	}
	done := false
	release = func() {
		if !done {
			done = true
			stdin.Close()
			cmd.Wait()
		}
	}
	t.Cleanup(release)
	return release
}

func TestLockExcludesOtherProcess(t *testing.T) {
	for _, kind := range []string{"file", "dir"} {
		t.Run(kind, func(t *testing.T) {
			name := filepath.Join(wintest.TempDir(t), "x.lock")
			if kind == "dir" {
				if err := os.Mkdir(name, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			release := holdInOtherProcess(t, name)
			if unlock, ok, err := TryLock(name); err != nil || ok {
				if ok {
					unlock()
				}
				t.Fatalf("TryLock while another process holds it: ok=%v err=%v", ok, err)
			}
			waited := make(chan bool, 1)
			got := make(chan error, 1)
			go func() {
				unlock, err := Lock(context.Background(), name, func() { waited <- true })
				if err == nil {
					unlock()
				}
				got <- err
			}()
			select {
			case <-waited:
			case <-time.After(10 * time.Second):
				t.Fatal("onWait not called")
			}
			select {
			case err := <-got:
				t.Fatalf("Lock returned (%v) while another process holds it", err)
			case <-time.After(300 * time.Millisecond):
			}
			release()
			select {
			case err := <-got:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Lock not taken after the other process let go")
			}
			if kind == "dir" && runtime.GOOS != "windows" {
				if ents, _ := os.ReadDir(name); len(ents) != 0 {
					t.Fatalf("locking a directory created %v", ents)
				}
			}
		})
	}
}

func TestLockHonoursContext(t *testing.T) {
	name := filepath.Join(wintest.TempDir(t), "x.lock")
	holdInOtherProcess(t, name)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Lock(ctx, name, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the context's", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("Lock did not give up in time")
	}
}

// Within one process, a second Lock of one name waits too.
func TestLockExcludesWithinProcess(t *testing.T) {
	name := filepath.Join(wintest.TempDir(t), "x.lock")
	unlock, err := Lock(context.Background(), name, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := TryLock(name); ok {
		t.Fatal("second lock in one process taken")
	}
	unlock()
	u2, ok, err := TryLock(name)
	if err != nil || !ok {
		t.Fatalf("lock after unlock: %v %v", ok, err)
	}
	u2()
}
