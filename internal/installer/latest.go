package installer

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/pkginstall/pkginstall/index"
	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/python"
)

// Latest returns the newest version of each normalised name that the index
// offers for py, by the rules resolution uses (compatible wheels,
// requires-python, no yanked files, pre-releases only with pre). A name
// the index does not have, or has nothing installable of, is left out.
func Latest(ctx context.Context, idx *index.Client, py *python.Info, names []string, pre bool) (map[string]pep440.Version, error) {
	in := &Installer{Index: idx, Python: py}
	p, err := in.newProvider(pre, true)
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex
	out := map[string]pep440.Version{}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for _, name := range names {
		g.Go(func() error {
			vs, err := p.Versions(gctx, name)
			if err != nil || len(vs) == 0 {
				return gctx.Err()
			}
			best := vs[0]
			for _, v := range vs[1:] {
				if v.Compare(best) > 0 {
					best = v
				}
			}
			mu.Lock()
			out[name] = best
			mu.Unlock()
			return nil
		})
	}
	err = g.Wait()
	p.Wait()
	return out, err
}
