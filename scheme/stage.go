package scheme

import (
	"bufio"
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/pkginstall/pkginstall/internal/distinfo"
)

// stageBatch bounds the files one staging task writes, so that one big
// directory is spread over the workers.
const stageBatch = 64

// stageItem is one file to stage.
type stageItem struct {
	pl   *jobPlan
	f    *planFile
	name string // base name
	link string // for a symlink (LinkSymlink): its target, and f is nil
}

// stagePlan writes every file of pl under pl.staged, then its RECORD.
// Every staging directory is created once, through the handle of its
// parent; files are created through the handle of their directory, in
// tasks of at most stageBatch files of one directory that share the
// transaction's workers.
func (t *Txn) stagePlan(ctx context.Context, pl *jobPlan) error {
	dirs, groups := layoutPlan(pl)
	if ls, ok := pl.job.Source.(LinkSource); ok {
		probe := ""
		for _, f := range pl.files {
			if f.src != "" {
				probe = ls.Path(f.src)
				break
			}
		}
		pl.linker = newLinker(t.opts.LinkMode, probe, filepath.Join(t.root.Name(), filepath.FromSlash(t.stagingRel)))
	}
	if err := t.root.Mkdir(pl.staged, 0o755); err != nil {
		return fmt.Errorf("create staging directory: %w", err)
	}
	handles, err := mkdirs(t.root, pl.staged, dirs, &t.budget)
	defer func() {
		for _, h := range handles {
			h.close()
		}
		t.budget.Add(int64(len(handles)))
	}()
	if err != nil {
		return err
	}
	st := &stager{root: t.root, handles: handles, sem: t.sem}
	if err := st.files(ctx, groups); err != nil {
		return err
	}
	if err := st.record(pl); err != nil {
		return err
	}
	return ctx.Err()
}

// layoutPlan returns every directory to create below pl.staged (those of
// pl.dirs, and the parents of its symlinks) and the files and symlinks
// of each directory (RECORD, the last file of a plan, is written last by
// record; files covered by a symlink are not staged).
func layoutPlan(pl *jobPlan) (map[string]bool, map[string][]stageItem) {
	dirs := make(map[string]bool, len(pl.dirs)+1)
	dirs[pl.staged] = true
	for d := range pl.dirs {
		dirs[pl.staged+"/"+d] = true
	}
	groups := map[string][]stageItem{}
	add := func(dest string, it stageItem) {
		dir, name := path.Split(dest)
		d := pl.staged
		if dir != "" {
			d += "/" + dir[:len(dir)-1]
		}
		for p := d; !dirs[p]; p = parentDir(p) {
			dirs[p] = true
		}
		it.pl, it.name = pl, name
		groups[d] = append(groups[d], it)
	}
	for _, l := range pl.links {
		add(l.dest, stageItem{link: l.target})
	}
	for _, f := range pl.files[:len(pl.files)-1] {
		if !f.covered {
			add(f.dest, stageItem{f: f})
		}
	}
	return dirs, groups
}

// stager writes the files of one plan: the directory handles mkdirs kept
// and the transaction's worker slots.
type stager struct {
	root    *os.Root
	handles map[string]*dirHandle
	sem     chan struct{}
}

// open is the handle of a staging directory: the one mkdirs kept, else a
// new one that done closes.
func (st *stager) open(dir string) (h *dirHandle, done func(), _ error) {
	if h, ok := st.handles[dir]; ok {
		return h, func() {}, nil
	}
	h, err := openDir(st.root, dir)
	if err != nil {
		return nil, nil, fmt.Errorf("open staging directory: %w", err)
	}
	return h, h.close, nil
}

// files stages every file but the RECORD, in batches of one directory,
// each batch in a worker slot.
func (st *stager) files(ctx context.Context, groups map[string][]stageItem) error {
	g, gctx := errgroup.WithContext(ctx)
	for dir, items := range groups {
		for len(items) > 0 {
			n := min(len(items), stageBatch)
			batch := items[:n]
			items = items[n:]
			g.Go(func() error {
				select {
				case st.sem <- struct{}{}:
				case <-gctx.Done():
					return gctx.Err()
				}
				defer func() { <-st.sem }()
				return st.batch(gctx, dir, batch)
			})
		}
	}
	return g.Wait()
}

// batch stages the files of items, all in directory dir.
func (st *stager) batch(ctx context.Context, dir string, items []stageItem) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d, done, err := st.open(dir)
	if err != nil {
		return err
	}
	defer done()
	// The files of one staging directory mostly come from one directory
	// of the cache: hard links go through its handle, not its whole path.
	var sd sourceDir
	defer sd.close()
	for _, it := range items {
		if err := ctx.Err(); err != nil {
			return err
		}
		if it.link != "" {
			if err := d.symlink(it.link, it.name); err != nil {
				return fmt.Errorf("%s: %w", it.pl.label, err)
			}
			continue
		}
		if err := stageFile(d, &sd, it.name, it.pl, it.f); err != nil {
			return fmt.Errorf("%s: %w", it.pl.label, err)
		}
	}
	return nil
}

// record writes a plan's RECORD, from the hashes and sizes of the files
// staged.
func (st *stager) record(pl *jobPlan) error {
	rec := pl.files[len(pl.files)-1]
	libRel := path.Dir(pl.distInfo)
	n := 0
	for _, f := range pl.files {
		n += len(f.dest) + 100 // the path, a sha256 hash, a size
	}
	// One buffer for the whole file, rows appended in place.
	b := make([]byte, 0, n)
	for _, f := range pl.files[:len(pl.files)-1] {
		if f.covered {
			if err := coveredHash(pl, f); err != nil {
				return fmt.Errorf("%s: %w", pl.label, err)
			}
		}
		b = distinfo.AppendRecordRow(b, targetToRecord(libRel, f.dest), f.outHash, f.outSize)
	}
	rec.content = distinfo.AppendRecordRow(b, targetToRecord(libRel, rec.dest), "", -1)
	rec.record = true
	full := path.Join(pl.staged, rec.dest)
	d, done, err := st.open(path.Dir(full))
	if err != nil {
		return err
	}
	err = stageFile(d, nil, path.Base(full), pl, rec)
	done()
	if err != nil {
		return fmt.Errorf("%s: %w", pl.label, err)
	}
	return nil
}

// coveredHash gives a file placed by a symlink its RECORD hash and size:
// the wheel's (the tree was verified when written), else its file's.
func coveredHash(pl *jobPlan, f *planFile) (err error) {
	f.outHash, f.outSize = f.hash, f.size
	if !strings.HasPrefix(f.hash, "sha256=") || f.size < 0 {
		f.outHash, f.outSize, err = hashFile(pl.job.Source.(LinkSource).Path(f.src))
	}
	return err
}

// mkdirs creates the directories of dirs below top (which exists), each
// once, parents first, through the handle of the parent. It returns open
// handles of up to budget of them (the caller closes them), so that
// staging does not walk their paths again.
func mkdirs(root *os.Root, top string, dirs map[string]bool, budget *atomic.Int64) (map[string]*dirHandle, error) {
	sorted := make([]string, 0, len(dirs))
	for d := range dirs {
		if d != top {
			sorted = append(sorted, d)
		}
	}
	// Depth first: a parent, then everything below it, then its siblings.
	slices.SortFunc(sorted, comparePaths)
	kept := map[string]*dirHandle{}
	topH, err := openDir(root, top)
	if err != nil {
		return kept, fmt.Errorf("open staging directory: %w", err)
	}
	stack := []*dirHandle{topH}
	// release drops a handle from the stack: kept for staging while the
	// budget lasts, else closed.
	release := func(h *dirHandle) {
		if budget.Add(-1) >= 0 {
			kept[h.rel] = h
			return
		}
		budget.Add(1)
		h.close()
	}
	defer func() {
		for i := len(stack) - 1; i >= 0; i-- {
			release(stack[i])
		}
	}()
	for _, d := range sorted {
		parent := parentDir(d)
		for len(stack) > 1 && stack[len(stack)-1].rel != parent {
			release(stack[len(stack)-1])
			stack = stack[:len(stack)-1]
		}
		if stack[len(stack)-1].rel != parent {
			return kept, fmt.Errorf("create staging directory %s: parent not created", d)
		}
		name := path.Base(d)
		if err := stack[len(stack)-1].mkdir(name); err != nil {
			return kept, fmt.Errorf("create staging directory: %w", err)
		}
		h, err := stack[len(stack)-1].child(name)
		if err != nil {
			return kept, fmt.Errorf("create staging directory: %w", err)
		}
		stack = append(stack, h)
	}
	return kept, nil
}

// comparePaths orders slash-separated paths depth first: a directory,
// then everything below it, then its siblings. It compares bytes with "/"
// below every other byte (as if it were NUL, which no name holds), without
// allocating: a wheel's directories are sorted once per install.
func comparePaths(a, b string) int {
	for i := range min(len(a), len(b)) {
		x, y := a[i], b[i]
		switch {
		case x == y:
			continue
		case x == '/':
			return -1
		case y == '/':
			return 1
		case x < y:
			return -1
		default:
			return 1
		}
	}
	return cmp.Compare(len(a), len(b))
}

// isFresh reports whether src is a FreshSource that is fresh.
func isFresh(src LinkSource) bool {
	fs, ok := src.(FreshSource)
	return ok && fs.Fresh()
}

var copyBufs = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// stageFile writes one file as child name of d. A file of a LinkSource
// that is not rewritten is linked (or cloned, or copied; a hard link from
// the directory handle sd keeps, when not nil); anything else is
// streamed. The content is hashed at most once: a file kept as the wheel
// has it gets the wheel's sha256, which the source verified (or which is
// checked here, in the same pass, when the source does not verify).
func stageFile(d *dirHandle, sd *sourceDir, name string, pl *jobPlan, f *planFile) (err error) {
	perm := os.FileMode(0o644)
	if f.exec {
		perm = 0o755
	}
	sha := strings.HasPrefix(f.hash, "sha256=")
	if ls, ok := pl.job.Source.(LinkSource); ok && f.src != "" && !f.shebang {
		src := ls.Path(f.src)
		if err := pl.linker.place(d, sd, src, name, perm); err != nil {
			if m := pl.linker.mode(); m != LinkCopy && linkUnsupported(err) {
				return fmt.Errorf("stage %s: link mode %s does not work between the cache and the target here: %w", f.dest, m, err)
			}
			return fmt.Errorf("stage %s: %w", f.dest, err)
		}
		if cs, ok := ls.(CheckedLinkSource); ok && !isFresh(ls) {
			// A hard link is the source's inode: its size and mtime are the
			// source's; a clone or copy has its own, so ask the source.
			size, mtime, err := d.stat(name)
			if pl.linker.mode() != LinkHardlink {
				size, mtime, err = statPath(src)
			}
			if err != nil {
				return fmt.Errorf("stage %s: %w", f.dest, err)
			}
			if !cs.Unchanged(f.src, size, mtime) {
				return &SourceChangedError{Project: pl.label, Member: f.src, Path: src}
			}
		}
		f.outHash, f.outSize = f.hash, f.size
		if !sha || f.size < 0 {
			f.outHash, f.outSize, err = hashFile(src)
			if err != nil {
				return fmt.Errorf("stage %s: %w", f.dest, err)
			}
		}
		return nil
	}

	out, err := d.create(name, perm)
	if err != nil {
		return fmt.Errorf("stage %s: %w", f.dest, err)
	}
	defer func() {
		if cerr := out.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("stage %s: %w", f.dest, cerr)
		}
	}()
	cw := &countWriter{w: out}
	var h hash.Hash
	if (f.src == "" || f.shebang || !sha) && !f.record {
		h = sha256.New()
		cw.w = io.MultiWriter(out, h)
	}
	if f.src == "" {
		if _, err := cw.Write(f.content); err != nil {
			return fmt.Errorf("stage %s: %w", f.dest, err)
		}
	} else {
		vs, ok := pl.job.Source.(VerifyingSource)
		verify := !ok || !vs.VerifiesContent()
		if err := copyMember(cw, pl.job.Source, f, verify); err != nil {
			return err
		}
	}
	f.outSize = cw.n
	if h != nil {
		f.outHash = hashString(h.Sum(nil))
	} else {
		f.outHash = f.hash
	}
	return nil
}

// hashFile returns the RECORD hash and size of a file.
func hashFile(name string) (string, int64, error) {
	in, err := os.Open(name)
	if err != nil {
		return "", 0, err
	}
	defer in.Close()
	h := sha256.New()
	n, err := io.Copy(h, in)
	if err != nil {
		return "", 0, err
	}
	return hashString(h.Sum(nil)), n, nil
}

// copyMember copies wheel member f to w, rewriting a "#!python" first line
// of a script. With verify it checks the member's size and sha256 against
// the wheel's RECORD (a VerifyingSource checks them itself).
func copyMember(w io.Writer, src Source, f *planFile, verify bool) error {
	rc, err := src.Open(f.src)
	if err != nil {
		return fmt.Errorf("open %s: %w", f.src, err)
	}
	defer rc.Close()
	var r io.Reader = rc
	limit := &io.LimitedReader{R: r, N: 1<<63 - 1}
	if f.size >= 0 {
		limit.N = f.size + 1
	}
	r = limit
	var srcHash hash.Hash
	var srcAlgo string
	if verify {
		rh, err := distinfo.ParseRecordHash(f.hash)
		if err != nil {
			return fmt.Errorf("%s: %w", f.src, err)
		}
		srcAlgo = rh.Algo
		srcHash, _ = distinfo.NewHash(rh.Algo)
		r = io.TeeReader(r, srcHash)
	}
	cr := &countReader{r: r}
	r = cr
	if f.shebang {
		br := bufio.NewReaderSize(r, 512)
		line, err := br.ReadSlice('\n')
		if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
			return fmt.Errorf("read %s: %w", f.src, err)
		}
		if rewriteShebang(line) {
			if f.headErr != nil {
				return fmt.Errorf("script %s: %w", f.src, f.headErr)
			}
			line = f.head
		}
		if _, err := w.Write(line); err != nil {
			return fmt.Errorf("stage %s: %w", f.dest, err)
		}
		r = br
	}
	bp := copyBufs.Get().(*[]byte)
	_, err = io.CopyBuffer(onlyWriter{w}, onlyReader{r}, *bp)
	copyBufs.Put(bp)
	if err != nil {
		return fmt.Errorf("copy %s: %w", f.src, err)
	}
	if f.size >= 0 && cr.n != f.size {
		return fmt.Errorf("%s: size is not %d as RECORD says", f.src, f.size)
	}
	if srcHash != nil {
		if got := distinfo.FormatRecordHash(srcAlgo, srcHash.Sum(nil)); got != strings.TrimRight(f.hash, "=") {
			return fmt.Errorf("%s: hash is %s, RECORD says %s", f.src, got, f.hash)
		}
	}
	return nil
}

// onlyWriter and onlyReader hide ReadFrom and WriteTo so that CopyBuffer
// uses the pooled buffer.
type onlyWriter struct{ w io.Writer }

func (o onlyWriter) Write(p []byte) (int, error) { return o.w.Write(p) }

type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// diskCheck answers, once per directory, what is on disk where a run
// installs: see check.
type diskCheck struct {
	root     *os.Root
	removing map[string]bool
	state    map[string]dirState
	entries  map[string]map[string]bool // directory -> child name -> is a directory (lstat)
}

type dirState struct {
	kind int // dirPresent, dirMissing (nothing below exists), dirRemoved (a file the run removes)
	err  error
}

const (
	dirPresent = iota
	dirMissing
	dirRemoved
)

func newDiskCheck(root *os.Root, removing map[string]bool) *diskCheck {
	return &diskCheck{root: root, removing: removing, state: map[string]dirState{}, entries: map[string]map[string]bool{}}
}

// check verifies that file d (target-relative) can be renamed into place:
// it is not an existing directory, and each existing ancestor is a
// directory inside the target (or a file the run removes first).
func (c *diskCheck) check(d string) error {
	parent := parentDir(d)
	st := c.dir(parent)
	if st.err != nil {
		return st.err
	}
	if st.kind != dirPresent {
		return nil
	}
	ents, err := c.list(parent)
	if err != nil {
		return err
	}
	if ents[path.Base(d)] {
		return errors.New("a directory is in the way")
	}
	return nil
}

// list reads directory d once: child name -> whether it is a directory
// (not following symlinks).
func (c *diskCheck) list(d string) (map[string]bool, error) {
	if m, ok := c.entries[d]; ok {
		return m, nil
	}
	f, err := c.root.Open(d)
	if err != nil {
		return nil, err
	}
	ents, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		return nil, err
	}
	m := make(map[string]bool, len(ents))
	for _, e := range ents {
		m[e.Name()] = e.IsDir()
	}
	c.entries[d] = m
	return m, nil
}

func (c *diskCheck) dir(d string) dirState {
	if d == "." {
		return dirState{kind: dirPresent}
	}
	if st, ok := c.state[d]; ok {
		return st
	}
	st := c.dir(parentDir(d))
	if st.err == nil && st.kind == dirPresent {
		st = c.stat(d)
	}
	c.state[d] = st
	return st
}

func (c *diskCheck) stat(d string) dirState {
	// One lstat answers for all but a symlink (the usual answer, on a
	// fresh target: nothing there).
	fi, err := c.root.Lstat(d)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return dirState{kind: dirMissing}
	case err != nil:
		return dirState{err: err}
	case fi.Mode()&fs.ModeSymlink != 0:
		return c.statLink(d)
	case fi.IsDir():
		return dirState{kind: dirPresent}
	case c.removing[d]:
		return dirState{kind: dirRemoved}
	}
	return dirState{err: fmt.Errorf("%s is a file", d)}
}

// statLink is stat of d, a symlink: a directory inside the target it
// points to is present; a link the run removes is removed.
func (c *diskCheck) statLink(d string) dirState {
	if c.removing[d] {
		return dirState{kind: dirRemoved}
	}
	fi, err := c.root.Stat(d)
	if err != nil {
		return dirState{err: fmt.Errorf("%s is a symbolic link out of the target (a package linked by --link-mode symlink?); install its distribution again first", d)}
	}
	if !fi.IsDir() {
		return dirState{err: fmt.Errorf("%s is a file", d)}
	}
	return dirState{kind: dirPresent}
}
