package build

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/pkginstall/pkginstall/internal/fsutil"
	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/wheel"
)

// Limits of an sdist, checked while it is unpacked.
const (
	// MaxMembers is the most members an sdist may have.
	MaxMembers = 100_000
	// MaxMemberSize is the largest member.
	MaxMemberSize int64 = 1 << 30
	// MaxTotalSize is the largest sum of member sizes.
	MaxTotalSize int64 = 4 << 30
)

// UnsafeError is an sdist refused while unpacking; nothing of it is left
// on disk.
type UnsafeError struct {
	Archive, Member, Reason string
}

func (e *UnsafeError) Error() string {
	if e.Member == "" {
		return fmt.Sprintf("%s: %s", filepath.Base(e.Archive), e.Reason)
	}
	return fmt.Sprintf("%s: member %s: %s", filepath.Base(e.Archive), wheel.QuotePath(e.Member), e.Reason)
}

// ParseSdistFilename splits an sdist's file name into the normalised
// project name and the version: PEP 625's {name}-{version}.tar.gz, and
// the older spellings with a .zip and a name holding dashes (the version
// is what follows the last dash that leaves a valid version).
func ParseSdistFilename(fn string) (name string, v pep440.Version, err error) {
	stem, ok := sdistStem(fn)
	if !ok {
		return "", v, fmt.Errorf("%s: not an sdist (.tar.gz or .zip)", fn)
	}
	for i := strings.LastIndexByte(stem, '-'); i > 0; i = strings.LastIndexByte(stem[:i], '-') {
		if v, err = pep440.Parse(stem[i+1:]); err == nil && pep508.ValidName(stem[:i]) {
			return pep508.NormalizeName(stem[:i]), v, nil
		}
	}
	return "", v, fmt.Errorf("%s: the sdist's name has no {name}-{version}", fn)
}

// IsSdist reports whether fn names an sdist this package can unpack.
func IsSdist(fn string) bool {
	_, ok := sdistStem(fn)
	return ok
}

func sdistStem(fn string) (string, bool) {
	l := strings.ToLower(fn)
	for _, ext := range []string{".tar.gz", ".tgz", ".zip"} {
		if strings.HasSuffix(l, ext) {
			return fn[:len(fn)-len(ext)], true
		}
	}
	return "", false
}

// Unpack extracts the sdist archive into dir, which must not exist, and
// returns its source tree (the one top-level folder). Every member obeys
// the wheel's name rules (wheel.CheckMemberPath: relative, clean, no "..",
// portable); only regular files and folders are written; a link is
// accepted only when it stays inside the tree, and then skipped (a PEP 517
// tree has no need of one); devices and FIFOs are refused; sizes are
// bounded. On any refusal dir is removed: nothing is left.
func Unpack(archive, dir string) (string, error) {
	if _, err := os.Lstat(dir); err == nil {
		return "", fmt.Errorf("unpack %s: %s exists", archive, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	u := &unpacker{archive: archive, dir: dir, tops: map[string]bool{}}
	var err error
	if strings.HasSuffix(strings.ToLower(archive), ".zip") {
		err = u.zip()
	} else {
		err = u.tar()
	}
	if err == nil && len(u.tops) != 1 {
		err = &UnsafeError{Archive: archive, Reason: fmt.Sprintf("has %d top-level folders, want one {name}-{version}/", len(u.tops))}
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	var top string
	for t := range u.tops {
		top = t
	}
	return filepath.Join(dir, filepath.FromSlash(top)), nil
}

type unpacker struct {
	archive, dir string
	members      int
	total        int64
	tops         map[string]bool
}

func (u *unpacker) refuse(member, format string, args ...any) error {
	return &UnsafeError{Archive: u.archive, Member: member, Reason: fmt.Sprintf(format, args...)}
}

// check applies the name and count rules to one member; it returns the
// cleaned name.
func (u *unpacker) check(name string) (string, error) {
	u.members++
	if u.members > MaxMembers {
		return "", u.refuse("", "has more than %d members", MaxMembers)
	}
	clean := strings.TrimSuffix(strings.TrimPrefix(name, "./"), "/")
	if err := wheel.CheckMemberPath(clean); err != nil {
		return "", u.refuse(name, "%v", err)
	}
	top, _, _ := strings.Cut(clean, "/")
	u.tops[top] = true
	return clean, nil
}

// linkInside reports whether a link at member pointing to target stays
// inside the tree.
func linkInside(member, target string) bool {
	if target == "" || path.IsAbs(target) || strings.ContainsRune(target, '\\') {
		return false
	}
	p := path.Join(path.Dir(member), target)
	return p != ".." && !strings.HasPrefix(p, "../") && p != "."
}

func (u *unpacker) tar() error {
	f, _, err := fsutil.OpenRegular(u.archive)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return u.refuse("", "not a gzip archive: %v", err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return u.refuse("", "reading the archive: %v", err)
		}
		if h.Typeflag == tar.TypeXGlobalHeader {
			continue
		}
		name, err := u.check(h.Name)
		if err != nil {
			return err
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(u.path(name), 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := u.write(name, h.Size, h.FileInfo().Mode()&0o111 != 0, tr); err != nil {
				return err
			}
		case tar.TypeSymlink:
			if !linkInside(name, h.Linkname) {
				return u.refuse(name, "is a link to %s, outside the source tree", wheel.QuotePath(h.Linkname))
			}
		case tar.TypeLink: // named from the archive's root
			if wheel.CheckMemberPath(strings.TrimPrefix(h.Linkname, "./")) != nil {
				return u.refuse(name, "is a link to %s, outside the source tree", wheel.QuotePath(h.Linkname))
			}
		default:
			return u.refuse(name, "is not a regular file or folder (tar type %q)", h.Typeflag)
		}
	}
}

func (u *unpacker) zip() error {
	f, st, err := fsutil.OpenRegular(u.archive)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := zip.NewReader(f, st.Size())
	if err != nil {
		return u.refuse("", "not a zip archive: %v", err)
	}
	for _, zf := range zr.File {
		name, err := u.check(zf.Name)
		if err != nil {
			return err
		}
		mode := zf.Mode()
		switch {
		case mode.IsDir():
			if err := os.MkdirAll(u.path(name), 0o755); err != nil {
				return err
			}
		case mode.IsRegular():
			rc, err := zf.Open()
			if err != nil {
				return u.refuse(name, "%v", err)
			}
			err = u.write(name, int64(zf.UncompressedSize64), mode&0o111 != 0, rc)
			rc.Close()
			if err != nil {
				return err
			}
		default:
			return u.refuse(name, "is not a regular file or folder (%v)", mode.Type())
		}
	}
	return nil
}

func (u *unpacker) path(name string) string {
	return filepath.Join(u.dir, filepath.FromSlash(name))
}

// write copies one regular member, never more than its declared size (a
// reader that yields more is refused), within the total bound.
func (u *unpacker) write(name string, size int64, exec bool, r io.Reader) error {
	if size < 0 || size > MaxMemberSize {
		return u.refuse(name, "is %d bytes, more than the limit of %d", size, MaxMemberSize)
	}
	u.total += size
	if u.total > MaxTotalSize {
		return u.refuse(name, "brings the sdist past %d bytes unpacked", MaxTotalSize)
	}
	p := u.path(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	perm := os.FileMode(0o644)
	if exec {
		perm = 0o755
	}
	// O_EXCL: a second member of the same name is refused, and nothing
	// already on disk (a link) is followed.
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return u.refuse(name, "cannot be written: %v", err)
	}
	n, err := io.Copy(f, io.LimitReader(r, size+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return u.refuse(name, "%v", err)
	}
	if n != size {
		return u.refuse(name, "holds %d bytes, not the %d its header declares", n, size)
	}
	return nil
}
