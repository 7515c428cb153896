package wheel

import (
	"bytes"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/klauspost/compress/zip"
	"golang.org/x/text/unicode/norm"

	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/fsutil"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/tags"
)

// Limits. A wheel that passes one is refused by [Open].
const (
	// MaxFiles is the largest number of archive members (directories
	// included). The biggest wheels on PyPI have a few tens of thousands.
	MaxFiles = 100_000
	// MaxFileSize is the largest declared uncompressed size of one member.
	MaxFileSize int64 = 1 << 30 // 1 GiB
	// MaxTotalSize is the largest sum of declared uncompressed sizes.
	MaxTotalSize int64 = 4 << 30 // 4 GiB
	// MaxMetaFileSize is the largest RECORD, WHEEL or entry_points.txt
	// read into memory by Open, and the largest member ReadFile returns.
	// METADATA has the smaller limit distinfo.MaxMetadataSize, as
	// everywhere.
	MaxMetaFileSize int64 = 64 << 20 // 64 MiB
	// MaxProblems is the most problems an [*Error] lists; the last one then
	// says how many more were found.
	MaxProblems = 100
	// MaxPathLength, MaxPathDepth and MaxComponentLength bound a member's
	// name: its bytes, its number of components, and the bytes of one
	// component (NAME_MAX of every common file system). The longest names
	// in real wheels are about 150 bytes and 13 components deep. Bounding
	// the name, not what the file system accepts, makes a wheel install
	// the same whether it is unpacked into the cache or straight into the
	// target (--no-cache), whose paths differ in length.
	MaxPathLength      = 1024
	MaxPathDepth       = 64
	MaxComponentLength = 255
)

// SupportedWheelVersion is the newest Wheel-Version this package knows.
// A wheel with a higher major version is refused; one with the same major
// and a higher minor version opens with [Wheel.NewerWheelVersion] set.
const SupportedWheelVersion = "1.0"

// Wheel is an open, validated wheel.
type Wheel struct {
	Filename string         // base name of the wheel file
	Name     tags.WheelName // parsed Filename

	Project string // METADATA Name, as written
	Version string // METADATA Version, as written

	DistInfo string // "foo-1.0.dist-info", the one top-level .dist-info directory
	DataDir  string // "foo-1.0.data"; set even when the wheel has no such directory

	RootIsPurelib     bool     // WHEEL Root-Is-Purelib
	WheelVersion      string   // WHEEL Wheel-Version, e.g. "1.0"
	NewerWheelVersion bool     // Wheel-Version is 1.x with x > 0: installers should warn
	WheelTags         []string // WHEEL Tag lines, as written

	// Files lists every regular member except RECORD and its signatures
	// (RECORD.jws, RECORD.p7s), sorted by name, each with its RECORD hash.
	Files       []File
	Metadata    *distinfo.Metadata
	EntryPoints []distinfo.EntryPoint // console_scripts and gui_scripts only

	zr      *zip.Reader
	closer  io.Closer
	members map[string]*member // by exact name, regular files only
	record  []byte
}

// File is one regular member of a wheel.
type File struct {
	Name       string      // path inside the wheel, e.g. "pkg/__init__.py"
	Size       int64       // uncompressed size; RECORD and the zip header agree on it
	Hash       string      // from RECORD: "sha256=<urlsafe-b64>" (or sha384=, sha512=)
	Mode       os.FileMode // 0755 if the zip entry has any execute bit, else 0644
	Executable bool        // Mode&0111 != 0
}

type member struct {
	zf   *zip.File
	size int64
	hash distinfo.RecordHash
	file int // index into Wheel.Files, -1 for RECORD and its signatures
}

// Open opens and validates the wheel at path. See the package
// documentation for what is checked. On failure it returns an [*Error]
// listing every problem found.
//
// A wheel of at most [MaxInMemory] bytes is read into memory whole, with
// one read: its members are then inflated without a system call each (a
// pread per 4 KiB otherwise), and what Open validated is byte for byte
// what its readers inflate, whatever happens to the file meanwhile.
func Open(path string) (*Wheel, error) {
	f, fi, err := fsutil.OpenRegular(path)
	if err != nil {
		return nil, err
	}
	if size := fi.Size(); size <= MaxInMemory && takeMemory(size) {
		b := make([]byte, size)
		_, err := io.ReadFull(f, b)
		f.Close()
		if err != nil {
			inMemory.Add(-size)
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		w, err := OpenReaderAt(bytes.NewReader(b), size, filepath.Base(path))
		if err != nil {
			inMemory.Add(-size)
			return nil, err
		}
		w.closer = memoryCloser(size)
		return w, nil
	}
	w, err := OpenReaderAt(f, fi.Size(), filepath.Base(path))
	if err != nil {
		f.Close()
		return nil, err
	}
	w.closer = f
	return w, nil
}

// MaxInMemory bounds the bytes of all the wheels [Open] holds in memory
// at once (a wheel that would exceed it is read from its file). Most
// wheels are far smaller; the largest of the benchmark's set (botocore)
// is 15 MB.
const MaxInMemory = 48 << 20

// inMemory is the bytes of wheels [Open] holds in memory now, which stays
// at most MaxInMemory: a wheel that does not fit is read from its file.
var inMemory atomic.Int64

func takeMemory(size int64) bool {
	for {
		n := inMemory.Load()
		if n+size > MaxInMemory {
			return false
		}
		if inMemory.CompareAndSwap(n, n+size) {
			return true
		}
	}
}

// memoryCloser gives a wheel's bytes back to the budget when it closes.
type memoryCloser int64

func (m memoryCloser) Close() error {
	inMemory.Add(-int64(m))
	return nil
}

// OpenReaderAt is [Open] for a wheel held in r, size bytes long; filename
// is the wheel's file name, which is validated too.
func OpenReaderAt(r io.ReaderAt, size int64, filename string) (*Wheel, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, &Error{Wheel: filename, Problems: []error{
			newProblem(ErrInvalidFormat, "not a valid zip archive: %v", err),
		}}
	}
	v := &validator{w: &Wheel{Filename: filename, zr: zr, members: map[string]*member{}}}
	v.run()
	if len(v.problems) > 0 {
		ps := v.problems
		if len(ps) > MaxProblems {
			n := len(ps) - (MaxProblems - 1)
			ps = append(ps[:MaxProblems-1:MaxProblems-1], fmt.Errorf("and %d more problems", n))
		}
		return nil, &Error{Wheel: filename, Problems: ps}
	}
	return v.w, nil
}

// Close releases the file opened by [Open]. Readers from [Wheel.Open] must
// not be used after Close.
func (w *Wheel) Close() error {
	if w.closer == nil {
		return nil
	}
	err := w.closer.Close()
	w.closer = nil
	return err
}

// Open returns a reader of f's content. The reader never reads more than
// f.Size+1 bytes from the archive; at the end it compares the size and the
// digest of what it read with RECORD and, if they differ, returns a
// [*FileError] (matching [ErrSizeMismatch] or [ErrHashMismatch]) instead of
// io.EOF. A caller must read to io.EOF before trusting the content.
// Readers of different members may be used concurrently.
func (w *Wheel) Open(f File) (io.ReadCloser, error) {
	m := w.members[f.Name]
	if m == nil || m.file < 0 {
		return nil, &FileError{Wheel: w.Filename, Path: f.Name, Err: ErrNotFound}
	}
	return w.openMember(f.Name, m)
}

func (w *Wheel) openMember(name string, m *member) (io.ReadCloser, error) {
	h, ok := distinfo.NewHash(m.hash.Algo)
	if !ok {
		return nil, &FileError{Wheel: w.Filename, Path: name, Err: newProblem(ErrRecord, "has no usable hash in RECORD")}
	}
	rc, err := m.zf.Open()
	if err != nil {
		return nil, &FileError{Wheel: w.Filename, Path: name, Err: newProblem(ErrInvalidFormat, "cannot read member: %v", err)}
	}
	return &fileReader{wheel: w.Filename, name: name, rc: rc, size: m.size, want: m.hash, h: h}, nil
}

// ReadFile returns the verified content of the member name, which must be
// at most [MaxMetaFileSize] bytes; it is meant for small .dist-info files.
// name may also be the RECORD file, which is returned as read by Open.
func (w *Wheel) ReadFile(name string) ([]byte, error) {
	if name == w.DistInfo+"/RECORD" {
		return bytes.Clone(w.record), nil
	}
	m := w.members[name]
	if m == nil || m.file < 0 {
		return nil, &FileError{Wheel: w.Filename, Path: name, Err: ErrNotFound}
	}
	return w.readSmall(name, m)
}

func (w *Wheel) readSmall(name string, m *member) ([]byte, error) {
	if m.size > MaxMetaFileSize {
		return nil, &FileError{Wheel: w.Filename, Path: name, Err: newProblem(ErrTooLarge, "is %d bytes, more than the %d this reads into memory", m.size, MaxMetaFileSize)}
	}
	rc, err := w.openMember(name, m)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// Trust the declared size for the first MiB only: it may lie.
	buf := bytes.NewBuffer(make([]byte, 0, min(m.size, 1<<20)+1))
	if _, err := buf.ReadFrom(rc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// VerifyAll reads every file and checks its size and hash against RECORD.
// It returns an [*Error] listing every member that fails.
func (w *Wheel) VerifyAll() error {
	var problems []error
	for _, f := range w.Files {
		rc, err := w.Open(f)
		if err == nil {
			_, err = io.Copy(io.Discard, rc)
			rc.Close()
		}
		if err != nil {
			var fe *FileError
			if errors.As(err, &fe) {
				err = &FileError{Path: fe.Path, Err: fe.Err}
			}
			problems = append(problems, err)
		}
	}
	if len(problems) > 0 {
		return &Error{Wheel: w.Filename, Problems: problems}
	}
	return nil
}

// fileReader verifies a member's size and digest while it is read.
type fileReader struct {
	wheel, name string
	rc          io.ReadCloser
	size, n     int64
	want        distinfo.RecordHash
	h           hash.Hash
	err         error // sticky
}

func (r *fileReader) fail(err error) error {
	r.err = &FileError{Wheel: r.wheel, Path: r.name, Err: err}
	return r.err
}

func (r *fileReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if max := r.size + 1 - r.n; int64(len(p)) > max {
		p = p[:max]
	}
	n, err := r.rc.Read(p)
	r.n += int64(n)
	if r.n > r.size || errors.Is(err, zip.ErrFormat) {
		// zip's own reader reports content beyond the declared size as
		// ErrFormat; either way this is a decompression bomb or damage.
		return 0, r.fail(newProblem(ErrSizeMismatch, "size mismatch: content is larger than the %d bytes RECORD and the zip header declare", r.size))
	}
	r.h.Write(p[:n])
	switch {
	case err == nil:
		return n, nil
	case err == io.EOF:
		if r.n != r.size {
			return n, r.fail(newProblem(ErrSizeMismatch, "size mismatch: RECORD says %d bytes, content has %d", r.size, r.n))
		}
		if got := r.h.Sum(nil); !bytes.Equal(got, r.want.Digest) {
			return n, r.fail(&HashMismatchError{Want: r.want.String(), Got: distinfo.FormatRecordHash(r.want.Algo, got)})
		}
		r.err = io.EOF
		return n, io.EOF
	case errors.Is(err, io.ErrUnexpectedEOF) && r.n < r.size:
		// zip's reader drops the last chunk's count here.
		return n, r.fail(newProblem(ErrSizeMismatch, "size mismatch: content is shorter than the %d bytes RECORD says", r.size))
	default:
		return n, r.fail(newProblem(ErrInvalidFormat, "damaged member: %v", err))
	}
}

func (r *fileReader) Close() error { return r.rc.Close() }

// validator collects the problems of one wheel.
type validator struct {
	w          *Wheel
	problems   []error
	zipDirs    map[string]bool // folded names of directory entries, without "/"
	names      []string        // names of w.members, sorted
	bad        map[string]bool // member names already reported as unsafe
	dup        map[string]bool // member names that appear more than once
	hasDataDir bool            // the archive has a .data directory
}

func (v *validator) add(path string, kind error, format string, args ...any) {
	v.problems = append(v.problems, &FileError{Path: path, Err: newProblem(kind, format, args...)})
}

func (v *validator) addErr(kind error, format string, args ...any) {
	v.problems = append(v.problems, newProblem(kind, format, args...))
}

// Unix file types in the high 16 bits of a zip entry's external attributes.
const (
	sIFMT   = 0o170000
	sIFSOCK = 0o140000
	sIFLNK  = 0o120000
	sIFREG  = 0o100000
	sIFBLK  = 0o060000
	sIFDIR  = 0o040000
	sIFCHR  = 0o020000
	sIFIFO  = 0o010000
)

func (v *validator) run() {
	w := v.w
	wn, err := tags.ParseWheelFilename(w.Filename)
	if err != nil {
		v.addErr(ErrNameMismatch, "%v", err)
	}
	w.Name = wn
	if len(w.zr.File) > MaxFiles {
		v.addErr(ErrTooLarge, "has %d members, more than the limit of %d", len(w.zr.File), MaxFiles)
		return
	}
	v.members()
	v.layout()
	v.checkRecord()
	v.distInfoFiles()
	// Files, sorted.
	for name, m := range w.members {
		if m.file >= 0 {
			mode := os.FileMode(0o644)
			if (m.zf.ExternalAttrs>>16)&0o111 != 0 {
				mode = 0o755
			}
			w.Files = append(w.Files, File{Name: name, Size: m.size, Hash: m.hash.String(), Mode: mode, Executable: mode&0o111 != 0})
		}
	}
	slices.SortFunc(w.Files, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	for i, f := range w.Files {
		w.members[f.Name].file = i
	}
}

// members checks every archive member's name, type and size.
func (v *validator) members() {
	w := v.w
	folded := map[string]string{} // folded name -> first exact name
	v.zipDirs = map[string]bool{}
	v.bad = map[string]bool{}
	v.dup = map[string]bool{}
	reported := map[string]bool{}
	var total int64
	totalReported := false
	for _, zf := range w.zr.File {
		name := zf.Name
		isDir := strings.HasSuffix(name, "/")
		clean := strings.TrimSuffix(name, "/")
		if err := checkPath(clean); err != nil {
			v.bad[name] = true
			v.add(name, ErrUnsafePath, "%v", err)
			continue
		}
		if zf.Flags&0x1 != 0 {
			v.bad[name] = true
			v.add(name, ErrUnsupported, "is encrypted")
			continue
		}
		if zf.Method != zip.Store && zf.Method != zip.Deflate {
			v.bad[name] = true
			v.add(name, ErrUnsupported, "uses compression method %d (only stored and deflate are supported)", zf.Method)
			continue
		}
		if msg := fileTypeProblem(zf.ExternalAttrs>>16, isDir); msg != "" {
			v.bad[name] = true
			v.add(name, ErrSpecialFile, "%s", msg)
			continue
		}
		key := foldName(clean)
		if isDir {
			if zf.UncompressedSize64 != 0 {
				v.add(name, ErrLayout, "is a directory entry with %d bytes of content", zf.UncompressedSize64)
			}
			v.zipDirs[key] = true
			continue
		}
		if prev, ok := folded[key]; ok {
			if prev == clean {
				v.dup[name] = true
			} else {
				v.bad[name] = true
			}
			if !reported[key] {
				reported[key] = true
				switch {
				case prev == clean:
					v.add(name, ErrDuplicate, "appears more than once in the archive")
				case foldCase(prev) == foldCase(clean):
					v.add(name, ErrDuplicate, "differs only in case from %s, which is also in the archive", QuotePath(prev))
				default:
					v.add(name, ErrDuplicate, "differs only in Unicode normalisation (NFC/NFD) or case from %s, which is also in the archive", QuotePath(prev))
				}
			}
			continue
		}
		folded[key] = clean
		if zf.UncompressedSize64 > uint64(MaxFileSize) {
			v.bad[name] = true
			v.add(name, ErrTooLarge, "declares %d bytes, more than the limit of %d", zf.UncompressedSize64, MaxFileSize)
			continue
		}
		size := int64(zf.UncompressedSize64)
		if total > math.MaxInt64-size || total+size > MaxTotalSize {
			if !totalReported {
				totalReported = true
				v.add(name, ErrTooLarge, "brings the declared total size past the limit of %d bytes", MaxTotalSize)
			}
		} else {
			total += size
		}
		w.members[name] = &member{zf: zf, size: size}
	}
	for name := range w.members {
		v.names = append(v.names, name)
	}
	slices.Sort(v.names)
	// A name cannot be both a file and a directory.
	for _, name := range v.names {
		for i := len(name) - 1; i > 0; i-- {
			if name[i] != '/' {
				continue
			}
			parent := name[:i]
			if prev, ok := folded[foldName(parent)]; ok {
				v.add(prev, ErrDuplicate, "is a file, but %s is inside it", QuotePath(name))
				break
			}
		}
		if v.zipDirs[foldName(name)] {
			v.add(name, ErrDuplicate, "is both a file and a directory entry")
		}
	}
}

// fileTypeProblem says why a member whose Unix mode (the high 16 bits of
// the external attributes) is mode cannot be installed, or "".
func fileTypeProblem(mode uint32, isDir bool) string {
	switch mode & sIFMT {
	case 0, sIFREG:
		return ""
	case sIFDIR:
		if !isDir {
			return "is a directory entry without a trailing slash"
		}
		return ""
	case sIFLNK:
		return "is a symbolic link"
	case sIFCHR, sIFBLK:
		return "is a device file"
	case sIFIFO:
		return "is a named pipe (FIFO)"
	case sIFSOCK:
		return "is a socket"
	}
	return fmt.Sprintf("has unknown file type %#o", mode&sIFMT)
}

// foldName returns the key under which names that differ only in case or
// in Unicode normalisation (NFC or NFD) collide, as they do on macOS and
// Windows file systems.
func foldName(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return foldNameUnicode(s)
		}
	}
	// ASCII: NFC leaves it as it is, and folding is lower-casing.
	return asciiLower(s)
}

// foldNameUnicode is foldName for any string.
func foldNameUnicode(s string) string {
	return norm.NFC.String(foldCase(norm.NFC.String(s)))
}

// asciiLower lower-cases an ASCII string, allocating only when it has an
// upper-case letter.
func asciiLower(s string) string {
	i := 0
	for i < len(s) && (s[i] < 'A' || s[i] > 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if 'A' <= b[i] && b[i] <= 'Z' {
			b[i] += 'a' - 'A'
		}
	}
	return string(b)
}

func foldCase(s string) string {
	return strings.ToLower(strings.ToUpper(s))
}

// CheckMemberPath applies the member-name rules of a wheel (checkPath) to
// a member of another archive: an sdist's members obey the same rules.
func CheckMemberPath(p string) error { return checkPath(p) }

// checkPath validates a member (or RECORD) path: valid UTF-8, no NUL or
// control characters, no backslash, relative, no drive letter, and clean
// (no empty, "." or ".." components).
func checkPath(p string) error {
	if p == "" {
		return errors.New("unsafe path: empty name")
	}
	if !utf8.ValidString(p) {
		return errors.New("unsafe path: name is not valid UTF-8")
	}
	for _, r := range p {
		if r == 0 {
			return errors.New("unsafe path: name contains a NUL byte")
		}
		if unicode.IsControl(r) {
			return fmt.Errorf("unsafe path: name contains control character %U", r)
		}
	}
	if strings.ContainsRune(p, '\\') {
		return errors.New(`unsafe path: name contains a backslash`)
	}
	if p[0] == '/' {
		return errors.New("unsafe path: absolute path")
	}
	if len(p) >= 2 && p[1] == ':' && ('a' <= p[0] && p[0] <= 'z' || 'A' <= p[0] && p[0] <= 'Z') {
		return errors.New("unsafe path: starts with a drive letter")
	}
	if len(p) > MaxPathLength {
		return fmt.Errorf("unsafe path: name is %d bytes long, more than %d", len(p), MaxPathLength)
	}
	if n := strings.Count(p, "/") + 1; n > MaxPathDepth {
		return fmt.Errorf("unsafe path: name has %d components, more than %d", n, MaxPathDepth)
	}
	for rest := p; ; {
		c, tail, more := strings.Cut(rest, "/")
		if err := checkComponent(c); err != nil {
			return err
		}
		if !more {
			return nil
		}
		rest = tail
	}
}

// checkComponent checks one component of a member path (see checkPath).
func checkComponent(c string) error {
	if len(c) > MaxComponentLength {
		return fmt.Errorf("unsafe path: a component is %d bytes long, more than %d", len(c), MaxComponentLength)
	}
	switch c {
	case "":
		return errors.New("unsafe path: empty path component")
	case ".":
		return errors.New(`unsafe path: "." path component`)
	case "..":
		return errors.New(`unsafe path: ".." path component`)
	}
	return portableComponent(c)
}

// portableComponent refuses a path component Windows cannot hold, on every
// OS, so that a wheel installs the same everywhere: a reserved device name
// (CON, PRN, AUX, NUL, COM1-9, LPT1-9 and the superscript ¹²³ forms, with
// any extension, in any case, trailing spaces ignored), a
// trailing dot or space, or one of the characters < > : " | ? *.
// (Names over 255 UTF-16 units are refused by MaxComponentLength, counted
// in UTF-8 bytes, which is never fewer.)
func portableComponent(c string) error {
	if i := strings.IndexAny(c, `<>:"|?*`); i >= 0 {
		return fmt.Errorf("unsafe path: name contains %q, which Windows does not allow", c[i])
	}
	if last := c[len(c)-1]; last == '.' || last == ' ' {
		return fmt.Errorf("unsafe path: component %q ends in a dot or space, which Windows drops", c)
	}
	stem, _, _ := strings.Cut(c, ".")
	if isDeviceName(strings.TrimRight(stem, " ")) {
		return fmt.Errorf("unsafe path: %q is a reserved device name on Windows", c)
	}
	return nil
}

// isDeviceName reports whether stem is CON, PRN, AUX, NUL, COM1-9 or
// LPT1-9 (or COM/LPT with ¹²³) in any case. No letter outside ASCII
// upper-cases to one of these, so comparing ASCII without case is exact,
// and allocates nothing.
func isDeviceName(stem string) bool {
	if len(stem) < 3 {
		return false
	}
	head := stem[:3]
	if len(stem) == 3 {
		return strings.EqualFold(head, "CON") || strings.EqualFold(head, "PRN") || strings.EqualFold(head, "AUX") || strings.EqualFold(head, "NUL")
	}
	return (strings.EqualFold(head, "COM") || strings.EqualFold(head, "LPT")) && isDeviceDigit(stem[3:])
}

func isDeviceDigit(s string) bool {
	switch s {
	case "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
		return true
	}
	return false
}

// Data directory categories (the wheel spec's install scheme keys).
var dataCategories = map[string]bool{"purelib": true, "platlib": true, "scripts": true, "headers": true, "data": true}

// layout finds the .dist-info and .data directories and checks the
// .data directory's structure.
func (v *validator) layout() {
	w := v.w
	var distInfos, dataDirs []string
	seen := map[string]bool{}
	note := func(name string) {
		top, _, isNested := strings.Cut(name, "/")
		if !isNested || seen[top] {
			return
		}
		seen[top] = true
		switch {
		case strings.HasSuffix(top, ".dist-info"):
			distInfos = append(distInfos, top)
		case strings.HasSuffix(top, ".data"):
			dataDirs = append(dataDirs, top)
		}
	}
	names := v.names
	for _, name := range names {
		note(name)
	}
	slices.Sort(distInfos)
	slices.Sort(dataDirs)
	switch len(distInfos) {
	case 0:
		v.addErr(ErrMissing, "no top-level .dist-info directory")
	case 1:
		w.DistInfo = distInfos[0]
	default:
		v.addErr(ErrLayout, "%d top-level .dist-info directories (%s), want exactly one", len(distInfos), strings.Join(distInfos, ", "))
	}
	switch len(dataDirs) {
	case 0:
		if w.DistInfo != "" {
			w.DataDir = strings.TrimSuffix(w.DistInfo, ".dist-info") + ".data"
		}
	case 1:
		w.DataDir = dataDirs[0]
		v.hasDataDir = true
	default:
		v.addErr(ErrLayout, "%d top-level .data directories (%s), want at most one", len(dataDirs), strings.Join(dataDirs, ", "))
	}
	v.eggInfo()
	if w.DataDir == "" {
		return
	}
	for _, name := range names {
		rest, ok := strings.CutPrefix(name, w.DataDir+"/")
		if !ok {
			continue
		}
		cat, _, nested := strings.Cut(rest, "/")
		if !nested {
			v.add(name, ErrLayout, "is directly inside %s; files there must be under purelib/, platlib/, scripts/, headers/ or data/", w.DataDir)
		} else if !dataCategories[cat] {
			v.add(name, ErrLayout, "is in unknown .data category %q (want purelib, platlib, scripts, headers or data)", cat)
		}
	}
}

// eggInfo refuses .egg-info metadata of any name where it would be
// installed next to the wheel's own .dist-info: at the top level or at the
// top of the .data directory's purelib/ or platlib/. importlib.metadata
// would report that distribution as installed; nothing else would know it.
func (v *validator) eggInfo() {
	w := v.w
	reported := map[string]bool{}
	for _, name := range v.names {
		first, rest, _ := strings.Cut(name, "/")
		if w.DataDir != "" && first == w.DataDir {
			cat, r, _ := strings.Cut(rest, "/")
			if cat != "purelib" && cat != "platlib" {
				continue
			}
			first, _, _ = strings.Cut(r, "/")
			first = w.DataDir + "/" + cat + "/" + first
		}
		if strings.HasSuffix(strings.ToLower(first), ".egg-info") && !reported[first] {
			reported[first] = true
			v.add(first, ErrLayout, "is .egg-info metadata of another distribution; a wheel may only carry its own .dist-info")
		}
	}
}

func isRecordFile(distInfo, name string) bool {
	if distInfo == "" {
		return false
	}
	switch name {
	case distInfo + "/RECORD", distInfo + "/RECORD.jws", distInfo + "/RECORD.p7s":
		return true
	}
	return false
}

// checkRecord reads RECORD and matches it against the archive.
func (v *validator) checkRecord() {
	w := v.w
	if w.DistInfo == "" {
		return
	}
	recName := w.DistInfo + "/RECORD"
	for name, m := range w.members {
		if isRecordFile(w.DistInfo, name) {
			m.file = -1
		}
	}
	rm := w.members[recName]
	if rm == nil {
		v.add(recName, ErrMissing, "is missing (every wheel must have a RECORD)")
		return
	}
	if rm.size > MaxMetaFileSize {
		v.add(recName, ErrTooLarge, "is %d bytes, more than the limit of %d", rm.size, MaxMetaFileSize)
		return
	}
	b, err := readLimited(rm.zf, rm.size)
	if err != nil {
		v.add(recName, ErrInvalidFormat, "cannot be read: %v", err)
		return
	}
	w.record = b
	entries, err := distinfo.ParseRecord(b)
	if err != nil {
		v.add(recName, ErrBadMetadata, "%v", err)
		return
	}
	listed := map[string]bool{}
	for _, e := range entries {
		if isRecordFile(w.DistInfo, e.Path) {
			continue
		}
		if v.bad[e.Path] {
			continue // already reported
		}
		if err := checkPath(e.Path); err != nil {
			v.add(e.Path, ErrUnsafePath, "RECORD lists an %v", err)
			continue
		}
		if listed[e.Path] {
			if !v.dup[e.Path] {
				v.add(e.Path, ErrRecord, "is listed more than once in RECORD")
			}
			continue
		}
		listed[e.Path] = true
		m := w.members[e.Path]
		if m == nil {
			v.add(e.Path, ErrRecord, "is listed in RECORD but is not in the wheel")
			continue
		}
		if e.Hash == "" {
			v.add(e.Path, ErrRecord, "has no hash in RECORD")
		} else if h, err := distinfo.ParseRecordHash(e.Hash); err != nil {
			v.add(e.Path, ErrRecord, "%v", err)
		} else {
			m.hash = h
		}
		if e.Size < 0 {
			v.add(e.Path, ErrRecord, "has no size in RECORD")
		} else if e.Size != m.size {
			v.add(e.Path, ErrRecord, "size mismatch: RECORD says %d bytes, the zip header says %d", e.Size, m.size)
		}
	}
	for _, name := range v.names {
		if m := w.members[name]; m.file >= 0 && !listed[name] {
			v.add(name, ErrRecord, "is not listed in RECORD")
		}
	}
}

// readLimited reads a member without RECORD verification (for RECORD
// itself), never more than size+1 bytes.
func readLimited(zf *zip.File, size int64) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, size+1))
	if err != nil {
		if errors.Is(err, zip.ErrFormat) {
			return nil, fmt.Errorf("content is larger than the %d bytes the zip header declares", size)
		}
		return nil, err
	}
	if int64(len(b)) != size {
		return nil, fmt.Errorf("content is %d bytes, the zip header declares %d", len(b), size)
	}
	return b, nil
}

// distInfoFiles reads WHEEL, METADATA and entry_points.txt and checks that
// the file name, the .dist-info and .data directories and METADATA agree.
func (v *validator) distInfoFiles() {
	w := v.w
	if w.DistInfo == "" {
		return
	}
	// read returns a verified dist-info file, or nil after adding a problem.
	read := func(base string, required bool) []byte {
		name := w.DistInfo + "/" + base
		m := w.members[name]
		if m == nil {
			if required {
				v.add(name, ErrMissing, "is missing")
			}
			return nil
		}
		if m.hash.Algo == "" {
			return nil // RECORD problem already reported
		}
		if base == "METADATA" && m.size > distinfo.MaxMetadataSize {
			v.add(name, ErrTooLarge, "is %d bytes, more than the limit of %d", m.size, distinfo.MaxMetadataSize)
			return nil
		}
		b, err := w.readSmall(name, m)
		if err != nil {
			var fe *FileError
			if errors.As(err, &fe) {
				err = fe.Err
			}
			v.problems = append(v.problems, &FileError{Path: name, Err: err})
			return nil
		}
		return b
	}

	if b := read("WHEEL", true); b != nil {
		wi, err := parseWheelFile(b)
		switch {
		case err != nil:
			v.add(w.DistInfo+"/WHEEL", ErrBadMetadata, "%v", err)
		case wi.major > 1:
			v.add(w.DistInfo+"/WHEEL", ErrUnsupported, "Wheel-Version %s is not supported (this installer reads %s)", wi.version, SupportedWheelVersion)
		default:
			w.WheelVersion = wi.version
			w.NewerWheelVersion = wi.major == 1 && wi.minor > 0
			w.RootIsPurelib = wi.rootIsPurelib
			w.WheelTags = wi.tags
		}
	}

	if b := read("METADATA", true); b != nil {
		md, err := distinfo.ParseMetadata(b)
		if err != nil {
			v.add(w.DistInfo+"/METADATA", ErrBadMetadata, "%v", err)
		} else {
			w.Metadata = md
			w.Project = md.Name
			w.Version = md.Version
		}
	}

	if b := read("entry_points.txt", false); b != nil {
		eps, err := distinfo.ParseEntryPoints(b)
		if err != nil {
			v.add(w.DistInfo+"/entry_points.txt", ErrBadMetadata, "%v", err)
		} else {
			w.EntryPoints = eps
		}
	}

	// Name and version agreement. The reference is METADATA when it parsed,
	// else the file name.
	refName, refVersion, ref := w.Name.Name, w.Name.Version, "the file name"
	if w.Metadata != nil {
		refName, refVersion, ref = w.Metadata.Name, w.Metadata.Version, "METADATA"
		if w.Name.Name != "" {
			if pep508.NormalizeName(w.Name.Name) != pep508.NormalizeName(refName) {
				v.add(w.DistInfo+"/METADATA", ErrNameMismatch, "says Name %s, but the wheel file name says %s", refName, w.Name.Name)
			}
			if !sameVersion(w.Name.Version, refVersion) {
				v.add(w.DistInfo+"/METADATA", ErrNameMismatch, "says Version %s, but the wheel file name says %s", refVersion, w.Name.Version)
			}
		}
	}
	if refName == "" {
		return
	}
	if !stemMatches(strings.TrimSuffix(w.DistInfo, ".dist-info"), refName, refVersion) {
		v.add(w.DistInfo, ErrNameMismatch, "does not match %s's name and version (%s %s)", ref, refName, refVersion)
	}
	if v.hasDataDir && !stemMatches(strings.TrimSuffix(w.DataDir, ".data"), refName, refVersion) {
		v.add(w.DataDir, ErrNameMismatch, "does not match %s's name and version (%s %s)", ref, refName, refVersion)
	}
}

// stemMatches reports whether stem is "{name}-{version}" for the given
// name (PEP 503-normalised comparison) and version (PEP 440 comparison).
func stemMatches(stem, name, version string) bool {
	for i := 0; i < len(stem); i++ {
		if stem[i] == '-' && pep508.NormalizeName(stem[:i]) == pep508.NormalizeName(name) && sameVersion(stem[i+1:], version) {
			return true
		}
	}
	return false
}

// Destination says where a member installs: the install-scheme key
// ("purelib", "platlib", "scripts", "headers" or "data") and the path
// relative to that scheme directory. Members of the .data directory go to
// their category; every other member (the .dist-info directory included)
// goes to purelib or platlib as Root-Is-Purelib says. Open has checked that
// every .data member is inside a known category.
func (w *Wheel) Destination(name string) (key, rel string) {
	if rest, ok := strings.CutPrefix(name, w.DataDir+"/"); ok && w.DataDir != "" {
		if cat, rel, ok := strings.Cut(rest, "/"); ok && dataCategories[cat] {
			return cat, rel
		}
	}
	if w.RootIsPurelib {
		return "purelib", name
	}
	return "platlib", name
}
