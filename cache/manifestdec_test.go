package cache

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzManifestDecode: whatever fastManifest accepts, encoding/json reads
// the same way; and decodeManifest never fails where encoding/json
// succeeds.
func FuzzManifestDecode(f *testing.F) {
	golden, err := os.ReadFile(filepath.Join("testdata", "wheel.json.golden"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	for _, s := range []string{
		`{}`, `{"version":1,"files":[],"mtimes":[]}`, `{"files":[{"Name":"a","Size":1}],"files":[{"Name":"b"}]}`,
		`{"files":[{"Mode":-0}]}`, `{"files":[{"Mode":4294967296}]}`, `{"version":1.0}`, `{"VERSION":1}`,
		`{"project":"caf\u00e9"}`, `{"project":"a\"b"}`, `{"mtimes":[1,-2,03]}`, `{"entry_points":[{"Name":"x","Group":"console_scripts"}]}`,
		`{"root_is_purelib":true} x`, ` {"root_is_purelib" : false , "data_dir":"d"} `, `{"files":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var fast, slow manifest
		ok := fastManifest(b, &fast)
		jerr := json.Unmarshal(b, &slow)
		if ok && jerr != nil {
			t.Fatalf("fastManifest accepted %q, encoding/json refuses it: %v", b, jerr)
		}
		if ok && !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%q: fastManifest %+v, encoding/json %+v", b, fast, slow)
		}
		var m manifest
		if err := decodeManifest(b, &m); (err == nil) != (jerr == nil) {
			t.Fatalf("%q: decodeManifest %v, encoding/json %v", b, err, jerr)
		}
	})
}

// TestManifestFastPath: a manifest as Unpack writes it takes the fast
// path (else the speed-up is lost silently).
func TestManifestFastPath(t *testing.T) {
	dir := t.TempDir()
	tr, err := Unpack(dir, shaOf(t, demo), openWheel(t, demo), 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(tr.Dir(), manifestName))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if !fastManifest(b, &m) || len(m.Files) == 0 || len(m.MTimes) != len(m.Files) || m.Version != manifestVersion {
		t.Fatalf("the fast path refuses %s", b)
	}
}
