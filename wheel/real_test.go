package wheel_test

import (
	"context"
	"io"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/pkginstall/pkginstall/internal/wheelhouse"
	"github.com/pkginstall/pkginstall/wheel"
)

// botocoreWheel rebuilds the botocore that python3.11 has installed as a
// wheel (with the project's own internal/wheelhouse), or skips when
// python3.11 or its botocore is missing.
func botocoreWheel(tb testing.TB) string {
	tb.Helper()
	py, err := exec.LookPath("python3.11")
	if err != nil {
		tb.Skip("python3.11 not on PATH")
	}
	out := filepath.Join(tb.TempDir(), "house")
	if _, err := wheelhouse.Build(context.Background(), out, wheelhouse.Options{Python: py, Only: []string{"botocore"}}); err != nil {
		tb.Fatalf("building the botocore wheel: %v", err)
	}
	whls, _ := filepath.Glob(filepath.Join(out, "files", "botocore-*.whl"))
	if len(whls) != 1 {
		tb.Skipf("python3.11 has no botocore installed (%d wheels built)", len(whls))
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
