package cache

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"

	"github.com/pkginstall/pkginstall/cache/layout"
	"github.com/pkginstall/pkginstall/internal/fsutil"
)

// NoCompile returns the members of the tree that an interpreter with
// cache tag tag failed to byte-compile, each with the reason it gave
// (see RememberNoCompile); nil when none is known. A missing or damaged
// list is an empty one: the files are only compiled again.
func (t *Tree) NoCompile(tag string) map[string]string {
	return readNotes[string](t, layout.TreeNoCompile(tag))
}

// RememberNoCompile adds failed (member name -> reason) to the tree's list
// of members that an interpreter with cache tag tag cannot byte-compile,
// so that later installs warn without compiling them again. The list is
// replaced atomically; it lives in the tree's directory and goes with it.
func (t *Tree) RememberNoCompile(tag string, failed map[string]string) error {
	return addNotes(t, layout.TreeNoCompile(tag), failed)
}

// PycHash is the RECORD hash and size of the byte code of a member of a
// tree, valid while that .pyc file has this size and mtime (Unix ns):
// byte code is replaced by a rename (a new file, a new mtime), never
// written in place.
type PycHash struct {
	Hash  string `json:"hash"`
	Size  int64  `json:"size"`
	MTime int64  `json:"mtime"`
}

// PycHashes returns the hashes remembered (RememberPycHashes) for the
// byte code of the tree's members for cache tag tag, by member name; nil
// when none is known.
func (t *Tree) PycHashes(tag string) map[string]PycHash {
	return readNotes[PycHash](t, layout.TreeBytecodeHashes(tag))
}

// RememberPycHashes adds hashes (member name -> its .pyc's hash) to what
// the tree remembers, so that later installs list the byte code in
// RECORD without reading it. Replaced atomically, like the tree's other
// notes.
func (t *Tree) RememberPycHashes(tag string, hashes map[string]PycHash) error {
	return addNotes(t, layout.TreeBytecodeHashes(tag), hashes)
}

// readNotes reads the tree's note file name, a JSON object keyed by
// member name, keeping only the tree's members. Missing or damaged, it is
// empty: a note only saves work.
func readNotes[V any](t *Tree, name string) map[string]V {
	b, err := os.ReadFile(filepath.Join(t.dir, name))
	if err != nil {
		return nil
	}
	var m map[string]V
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	idx := t.index()
	for member := range m {
		if _, ok := idx[member]; !ok {
			delete(m, member) // never asked about
		}
	}
	return m
}

// addNotes adds add to the tree's note file name (readNotes), replacing
// it atomically. Two installs adding at once may lose one's notes: the
// work is then only done again.
func addNotes[V any](t *Tree, name string, add map[string]V) error {
	if len(add) == 0 {
		return nil
	}
	m := readNotes[V](t, name)
	if m == nil {
		m = map[string]V{}
	}
	maps.Copy(m, add)
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return fsutil.WriteFile(filepath.Join(t.dir, name), b, 0o644)
}
