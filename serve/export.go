package serve

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pkginstall/pkginstall/internal/fsutil"
)

// Export writes the wheels of wheelDir (a flat folder, as serve reads
// it) as a static index under outDir that any plain web server (nginx, an
// object store, a CDN) serves as files: outDir/files/ holds the wheels
// (hard links when the file system allows, else copies) and their PEP 658
// .metadata files, outDir/simple/ the PEP 503 pages, outDir/simple-json/
// the PEP 691 ones (see WriteStatic); every link is relative. Running it
// again after wheels were added or removed updates outDir to match.
func Export(wheelDir, outDir string, warn func(string)) ([]*Wheel, error) {
	src, err := filepath.Abs(wheelDir)
	if err != nil {
		return nil, err
	}
	files, err := filepath.Abs(filepath.Join(outDir, "files"))
	if err != nil {
		return nil, err
	}
	if src == files {
		return WriteStatic(files, outDir, warn)
	}
	if err := os.MkdirAll(files, 0o755); err != nil {
		return nil, err
	}
	want := map[string]bool{}
	ents, err := os.ReadDir(src)
	if err != nil {
		return nil, fmt.Errorf("wheel folder %s: %w", wheelDir, err)
	}
	for _, e := range ents {
		if !e.Type().IsRegular() || !strings.HasSuffix(strings.ToLower(e.Name()), ".whl") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		want[e.Name()] = true
		if err := mirrorFile(filepath.Join(src, e.Name()), filepath.Join(files, e.Name())); err != nil {
			return nil, err
		}
	}
	// Wheels no longer in wheelDir leave the export, with their metadata.
	have, err := os.ReadDir(files)
	if err != nil {
		return nil, err
	}
	for _, e := range have {
		name := strings.TrimSuffix(e.Name(), ".metadata")
		if strings.HasSuffix(strings.ToLower(name), ".whl") && !want[name] {
			if err := os.Remove(filepath.Join(files, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
		}
	}
	return WriteStatic(files, outDir, warn)
}

// mirrorFile makes dst hold src's bytes: kept when size and mtime match,
// else a hard link, else an atomic copy.
func mirrorFile(src, dst string) error {
	si, err := os.Stat(src)
	if err != nil {
		return err
	}
	if di, err := os.Stat(dst); err == nil && (os.SameFile(si, di) || di.Size() == si.Size() && di.ModTime().Equal(si.ModTime())) {
		return nil
	}
	tmp := dst + ".link-tmp"
	os.Remove(tmp)
	if err := os.Link(src, tmp); err == nil {
		return os.Rename(tmp, dst)
	}
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := fsutil.Write(dst, 0o644, func(w io.Writer) error { _, err := io.Copy(w, f); return err }); err != nil {
		return err
	}
	return os.Chtimes(dst, si.ModTime(), si.ModTime())
}
