// Package wheeltest builds wheels, valid and hostile, for tests and for the
// checked-in fixtures under testdata/wheels (written by
// testdata/wheels/gen, which calls [WriteFixtures]), and PyPI-sized
// project pages ([LargePage]) for tests and benchmarks.
//
// [Build] is deterministic: members are sorted (package files, then the
// .data directory, then the .dist-info directory, RECORD last), every
// timestamp is 1980-01-01 00:00:00 and nothing depends on the machine, so
// the same [Spec] always gives the same bytes. Build does not validate
// anything: a Spec may describe any hostile archive the knobs allow.
package wheeltest

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/zip"
)

// File is one archive member.
type File struct {
	Path    string      // member name, written as is (may be hostile)
	Content string      // the bytes
	Mode    fs.FileMode // permission bits and type (fs.ModeSymlink, fs.ModeDevice, ...); 0 means 0644

	// DeclaredSize, when > 0, is written as the uncompressed size in the
	// zip headers and in RECORD instead of len(Content): a huge declared
	// size, or a decompression bomb (small declared, large real).
	DeclaredSize int64
	// ZeroFill, when > 0, appends that many zero bytes to Content (a large
	// real size that compresses to almost nothing).
	ZeroFill int64
	// Store writes the member uncompressed.
	Store bool
	// Method, when not 0, is the compression method to claim; the content
	// is written uncompressed (e.g. 12, bzip2, which wheel readers refuse).
	Method uint16
	// Encrypted sets the "encrypted" flag (the content is not encrypted).
	Encrypted bool
}

// EntryPoint is one line of entry_points.txt.
type EntryPoint struct {
	Group string // "console_scripts", "gui_scripts", ...
	Name  string
	Value string // "module:attr"
}

// Spec describes a wheel.
type Spec struct {
	Name    string // distribution name as in METADATA, e.g. "pkginstall-demo"
	Version string // e.g. "1.0"
	Build   string // build tag or ""
	Tag     string // compressed tag set; default "py3-none-any"

	Platlib bool // Root-Is-Purelib: false

	Files         []File // paths relative to the wheel root
	Data          []File // paths relative to the .data directory, e.g. "scripts/tool"
	DistInfoFiles []File // extra files in .dist-info, paths relative to it, e.g. "LICENSE"
	EntryPoints   []EntryPoint

	Summary        string
	RequiresPython string
	RequiresDist   []string
	ProvidesExtra  []string
	Description    string
	MetadataExtra  string // raw header lines appended to METADATA's headers

	Hostile Hostile
}

// Hostile are knobs that break a wheel in one way each.
type Hostile struct {
	BadHash         []string // paths whose RECORD hash is wrong (content unchanged)
	OmitRecord      []string // paths left out of RECORD
	ExtraRecord     []string // paths listed in RECORD that are not in the archive
	HashAlgorithm   string   // RECORD hash algorithm name to claim ("md5", "sha1"); digests stay sha256-sized
	NoRecordSize    []string // paths whose RECORD size is empty
	NoRECORD        bool     // leave RECORD out
	NoWHEEL         bool     // leave WHEEL out
	NoMETADATA      bool     // leave METADATA out
	WheelVersion    string   // Wheel-Version to write instead of "1.0"
	WHEEL           string   // replace the WHEEL file's content
	METADATA        string   // replace the METADATA file's content
	RECORD          string   // replace the RECORD file's content
	EntryPointsText string   // replace entry_points.txt's content
	DistInfoName    string   // name part of the .dist-info (and .data) directory
	DistInfoVersion string   // version part of the .dist-info (and .data) directory
	MetadataName    string   // METADATA Name
	MetadataVersion string   // METADATA Version
	Filename        string   // file name to use instead of the computed one
}

// EscapeName returns a distribution name as wheel file names and
// .dist-info directories spell it: lower case, runs of "-_." as "_".
func EscapeName(name string) string {
	var b strings.Builder
	sep := false
	for _, c := range strings.ToLower(name) {
		if c == '-' || c == '_' || c == '.' {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('_')
		}
		sep = false
		b.WriteRune(c)
	}
	return b.String()
}

func (s Spec) tag() string {
	if s.Tag == "" {
		return "py3-none-any"
	}
	return s.Tag
}

// Filename returns the wheel's file name.
func (s Spec) Filename() string {
	if s.Hostile.Filename != "" {
		return s.Hostile.Filename
	}
	parts := []string{EscapeName(s.Name), strings.ReplaceAll(s.Version, "-", "_")}
	if s.Build != "" {
		parts = append(parts, s.Build)
	}
	parts = append(parts, s.tag())
	return strings.Join(parts, "-") + ".whl"
}

// stem returns "{name}-{version}" for the .dist-info and .data directories.
func (s Spec) stem() string {
	name, version := EscapeName(s.Name), s.Version
	if s.Hostile.DistInfoName != "" {
		name = s.Hostile.DistInfoName
	}
	if s.Hostile.DistInfoVersion != "" {
		version = s.Hostile.DistInfoVersion
	}
	return name + "-" + version
}

// DistInfo returns the .dist-info directory's name.
func (s Spec) DistInfo() string { return s.stem() + ".dist-info" }

// DataDir returns the .data directory's name.
func (s Spec) DataDir() string { return s.stem() + ".data" }

func (s Spec) metadata() string {
	if s.Hostile.METADATA != "" {
		return s.Hostile.METADATA
	}
	name, version := s.Name, s.Version
	if s.Hostile.MetadataName != "" {
		name = s.Hostile.MetadataName
	}
	if s.Hostile.MetadataVersion != "" {
		version = s.Hostile.MetadataVersion
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Metadata-Version: 2.1\nName: %s\nVersion: %s\n", name, version)
	if s.Summary != "" {
		fmt.Fprintf(&b, "Summary: %s\n", s.Summary)
	}
	if s.RequiresPython != "" {
		fmt.Fprintf(&b, "Requires-Python: %s\n", s.RequiresPython)
	}
	for _, r := range s.RequiresDist {
		fmt.Fprintf(&b, "Requires-Dist: %s\n", r)
	}
	for _, e := range s.ProvidesExtra {
		fmt.Fprintf(&b, "Provides-Extra: %s\n", e)
	}
	b.WriteString(s.MetadataExtra)
	if s.Description != "" {
		b.WriteString("\n" + s.Description)
	}
	return b.String()
}

func (s Spec) wheelFile() string {
	if s.Hostile.WHEEL != "" {
		return s.Hostile.WHEEL
	}
	v := "1.0"
	if s.Hostile.WheelVersion != "" {
		v = s.Hostile.WheelVersion
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Wheel-Version: %s\nGenerator: pkginstall-wheeltest\nRoot-Is-Purelib: %t\n", v, !s.Platlib)
	// Expand the compressed tag set.
	parts := strings.Split(s.tag(), "-")
	if len(parts) == 3 {
		for _, py := range strings.Split(parts[0], ".") {
			for _, abi := range strings.Split(parts[1], ".") {
				for _, plat := range strings.Split(parts[2], ".") {
					fmt.Fprintf(&b, "Tag: %s-%s-%s\n", py, abi, plat)
				}
			}
		}
	}
	if s.Build != "" {
		fmt.Fprintf(&b, "Build: %s\n", s.Build)
	}
	return b.String()
}

func (s Spec) entryPoints() string {
	if s.Hostile.EntryPointsText != "" {
		return s.Hostile.EntryPointsText
	}
	if len(s.EntryPoints) == 0 {
		return ""
	}
	groups := map[string][]EntryPoint{}
	var order []string
	for _, e := range s.EntryPoints {
		if _, ok := groups[e.Group]; !ok {
			order = append(order, e.Group)
		}
		groups[e.Group] = append(groups[e.Group], e)
	}
	slices.Sort(order)
	var b strings.Builder
	for i, g := range order {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "[%s]\n", g)
		for _, e := range groups[g] {
			fmt.Fprintf(&b, "%s = %s\n", e.Name, e.Value)
		}
	}
	return b.String()
}

// Members returns every archive member in archive order, RECORD included.
func (s Spec) Members() []File {
	var root, data, dist []File
	root = append(root, s.Files...)
	for _, f := range s.Data {
		f.Path = s.DataDir() + "/" + f.Path
		data = append(data, f)
	}
	di := s.DistInfo()
	for _, f := range s.DistInfoFiles {
		f.Path = di + "/" + f.Path
		dist = append(dist, f)
	}
	if !s.Hostile.NoMETADATA {
		dist = append(dist, File{Path: di + "/METADATA", Content: s.metadata()})
	}
	if !s.Hostile.NoWHEEL {
		dist = append(dist, File{Path: di + "/WHEEL", Content: s.wheelFile()})
	}
	if ep := s.entryPoints(); ep != "" {
		dist = append(dist, File{Path: di + "/entry_points.txt", Content: ep})
	}
	byPath := func(a, b File) int { return strings.Compare(a.Path, b.Path) }
	slices.SortStableFunc(root, byPath)
	slices.SortStableFunc(data, byPath)
	slices.SortStableFunc(dist, byPath)
	all := append(append(root, data...), dist...)
	if !s.Hostile.NoRECORD {
		all = append(all, File{Path: di + "/RECORD", Content: s.record(all)})
	}
	return all
}

func (f File) content() []byte {
	b := []byte(f.Content)
	if f.ZeroFill > 0 {
		b = append(b, make([]byte, f.ZeroFill)...)
	}
	return b
}

func (f File) declaredSize() int64 {
	if f.DeclaredSize > 0 {
		return f.DeclaredSize
	}
	return int64(len(f.Content)) + f.ZeroFill
}

func (s Spec) record(members []File) string {
	if s.Hostile.RECORD != "" {
		return s.Hostile.RECORD
	}
	algo := "sha256"
	if s.Hostile.HashAlgorithm != "" {
		algo = s.Hostile.HashAlgorithm
	}
	var b strings.Builder
	for _, f := range members {
		if slices.Contains(s.Hostile.OmitRecord, f.Path) || strings.HasSuffix(f.Path, "/") {
			continue // directories are never in RECORD
		}
		sum := sha256.Sum256(f.content())
		if slices.Contains(s.Hostile.BadHash, f.Path) {
			sum = sha256.Sum256(append(f.content(), "tampered"...))
		}
		size := strconv.FormatInt(f.declaredSize(), 10)
		if slices.Contains(s.Hostile.NoRecordSize, f.Path) {
			size = ""
		}
		fmt.Fprintf(&b, "%s,%s=%s,%s\n", csvQuote(f.Path), algo, base64.RawURLEncoding.EncodeToString(sum[:]), size)
	}
	for _, p := range s.Hostile.ExtraRecord {
		fmt.Fprintf(&b, "%s,sha256=%s,0\n", csvQuote(p), base64.RawURLEncoding.EncodeToString(make([]byte, 32)))
	}
	fmt.Fprintf(&b, "%s/RECORD,,\n", s.DistInfo())
	return b.String()
}

func csvQuote(s string) string {
	if strings.ContainsAny(s, ",\"\r\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// Build writes the wheel spec describes to w.
func Build(w io.Writer, spec Spec) error {
	zw := zip.NewWriter(w)
	for _, f := range spec.Members() {
		if err := writeMember(zw, f); err != nil {
			return fmt.Errorf("wheeltest: %s: %v", f.Path, err)
		}
	}
	return zw.Close()
}

// BuildBytes returns the wheel spec describes.
func BuildBytes(spec Spec) ([]byte, error) {
	var buf bytes.Buffer
	err := Build(&buf, spec)
	return buf.Bytes(), err
}

// BuildFile writes the wheel into dir under spec.Filename() and returns its
// path.
func BuildFile(dir string, spec Spec) (string, error) {
	b, err := BuildBytes(spec)
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, spec.Filename())
	return p, os.WriteFile(p, b, 0o644)
}

func writeMember(zw *zip.Writer, f File) error {
	content := f.content()
	mode := f.Mode
	if mode&fs.ModePerm == 0 {
		mode |= 0o644
	}
	fh := &zip.FileHeader{
		Name:               f.Path,
		Method:             zip.Deflate,
		CRC32:              crc32.ChecksumIEEE(content),
		UncompressedSize64: uint64(f.declaredSize()),
	}
	// CreateRaw ignores Modified; the MS-DOS fields are the only way to
	// set a timestamp without an extra field. 1980-01-01 00:00:00.
	//lint:ignore SA1019 see above
	fh.ModifiedDate = 1<<5 | 1
	//lint:ignore SA1019 see above
	fh.ModifiedTime = 0
	fh.SetMode(mode)
	// SetMode sets the creator to Unix; writeHeader keeps the high byte.
	fh.CreatorVersion = 3<<8 | 20
	data := content
	if f.Encrypted {
		fh.Flags |= 0x1
	}
	if f.Store || f.Method != 0 {
		fh.Method = f.Method
	} else {
		var buf bytes.Buffer
		fw, err := flate.NewWriter(&buf, 9)
		if err != nil {
			return err
		}
		if _, err := fw.Write(content); err != nil {
			return err
		}
		if err := fw.Close(); err != nil {
			return err
		}
		data = buf.Bytes()
	}
	fh.CompressedSize64 = uint64(len(data))
	out, err := zw.CreateRaw(fh)
	if err != nil {
		return err
	}
	_, err = out.Write(data)
	return err
}
