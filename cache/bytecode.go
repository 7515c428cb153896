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
	b, err := os.ReadFile(filepath.Join(t.dir, layout.TreeNoCompile(tag)))
	if err != nil {
		return nil
	}
	var m map[string]string
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	idx := t.index()
	for name := range m {
		if _, ok := idx[name]; !ok {
			delete(m, name) // not a member: never asked about
		}
	}
	return m
}

// RememberNoCompile adds failed (member name -> reason) to the tree's list
// of members that an interpreter with cache tag tag cannot byte-compile,
// so that later installs warn without compiling them again. The list is
// replaced atomically; it lives in the tree's directory and goes with it.
func (t *Tree) RememberNoCompile(tag string, failed map[string]string) error {
	if len(failed) == 0 {
		return nil
	}
	m := t.NoCompile(tag)
	if m == nil {
		m = map[string]string{}
	}
	maps.Copy(m, failed)
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return fsutil.WriteFile(filepath.Join(t.dir, layout.TreeNoCompile(tag)), b, 0o644)
}
