package cache

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/wheel.json.golden")

// mtimesRE matches the mtimes of wheel.json, which differ on every unpack.
var mtimesRE = regexp.MustCompile(`"mtimes":\[[0-9,]*\]`)

func zeroMTimes(b []byte) []byte {
	return mtimesRE.ReplaceAllFunc(b, func(m []byte) []byte {
		return regexp.MustCompile(`[0-9]+`).ReplaceAll(m, []byte("0"))
	})
}

// TestManifestGolden pins the on-disk format of wheel.json (unpacked-v1):
// the golden file was written by the first format, from scheme's untagged
// structs, so this fails if a field rename changes what is stored.
func TestManifestGolden(t *testing.T) {
	dir := t.TempDir()
	tr, err := Unpack(dir, shaOf(t, demo), openWheel(t, demo), 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(tr.Dir(), "wheel.json"))
	if err != nil {
		t.Fatal(err)
	}
	got := zeroMTimes(b)
	golden := filepath.Join("testdata", "wheel.json.golden")
	if *updateGolden {
		if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, bytes.TrimSpace(want)) {
		t.Errorf("wheel.json changed format:\ngot  %s\nwant %s", got, want)
	}
}

// TestManifestGoldenReads: a tree written in the pinned format is read back
// with every member and entry point.
func TestManifestGoldenReads(t *testing.T) {
	dir := t.TempDir()
	sha := shaOf(t, demo)
	want, err := os.ReadFile(filepath.Join("testdata", "wheel.json.golden"))
	if err != nil {
		t.Fatal(err)
	}
	tdir := TreeDir(dir, sha)
	if err := os.MkdirAll(tdir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tdir, "wheel.json"), want, 0o644); err != nil {
		t.Fatal(err)
	}
	tr, err := Lookup(dir, sha)
	if err != nil {
		t.Fatal(err)
	}
	w := openWheel(t, demo)
	if len(tr.Files()) != len(w.Files) || len(tr.EntryPoints()) != len(w.EntryPoints) || len(w.EntryPoints) == 0 {
		t.Fatalf("read %d files, %d entry points; the wheel has %d, %d", len(tr.Files()), len(tr.EntryPoints()), len(w.Files), len(w.EntryPoints))
	}
	for i, f := range w.Files {
		g := tr.Files()[i]
		if g.Name != f.Name || g.Size != f.Size || g.Hash != f.Hash || g.Mode != f.Mode {
			t.Errorf("file %d: %+v, want %+v", i, g, f)
		}
	}
	for i, e := range w.EntryPoints {
		g := tr.EntryPoints()[i]
		if g.Name != e.Name || g.Module != e.Module || g.Attr != e.Attr || g.Group != e.Group {
			t.Errorf("entry point %d: %+v, want %+v", i, g, e)
		}
	}
	if tr.Project() != w.Project || tr.Version() != w.Version || tr.DistInfo() != w.DistInfo || tr.Filename() != w.Filename {
		t.Errorf("tree %s %s %s %s", tr.Project(), tr.Version(), tr.DistInfo(), tr.Filename())
	}
	// A tree of the version before wheel.bin gets one from wheel.json.
	b, err := os.ReadFile(filepath.Join(tdir, indexName))
	if err != nil {
		t.Fatalf("the lookup wrote no %s: %v", indexName, err)
	}
	if d, err := unmarshalBinary(b); err != nil || !reflect.DeepEqual(d, tr.d) {
		t.Errorf("%s written from wheel.json: %+v, %v; want %+v", indexName, d, err, tr.d)
	}
}

// goldenData is the tree of the golden wheel.json.
func goldenData(t testing.TB) *treeData {
	b, err := os.ReadFile(filepath.Join("testdata", "wheel.json.golden"))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for i := range m.MTimes {
		m.MTimes[i] = int64(i)*1e9 - 7 // negative too
	}
	d, err := m.data()
	if err != nil {
		t.Fatal(err)
	}
	d.files[0].Size = -1 // unknown
	return d
}

// TestManifestBinaryRoundTrip: wheel.bin holds exactly what wheel.json
// holds, and reads back the same with every kind of value.
func TestManifestBinaryRoundTrip(t *testing.T) {
	d := goldenData(t)
	d.rootIsPurelib = !d.rootIsPurelib
	d.files[1].Mode = 0o755 | os.ModeSymlink // every bit of the mode
	got, err := unmarshalBinary(d.marshalBinary())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, d) {
		t.Errorf("read back %+v\nwant %+v", got, d)
	}
	if !reflect.DeepEqual(got.manifest(), d.manifest()) {
		t.Error("wheel.json of the decoded tree differs")
	}
}

// TestManifestBinaryDamaged: wheel.bin cut short, with a byte changed, of
// another version or with trailing bytes is refused, never half read.
func TestManifestBinaryDamaged(t *testing.T) {
	good := goldenData(t).marshalBinary()
	reseal := func(body []byte) []byte {
		return binary.LittleEndian.AppendUint32(body, crc32.Checksum(body, castagnoli))
	}
	body := good[:len(good)-4]
	other := bytes.Clone(body)
	other[len(indexMagic)-1]++
	cases := map[string][]byte{
		"empty":           nil,
		"cut short":       good[:len(good)/2],
		"no checksum":     body,
		"other version":   reseal(other),
		"trailing bytes":  reseal(append(bytes.Clone(body), 0)),
		"truncated body":  reseal(bytes.Clone(body[:len(body)-3])),
		"huge file count": reseal([]byte(indexMagic + "\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\x0f")),
	}
	for i := range good {
		b := bytes.Clone(good)
		b[i] ^= 0x10
		cases[fmt.Sprintf("bit 4 of byte %d", i)] = b
	}
	for name, b := range cases {
		if d, err := unmarshalBinary(b); err == nil {
			t.Errorf("%s: decoded %+v", name, d)
		}
	}
}

// TestLookupDamagedIndex: a damaged wheel.bin is not used: the tree is
// read from wheel.json as before wheel.bin existed, and wheel.bin is
// written again.
func TestLookupDamagedIndex(t *testing.T) {
	dir := t.TempDir()
	sha := shaOf(t, demo)
	tr, err := Unpack(dir, sha, openWheel(t, demo), 0)
	if err != nil {
		t.Fatal(err)
	}
	idx := filepath.Join(tr.Dir(), indexName)
	good, err := os.ReadFile(idx)
	if err != nil {
		t.Fatalf("Unpack wrote no %s: %v", indexName, err)
	}
	bad := bytes.Clone(good)
	bad[len(indexMagic)+3] ^= 1 // a letter of the file name
	if err := os.WriteFile(idx, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	again, err := Lookup(dir, sha)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.d, tr.d) {
		t.Errorf("looked up %+v\nwant %+v", again.d, tr.d)
	}
	if b, _ := os.ReadFile(idx); !bytes.Equal(b, good) {
		t.Errorf("%s was not written again", indexName)
	}
	// A damaged wheel.bin beside a damaged wheel.json: the tree is
	// refused as before.
	if err := os.WriteFile(idx, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tr.Dir(), manifestName), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Lookup(dir, sha); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("damaged manifests: %v", err)
	}
}

// FuzzManifestBinary: no input panics the decoder, and whatever it
// accepts encodes to the same tree again. The fuzzer writes the body;
// the checksum is added here, so that it explores the structure.
func FuzzManifestBinary(f *testing.F) {
	good := goldenData(f).marshalBinary()
	f.Add(good[len(indexMagic) : len(good)-4])
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, body []byte) {
		b := append([]byte(indexMagic), body...)
		b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
		d, err := unmarshalBinary(b)
		if err != nil {
			return
		}
		again, err := unmarshalBinary(d.marshalBinary())
		if err != nil || !reflect.DeepEqual(again, d) {
			t.Fatalf("%+v encodes to %+v, %v", d, again, err)
		}
	})
}
