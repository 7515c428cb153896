package scheme

import (
	"fmt"
	"os"
	"path"
	"path/filepath"

	"github.com/pkginstall/pkginstall/internal/distinfo"
)

// AddToRecord adds files (absolute paths inside the target, such as the
// byte code compiled after an install) to the RECORD of the distribution
// whose .dist-info is distInfo (absolute), with their sha256 and size
// (hashed here unless the caller gives them), keeping RECORD's own line
// last. RECORD is replaced atomically; paths already listed are not added
// twice. Callers hold Lock.
func AddToRecord(p Paths, distInfo string, files []AddedFile) error {
	if err := p.check(); err != nil {
		return err
	}
	root, err := os.OpenRoot(p.Target)
	if err != nil {
		return fmt.Errorf("open target: %w", err)
	}
	defer root.Close()
	dirRel, err := p.rel(distInfo)
	if err != nil {
		return err
	}
	libRel := path.Dir(dirRel)
	recRel := dirRel + "/RECORD"
	b, err := readLimited(root, recRel, MaxRecordSize)
	if err != nil {
		return fmt.Errorf("read RECORD: %w", err)
	}
	entries, err := distinfo.ParseRecord(b)
	if err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(distInfo, "RECORD"), err)
	}
	recPath := targetToRecord(libRel, recRel)
	seen := map[string]bool{}
	var out []RecordEntry
	for _, e := range entries {
		seen[e.Path] = true
		if e.Path != recPath {
			out = append(out, e)
		}
	}
	for _, f := range files {
		rel, err := p.rel(f.Path)
		if err != nil {
			return err
		}
		rp := targetToRecord(libRel, rel)
		if seen[rp] {
			continue
		}
		seen[rp] = true
		h, n := f.Hash, f.Size
		if h == "" {
			if h, n, err = hashFile(f.Path); err != nil {
				return err
			}
		}
		out = append(out, RecordEntry{Path: rp, Hash: h, Size: n})
	}
	out = append(out, RecordEntry{Path: recPath, Size: -1})
	tmp := recRel + ".pkginstall-tmp"
	fh, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("write RECORD: %w", err)
	}
	_, err = fh.Write(distinfo.FormatRecord(out))
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = root.Rename(tmp, recRel)
	}
	if err != nil {
		_ = root.Remove(tmp)
		return fmt.Errorf("write RECORD: %w", err)
	}
	return nil
}

// AddedFile is a file for AddToRecord: its absolute path and, when the
// caller knows them, its RECORD hash (RecordHash) and size.
type AddedFile struct {
	Path string
	Hash string // "" to hash the file
	Size int64
}

// RecordHash is the RECORD hash ("sha256=...") and size of a file.
func RecordHash(name string) (hash string, size int64, err error) { return hashFile(name) }
