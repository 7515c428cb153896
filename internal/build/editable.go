package build

import (
	"archive/zip"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/wheel"
)

// ErrNoEditableHook is the error of Wheel when an editable build was
// asked of a backend without PEP 660's build_editable.
var ErrNoEditableHook = errors.New("the backend has no build_editable hook")

// PthEditable makes the editable wheel of a backend without
// build_editable, as pip's and uv's fallback: the .dist-info of the
// regular wheel built (its METADATA, entry points and WHEEL), and a .pth
// file naming the source tree's import root (src/ when the tree has one,
// else the tree itself), written into outDir.
func PthEditable(built, src, outDir string) (string, error) {
	w, err := wheel.Open(built)
	if err != nil {
		return "", err
	}
	defer w.Close()
	root := src
	if st, err := os.Stat(filepath.Join(src, "src")); err == nil && st.IsDir() {
		root = filepath.Join(src, "src")
	}
	out := filepath.Join(outDir, w.Filename)
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", err
	}
	f, err := os.Create(out)
	if err != nil {
		return "", err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	var record []distinfo.RecordEntry
	add := func(name string, r io.Reader) error {
		zf, err := zw.Create(name)
		if err != nil {
			return err
		}
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(zf, h), r)
		if err != nil {
			return err
		}
		record = append(record, distinfo.RecordEntry{Path: name, Hash: distinfo.FormatRecordHash("sha256", h.Sum(nil)), Size: n})
		return nil
	}
	pth := "__editable__." + strings.TrimSuffix(w.DistInfo, ".dist-info") + ".pth"
	if err := add(pth, strings.NewReader(root+"\n")); err != nil {
		return "", err
	}
	for _, m := range w.Files {
		if !strings.HasPrefix(m.Name, w.DistInfo+"/") {
			continue
		}
		rc, err := w.Open(m)
		if err != nil {
			return "", err
		}
		err = add(m.Name, rc)
		rc.Close()
		if err != nil {
			return "", fmt.Errorf("%s: %w", m.Name, err)
		}
	}
	rec := w.DistInfo + "/RECORD"
	record = append(record, distinfo.RecordEntry{Path: rec, Size: -1})
	zf, err := zw.Create(rec)
	if err != nil {
		return "", err
	}
	if _, err := zf.Write(distinfo.FormatRecord(record)); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return out, f.Close()
}
