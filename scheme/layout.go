package scheme

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pkginstall/pkginstall/internal/python"
)

// Layout names accepted by TargetDirName and NewPaths.
const (
	LayoutVersion  = "version"
	LayoutPlatform = "platform"
)

// PyPackagesDir is the name of the project-local package directory.
const PyPackagesDir = "__pypackages__"

// Paths is the scheme of one target directory. All fields are absolute.
type Paths struct {
	Project    string // the project root
	PyPackages string // <Project>/__pypackages__
	Target     string // <PyPackages>/<TargetDirName>
	Lib        string // <Target>/lib: purelib and platlib
	Bin        string // <Target>/bin, <Target>/Scripts on Windows
	Include    string // <Target>/include: headers go to include/<distribution>/
}

// interpreterShortNames are packaging.tags' short names of implementations.
var interpreterShortNames = map[string]string{
	"python":     "py",
	"cpython":    "cp",
	"pypy":       "pp",
	"ironpython": "ip",
	"jython":     "jy",
}

// TargetDirName names the target directory inside __pypackages__ for an
// interpreter and a layout:
//
//	version:  "3.11", "3.13t" (free-threaded), "pypy3.10" (non-CPython)
//	platform: "cp311-linux_x86_64", "cp313t-macosx_11_0_arm64", "pp310-win_amd64"
func TargetDirName(info *python.Info, layout string) (string, error) {
	if info == nil {
		return "", errors.New("no interpreter information")
	}
	impl := strings.ToLower(info.Implementation)
	if impl == "" {
		return "", errors.New("interpreter " + info.Executable + " reports no implementation")
	}
	if info.Major <= 0 || info.Minor < 0 {
		return "", fmt.Errorf("interpreter %s reports no version", info.Executable)
	}
	var name string
	switch layout {
	case LayoutVersion, "":
		name = strconv.Itoa(info.Major) + "." + strconv.Itoa(info.Minor)
		if info.FreeThreaded || strings.Contains(info.ABIFlags, "t") {
			name += "t"
		}
		if impl != "cpython" {
			name = impl + name
		}
	case LayoutPlatform:
		if info.Platform == "" {
			return "", fmt.Errorf("interpreter %s reports no platform", info.Executable)
		}
		short, ok := interpreterShortNames[impl]
		if !ok {
			short = impl
		}
		abi := info.ABIFlags
		if info.FreeThreaded && !strings.Contains(abi, "t") {
			abi += "t"
		}
		plat := strings.NewReplacer("-", "_", ".", "_").Replace(info.Platform)
		name = short + strconv.Itoa(info.Major) + strconv.Itoa(info.Minor) + abi + "-" + plat
	default:
		return "", fmt.Errorf("unknown layout %q: want %q or %q", layout, LayoutVersion, LayoutPlatform)
	}
	if !validComponent(name) {
		return "", fmt.Errorf("interpreter %s gives an unusable directory name %q", info.Executable, name)
	}
	return name, nil
}

// NewPaths returns the scheme of the target directory for info and layout
// under projectRoot (made absolute). It creates nothing.
func NewPaths(projectRoot string, info *python.Info, layout string) (Paths, error) {
	dir, err := TargetDirName(info, layout)
	if err != nil {
		return Paths{}, err
	}
	root, err := filepath.Abs(projectRoot)
	if err != nil {
		return Paths{}, fmt.Errorf("project root %s: %w", projectRoot, err)
	}
	bin := "bin"
	if info.OS == "windows" {
		bin = "Scripts"
	}
	pp := filepath.Join(root, PyPackagesDir)
	target := filepath.Join(pp, dir)
	return Paths{
		Project:    root,
		PyPackages: pp,
		Target:     target,
		Lib:        filepath.Join(target, "lib"),
		Bin:        filepath.Join(target, bin),
		Include:    filepath.Join(target, "include"),
	}, nil
}

// CreateTarget creates the target's directories (PyPackages, Target, Lib,
// Bin) when missing. When it creates PyPackages it also writes
// PyPackages/.gitignore holding "*" (SPEC §2).
func CreateTarget(p Paths) error {
	if err := p.check(); err != nil {
		return err
	}
	if err := mkdirPyPackages(p); err != nil {
		return err
	}
	for _, d := range []string{p.Target, p.Lib, p.Bin} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", d, err)
		}
	}
	return nil
}

// check verifies that p is absolute and that Lib, Bin and Include lie
// inside Target.
func (p Paths) check() error {
	if p.Target == "" || !filepath.IsAbs(p.Target) || !filepath.IsAbs(p.PyPackages) {
		return fmt.Errorf("target directory %q is not an absolute path", p.Target)
	}
	for _, d := range []string{p.Lib, p.Bin, p.Include} {
		if _, err := p.rel(d); err != nil {
			return err
		}
	}
	return nil
}

// rel returns dir relative to the target, slash-separated; dir must lie
// strictly inside the target.
func (p Paths) rel(dir string) (string, error) {
	r, err := filepath.Rel(p.Target, dir)
	if err != nil || !filepath.IsLocal(r) || r == "." {
		return "", fmt.Errorf("directory %s is not inside target %s", dir, p.Target)
	}
	return filepath.ToSlash(r), nil
}

// validComponent reports whether s can be one path element.
func validComponent(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, `/\:`) && validName(s) == nil
}
