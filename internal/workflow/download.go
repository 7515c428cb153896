package workflow

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/pkginstall/pkginstall/index"
	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/fsutil"
	"github.com/pkginstall/pkginstall/internal/installer"
	"github.com/pkginstall/pkginstall/internal/python"
)

// DownloadOptions are download's options.
type DownloadOptions struct {
	Request *installer.Request
	Targets []*python.Info // the interpreters to resolve for (their wheels together)
	Dest    string         // the wheelhouse, created if needed
	// Build saves, for a package that has only an sdist, a wheel built for
	// the local interpreter instead of the sdist (students never build).
	Build bool
	// OnlyBinary refuses sdists (pip's --only-binary :all:).
	OnlyBinary bool
}

// TargetReporter is what a Reporter may also implement to hear which
// target a download with several targets resolves next (its Resolved
// event follows).
type TargetReporter interface {
	ForTarget(desc string)
}

// DownloadResult is what download did.
type DownloadResult struct {
	Files []string // every wheel of the resolutions, sorted
	Saved []bool   // Saved[i]: Files[i] was written (else it was there already)
}

// Download resolves the request for every target and saves every wheel
// of the resolutions into Dest, checked against the index's sha256 (and
// --hash). Nothing is written before every resolution succeeds; a wheel
// already in Dest with the right hash is kept without a download.
func Download(ctx context.Context, env Env, opts DownloadOptions) (*DownloadResult, error) {
	idx, err := env.newIndex(nil)
	if err != nil {
		return nil, err
	}
	want := map[string]*installer.Candidate{} // by file name
	var failed []error
	for _, py := range opts.Targets {
		if tr, ok := env.Reporter.(TargetReporter); ok && len(opts.Targets) > 1 {
			tr.ForTarget(describeTarget(py))
		}
		cands, err := installer.Resolve(ctx, installer.ResolveOptions{
			Python:      py,
			Index:       idx,
			Reporter:    env.Reporter,
			CacheDir:    env.Index.CacheDir,
			Build:       installer.BuildPolicy{NoBuild: opts.OnlyBinary},
			BuildWheels: opts.Build,
		}, opts.Request)
		if err != nil && len(opts.Targets) == 1 {
			return nil, err
		}
		if err != nil {
			// Every target is resolved, so one run names every failure.
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			failed = append(failed, fmt.Errorf("for %s: %w", describeTarget(py), err))
			continue
		}
		for _, cand := range cands {
			want[cand.File.Filename] = cand
		}
	}
	if len(failed) > 0 {
		return nil, errors.Join(failed...)
	}
	if err := os.MkdirAll(opts.Dest, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", opts.Dest, err)
	}
	res := &DownloadResult{Files: make([]string, 0, len(want))}
	for n := range want {
		res.Files = append(res.Files, n)
	}
	sort.Strings(res.Files)
	cacheDir := env.Index.CacheDir
	if cacheDir == "" {
		tmp, err := os.MkdirTemp("", "pkginstall-download-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		cacheDir = tmp
	}
	res.Saved = make([]bool, len(res.Files))
	eg, ctx := errgroup.WithContext(ctx)
	eg.SetLimit(8)
	for i, name := range res.Files {
		eg.Go(func() error {
			s, err := saveWheel(ctx, env.Reporter, idx, want[name], cacheDir, opts.Dest)
			res.Saved[i] = s
			return err
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	return res, nil
}

func describeTarget(py *python.Info) string {
	if py.Executable != "" {
		return py.Executable
	}
	return fmt.Sprintf("%s %s on %s", py.Implementation, py.Version, py.Platform)
}

// saveWheel makes dest/<filename> hold the candidate's wheel, verified by
// its sha256 (the index's) and --hash (sha256, sha384 or sha512), and
// reports whether it wrote it.
// A file already there with the right hash is kept without a download.
func saveWheel(ctx context.Context, rep Reporter, idx *index.Client, cand *installer.Candidate, cacheDir, dest string) (bool, error) {
	fn := cand.File.Filename
	if fn == "" || fn != filepath.Base(fn) || strings.HasPrefix(fn, ".") || strings.ContainsAny(fn, "/\\\x00") {
		return false, fmt.Errorf("refusing to save %q: not a plain file name", fn)
	}
	want := strings.ToLower(cand.File.SHA256)
	src := cand.Local
	if src != "" && want == "" {
		h, err := installer.FileSHA256(src)
		if err != nil {
			return false, err
		}
		want = h
	}
	target := filepath.Join(dest, fn)
	if have, err := fileDigests(target, cand.AllowedHashes); err == nil {
		if (want == "" || have["sha256"] == want) && distinfo.CheckHashes(have, cand.AllowedHashes) == nil {
			return false, nil
		}
		rep.Warn(fmt.Sprintf("%s differs from the wheel the index offers; replacing it", target))
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	if src == "" {
		if idx == nil {
			return false, fmt.Errorf("%s: no index to download it from", fn)
		}
		p, err := idx.Fetch(ctx, cand.File, cacheDir)
		if err != nil {
			return false, err
		}
		src = p
	}
	return true, copyVerified(src, target, want, cand.AllowedHashes)
}

// copyVerified copies src to dst through a temporary file in dst's folder,
// hashing while copying, and renames it into place only when the sha256 is
// the expected one (want, if known, and one of allowed, if any).
func copyVerified(src, dst, want string, allowed []string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return fsutil.Write(dst, 0o644, func(w io.Writer) error {
		got, _, err := distinfo.DigestReader(io.TeeReader(in, w), distinfo.AlgorithmsFor(allowed)...)
		if err != nil {
			return fmt.Errorf("saving %s: %w", dst, err)
		}
		if want != "" && got["sha256"] != want {
			return &index.HashMismatchError{File: filepath.Base(dst), Want: want, Got: got["sha256"]}
		}
		if err := distinfo.CheckHashes(got, allowed); err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(dst), err)
		}
		return nil
	})
}

// fileDigests returns the digests of the file at path that checking it
// against allowed needs (sha256 always).
func fileDigests(path string, allowed []string) (distinfo.Digests, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, _, err := distinfo.DigestReader(f, distinfo.AlgorithmsFor(allowed)...)
	return d, err
}
