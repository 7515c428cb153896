package main

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pep508"
)

// memProvider answers the resolver from a universe in memory and counts
// the metadata it is asked for (one Dependencies call = one fetch).
type memProvider struct {
	u       *universe
	fetches atomic.Int64
}

func (p *memProvider) Versions(_ context.Context, pkg string) ([]pep440.Version, error) {
	var vs []pep440.Version
	for _, r := range p.u.newest(pkg) {
		vs = append(vs, pep440.MustParse(r.Version))
	}
	return vs, nil
}

func (p *memProvider) Dependencies(_ context.Context, pkg string, v pep440.Version) (map[string]pep440.Range, error) {
	p.fetches.Add(1)
	for _, r := range p.u.Projects[pkg] {
		if pep440.MustParse(r.Version).Compare(v) != 0 {
			continue
		}
		deps := map[string]pep440.Range{}
		for _, line := range r.Requires {
			req, err := pep508.ParseRequirement(line)
			if err != nil {
				return nil, err
			}
			name := pep508.NormalizeName(req.Name)
			rng := req.Specifier.Range()
			if old, ok := deps[name]; ok {
				rng = rng.Intersect(old)
			}
			deps[name] = rng
		}
		return deps, nil
	}
	return nil, fmt.Errorf("%s %s: no such release", pkg, v)
}
