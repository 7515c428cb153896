package build

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/fsutil"
	"github.com/pkginstall/pkginstall/internal/pep440"
)

// StaticMetadata returns the PKG-INFO of an unpacked sdist when resolution
// may trust it (PEP 643: Metadata-Version 2.2 or newer, and none of the
// fields resolution reads is Dynamic); ok is false otherwise.
func StaticMetadata(src string) (md *distinfo.Metadata, ok bool) {
	b, err := fsutil.ReadRegular(filepath.Join(src, "PKG-INFO"), distinfo.MaxMetadataSize)
	if err != nil {
		return nil, false
	}
	md, err = distinfo.ParseMetadata(b)
	if err != nil {
		return nil, false
	}
	mv, err := pep440.Parse(md.MetadataVersion)
	if err != nil || mv.Compare(pep440.MustParse("2.2")) < 0 {
		return nil, false
	}
	for _, d := range md.Dynamic {
		switch strings.ToLower(strings.TrimSpace(d)) {
		case "requires-dist", "requires-python", "provides-extra":
			return nil, false
		}
	}
	return md, true
}

// skipDirs are folders of a source tree that are not its content.
var skipDirs = map[string]bool{
	".git": true, ".hg": true, ".svn": true, "__pycache__": true, "__pypackages__": true,
	".venv": true, ".tox": true, ".nox": true, "build": true, "dist": true,
	".mypy_cache": true, ".pytest_cache": true, ".ruff_cache": true,
}

// TreeHash is the identity of a source tree: the sha256 of every file's
// path, mode and content (and of every link's target), in walk order,
// without version-control, cache and build output folders (and
// *.egg-info).
func TreeHash(root string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			if p != root && (skipDirs[d.Name()] || strings.HasSuffix(d.Name(), ".egg-info")) {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%o\x00", filepath.ToSlash(rel), info.Mode())
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			t, err := os.Readlink(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%s\x00", t)
		case info.Mode().IsRegular():
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%d\x00", info.Size())
			_, err = io.Copy(h, f)
			f.Close()
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// EditableHash is the identity of an editable build of the tree at root
// (absolute): its place and its build inputs (pyproject.toml, setup.py,
// setup.cfg), not its code, which an editable install reads in place.
func EditableHash(root string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "editable\x00%s\x00", root)
	for _, name := range []string{"pyproject.toml", "setup.py", "setup.cfg"} {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil && !os.IsNotExist(err) {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00%s", name, len(b), b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
