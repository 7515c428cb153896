package wheel_test

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/pkginstall/pkginstall/wheel"
)

// botocoreWheel builds a real botocore wheel with the shared mkwheelhouse
// tool (found by walking up from the working directory to a directory that
// has shared/tools/mkwheelhouse), or skips when the tool or python3.11 is
// missing.
func botocoreWheel(tb testing.TB) string {
	tb.Helper()
	py, err := exec.LookPath("python3.11")
	if err != nil {
		tb.Skip("python3.11 not on PATH")
	}
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	tool := ""
	for {
		p := filepath.Join(dir, "shared", "tools", "mkwheelhouse")
		if _, err := os.Stat(p); err == nil {
			tool = p
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Skip("shared/tools/mkwheelhouse not found above the working directory")
		}
		dir = parent
	}
	out := filepath.Join(tb.TempDir(), "house")
	cmd := exec.Command(py, tool, out, "--only", "botocore")
	if b, err := cmd.CombinedOutput(); err != nil {
		tb.Skipf("mkwheelhouse failed (is botocore installed for python3.11?): %v\n%s", err, b)
	}
	whls, _ := filepath.Glob(filepath.Join(out, "files", "botocore-*.whl"))
	if len(whls) != 1 {
		tb.Skipf("mkwheelhouse built %d botocore wheels", len(whls))
	}
	return whls[0]
}

func TestRealWheel(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a real wheel")
	}
	p := botocoreWheel(t)
	w, err := wheel.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.Project != "botocore" || w.Metadata == nil || len(w.Metadata.RequiresDist) == 0 || !w.RootIsPurelib {
		t.Errorf("Project %q RootIsPurelib %v Metadata %+v", w.Project, w.RootIsPurelib, w.Metadata)
	}
	if len(w.Files) < 1000 {
		t.Errorf("only %d files", len(w.Files))
	}
	if err := w.VerifyAll(); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkOpenReadAll opens a real botocore wheel and reads (and verifies)
// every member.
func BenchmarkOpenReadAll(b *testing.B) {
	p := botocoreWheel(b)
	var total int64
	for b.Loop() {
		w, err := wheel.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		total = 0
		for _, f := range w.Files {
			rc, err := w.Open(f)
			if err != nil {
				b.Fatal(err)
			}
			n, err := io.Copy(io.Discard, rc)
			if err != nil {
				b.Fatal(err)
			}
			rc.Close()
			total += n
		}
		w.Close()
	}
	b.SetBytes(total)
}

// BenchmarkOpen measures validation alone (no content read).
func BenchmarkOpen(b *testing.B) {
	p := botocoreWheel(b)
	for b.Loop() {
		w, err := wheel.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		w.Close()
	}
}
