package cache

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"os"

	"github.com/pkginstall/pkginstall/scheme"
)

// A tree has two manifests with the same content, written together before
// the tree is published:
//   - wheel.json (layout.TreeManifest), the format every version of
//     pkginstall reads, pinned by TestManifestGolden;
//   - wheel.bin (layout.TreeIndex), the same in a binary encoding that a
//     lookup decodes with one allocation per list instead of one or more
//     per string (a warm install of 55 distributions looks up 13.7k
//     members; decoding them from JSON took most of its fixed cost).
//
// Lookup reads wheel.bin and falls back to wheel.json when it is missing
// (a tree written by an older version, which it then adds), of another
// version, or damaged (its checksum or structure is wrong): a damaged
// wheel.bin is never trusted, and the tree is judged by wheel.json
// exactly as before wheel.bin existed.

// manifestVersion is the version field of wheel.json. The format is pinned
// by TestManifestGolden: changing it takes a new version here and a new
// layout.UnpackedBucket name.
const manifestVersion = 1

// manifest is wheel.json, the description of an unpacked tree. Its types
// are the cache's own, with explicit json names, so that renaming a field
// of a scheme type cannot silently change the format on disk. The member
// and entry-point keys are capitalised because the first format was
// written from scheme's untagged structs.
type manifest struct {
	Version       int                  `json:"version"`
	Filename      string               `json:"filename"`
	Project       string               `json:"project"`
	ProjVersion   string               `json:"project_version"`
	DistInfo      string               `json:"dist_info"`
	DataDir       string               `json:"data_dir"`
	RootIsPurelib bool                 `json:"root_is_purelib"`
	Files         []manifestFile       `json:"files"`
	MTimes        []int64              `json:"mtimes"` // of each file once written (ns)
	EntryPoints   []manifestEntryPoint `json:"entry_points,omitempty"`
}

// manifestFile is one member of the tree.
type manifestFile struct {
	Name string      `json:"Name"` // slash-separated member name
	Size int64       `json:"Size"`
	Hash string      `json:"Hash"` // "sha256=<urlsafe base64, no padding>" from RECORD
	Mode os.FileMode `json:"Mode"`
}

// manifestEntryPoint is one console or GUI script.
type manifestEntryPoint struct {
	Name   string `json:"Name"`
	Module string `json:"Module"`
	Attr   string `json:"Attr"`
	Group  string `json:"Group"`
}

// treeData is what both manifests hold, in the types a Tree serves.
type treeData struct {
	filename, project, version, distInfo, dataDir string
	rootIsPurelib                                 bool
	files                                         []scheme.SourceFile
	mtimes                                        []int64 // of each file once written (ns)
	entryPoints                                   []scheme.EntryPoint
}

// errDamaged is the error of a manifest that does not decode.
var errDamaged = errors.New("damaged manifest")

// data converts wheel.json's content; a manifest whose lists disagree in
// length is damaged.
func (m *manifest) data() (*treeData, error) {
	if len(m.MTimes) != len(m.Files) {
		return nil, errDamaged
	}
	d := &treeData{
		filename: m.Filename, project: m.Project, version: m.ProjVersion, distInfo: m.DistInfo, dataDir: m.DataDir,
		rootIsPurelib: m.RootIsPurelib, files: make([]scheme.SourceFile, len(m.Files)), mtimes: m.MTimes,
	}
	for i, f := range m.Files {
		d.files[i] = scheme.SourceFile{Name: f.Name, Size: f.Size, Hash: f.Hash, Mode: f.Mode}
	}
	if len(m.EntryPoints) > 0 {
		d.entryPoints = make([]scheme.EntryPoint, len(m.EntryPoints))
		for i, e := range m.EntryPoints {
			d.entryPoints[i] = scheme.EntryPoint{Name: e.Name, Module: e.Module, Attr: e.Attr, Group: e.Group}
		}
	}
	return d, nil
}

// manifest is d as wheel.json.
func (d *treeData) manifest() *manifest {
	m := &manifest{
		Version: manifestVersion, Filename: d.filename, Project: d.project, ProjVersion: d.version,
		DistInfo: d.distInfo, DataDir: d.dataDir, RootIsPurelib: d.rootIsPurelib,
		Files: make([]manifestFile, len(d.files)), MTimes: d.mtimes,
	}
	for i, f := range d.files {
		m.Files[i] = manifestFile{Name: f.Name, Size: f.Size, Hash: f.Hash, Mode: f.Mode}
	}
	for _, e := range d.entryPoints {
		m.EntryPoints = append(m.EntryPoints, manifestEntryPoint{Name: e.Name, Module: e.Module, Attr: e.Attr, Group: e.Group})
	}
	return m
}

// wheel.bin is indexMagic, then the fields of treeData in order: each
// string as a uvarint length and its bytes, each integer as a varint
// (mode a uvarint), rootIsPurelib as one byte 0 or 1, each list as a
// uvarint count and its items (a file: name, size, hash, mode, mtime; an
// entry point: name, module, attr, group); then the CRC-32C
// (Castagnoli) of everything before it, 4 bytes little-endian. The
// version is the last byte of indexMagic: a new format takes a new one.
const indexMagic = "pkginstall tree\x01"

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// marshalBinary is d as wheel.bin.
func (d *treeData) marshalBinary() []byte {
	n := len(indexMagic) + 64 + len(d.filename) + len(d.project) + len(d.version) + len(d.distInfo) + len(d.dataDir)
	for _, f := range d.files {
		n += len(f.Name) + len(f.Hash) + 4*binary.MaxVarintLen64
	}
	b := make([]byte, 0, n)
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = append(b, indexMagic...)
	for _, s := range []string{d.filename, d.project, d.version, d.distInfo, d.dataDir} {
		str(s)
	}
	if d.rootIsPurelib {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(d.files)))
	for i, f := range d.files {
		str(f.Name)
		b = binary.AppendVarint(b, f.Size)
		str(f.Hash)
		b = binary.AppendUvarint(b, uint64(f.Mode))
		b = binary.AppendVarint(b, d.mtimes[i])
	}
	b = binary.AppendUvarint(b, uint64(len(d.entryPoints)))
	for _, e := range d.entryPoints {
		for _, s := range []string{e.Name, e.Module, e.Attr, e.Group} {
			str(s)
		}
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// unmarshalBinary decodes wheel.bin; anything but a whole, intact
// manifest of this version is errDamaged. Every string of the result
// shares one copy of b.
func unmarshalBinary(b []byte) (*treeData, error) {
	if len(b) < len(indexMagic)+4 || string(b[:len(indexMagic)]) != indexMagic {
		return nil, errDamaged
	}
	body := b[:len(b)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(b[len(body):]) {
		return nil, errDamaged
	}
	r := &indexReader{b: body[len(indexMagic):], s: string(body[len(indexMagic):])}
	d := &treeData{filename: r.str(), project: r.str(), version: r.str(), distInfo: r.str(), dataDir: r.str()}
	switch r.byte() {
	case 0:
	case 1:
		d.rootIsPurelib = true
	default:
		r.bad = true
	}
	// A file takes at least 5 bytes, an entry point 4: a count beyond what
	// is left is damage, not an allocation to make.
	if n := r.count(5); n > 0 {
		d.files, d.mtimes = make([]scheme.SourceFile, n), make([]int64, n)
		for i := range d.files {
			f := &d.files[i]
			f.Name, f.Size, f.Hash = r.str(), r.varint(), r.str()
			mode := r.uvarint()
			if mode > math.MaxUint32 {
				r.bad = true
			}
			f.Mode = os.FileMode(mode)
			d.mtimes[i] = r.varint()
		}
	}
	if n := r.count(4); n > 0 {
		d.entryPoints = make([]scheme.EntryPoint, n)
		for i := range d.entryPoints {
			e := &d.entryPoints[i]
			e.Name, e.Module, e.Attr, e.Group = r.str(), r.str(), r.str(), r.str()
		}
	}
	if r.bad || r.i != len(r.s) {
		return nil, errDamaged
	}
	return d, nil
}

// indexReader reads the fields of wheel.bin from b, whose copy s its
// strings share; past the end or on a malformed number it sets bad and
// returns zero values.
type indexReader struct {
	b   []byte
	s   string // string(b)
	i   int
	bad bool
}

func (r *indexReader) uvarint() uint64 {
	x, n := binary.Uvarint(r.b[r.i:])
	if n <= 0 {
		r.bad = true
		return 0
	}
	r.i += n
	return x
}

func (r *indexReader) varint() int64 {
	u := r.uvarint()
	return int64(u>>1) ^ -int64(u&1) // zigzag, as binary.Varint
}

func (r *indexReader) byte() byte {
	if r.i >= len(r.s) {
		r.bad = true
		return 0
	}
	r.i++
	return r.s[r.i-1]
}

func (r *indexReader) str() string {
	n := r.uvarint()
	if r.bad || n > uint64(len(r.s)-r.i) {
		r.bad = true
		return ""
	}
	s := r.s[r.i : r.i+int(n)]
	r.i += int(n)
	return s
}

// count reads a list's length; each item takes at least least bytes.
func (r *indexReader) count(least int) int {
	n := r.uvarint()
	if r.bad || n > uint64((len(r.s)-r.i)/least) {
		r.bad = true
		return 0
	}
	return int(n)
}
