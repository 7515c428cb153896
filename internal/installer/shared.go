package installer

import (
	"context"
	"sync"

	"github.com/pkginstall/pkginstall/index"
)

// Shared memoises, for the providers of one universal lock (one per
// environment), each project page and each index file's metadata, so that
// resolving for many environments reads the index once. A nil *Shared
// memoises nothing. It is safe for concurrent use.
type Shared struct {
	mu    sync.Mutex
	pages map[string]*pageResult
	metas map[string]*metaResult
}

type pageResult struct {
	once sync.Once
	proj *index.Project
	err  error
}

// NewShared returns an empty memo.
func NewShared() *Shared {
	return &Shared{pages: map[string]*pageResult{}, metas: map[string]*metaResult{}}
}

// project returns the project page of name, fetched once.
func (s *Shared) project(ctx context.Context, idx *index.Client, name string) (*index.Project, error) {
	if s == nil {
		return idx.Project(ctx, name)
	}
	s.mu.Lock()
	r := s.pages[name]
	if r == nil {
		r = &pageResult{}
		s.pages[name] = r
	}
	s.mu.Unlock()
	r.once.Do(func() { r.proj, r.err = idx.Project(ctx, name) })
	return r.proj, r.err
}

// meta is the shared metadata slot of an index file (nil for a local
// wheel, or when s is nil).
func (s *Shared) meta(c *Candidate) *metaResult {
	if s == nil || c.Local != "" || c.File.URL == "" {
		return nil
	}
	key := c.File.URL + "\x00" + c.File.Filename
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.metas[key]
	if m == nil {
		m = &metaResult{}
		s.metas[key] = m
	}
	return m
}
