package cache

import (
	"os"

	"github.com/pkginstall/pkginstall/scheme"
)

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

func (m *manifest) sourceFiles() []scheme.SourceFile {
	out := make([]scheme.SourceFile, len(m.Files))
	for i, f := range m.Files {
		out[i] = scheme.SourceFile{Name: f.Name, Size: f.Size, Hash: f.Hash, Mode: f.Mode}
	}
	return out
}

func (m *manifest) entryPoints() []scheme.EntryPoint {
	if len(m.EntryPoints) == 0 {
		return nil
	}
	out := make([]scheme.EntryPoint, len(m.EntryPoints))
	for i, e := range m.EntryPoints {
		out[i] = scheme.EntryPoint{Name: e.Name, Module: e.Module, Attr: e.Attr, Group: e.Group}
	}
	return out
}
