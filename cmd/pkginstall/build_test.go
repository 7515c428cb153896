package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pkginstall/pkginstall/internal/wheelhouse"
	"github.com/pkginstall/pkginstall/internal/wheeltest"
)

// The build backends of the build tests: setuptools (pyenv's 3.11 has it),
// flit_core and hatchling with its dependencies (Debian's flit and
// python3-hatchling packages, installed by .ci/run), and wheel (Debian's
// python-wheels). They are turned into wheels and a static index by
// internal/wheelhouse, once per test binary.
var backendProjects = []string{"setuptools", "flit_core", "hatchling", "packaging", "pathspec"}

var (
	backendOnce sync.Once
	backendDir  string
	backendErr  error
)

// backendIndex builds the backends' wheelhouse (a static index folder).
func backendIndex(py string) (string, error) {
	backendOnce.Do(func() {
		backendDir, backendErr = buildBackendIndex(py)
	})
	return backendDir, backendErr
}

func buildBackendIndex(py string) (string, error) {
	for _, need := range []string{"/usr/lib/python3/dist-packages/flit_core", "/usr/lib/python3/dist-packages/hatchling", "/usr/share/python-wheels"} {
		if _, err := os.Stat(need); err != nil {
			return "", fmt.Errorf("%s is missing: install Debian's flit, python3-hatchling and python3-setuptools-whl (.ci/run does)", need)
		}
	}
	out, err := exec.Command(py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").Output()
	if err != nil {
		return "", err
	}
	purelib := strings.TrimSpace(string(out))
	dir, err := os.MkdirTemp(binDir, "backends-")
	if err != nil {
		return "", err
	}
	// Wheels published as they are: Debian's wheel, and pluggy, which
	// Debian installs as an .egg-info (the wheelhouse reads .dist-info
	// only), made into a wheel here.
	add := filepath.Join(dir, "add")
	if err := os.MkdirAll(add, 0o755); err != nil {
		return "", err
	}
	whls, _ := filepath.Glob("/usr/share/python-wheels/wheel-*.whl")
	for _, w := range whls {
		b, err := os.ReadFile(w)
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(add, filepath.Base(w)), b, 0o644); err != nil {
			return "", err
		}
	}
	if err := eggInfoWheel(add, "/usr/lib/python3/dist-packages", "pluggy"); err != nil {
		return "", err
	}
	// hatchling requires editables, which Debian does not package; only
	// its editable builds import it, which the tests do not run with
	// hatchling: a stand-in that says so if it is ever imported.
	stub := wheeltest.Spec{Name: "editables", Version: "0.3", Files: []wheeltest.File{{Path: "editables/__init__.py",
		Content: "raise ImportError('the test index has a stand-in for editables, not the real project')\n"}}}
	if _, err := wheeltest.BuildFile(add, stub); err != nil {
		return "", err
	}
	idx := filepath.Join(dir, "index")
	_, err = wheelhouse.Build(context.Background(), idx, wheelhouse.Options{
		Python:       py,
		SitePackages: []string{purelib, "/usr/lib/python3/dist-packages"},
		Only:         append(append([]string{}, backendProjects...), "wheel", "pluggy", "editables"),
		AddWheels:    []string{add},
		Force:        true,
	})
	if err != nil {
		return "", fmt.Errorf("building the backends' wheelhouse: %v", err)
	}
	return idx, nil
}

// eggInfoWheel writes a wheel of the package pkg installed in site as an
// .egg-info (its PKG-INFO as METADATA, its top-level package's files).
func eggInfoWheel(out, site, pkg string) error {
	infos, _ := filepath.Glob(filepath.Join(site, pkg+"-*.egg-info"))
	if len(infos) != 1 {
		return fmt.Errorf("no single %s .egg-info in %s", pkg, site)
	}
	base := strings.TrimSuffix(filepath.Base(infos[0]), ".egg-info")
	version := strings.TrimPrefix(base, pkg+"-")
	spec := wheeltest.Spec{Name: pkg, Version: version}
	err := filepath.WalkDir(filepath.Join(site, pkg), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(p, "__pycache__") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(site, p)
		spec.Files = append(spec.Files, wheeltest.File{Path: filepath.ToSlash(rel), Content: string(b)})
		return nil
	})
	if err != nil {
		return err
	}
	_, err = wheeltest.BuildFile(out, spec)
	return err
}

// cmdBackends sets up the backends' index: it serves the wheelhouse and
// sets $BACKENDS to its simple/ URL.
//
//	backends
func cmdBackends(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: backends")
	}
	dir, err := backendIndex(ts.Getenv("PYTHON"))
	ts.Check(err)
	base, stop, err := startStaticServer(ts.Getenv("PYTHON"), dir)
	ts.Check(err)
	ts.Defer(stop)
	ts.Setenv("BACKENDS", base+"/simple/")
}

// cmdMksdist writes SRCDIR as the sdist OUTDIR/{base of SRCDIR}.tar.gz
// (one top-level folder, as PEP 517 sdists are). A hostile KIND adds a
// member: "traversal" (../evil.py), "symlink" (a link to /etc/passwd),
// "huge" (a member declaring more than the size limit), "absolute"
// (/tmp/evil.py).
//
//	mksdist OUTDIR SRCDIR [KIND]
func cmdMksdist(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: mksdist OUTDIR SRCDIR [traversal|symlink|huge|absolute]")
	}
	out, src := ts.MkAbs(args[0]), ts.MkAbs(args[1])
	top := filepath.Base(src)
	ts.Check(os.MkdirAll(out, 0o755))
	f, err := os.Create(filepath.Join(out, top+".tar.gz"))
	ts.Check(err)
	defer f.Close()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	var files []string
	ts.Check(filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	}))
	sort.Strings(files)
	for _, p := range files {
		b, err := os.ReadFile(p)
		ts.Check(err)
		rel, _ := filepath.Rel(src, p)
		ts.Check(tw.WriteHeader(&tar.Header{Name: top + "/" + filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg}))
		_, err = tw.Write(b)
		ts.Check(err)
	}
	if len(args) == 3 {
		writeHostile(ts, tw, top, args[2])
	}
	if len(args) < 3 || args[2] != "huge" {
		ts.Check(tw.Close())
	}
	ts.Check(gz.Close())
}

func writeHostile(ts *testscript.TestScript, tw *tar.Writer, top, kind string) {
	switch kind {
	case "traversal":
		body := "print('escaped')\n"
		ts.Check(tw.WriteHeader(&tar.Header{Name: top + "/../../evil.py", Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}))
		_, err := tw.Write([]byte(body))
		ts.Check(err)
	case "absolute":
		body := "print('escaped')\n"
		ts.Check(tw.WriteHeader(&tar.Header{Name: "/tmp/pkginstall-evil.py", Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}))
		_, err := tw.Write([]byte(body))
		ts.Check(err)
	case "symlink":
		ts.Check(tw.WriteHeader(&tar.Header{Name: top + "/passwd", Linkname: "/etc/passwd", Typeflag: tar.TypeSymlink}))
	case "huge":
		// The header declares 2 GiB; the archive ends first, so the test
		// proves the declared size is refused before anything is read.
		ts.Check(tw.WriteHeader(&tar.Header{Name: top + "/huge.bin", Mode: 0o644, Size: 2 << 30, Typeflag: tar.TypeReg}))
		// The member is deliberately short: no Flush, no Close.
	default:
		ts.Fatalf("mksdist: unknown kind %q", kind)
	}
}
