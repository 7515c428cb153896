package index

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pkginstall/pkginstall/internal/wheelhouse"
)

// buildWheelhouse builds a wheelhouse (internal/wheelhouse) of the projects
// only from python3's installed distributions, and returns python3 and the
// wheelhouse. It skips the test in -short mode, without python3, or when
// python3 has none of the projects.
func buildWheelhouse(t *testing.T, ctx context.Context, only ...string) (py, dir string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a wheelhouse")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	dir = filepath.Join(t.TempDir(), "wh")
	man, err := wheelhouse.Build(ctx, dir, wheelhouse.Options{Python: py, Only: only})
	if err != nil {
		t.Fatalf("building the wheelhouse: %v", err)
	}
	if len(man.Wheels) == 0 {
		t.Skipf("python3 has none of %v installed", only)
	}
	return py, dir
}

// TestRealWheelhouse reads a wheelhouse built by internal/wheelhouse, served by
// python3 -m http.server in its own process, and as a file:// index.
func TestRealWheelhouse(t *testing.T) {
	cctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	py, out := buildWheelhouse(t, cctx, "six")

	// Port 0: the server picks a free port and prints it.
	srv := exec.CommandContext(cctx, py, "-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory", out, "0")
	stdout, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the server's banner: %v", err)
	}
	m := regexp.MustCompile(`port (\d+)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("no port in %q", line)
	}
	base := "http://127.0.0.1:" + m[1]

	cache := t.TempDir()
	for _, idx := range []string{base + "/simple/", "file://" + filepath.ToSlash(out) + "/simple/"} {
		t.Run(strings.SplitN(idx, ":", 2)[0], func(t *testing.T) {
			c := newClient(t, Options{IndexURL: idx, CacheDir: cache})
			p, err := c.Project(cctx, "SIX")
			if err != nil {
				t.Fatal(err)
			}
			var whl *File
			for i := range p.Files {
				if p.Files[i].IsWheel() {
					whl = &p.Files[i]
				}
			}
			if whl == nil {
				t.Fatalf("no wheel in %+v", p)
			}
			if !validSHA256(whl.SHA256) || !validSHA256(whl.MetadataSHA256) || whl.RequiresPython == "" ||
				strings.Contains(whl.RequiresPython, "&") {
				t.Errorf("file %+v", whl)
			}
			want, err := os.ReadFile(filepath.Join(out, "files", whl.Filename+".metadata"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Metadata(cctx, *whl)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("Metadata (PEP 658) = %.40q, %v", got, err)
			}
			// Without the .metadata file: a range read, or a full download
			// when the server ignores ranges (http.server does).
			noMeta := *whl
			noMeta.MetadataURL = ""
			noMeta.SHA256 = ""
			nc := newClient(t, Options{IndexURL: idx})
			if got, err := nc.Metadata(cctx, noMeta); err != nil || !bytes.Equal(got, want) {
				t.Fatalf("Metadata (from the wheel) = %.40q, %v", got, err)
			}
			path, err := c.Fetch(cctx, *whl, "")
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil || sha256hex(b) != whl.SHA256 {
				t.Errorf("fetched %s: %v", path, err)
			}
		})
	}
}
