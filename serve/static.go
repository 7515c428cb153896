package serve

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pkginstall/pkginstall/internal/fsutil"
)

// WriteStatic writes the pages the server would answer as static files,
// for any plain file server: beside filesDir (a flat folder of wheels,
// which must be named "files" for the pages' "../../files/" links),
// outDir/simple/ (PEP 503 HTML), outDir/simple-json/ (PEP 691 JSON, the
// pages a server gives on content negotiation) and filesDir/<wheel>.metadata
// (PEP 658). Unchanged files are left alone; project pages of projects no
// longer there are removed. It returns the wheels listed, newest version
// of each project first, projects in name order.
func WriteStatic(filesDir, outDir string, warn func(string)) ([]*Wheel, error) {
	if filepath.Base(filesDir) != "files" {
		return nil, fmt.Errorf("%s: the wheel folder of a static index must be called files", filesDir)
	}
	if warn == nil {
		warn = func(string) {}
	}
	root, err := os.OpenRoot(filesDir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	l, _, err := newScanner(filesDir, root, warn).scan(nil)
	if err != nil {
		return nil, err
	}
	var out []*Wheel
	for _, name := range l.names {
		for _, w := range l.projects[name] {
			if _, err := fsutil.WriteIfChanged(filepath.Join(filesDir, w.Filename+".metadata"), w.Metadata, 0o644); err != nil {
				return nil, err
			}
			out = append(out, w)
		}
	}
	pages := map[string][]byte{
		filepath.Join("simple", "index.html"):      listHTML(l),
		filepath.Join("simple-json", "index.json"): listJSON(l),
	}
	for _, name := range l.names {
		pages[filepath.Join("simple", name, "index.html")] = projectHTML(name, l.projects[name])
		pages[filepath.Join("simple-json", name, "index.json")] = projectJSON(name, l.projects[name])
	}
	for _, top := range []string{"simple", "simple-json"} {
		if err := removeStale(filepath.Join(outDir, top), l.projects); err != nil {
			return nil, err
		}
	}
	for rel, body := range pages {
		p := filepath.Join(outDir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if _, err := fsutil.WriteIfChanged(p, body, 0o644); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// removeStale removes the project directories under dir that name no
// project of projects.
func removeStale(dir string, projects map[string][]*Wheel) error {
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range ents {
		if _, ok := projects[e.Name()]; e.IsDir() && !ok {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}
