package workflow

import (
	"context"
	"fmt"

	"github.com/pkginstall/pkginstall/internal/installer"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/safety"
	"github.com/pkginstall/pkginstall/scheme"
)

// Uninstall removes the named distributions from the target, under its
// lock: the files of their RECORD and their scripts. A name that is not
// installed is a warning, not an error. It returns the distributions it
// removed (also when it stops at an error).
func Uninstall(ctx context.Context, t *Target, rep Reporter, names []string) ([]scheme.Dist, error) {
	if err := safety.CheckTarget(t.Paths.SafetyDirs()...); err != nil {
		return nil, err
	}
	dists, err := scheme.List(t.Paths)
	if err != nil {
		return nil, err
	}
	have := map[string]scheme.Dist{}
	for _, d := range dists {
		have[pep508.NormalizeName(d.Name)] = d
	}
	var todo []scheme.Dist
	for _, n := range names {
		d, ok := have[pep508.NormalizeName(n)]
		if !ok {
			rep.Warn(fmt.Sprintf("%s is not installed in %s; skipping it", n, t.Paths.Target))
			continue
		}
		todo = append(todo, d)
	}
	if len(todo) == 0 {
		return nil, nil
	}
	unlock, err := scheme.Lock(ctx, t.Paths, func() { rep.Waiting(t.Paths.PyPackages) })
	if err != nil {
		return nil, err
	}
	defer unlock()
	var done []scheme.Dist
	for _, d := range todo {
		if err := scheme.Uninstall(ctx, t.Paths, d.Name); err != nil {
			return done, fmt.Errorf("uninstalling %s: %w", d.Name, err)
		}
		done = append(done, d)
	}
	// The no-op manifest no longer describes the target.
	installer.ForgetManifest(t.Paths)
	return done, nil
}
