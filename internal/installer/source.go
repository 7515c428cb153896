package installer

import (
	"fmt"
	"io"

	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/fsutil"
	"github.com/pkginstall/pkginstall/scheme"
	"github.com/pkginstall/pkginstall/wheel"
)

// wheelSource adapts a *wheel.Wheel to scheme.Source.
type wheelSource struct {
	w     *wheel.Wheel
	files map[string]wheel.File
}

// Source returns w as a scheme.Source.
func Source(w *wheel.Wheel) scheme.Source {
	s := &wheelSource{w: w, files: make(map[string]wheel.File, len(w.Files))}
	for _, f := range w.Files {
		s.files[f.Name] = f
	}
	return s
}

func (s *wheelSource) Project() string     { return s.w.Project }
func (s *wheelSource) Version() string     { return s.w.Version }
func (s *wheelSource) DistInfo() string    { return s.w.DistInfo }
func (s *wheelSource) DataDir() string     { return s.w.DataDir }
func (s *wheelSource) RootIsPurelib() bool { return s.w.RootIsPurelib }

func (s *wheelSource) Files() []scheme.SourceFile {
	out := make([]scheme.SourceFile, len(s.w.Files))
	for i, f := range s.w.Files {
		out[i] = scheme.SourceFile{Name: f.Name, Size: f.Size, Hash: f.Hash, Mode: f.Mode}
	}
	return out
}

func (s *wheelSource) EntryPoints() []scheme.EntryPoint { return s.w.EntryPoints }

func (s *wheelSource) Open(name string) (io.ReadCloser, error) {
	f, ok := s.files[name]
	if !ok {
		return nil, fmt.Errorf("%s: no member %s", s.w.Filename, name)
	}
	return s.w.Open(f)
}

// checkFileHash checks a downloaded file against the allowed digests of
// --hash (distinfo.CheckHashes: sha256, sha384 or sha512).
func checkFileHash(path string, allowed []string) error {
	f, _, err := fsutil.OpenRegular(path)
	if err != nil {
		return err
	}
	defer f.Close()
	got, _, err := distinfo.DigestReader(f, distinfo.AlgorithmsFor(allowed)...)
	if err != nil {
		return err
	}
	return distinfo.CheckHashes(got, allowed)
}
