package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	ucli "github.com/urfave/cli/v2"
	"golang.org/x/sync/errgroup"

	"github.com/pkginstall/pkginstall/index"
	"github.com/pkginstall/pkginstall/internal/fsutil"
	"github.com/pkginstall/pkginstall/internal/installer"
	"github.com/pkginstall/pkginstall/internal/python"
)

func (a *app) downloadCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "download",
		Usage:     "resolve requirements and save their wheels to a folder (a wheelhouse)",
		UsageText: "pkginstall download [options] REQ... [-r FILE]... -d DIR",
		Description: `Resolves like install and saves every wheel of the resolution to DIR, checked
against the index's sha256. Wheels already in DIR are kept; a second run
downloads nothing.

Other targets than the local interpreter: repeat --python (each interpreter's
resolution, their wheels together), or describe the target as pip does:

   pkginstall download -d wheels --python-version 3.12 --platform win_amd64 \
       --platform macosx_11_0_arm64 --platform manylinux_2_17_x86_64 -r requirements.txt

Serve DIR to a class with "pkginstall serve --addr 0.0.0.0:8000 DIR".`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "dest", Aliases: []string{"d"}, Usage: "save the wheels in `DIR` (created if needed)", Required: true},
			&ucli.StringSliceFlag{Name: "requirement", Aliases: []string{"r"}, Usage: "requirements `FILE` (repeatable)"},
			&ucli.StringSliceFlag{Name: "constraint", Aliases: []string{"c"}, Usage: "constraints `FILE` (repeatable)"},
			&ucli.StringSliceFlag{Name: "python", Usage: "resolve for the interpreter `PY` (path, command or version; repeatable)"},
			&ucli.StringFlag{Name: "only-binary", Usage: "accepted for pip compatibility (`:all:`): pkginstall downloads wheels only"},
			&ucli.StringFlag{Name: "python-version", Usage: "resolve for Python `X.Y` (with --platform, --abi, --implementation)"},
			&ucli.StringSliceFlag{Name: "platform", Usage: "platform `TAG`, e.g. win_amd64, macosx_11_0_arm64, manylinux_2_17_x86_64 (repeatable)"},
			&ucli.StringSliceFlag{Name: "abi", Usage: "ABI `TAG`: cpXY, cpXYt (free-threaded), cpXYd (debug); abi3 and none are always accepted"},
			&ucli.StringFlag{Name: "implementation", Usage: "interpreter implementation `TAG`: cp (CPython)"},
			&ucli.BoolFlag{Name: "no-deps", Usage: "save only what is named, not its dependencies"},
			&ucli.BoolFlag{Name: "pre", Usage: "allow pre-releases"},
			&ucli.BoolFlag{Name: "require-hashes", Usage: "require a --hash for every package"},
		},
		Action: a.runDownload,
	}
}

func (a *app) runDownload(c *ucli.Context) error {
	g, err := a.globals(c)
	if err != nil {
		return err
	}
	req, err := a.installArgs(c, g)
	if err != nil {
		return err
	}
	if len(req.Reqs) == 0 {
		return usagef("download needs requirements or -r FILE")
	}
	dest := c.String("dest")
	targets, err := a.downloadTargets(c, g)
	if err != nil {
		return err
	}
	idx, err := a.newIndex(g)
	if err != nil {
		return err
	}
	// Resolve for every target; nothing is written before all succeed.
	want := map[string]*installer.Candidate{} // by file name
	for _, py := range targets {
		cands, err := installer.Resolve(c.Context, installer.ResolveOptions{
			Python:   py,
			Index:    idx,
			Reporter: a.reporter(),
		}, req)
		if err != nil {
			if len(targets) > 1 {
				return fmt.Errorf("for %s: %w", describeTarget(py), err)
			}
			return err
		}
		for _, cand := range cands {
			want[cand.File.Filename] = cand
		}
	}
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dest, err)
	}
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)

	cacheDir := g.CacheDir
	if cacheDir == "" {
		tmp, err := os.MkdirTemp("", "pkginstall-download-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		cacheDir = tmp
	}
	saved := make([]bool, len(names))
	eg, ctx := errgroup.WithContext(c.Context)
	eg.SetLimit(8)
	for i, name := range names {
		eg.Go(func() error {
			s, err := a.saveWheel(ctx, idx, want[name], cacheDir, dest)
			saved[i] = s
			return err
		})
	}
	if err := eg.Wait(); err != nil {
		return err
	}
	n := 0
	for i, s := range saved {
		if s {
			n++
			a.ui.infof("Saved %s", filepath.Join(dest, names[i]))
		}
	}
	a.ui.infof("%d %s in %s (%d saved, %d already there)", len(names), pluralWord(len(names), "wheel", "wheels"), dest, n, len(names)-n)
	return nil
}

// downloadTargets are the interpreters to resolve for: each --python, one
// synthetic interpreter per --platform (or one when only --python-version,
// --abi or --implementation is given), else the local interpreter.
func (a *app) downloadTargets(c *ucli.Context, g *Globals) ([]*python.Info, error) {
	var out []*python.Info
	for _, spec := range splitComma(c.StringSlice("python")) {
		py, err := python.Find(c.Context, spec, g.CacheDir)
		if err != nil {
			return nil, err
		}
		out = append(out, py)
	}
	pyVersion := c.String("python-version")
	platforms := splitComma(c.StringSlice("platform"))
	abis := splitComma(c.StringSlice("abi"))
	impl := c.String("implementation")
	if pyVersion == "" && len(platforms) == 0 && len(abis) == 0 && impl == "" {
		if len(out) == 0 {
			spec := firstNonEmpty(a.env.Getenv("PKGINSTALL_PYTHON"), "python3")
			py, err := python.Find(c.Context, spec, g.CacheDir)
			if err != nil {
				return nil, err
			}
			out = append(out, py)
		}
		return out, nil
	}
	// A synthetic target borrows what it does not name from the local
	// interpreter (pip does the same), when there is one.
	var base *python.Info
	if pyVersion == "" || len(platforms) == 0 {
		spec := firstNonEmpty(a.env.Getenv("PKGINSTALL_PYTHON"), "python3")
		py, err := python.Find(c.Context, spec, g.CacheDir)
		if err != nil {
			return nil, usagef("give --python-version and --platform (no local interpreter to take them from: %v)", err)
		}
		base = py
	}
	if len(platforms) == 0 {
		platforms = []string{""}
	}
	for _, plat := range platforms {
		info, err := installer.TargetInfo(installer.TargetSpec{
			PythonVersion:  pyVersion,
			Platform:       plat,
			ABIs:           abis,
			Implementation: impl,
		}, base)
		if err != nil {
			return nil, &UsageError{Msg: err.Error()}
		}
		out = append(out, info)
	}
	return out, nil
}

func describeTarget(py *python.Info) string {
	if py.Executable != "" {
		return py.Executable
	}
	return fmt.Sprintf("%s %s on %s", py.Implementation, py.Version, py.Platform)
}

// saveWheel makes dest/<filename> hold the candidate's wheel, verified by
// its sha256 (the index's, or a --hash), and reports whether it wrote it.
// A file already there with the right hash is kept without a download.
func (a *app) saveWheel(ctx context.Context, idx *index.Client, cand *installer.Candidate, cacheDir, dest string) (bool, error) {
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
	if have, err := installer.FileSHA256(target); err == nil {
		if (want == "" || have == want) && hashAllowed(have, cand.AllowedHashes) {
			return false, nil
		}
		a.ui.warnf("%s differs from the wheel the index offers; replacing it", target)
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
		h := sha256.New()
		if _, err := io.Copy(io.MultiWriter(w, h), in); err != nil {
			return fmt.Errorf("saving %s: %w", dst, err)
		}
		got := hex.EncodeToString(h.Sum(nil))
		if want != "" && got != want {
			return &index.HashMismatchError{File: filepath.Base(dst), Want: want, Got: got}
		}
		if !hashAllowed(got, allowed) {
			return fmt.Errorf("%s: sha256 %s matches no --hash", filepath.Base(dst), got)
		}
		return nil
	})
}

func hashAllowed(sha string, allowed []string) bool {
	if len(allowed) == 0 {
		return true
	}
	for _, a := range allowed {
		if strings.EqualFold(strings.TrimPrefix(a, "sha256:"), sha) {
			return true
		}
	}
	return false
}
