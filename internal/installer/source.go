package installer

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"strings"

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

func (s *wheelSource) EntryPoints() []scheme.EntryPoint {
	out := make([]scheme.EntryPoint, len(s.w.EntryPoints))
	for i, e := range s.w.EntryPoints {
		out[i] = scheme.EntryPoint{Name: e.Name, Module: e.Module, Attr: e.Attr, Group: e.Group}
	}
	return out
}

func (s *wheelSource) Open(name string) (io.ReadCloser, error) {
	f, ok := s.files[name]
	if !ok {
		return nil, fmt.Errorf("%s: no member %s", s.w.Filename, name)
	}
	return s.w.Open(f)
}

// checkFileHash checks a downloaded file against the allowed
// "sha256:<hex>" digests of --hash.
func checkFileHash(path string, allowed []string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	hashers := map[string]hash.Hash{"sha256": sha256.New()}
	for _, a := range allowed {
		alg, _, _ := strings.Cut(strings.Replace(a, "=", ":", 1), ":")
		switch strings.ToLower(alg) {
		case "sha384":
			hashers["sha384"] = sha512.New384()
		case "sha512":
			hashers["sha512"] = sha512.New()
		}
	}
	ws := make([]io.Writer, 0, len(hashers))
	for _, h := range hashers {
		ws = append(ws, h)
	}
	if _, err := io.Copy(io.MultiWriter(ws...), f); err != nil {
		return err
	}
	got := map[string]string{}
	for alg, h := range hashers {
		got[alg] = hex.EncodeToString(h.Sum(nil))
	}
	var want []string
	for _, a := range allowed {
		alg, hexd, _ := strings.Cut(strings.Replace(a, "=", ":", 1), ":")
		alg = strings.ToLower(alg)
		g, ok := got[alg]
		if !ok {
			continue
		}
		if strings.EqualFold(hexd, g) {
			return nil
		}
		want = append(want, alg+":"+hexd)
	}
	if len(want) == 0 {
		return fmt.Errorf("no sha256, sha384 or sha512 --hash given, the file has sha256:%s", got["sha256"])
	}
	return fmt.Errorf("hash mismatch: --hash allows %s, the file has sha256:%s", strings.Join(want, ", "), got["sha256"])
}
