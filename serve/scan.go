package serve

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/tags"
)

// Limits.
const (
	// RescanInterval is the longest a listing is trusted when the folder's
	// modification time has not changed (a file rewritten in place changes
	// only its own time).
	RescanInterval = time.Second
)

// Wheel is one served wheel file and what its parse found.
type Wheel struct {
	Filename       string // name in the folder
	Project        string // PEP 503-normalised project name
	Version        pep440.Version
	Size           int64
	ModTime        time.Time
	SHA256         string // hex
	Metadata       []byte // the wheel's METADATA, byte for byte (PEP 658)
	MetadataSHA256 string // hex
	RequiresPython string // "" when absent
}

// key identifies one version of one file; a parse is reused while it holds.
type key struct {
	name  string
	size  int64
	mtime int64
}

// parsed is the cached result of parsing one file version.
type parsed struct {
	w   *Wheel
	err error
}

// listing is one scan of the folder; it is never modified once published.
type listing struct {
	files    map[string]*Wheel   // by file name
	projects map[string][]*Wheel // by normalised name, newest version first
	names    []string            // sorted project names
}

// scanner keeps the current listing of a folder up to date. Scanning (and
// parsing new wheels, which may be slow) happens outside mu: requests keep
// being answered from the current listing while one scan runs, and the
// new listing is swapped in under mu when it is done.
type scanner struct {
	dir  string
	root *os.Root
	warn func(string)
	now  func() time.Time

	mu       sync.Mutex
	cur      *listing
	dirMtime time.Time
	scanned  time.Time
	cache    map[key]parsed
	scanning chan struct{} // non-nil while a scan runs; closed at its end
}

func newScanner(dir string, root *os.Root, warn func(string)) *scanner {
	return &scanner{dir: dir, root: root, warn: warn, now: time.Now, cache: map[key]parsed{}}
}

// parseWheelFunc parses one wheel; tests replace it to hold a parse.
var parseWheelFunc = parseWheel

// listing returns an up-to-date listing, rescanning when the folder's
// modification time changed or the last scan is older than RescanInterval.
// While another request's scan runs, the current listing is returned
// as it is (only the very first listing is waited for).
func (s *scanner) listing() (*listing, error) {
	st, err := s.root.Stat(".")
	if err != nil {
		return nil, fmt.Errorf("wheel folder %s: %w", s.dir, err)
	}
	for {
		s.mu.Lock()
		now := s.now()
		if s.cur != nil && (st.ModTime().Equal(s.dirMtime) && now.Sub(s.scanned) < RescanInterval || s.scanning != nil) {
			l := s.cur
			s.mu.Unlock()
			return l, nil
		}
		if wait := s.scanning; wait != nil {
			s.mu.Unlock()
			<-wait
			continue
		}
		done := make(chan struct{})
		s.scanning = done
		old := s.cache
		s.mu.Unlock()

		l, cache, err := s.scan(old) // outside the lock: parsing may be slow

		s.mu.Lock()
		s.scanning = nil
		close(done)
		if err == nil {
			s.cur, s.dirMtime, s.scanned, s.cache = l, st.ModTime(), now, cache
		}
		s.mu.Unlock()
		return l, err
	}
}

// scan lists the folder and parses every wheel not in old, the cache of
// the previous scan, which it only reads; it returns the new listing and
// the new cache. Only one scan runs at a time.
func (s *scanner) scan(old map[key]parsed) (*listing, map[key]parsed, error) {
	d, err := s.root.Open(".")
	if err != nil {
		return nil, nil, fmt.Errorf("wheel folder %s: %w", s.dir, err)
	}
	ents, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		return nil, nil, fmt.Errorf("wheel folder %s: %w", s.dir, err)
	}
	cache := make(map[key]parsed, len(ents))
	var keys []key
	for _, e := range ents {
		name := e.Name()
		if !strings.HasSuffix(strings.ToLower(name), ".whl") || strings.HasPrefix(name, ".") {
			continue
		}
		var info fs.FileInfo
		if e.Type()&fs.ModeSymlink != 0 {
			// Followed only within the folder (os.Root refuses an escape).
			info, err = s.root.Stat(name)
		} else {
			info, err = e.Info()
		}
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				s.warnOnce(old, cache, key{name: name}, fmt.Sprintf("skipping %s: %v", name, err))
			}
			continue
		}
		if !info.Mode().IsRegular() {
			continue
		}
		keys = append(keys, key{name: name, size: info.Size(), mtime: info.ModTime().UnixNano()})
	}

	// Parse what is new, in parallel; keep only the current file versions.
	results := make([]parsed, len(keys))
	var g errgroup.Group
	g.SetLimit(4)
	for i, k := range keys {
		if p, ok := old[k]; ok {
			results[i] = p
			continue
		}
		g.Go(func() error {
			w, err := parseWheelFunc(s.root, k)
			results[i] = parsed{w: w, err: err}
			return nil
		})
	}
	g.Wait()
	l := &listing{files: map[string]*Wheel{}, projects: map[string][]*Wheel{}}
	for i, k := range keys {
		p := results[i]
		if _, seen := old[k]; !seen && p.err != nil {
			s.warn(fmt.Sprintf("skipping %s: %v", k.name, p.err))
		}
		cache[k] = p
		if p.err != nil {
			continue
		}
		l.files[k.name] = p.w
		l.projects[p.w.Project] = append(l.projects[p.w.Project], p.w)
	}
	// Failed stat warnings are remembered too, so they are said once.
	for k, p := range old {
		if k.size == 0 && k.mtime == 0 && p.err != nil {
			if _, ok := cache[k]; !ok {
				cache[k] = p
			}
		}
	}
	for name, ws := range l.projects {
		sort.Slice(ws, func(i, j int) bool {
			if c := ws[i].Version.Compare(ws[j].Version); c != 0 {
				return c > 0
			}
			return ws[i].Filename < ws[j].Filename
		})
		l.names = append(l.names, name)
	}
	sort.Strings(l.names)
	return l, cache, nil
}

// warnOnce warns about a file that could not even be listed, unless the
// previous scan did.
func (s *scanner) warnOnce(old, cache map[key]parsed, k key, msg string) {
	cache[k] = parsed{err: errors.New(msg)}
	if _, ok := old[k]; !ok {
		s.warn(msg)
	}
}

// parseWheel hashes one wheel and reads its METADATA.
func parseWheel(root *os.Root, k key) (*Wheel, error) {
	wn, err := tags.ParseWheelFilename(k.name)
	if err != nil {
		return nil, err
	}
	f, err := root.Open(k.name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return nil, err
	}
	if n != k.size {
		return nil, fmt.Errorf("changed while being read (%d bytes, then %d)", k.size, n)
	}
	raw, err := distinfo.MetadataFromZip(f, n, k.name)
	if err != nil {
		return nil, err
	}
	md, err := distinfo.ParseMetadata(raw)
	if err != nil {
		return nil, err
	}
	project := pep508.NormalizeName(wn.Name)
	if pep508.NormalizeName(md.Name) != project {
		return nil, fmt.Errorf("METADATA names project %q, the file name %q", md.Name, wn.Name)
	}
	v, err := pep440.Parse(md.Version)
	if err != nil {
		return nil, fmt.Errorf("METADATA version %q: %v", md.Version, err)
	}
	fv, err := pep440.Parse(wn.Version)
	if err != nil || fv.Compare(v) != 0 {
		return nil, fmt.Errorf("METADATA has version %s, the file name %s", md.Version, wn.Version)
	}
	ms := sha256.Sum256(raw)
	return &Wheel{
		Filename:       k.name,
		Project:        project,
		Version:        v,
		Size:           n,
		ModTime:        time.Unix(0, k.mtime),
		SHA256:         hex.EncodeToString(h.Sum(nil)),
		Metadata:       raw,
		MetadataSHA256: hex.EncodeToString(ms[:]),
		RequiresPython: strings.TrimSpace(md.RequiresPython),
	}, nil
}
