// Package wheelhouse turns the distributions installed in an interpreter's
// site-packages into wheels and a static PEP 503/691 index with PEP 658
// metadata files: the real-world fixture of the end-to-end tests and the
// benchmark, built with nothing outside the repository but the interpreter.
// It is a development tool, not part of the installer.
//
// Rules it owns:
//   - A rebuilt wheel holds exactly what the installed RECORD lists, at the
//     same paths (files outside site-packages go under <name>.data/: the
//     scripts directory to scripts/, the distribution's headers to
//     headers/, anything else under the prefix to data/), without
//     __pycache__ and *.pyc, without the installation's own files
//     (INSTALLER, REQUESTED, direct_url.json, RECORD and its signatures) and
//     without the console-script launchers an installer generated (it
//     regenerates them from entry_points.txt); a real script gets its
//     "#!python" back.
//   - The installed WHEEL file is kept (it decides Root-Is-Purelib and the
//     tags); one is written only when it is missing or has no tags.
//   - Archives are reproducible: members sorted with the .dist-info last and
//     RECORD the very last member, every time 1980-01-01, modes 0644 or
//     0755, no directory entries, and a fresh RECORD (sha256 and size).
//   - The first distribution of a name on the search path wins, as
//     importlib.metadata finds it; wheels added as they are (AddWheels) take
//     precedence over a rebuilt wheel of the same file name.
//   - Rebuilding is idempotent: an unchanged file is not rewritten, and
//     wheels and pages that no longer belong to the output are removed. A
//     non-empty output directory without this tool's manifest is refused
//     unless Force.
package wheelhouse

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/pkginstall/pkginstall/internal/fsutil"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/serve"
)

// Generator is the manifest's "generator": an output directory whose
// manifest names it (or the shared mkwheelhouse script's name, whose layout
// is the same) may be rebuilt in place.
const Generator = "pkginstall-wheelhouse"

// Options say what to build.
type Options struct {
	Python       string   // the interpreter whose distributions are rebuilt (required)
	SitePackages []string // read distributions from these instead of the interpreter's own
	Only         []string // only these projects (any spelling); applies to AddWheels too
	Exclude      []string // leave these projects out
	AddWheels    []string // directories whose *.whl are published as they are
	Jobs         int      // parallel builds; 0: the number of CPUs
	Force        bool     // write into a non-empty directory this tool did not write
	Warn         func(string)
}

// Manifest is OUTDIR/manifest.json.
type Manifest struct {
	Generator string          `json:"generator"`
	Python    string          `json:"python"`
	Platform  string          `json:"platform"`
	Wheels    []ManifestWheel `json:"wheels"`
}

// ManifestWheel is one published wheel.
type ManifestWheel struct {
	Filename       string `json:"filename"`
	Project        string `json:"project"`
	Version        string `json:"version"`
	Source         string `json:"source"` // "rebuilt" or "added"
	SHA256         string `json:"sha256"`
	Size           int64  `json:"size"`
	Files          int    `json:"files,omitempty"` // members, for rebuilt wheels
	MetadataSHA256 string `json:"metadata-sha256"`
	RequiresPython string `json:"requires-python,omitempty"`
}

// Build writes the wheelhouse into out: out/files/*.whl and *.whl.metadata,
// out/simple/, out/simple-json/ and out/manifest.json.
func Build(ctx context.Context, out string, opts Options) (*Manifest, error) {
	if opts.Warn == nil {
		opts.Warn = func(string) {}
	}
	if err := checkOutput(out, opts.Force); err != nil {
		return nil, err
	}
	files := filepath.Join(out, "files")
	if err := os.MkdirAll(files, 0o755); err != nil {
		return nil, err
	}
	pr, err := probe(ctx, opts.Python, opts.SitePackages)
	if err != nil {
		return nil, err
	}
	only, exclude := nameSet(opts.Only), nameSet(opts.Exclude)
	added, err := scanAdded(opts.AddWheels, only, exclude, opts.Warn)
	if err != nil {
		return nil, err
	}
	dists, err := findDists(pr.Dirs, only, exclude, opts.Warn)
	if err != nil {
		return nil, err
	}
	built, err := buildAll(ctx, pr, dists, files, added, opts)
	if err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	for name, path := range added {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		if _, err := fsutil.WriteIfChanged(filepath.Join(files, name), b, 0o644); err != nil {
			return nil, err
		}
		keep[name] = true
	}
	for name := range built {
		keep[name] = true
	}
	if err := removeOthers(files, keep); err != nil {
		return nil, err
	}
	ws, err := serve.WriteStatic(files, out, opts.Warn)
	if err != nil {
		return nil, err
	}
	man := &Manifest{Generator: Generator, Python: pr.Impl + " " + pr.versionString(), Platform: pr.Platform}
	for _, w := range ws {
		mw := ManifestWheel{Filename: w.Filename, Project: w.Project, Version: w.Version.String(), Source: "added",
			SHA256: w.SHA256, Size: w.Size, MetadataSHA256: w.MetadataSHA256, RequiresPython: w.RequiresPython}
		if n, ok := built[w.Filename]; ok {
			mw.Source, mw.Files = "rebuilt", n
		}
		man.Wheels = append(man.Wheels, mw)
	}
	sort.Slice(man.Wheels, func(i, j int) bool { return man.Wheels[i].Filename < man.Wheels[j].Filename })
	b, err := json.MarshalIndent(man, "", " ")
	if err != nil {
		return nil, err
	}
	if _, err := fsutil.WriteIfChanged(filepath.Join(out, "manifest.json"), append(b, '\n'), 0o644); err != nil {
		return nil, err
	}
	return man, nil
}

// checkOutput refuses a non-empty directory without a wheelhouse manifest.
func checkOutput(out string, force bool) error {
	ents, err := os.ReadDir(out)
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(ents) == 0) || force {
		return nil
	}
	if err != nil {
		return err
	}
	var m struct{ Generator string }
	if b, err := os.ReadFile(filepath.Join(out, "manifest.json")); err == nil && json.Unmarshal(b, &m) == nil &&
		(m.Generator == Generator || m.Generator == "mkwheelhouse") {
		return nil
	}
	return fmt.Errorf("%s is not empty and holds no wheelhouse manifest (use Force)", out)
}

// buildAll rebuilds dists in parallel, largest first, into files; a wheel
// whose file name an added wheel has is skipped. It returns the member
// count of each wheel written, by file name.
func buildAll(ctx context.Context, pr *interp, dists []*dist, files string, added map[string]string, opts Options) (map[string]int, error) {
	sort.SliceStable(dists, func(i, j int) bool { return dists[i].size > dists[j].size })
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(jobs)
	names := make([]string, len(dists))
	counts := make([]int, len(dists))
	for i, d := range dists {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			w, err := rebuild(pr, d, opts.Warn)
			if err != nil {
				opts.Warn(fmt.Sprintf("%s %s: %v; skipped", d.name, d.version, err))
				return nil
			}
			if _, ok := added[w.filename]; ok {
				return nil
			}
			if _, err := fsutil.WriteIfChanged(filepath.Join(files, w.filename), w.data, 0o644); err != nil {
				return err
			}
			names[i], counts[i] = w.filename, w.members
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := map[string]int{}
	for i, n := range names {
		if n != "" {
			out[n] = counts[i]
		}
	}
	return out, nil
}

// removeOthers removes the files in dir that are neither kept wheels nor
// their .metadata files (WriteStatic writes those again).
func removeOthers(dir string, keep map[string]bool) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if !keep[strings.TrimSuffix(e.Name(), ".metadata")] {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// nameSet normalises project names (comma lists allowed).
func nameSet(names []string) map[string]bool {
	s := map[string]bool{}
	for _, n := range names {
		for _, p := range strings.Split(n, ",") {
			if p = strings.TrimSpace(p); p != "" {
				s[pep508.NormalizeName(p)] = true
			}
		}
	}
	return s
}
