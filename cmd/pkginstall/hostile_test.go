package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runPkginstall runs the built binary in dir with a private HOME and cache,
// and returns its exit status, stdout and stderr.
func runPkginstall(t *testing.T, dir string, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(binDir, "pkginstall"), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, stdout.String(), stderr.String()
}

// TestHostileWheels installs every hostile fixture and checks that each
// ends with exit status 1, one "error:" line naming the problem, no stack
// trace, and nothing written anywhere: not in the project, not in HOME,
// not in the cache.
func TestHostileWheels(t *testing.T) {
	py := python311(t)
	wheels, err := filepath.Glob(filepath.Join(repoRoot(t), "testdata", "wheels", "hostile", "*.whl"))
	if err != nil || len(wheels) < 20 {
		t.Fatalf("expected the hostile fixtures, found %d (%v)", len(wheels), err)
	}
	for _, whl := range wheels {
		name := strings.SplitN(filepath.Base(whl), "-", 2)[0]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			home := t.TempDir()
			proj := t.TempDir()
			code, stdout, stderr := runPkginstall(t, proj,
				[]string{"HOME=" + home, "PKGINSTALL_CACHE_DIR=" + filepath.Join(home, "cache"), "XDG_CACHE_HOME=" + filepath.Join(home, "xdg")},
				"--python", py, "install", whl)
			if code != 1 {
				t.Errorf("exit status %d, want 1\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			if !strings.HasPrefix(stderr, "error: ") && !strings.Contains(stderr, "\nerror: ") {
				t.Errorf("no \"error: \" line on stderr:\n%s", stderr)
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("stack trace on stderr:\n%s", stderr)
			}
			for _, dir := range []string{proj, home} {
				ents, err := os.ReadDir(dir)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range ents {
					if dir == home && e.Name() == "cache" {
						// The interpreter probe may be cached (and the cache
						// root it creates tagged); nothing else.
						filepath.WalkDir(filepath.Join(home, "cache"), func(p string, d os.DirEntry, err error) error {
							if err == nil && p != filepath.Join(home, "cache") && p != filepath.Join(home, "cache", "CACHEDIR.TAG") && !strings.Contains(p, "interpreters-v1") {
								t.Errorf("wrote %s", p) // a file, or even an empty directory
							}
							return nil
						})
						continue
					}
					t.Errorf("wrote %s in %s", e.Name(), dir)
				}
			}
		})
	}
}
