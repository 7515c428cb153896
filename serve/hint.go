package serve

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// WheelsBelow looks for wheels in the subfolders of dir (serve reads only
// dir itself), for the hint of a folder served with 0 wheels: the first
// subfolder holding wheels (in walk order, at most depth levels down)
// and how many it holds; "" when there is none.
func WheelsBelow(dir string, depth int) (sub string, n int) {
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		if rel != "." && strings.Count(rel, string(filepath.Separator)) >= depth {
			return filepath.SkipDir
		}
		if rel == "." {
			return nil
		}
		ents, _ := os.ReadDir(p)
		for _, e := range ents {
			if !e.IsDir() && strings.HasSuffix(strings.ToLower(e.Name()), ".whl") {
				n++
			}
		}
		if n > 0 {
			sub = p
			return filepath.SkipAll
		}
		return nil
	})
	return sub, n
}
