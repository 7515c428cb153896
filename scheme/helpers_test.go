package scheme

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/python"
)

// memFile is one member of a memSource.
type memFile struct {
	name string
	data string
	mode os.FileMode
	// badHash makes the declared hash differ from the content.
	badHash bool
}

// memSource is an in-memory wheel.
type memSource struct {
	project, version string
	files            []memFile
	eps              []EntryPoint
}

func (m *memSource) escaped() string {
	return strings.ReplaceAll(pep508.NormalizeName(m.project), "-", "_")
}
func (m *memSource) Project() string           { return m.project }
func (m *memSource) Version() string           { return m.version }
func (m *memSource) DistInfo() string          { return m.escaped() + "-" + m.version + ".dist-info" }
func (m *memSource) DataDir() string           { return m.escaped() + "-" + m.version + ".data" }
func (m *memSource) RootIsPurelib() bool       { return true }
func (m *memSource) EntryPoints() []EntryPoint { return m.eps }

func (m *memSource) Files() []SourceFile {
	var out []SourceFile
	for _, f := range m.allFiles() {
		h := sha256Of([]byte(f.data))
		if f.badHash {
			h = sha256Of([]byte("something else"))
		}
		mode := f.mode
		if mode == 0 {
			mode = 0o644
		}
		out = append(out, SourceFile{Name: f.name, Size: int64(len(f.data)), Hash: h, Mode: mode})
	}
	return out
}

// allFiles adds METADATA and a wheel RECORD (which Install must not copy).
func (m *memSource) allFiles() []memFile {
	fs := append([]memFile(nil), m.files...)
	fs = append(fs,
		memFile{name: m.DistInfo() + "/METADATA", data: "Metadata-Version: 2.1\nName: " + m.project + "\nVersion: " + m.version + "\n\n"},
		memFile{name: m.DistInfo() + "/RECORD", data: "wheel's own RECORD\n"},
	)
	return fs
}

func (m *memSource) Open(name string) (io.ReadCloser, error) {
	for _, f := range m.allFiles() {
		if f.name == name {
			return io.NopCloser(strings.NewReader(f.data)), nil
		}
	}
	return nil, errors.New("no member " + name)
}

// testInfo is an Info for a made-up interpreter (scripts are not run).
func testInfo() *python.Info {
	return &python.Info{Executable: "/usr/bin/python3", Implementation: "cpython", Major: 3, Minor: 11, Platform: "linux-x86_64", OS: "linux"}
}

var (
	pyOnce sync.Once
	pyInfo *python.Info
	pyErr  error
)

// realPython probes python3 on PATH for its real executable and version.
func realPython(t *testing.T) *python.Info {
	t.Helper()
	pyOnce.Do(func() {
		exe, err := exec.LookPath("python3")
		if err != nil {
			pyErr = err
			return
		}
		out, err := exec.Command(exe, "-c", "import sys, json; print(json.dumps([sys.executable, sys.version_info[0], sys.version_info[1]]))").Output()
		if err != nil {
			pyErr = err
			return
		}
		var v []any
		if err := json.Unmarshal(out, &v); err != nil {
			pyErr = err
			return
		}
		pyInfo = &python.Info{Executable: v[0].(string), Implementation: "cpython", Major: int(v[1].(float64)), Minor: int(v[2].(float64)), Platform: "linux-x86_64", OS: "linux"}
	})
	if pyErr != nil {
		t.Skipf("no usable python3: %v", pyErr)
	}
	return pyInfo
}

// newProject returns the Paths of a fresh project for info.
func newProject(t *testing.T, info *python.Info) Paths {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "proj")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p, err := NewPaths(dir, info, LayoutVersion)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// tree lists the files under dir (relative, slash-separated), with
// directories suffixed by "/", skipping nothing.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		r, _ := filepath.Rel(dir, p)
		r = filepath.ToSlash(r)
		if d.IsDir() {
			r += "/"
		}
		out = append(out, r)
		return nil
	})
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func mustInstall(t *testing.T, p Paths, info *python.Info, src Source, opts InstallOptions) *Result {
	t.Helper()
	r, err := Install(context.Background(), p, info, src, opts)
	if err != nil {
		t.Fatalf("install %s: %v", src.Project(), err)
	}
	return r
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func exists(name string) bool {
	_, err := os.Lstat(name)
	return err == nil
}

func findDist(t *testing.T, p Paths, name string) *Dist {
	t.Helper()
	ds, err := List(p)
	if err != nil {
		t.Fatal(err)
	}
	var found *Dist
	for i := range ds {
		if pep508.NormalizeName(ds[i].Name) == pep508.NormalizeName(name) {
			if found != nil {
				t.Fatalf("two .dist-info for %s: %s and %s", name, found.DistInfo, ds[i].DistInfo)
			}
			found = &ds[i]
		}
	}
	return found
}

// equalLines compares two lists of lines ignoring order.
func equalLines(a, b []string) bool {
	a, b = append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(a)
	sort.Strings(b)
	return strings.Join(a, "\n") == strings.Join(b, "\n")
}

// sha256Of returns the RECORD hash of b.
func sha256Of(b []byte) string {
	s := sha256.Sum256(b)
	return hashString(s[:])
}
