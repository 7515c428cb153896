// Package cache keeps unpacked wheel trees in pkginstall's cache directory
// and maintains the cache as a whole (location, clean, prune).
//
// Layout. Package cache/layout names every bucket and file of the cache
// directory. <cache>/unpacked-v1/<sha[:2]>/<sha>/ holds the wheel whose
// file has sha256 <sha> (lower-case hex): files/ with every member, and
// wheel.json describing the wheel (names, hashes, modes, entry points) in
// the format of the manifest types of manifest.go, pinned by a golden test
// (what an older pkginstall sharing the cache reads), and wheel.bin, the
// same in a binary encoding that lookups read first (see manifest.go);
// wheel.json is read only when wheel.bin is missing or damaged, and
// wheel.bin is then written from it.
// Downloaded wheels live next to it in wheels-v1 (see package index).
//
// Rules it enforces:
//   - A tree is written once: every member is read through the wheel
//     reader, which checks its size and hash against RECORD, into a
//     temporary directory of the same bucket; the directory is published
//     by one rename. A tree is therefore complete and verified, or absent.
//     Two processes unpacking one wheel race harmlessly: the rename of the
//     loser fails, and it deletes its temporary directory and uses the
//     winner's tree.
//   - Files of a tree have the modes an install gives them (0644, 0755 when
//     executable), so a linked tree equals a copied one. pkginstall never
//     writes into them: installs link, clone or copy them into a staging
//     directory and rename them into place, and upgrades, reinstalls and
//     uninstalls only rename and unlink. A hard-linked file in
//     __pypackages__ is the same inode as the cache's file, so a program
//     that writes into it in place changes the cache's copy too, as with
//     uv's hardlink mode (making the files read-only would not stop root
//     or an editor that forces the write). The next install from the tree
//     sees the change (below), so no later install copies the edit;
//     --link-mode clone or copy keep the cache out of reach altogether.
//     --link-mode symlink links whole packages into projects: a tree it
//     links is sealed (read-only, see links.go) and kept by Prune while a
//     project links it.
//   - A Tree is a scheme.CheckedLinkSource: every file it links, clones or
//     copies is checked (one stat, during staging) for the size and mtime
//     recorded when the tree was written. A changed file (written to in
//     place through a hard link, say) fails the staging of that wheel
//     before anything is committed; the caller then discards the tree
//     (Discard), unpacks the wheel again and stages it again.
//   - wheel.bin is read first, never trusted beyond its checksum: when it
//     is missing (a tree of an older version), of another version or
//     damaged, the tree is judged by wheel.json as before wheel.bin
//     existed, and wheel.bin is written again (atomically) from it; the
//     one file of a published tree besides byte code that is ever
//     written.
//   - Byte code is the other thing added to a published tree: an install
//     with --compile compiles a .py file of the tree that it hard-linked
//     into its own __pypackages__ where the interpreter would write it
//     (files/.../__pycache__/NAME.TAG.pyc, written atomically by
//     py_compile), and links that .pyc; the next --compile install from
//     the tree only links. wheel.json does not list them; a tree with or
//     without them is complete. A member that does not compile is listed,
//     with the interpreter's reason, in nocompile-TAG.json of the tree
//     (bytecode.go; written atomically, once, by the install that tried
//     it), so that later installs warn without starting an interpreter,
//     and the RECORD hash of each .pyc with the size and mtime it had, in
//     pychash-TAG.json, so that later installs list it in RECORD without
//     reading it. Both go with the tree (Discard, Prune).
//   - A tree's directory mtime is its last use, which Prune reads. Pruning
//     renames a tree away before deleting it, so a reader never sees a
//     partial tree.
package cache

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/pkginstall/pkginstall/cache/layout"
	"github.com/pkginstall/pkginstall/internal/fsutil"
	"github.com/pkginstall/pkginstall/scheme"
	"github.com/pkginstall/pkginstall/wheel"
)

const (
	manifestName = layout.TreeManifest
	indexName    = layout.TreeIndex
	filesDir     = layout.TreeFiles
	tmpPrefix    = layout.TempPrefix
)

// Tree is an unpacked, verified wheel in the cache. It is a
// scheme.LinkSource.
type Tree struct {
	dir         string // <cache>/unpacked-v1/<sha[:2]>/<sha>
	d           *treeData
	filesOnce   sync.Once
	files       map[string]int // index in d.files by name, built on first use
	filesPrefix string         // the files directory and a separator
	fresh       bool           // published by this process's Unpack
}

var _ scheme.FreshSource = (*Tree)(nil)

// TreeDir is where the tree of the wheel with sha256 sha lives.
func TreeDir(cacheDir, sha string) string { return layout.TreeDir(cacheDir, sha) }

func validSHA(sha string) bool {
	if len(sha) != 64 {
		return false
	}
	for _, c := range sha {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Lookup returns the tree of the wheel with sha256 sha (lower-case hex),
// or an error matching fs.ErrNotExist when the cache has none. It marks
// the tree used.
func Lookup(cacheDir, sha string) (*Tree, error) {
	if !validSHA(sha) {
		return nil, fmt.Errorf("unpacked wheel: bad sha256 %q", sha)
	}
	dir := TreeDir(cacheDir, sha)
	d, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	for _, f := range d.files {
		if !fs.ValidPath(f.Name) || f.Name == "." || strings.Contains(f.Name, `\`) {
			return nil, fmt.Errorf("unpacked wheel %s: bad member name %q: %w", dir, f.Name, fs.ErrNotExist)
		}
	}
	now := time.Now()
	_ = os.Chtimes(dir, now, now) // last use, for Prune
	return &Tree{dir: dir, d: d, filesPrefix: filepath.Join(dir, filesDir) + string(filepath.Separator)}, nil
}

// readManifest reads the tree in dir from wheel.bin, else (missing, of
// another version, damaged) from wheel.json, and then writes wheel.bin
// from it for the next lookup.
func readManifest(dir string) (*treeData, error) {
	if b, err := os.ReadFile(filepath.Join(dir, indexName)); err == nil {
		if d, err := unmarshalBinary(b); err == nil {
			return d, nil
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil || m.Version != manifestVersion {
		return nil, fmt.Errorf("unpacked wheel %s: damaged %s: %w", dir, manifestName, fs.ErrNotExist)
	}
	d, err := m.data()
	if err != nil {
		return nil, discard(dir, "damaged "+manifestName)
	}
	// Best effort: without it, the next lookup reads wheel.json again.
	_ = fsutil.WriteFile(filepath.Join(dir, indexName), d.marshalBinary(), 0o644)
	return d, nil
}

// index maps each member's name to its place in d.files.
func (t *Tree) index() map[string]int {
	t.filesOnce.Do(func() {
		t.files = make(map[string]int, len(t.d.files))
		for i, f := range t.d.files {
			t.files[f.Name] = i
		}
	})
	return t.files
}

// discard moves a damaged tree away and deletes it, so that the next
// Unpack writes it again; the error matches fs.ErrNotExist.
func discard(dir, why string) error {
	tmp := filepath.Join(filepath.Dir(dir), tmpPrefix+"damaged-"+filepath.Base(dir)+"-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	if os.Rename(dir, tmp) == nil {
		_ = fsutil.RemoveAll(tmp)
	}
	return fmt.Errorf("unpacked wheel %s: %s: %w", dir, why, fs.ErrNotExist)
}

// Unpack returns the tree of w, whose file has sha256 sha: the cached one,
// or a new one unpacked (every member verified against RECORD) and
// published atomically. workers bounds the files written at once (0 means
// 2*GOMAXPROCS).
func Unpack(cacheDir, sha string, w *wheel.Wheel, workers int) (*Tree, error) {
	if t, err := Lookup(cacheDir, sha); err == nil {
		return t, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	final := TreeDir(cacheDir, sha)
	bucket := filepath.Dir(final)
	// Directories this call creates are removed again if it fails (a
	// hostile wheel leaves nothing behind, not even an empty directory).
	var created []string
	for d := bucket; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || d == filepath.Dir(d) || d == filepath.Clean(cacheDir) {
			break
		}
		created = append(created, d)
	}
	if err := layout.MkdirAll(cacheDir, bucket); err != nil {
		return nil, fmt.Errorf("unpack %s: %w", w.Filename, err)
	}
	published := false
	defer func() {
		if !published {
			for _, d := range created {
				_ = os.Remove(d) // only when empty
			}
		}
	}()
	tmp, err := os.MkdirTemp(bucket, tmpPrefix+sha[:8]+"-")
	if err != nil {
		return nil, fmt.Errorf("unpack %s: %w", w.Filename, err)
	}
	defer func() {
		if !published {
			_ = os.RemoveAll(tmp)
		}
	}()
	mtimes, err := writeTree(filepath.Join(tmp, filesDir), w, workers)
	if err != nil {
		return nil, fmt.Errorf("unpack %s: %w", w.Filename, err)
	}
	if err := writeManifests(tmp, w, mtimes); err != nil {
		return nil, fmt.Errorf("unpack %s: %w", w.Filename, err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("unpack %s: %w", w.Filename, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		// Another process published it first: use theirs.
		if t, lerr := Lookup(cacheDir, sha); lerr == nil {
			return t, nil
		}
		return nil, fmt.Errorf("unpack %s: %w", w.Filename, err)
	}
	published = true
	t, err := Lookup(cacheDir, sha)
	if t != nil {
		t.fresh = true
	}
	return t, err
}

// writeManifests writes wheel.json and wheel.bin of w's tree into dir.
func writeManifests(dir string, w *wheel.Wheel, mtimes []int64) error {
	d := &treeData{
		filename: w.Filename, project: w.Project, version: w.Version, distInfo: w.DistInfo, dataDir: w.DataDir,
		rootIsPurelib: w.RootIsPurelib, files: make([]scheme.SourceFile, len(w.Files)), mtimes: mtimes,
	}
	for i, f := range w.Files {
		d.files[i] = scheme.SourceFile{Name: f.Name, Size: f.Size, Hash: f.Hash, Mode: f.Mode}
	}
	d.entryPoints = append([]scheme.EntryPoint(nil), w.EntryPoints...)
	b, err := json.Marshal(d.manifest())
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, manifestName), b, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, indexName), d.marshalBinary(), 0o644)
}

// writeTree writes every file of w under dir, verified, and returns their
// mtimes (Unix ns) in the order of w.Files.
func writeTree(dir string, w *wheel.Wheel, workers int) ([]int64, error) {
	if workers <= 0 {
		workers = 2 * runtime.GOMAXPROCS(0)
	}
	dirs := map[string]bool{".": true}
	for _, f := range w.Files {
		for d := path.Dir(f.Name); !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	sorted := make([]string, 0, len(dirs))
	for d := range dirs {
		sorted = append(sorted, d)
	}
	sort.Strings(sorted)
	for _, d := range sorted {
		if err := os.Mkdir(filepath.Join(dir, filepath.FromSlash(d)), 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
	}
	mtimes := make([]int64, len(w.Files))
	var g errgroup.Group
	g.SetLimit(workers)
	for i, f := range w.Files {
		g.Go(func() (err error) {
			mtimes[i], err = writeMember(filepath.Join(dir, filepath.FromSlash(f.Name)), w, f)
			return err
		})
	}
	return mtimes, g.Wait()
}

// Members up to maxBuffered bytes are inflated into memory, verified, and
// written with one write; larger ones are streamed (and the tree removed
// if they turn out not to match RECORD). smallBuf is the size of the
// pooled buffers, which hold most members of most wheels.
const (
	maxBuffered = 8 << 20
	smallBuf    = 64 << 10
)

var memberBufs = sync.Pool{New: func() any { b := make([]byte, smallBuf); return &b }}

// writeMember writes member f of w as the new file name and returns its
// mtime (Unix ns). The content is read and checked against RECORD once,
// while it is inflated; a member that fits in memory is checked before
// its file is created.
func writeMember(name string, w *wheel.Wheel, f wheel.File) (int64, error) {
	perm := os.FileMode(0o644)
	if f.Mode&0o111 != 0 {
		perm = 0o755
	}
	rc, err := w.Open(f)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	if f.Size >= maxBuffered {
		return streamMember(name, perm, rc)
	}
	var buf []byte
	if f.Size < smallBuf {
		p := memberBufs.Get().(*[]byte)
		defer memberBufs.Put(p)
		buf = *p
	} else {
		buf = make([]byte, f.Size+1)
	}
	// One byte of room beyond the declared size: the reader needs it to
	// report a member longer than RECORD says.
	n, err := readAll(rc, buf[:f.Size+1])
	if err != nil {
		return 0, err
	}
	return createFile(name, perm, buf[:n])
}

// readAll reads r to io.EOF into buf and returns the bytes read. The
// wheel's reader fails before it gives more than its declared size + 1,
// which is len(buf).
func readAll(r io.Reader, buf []byte) (int, error) {
	n := 0
	for {
		m, err := r.Read(buf[n:])
		n += m
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if n == len(buf) {
			return n, errors.New("member larger than its declared size")
		}
	}
}

// streamMember writes a large member as it is inflated.
func streamMember(name string, perm os.FileMode, rc io.Reader) (_ int64, err error) {
	out, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return 0, err
	}
	p := memberBufs.Get().(*[]byte)
	defer memberBufs.Put(p)
	// The reader fails at EOF when size or hash differ from RECORD.
	_, err = io.CopyBuffer(onlyWriter{out}, rc, *p)
	return closeMTime(out, err)
}

// closeMTime closes f, written with the result err, and returns its mtime
// (Unix ns), read after the close: some systems set it when a handle
// closes.
func closeMTime(f *os.File, err error) (int64, error) {
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	fi, err := os.Lstat(f.Name())
	if err != nil {
		return 0, err
	}
	return fi.ModTime().UnixNano(), nil
}

// onlyWriter hides *os.File's ReadFrom, so that io.CopyBuffer uses the
// buffer it is given.
type onlyWriter struct{ io.Writer }

// Unchanged reports whether member name's file, now size bytes with mtime
// (ns), is as it was written.
func (t *Tree) Unchanged(name string, size, mtime int64) bool {
	i, ok := t.index()[name]
	return ok && t.d.files[i].Size == size && t.d.mtimes[i] == mtime
}

// Fresh reports whether this process's Unpack published the tree: no
// other install has linked it yet, so its files need no check against
// in-place edits (see scheme.FreshSource).
func (t *Tree) Fresh() bool { return t.fresh }

// Discard removes the tree from the cache (after a SourceChangedError), so
// that the next Unpack writes it again.
func (t *Tree) Discard() error {
	_ = discard(t.dir, "discarded")
	if _, err := os.Stat(t.dir); err == nil {
		return fmt.Errorf("cannot remove %s from the cache", t.dir)
	}
	return nil
}

// Dir is the directory of the tree.
func (t *Tree) Dir() string { return t.dir }

// Filename is the wheel's file name.
func (t *Tree) Filename() string { return t.d.filename }

// Project is the METADATA Name.
func (t *Tree) Project() string { return t.d.project }

// Version is the METADATA Version.
func (t *Tree) Version() string { return t.d.version }

// DistInfo is the wheel's .dist-info directory name.
func (t *Tree) DistInfo() string { return t.d.distInfo }

// DataDir is the wheel's .data directory name.
func (t *Tree) DataDir() string { return t.d.dataDir }

// RootIsPurelib is WHEEL's Root-Is-Purelib.
func (t *Tree) RootIsPurelib() bool { return t.d.rootIsPurelib }

// Files lists every member except RECORD.
func (t *Tree) Files() []scheme.SourceFile { return t.d.files }

// EntryPoints lists the console and GUI scripts.
func (t *Tree) EntryPoints() []scheme.EntryPoint { return t.d.entryPoints }

// Path is the absolute path of member name.
func (t *Tree) Path(name string) string {
	if _, ok := t.index()[name]; ok {
		// A member's name is clean (Lookup checked it): nothing to clean
		// (this runs for every file of every install).
		return t.filesPrefix + filepath.FromSlash(name)
	}
	return filepath.Join(t.dir, filesDir, filepath.FromSlash(name))
}

// Open reads member name (verified when the tree was written).
func (t *Tree) Open(name string) (io.ReadCloser, error) {
	// A scan, not index(): an install opens a few members of a tree (its
	// metadata) and, in symlink mode, asks nothing else by name.
	for _, f := range t.d.files {
		if f.Name == name {
			return os.Open(t.Path(name))
		}
	}
	return nil, fmt.Errorf("%s: no member %s", t.d.filename, name)
}

// VerifiesContent says the content needs no second check: it was
// verified against RECORD when the tree was written.
func (t *Tree) VerifiesContent() bool { return true }
