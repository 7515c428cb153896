package installer

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/pkginstall/pkginstall/cache"
	"github.com/pkginstall/pkginstall/internal/phase"
	"github.com/pkginstall/pkginstall/scheme"
)

// compileWorker is the program of one byte-compiling worker: it reads
// source paths on stdin, one a line, compiles each as pip does
// (compileall.compile_file with force=True: the default invalidation mode,
// which is checked-hash when SOURCE_DATE_EPOCH is set, else timestamp),
// and answers each line with the .pyc path, or "!" and the error when the
// source does not compile ("?" and the error when reading it or writing
// its byte code failed). py_compile writes the .pyc atomically (a
// temporary file renamed into place). A line
// may hold two paths separated by NUL, a cache tree's file and the
// installed one: when the tree's .pyc cannot be written (a read-only
// cache), the installed file is compiled in place and the answer is "="
// and its .pyc path.
const compileWorker = `
import sys, py_compile, importlib.util
mode = py_compile._get_default_invalidation_mode()
for line in sys.stdin:
    srcs = line.rstrip("\n").split("\0")
    try:
        try:
            out, mark = py_compile.compile(srcs[0], doraise=True, invalidation_mode=mode), ""
        except OSError:
            if len(srcs) == 1:
                raise
            out, mark = py_compile.compile(srcs[1], doraise=True, invalidation_mode=mode), "="
        sys.stdout.write(mark + (out or "") + "\n")
    except py_compile.PyCompileError as e:
        sys.stdout.write("!" + str(e).replace("\n", " ") + "\n")
    except Exception as e:
        sys.stdout.write("?" + str(e).replace("\n", " ") + "\n")
    sys.stdout.flush()
`

// compile byte-compiles the .py files under lib/ that the results
// installed and adds the .pyc files to each distribution's RECORD (as pip
// does). A file that does not compile is a warning, as with pip.
//
// Byte code is cached with the unpacked tree: a .py file that staging
// hard-linked from a cache tree's file (scheme.Result.From: the same
// inode, so the same content and mtime, which a timestamp .pyc records)
// is compiled once, in the tree (its __pycache__, which the interpreter
// would write next to it), and the .pyc is hard-linked into lib/; a later
// --compile install from the tree only links. A tree file that does not
// compile is remembered in the tree (cache.Tree.RememberNoCompile) with
// the interpreter's reason, which later installs repeat without compiling
// it again: from a tree whose byte code is complete, no interpreter
// starts. Anything else (a copy, a clone, no cache, an interpreter other
// than CPython) is compiled in place, with a small pool of long-lived
// interpreter workers. known is what the precompiler learnt of the trees'
// byte code (nil: nothing), so that no __pycache__ is read twice.
func (in *Installer) compile(ctx context.Context, results []*scheme.Result, sources []scheme.Source, known *pycDirs) error {
	if known == nil {
		known = &pycDirs{}
	}
	jobs := in.compileJobs(results, sources, known)
	if len(jobs) == 0 {
		return nil
	}
	pycs := make([][]scheme.AddedFile, len(results))
	var mu sync.Mutex
	record := func(j compileJob, f scheme.AddedFile) {
		mu.Lock()
		pycs[j.dist] = append(pycs[j.dist], f)
		mu.Unlock()
	}
	notes := &treeNotes{}
	// treePyc is j's .pyc, linked from its tree, for RECORD.
	treePyc := func(j compileJob) error {
		f, err := notes.pycEntry(j)
		if err == nil {
			record(j, f)
		}
		return err
	}
	var toLink, toCompile []compileJob
	for _, j := range jobs {
		switch {
		case j.cached:
			toLink = append(toLink, j)
		case j.problem != "":
			in.Reporter.Warn(compileWarning(j.src, j.problem))
		default:
			toCompile = append(toCompile, j)
		}
	}
	linked := make(chan error, 1)
	go func() { linked <- linkPycs(toLink, treePyc) }()
	err := in.runCompileWorkers(ctx, toCompile, notes, func(j compileJob, pyc string) error {
		if j.treePyc == "" {
			record(j, scheme.AddedFile{Path: pyc})
			return nil
		}
		if err := linkPyc(j, pyc); err != nil {
			return err
		}
		return treePyc(j)
	})
	err = cmp.Or(err, <-linked)
	notes.save(in.cacheTag())
	if err != nil {
		return fmt.Errorf("byte-compiling: %w", err)
	}
	return addPycsToRecords(in.Paths, results, pycs)
}

// compileWarning is the warning about src, which did not compile.
func compileWarning(src, problem string) string {
	return fmt.Sprintf("cannot byte-compile %s: %s", src, problem)
}

// addPycsToRecords adds pycs[i] to the RECORD of results[i], one
// distribution per CPU at a time (each hashes its files).
func addPycsToRecords(p scheme.Paths, results []*scheme.Result, pycs [][]scheme.AddedFile) error {
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, r := range results {
		if len(pycs[i]) == 0 {
			continue
		}
		g.Go(func() error {
			if err := scheme.AddToRecord(p, r.DistInfo, pycs[i]); err != nil {
				return fmt.Errorf("byte-compiling %s: %w", r.Project, err)
			}
			return nil
		})
	}
	return g.Wait()
}

// compileJobs lists the .py files of lib/ the results installed. A file
// that staging hard-linked from a cache tree (or that is the tree's file,
// under a symlinked package) gets the tree's .pyc path, and is marked
// cached when that byte code exists, or with the problem the tree
// remembers when it does not compile.
func (in *Installer) compileJobs(results []*scheme.Result, sources []scheme.Source, pycs *pycDirs) []compileJob {
	libPrefix := in.Paths.Lib + string(filepath.Separator)
	tag := in.cacheTag()
	var jobs []compileJob
	for i, r := range results {
		var tree *cache.Tree
		var bad map[string]string
		var hashes map[string]cache.PycHash
		if i < len(sources) && tag != "" {
			tree, _ = sources[i].(*cache.Tree)
		}
		if tree != nil {
			bad, hashes = tree.NoCompile(tag), tree.PycHashes(tag)
		}
		for k, f := range r.Files {
			if !strings.HasSuffix(f, ".py") || !strings.HasPrefix(f, libPrefix) || strings.ContainsAny(f, "\n\r") {
				continue
			}
			j := compileJob{dist: i, src: f}
			if tree != nil && k < len(r.From) && r.From[k] != "" && !slices.Contains(r.Links, f) {
				j.tree, j.member = tree, r.From[k]
				j.treeSrc = tree.Path(j.member)
				j.treePyc, j.pyc = pycPath(j.treeSrc, tag), pycPath(f, tag)
				j.inTree = underLink(r.Links, f)
				j.cached = pycs.has(j.treePyc)
				if j.cached {
					j.known = hashes[j.member]
				} else {
					j.problem = bad[j.member]
				}
			}
			jobs = append(jobs, j)
		}
	}
	return jobs
}

// underLink reports whether f lies in a directory that is one of links
// (a package symlinked into lib/): its __pycache__ is the tree's.
func underLink(links []string, f string) bool {
	for _, l := range links {
		if strings.HasPrefix(f, l+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// pycDirs says which byte code files exist, reading each __pycache__
// directory once (instead of one stat per file) for the whole run: the
// precompiler's scan and compile's share it, and the precompiler adds
// what it writes. Safe for concurrent use.
type pycDirs struct {
	mu   sync.Mutex
	dirs map[string]map[string]bool
}

// has reports whether pyc exists as a regular file.
func (d *pycDirs) has(pyc string) bool {
	dir, name := filepath.Split(pyc)
	names := d.names(dir)
	d.mu.Lock()
	defer d.mu.Unlock()
	return names[name]
}

// add notes that pyc was written.
func (d *pycDirs) add(pyc string) {
	dir, name := filepath.Split(pyc)
	names := d.names(dir)
	d.mu.Lock()
	names[name] = true
	d.mu.Unlock()
}

// names is the set of regular files in dir, read on first use (outside
// the lock: the precompiler scans trees at once); read it under d.mu.
func (d *pycDirs) names(dir string) map[string]bool {
	d.mu.Lock()
	names, ok := d.dirs[dir]
	d.mu.Unlock()
	if ok {
		return names
	}
	ents, _ := os.ReadDir(dir) // missing: nothing cached
	names = make(map[string]bool, len(ents))
	for _, e := range ents {
		if e.Type().IsRegular() {
			names[e.Name()] = true
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if prev, ok := d.dirs[dir]; ok {
		return prev // read meanwhile, maybe with additions
	}
	if d.dirs == nil {
		d.dirs = map[string]map[string]bool{}
	}
	d.dirs[dir] = names
	return names
}

// treeNotes collects what a run learns about cache trees, for them to
// remember (see cache.Tree): the files that failed to compile (the
// source, not the writing of its byte code), and the RECORD hashes of
// their byte code.
type treeNotes struct {
	mu     sync.Mutex
	failed map[*cache.Tree]map[string]string
	hashes map[*cache.Tree]map[string]cache.PycHash
}

// add notes that j's tree file does not compile, for the reason problem.
func (n *treeNotes) add(j compileJob, problem string) {
	if j.tree == nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	note(&n.failed, j, problem)
}

// note sets (*m)[j.tree][j.member] to v.
func note[V any](m *map[*cache.Tree]map[string]V, j compileJob, v V) {
	if *m == nil {
		*m = map[*cache.Tree]map[string]V{}
	}
	if (*m)[j.tree] == nil {
		(*m)[j.tree] = map[string]V{}
	}
	(*m)[j.tree][j.member] = v
}

// pycEntry is j's .pyc, linked from its tree, for RECORD: with the hash
// the tree remembers when the file still has the size and mtime it had
// then, else hashed here and noted for the tree.
func (n *treeNotes) pycEntry(j compileJob) (scheme.AddedFile, error) {
	fi, err := os.Lstat(j.pyc)
	if err != nil {
		return scheme.AddedFile{}, err
	}
	size, mtime := fi.Size(), fi.ModTime().UnixNano()
	if k := j.known; k.Hash != "" && k.Size == size && k.MTime == mtime {
		return scheme.AddedFile{Path: j.pyc, Hash: k.Hash, Size: size}, nil
	}
	hash, n2, err := scheme.RecordHash(j.pyc)
	if err != nil {
		return scheme.AddedFile{}, err
	}
	if n2 == size {
		n.mu.Lock()
		note(&n.hashes, j, cache.PycHash{Hash: hash, Size: size, MTime: mtime})
		n.mu.Unlock()
	}
	return scheme.AddedFile{Path: j.pyc, Hash: hash, Size: n2}, nil
}

// save writes what was noted into the trees. A tree that cannot be
// written (a read-only cache) only has the work done again.
func (n *treeNotes) save(tag string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for t, failed := range n.failed {
		_ = t.RememberNoCompile(tag, failed)
	}
	for t, hashes := range n.hashes {
		_ = t.RememberPycHashes(tag, hashes)
	}
	n.failed, n.hashes = nil, nil
}

// cacheTag is the interpreter's sys.implementation.cache_tag, or "" when
// byte code is not cached with trees (an interpreter other than CPython).
func (in *Installer) cacheTag() string {
	if in.Python.Implementation != "cpython" {
		return ""
	}
	return fmt.Sprintf("cpython-%d%d", in.Python.Major, in.Python.Minor)
}

// pycPath is importlib.util.cache_from_source(src) for an interpreter
// whose cache tag is tag, at optimization level 0.
func pycPath(src, tag string) string {
	dir, base := filepath.Split(src)
	return filepath.Join(dir, "__pycache__", strings.TrimSuffix(base, ".py")+"."+tag+".pyc")
}

// linkPycs links the cached byte code of jobs into lib/ (linkPyc) and
// calls linked with each job, one task per __pycache__ directory, whose
// directory is created once.
func linkPycs(jobs []compileJob, linked func(j compileJob) error) error {
	byDir := map[string][]compileJob{}
	var dirs []string
	for _, j := range jobs {
		if j.inTree { // the tree's own __pycache__, through the symlink
			if err := linked(j); err != nil {
				return err
			}
			continue
		}
		d := filepath.Dir(j.pyc)
		if byDir[d] == nil {
			dirs = append(dirs, d)
		}
		byDir[d] = append(byDir[d], j)
	}
	var g errgroup.Group
	g.SetLimit(2 * runtime.GOMAXPROCS(0))
	for _, d := range dirs {
		g.Go(func() error {
			if err := os.Mkdir(d, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
				return err
			}
			for _, j := range byDir[d] {
				if err := linkPyc(j, j.treePyc); err != nil {
					return err
				}
				if err := linked(j); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return g.Wait()
}

// linkPyc hard-links the tree's byte code treePyc as j's .pyc. Under a
// symlinked package (--link-mode symlink) the .pyc is already there.
func linkPyc(j compileJob, treePyc string) error {
	if j.inTree {
		return nil
	}
	err := os.Link(treePyc, j.pyc)
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(filepath.Dir(j.pyc), 0o755); err == nil {
			err = os.Link(treePyc, j.pyc)
		}
	}
	if errors.Is(err, fs.ErrExist) {
		// Left by an earlier install: replace the entry, never its inode.
		tmp := j.pyc + ".pkginstall-tmp"
		_ = os.Remove(tmp)
		if err = os.Link(treePyc, tmp); err == nil {
			err = os.Rename(tmp, j.pyc)
		}
	}
	return err
}

// runCompileWorkers compiles jobs (each job's tree file when it has one)
// with one interpreter worker per CPU and calls done with each .pyc
// written; a file that does not compile is a warning, and noted in failed
// when its source is at fault.
func (in *Installer) runCompileWorkers(ctx context.Context, jobs []compileJob, failed *treeNotes, done func(j compileJob, pyc string) error) error {
	if len(jobs) == 0 {
		return nil
	}
	pool := in.startCompilePool(ctx, min(runtime.NumCPU(), len(jobs)), func(j compileJob, a compileAnswer) error {
		if a.problem != "" {
			in.Reporter.Warn(compileWarning(j.src, a.problem))
			if a.invalid {
				failed.add(j, a.problem)
			}
			return nil
		}
		if a.pyc == "" {
			return nil
		}
		return done(j, a.pyc)
	})
	var sendErr error
	for _, j := range jobs {
		if sendErr = pool.add(ctx, j); sendErr != nil {
			break
		}
	}
	return cmp.Or(sendErr, pool.wait())
}

// compileAnswer is a worker's answer about one job: the .pyc written, or
// the problem; invalid says the source does not compile (rather than its
// byte code could not be read or written).
type compileAnswer struct {
	pyc, problem string
	invalid      bool
}

// compilePool is a pool of interpreter workers (all cores: byte-compiling
// is CPU-bound), fed with add until wait. The interpreters start with the
// first job: a pool given none starts none.
type compilePool struct {
	ch    chan compileJob
	start func()
	wg    sync.WaitGroup
	once  sync.Once
	mu    sync.Mutex
	err   error
}

// startCompilePool makes a pool of workers interpreter workers, started
// by the first add; done gets each answer, and its first error is the
// pool's.
func (in *Installer) startCompilePool(ctx context.Context, workers int, done func(j compileJob, a compileAnswer) error) *compilePool {
	p := &compilePool{ch: make(chan compileJob)}
	p.start = sync.OnceFunc(func() {
		for range workers {
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				p.fail(in.compileWorker(ctx, p.ch, func(j compileJob, a compileAnswer) {
					p.fail(done(j, a))
				}))
			}()
		}
	})
	return p
}

func (p *compilePool) fail(err error) {
	if err == nil {
		return
	}
	p.mu.Lock()
	p.err = cmp.Or(p.err, err)
	p.mu.Unlock()
}

// add hands j to the next free worker.
func (p *compilePool) add(ctx context.Context, j compileJob) error {
	p.start()
	select {
	case p.ch <- j:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// wait ends the pool once every job added is answered; its first error.
func (p *compilePool) wait() error {
	p.once.Do(func() { close(p.ch) })
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// precompiler byte-compiles the .py files of cache trees into the trees'
// __pycache__, as soon as each tree is staged by hard links, while the
// run still fetches, unpacks and stages other wheels: compile then finds
// their byte code cached and only links it. A file that does not compile
// is remembered in its tree (at wait), and compile warns about it.
type precompiler struct {
	pool    *compilePool
	ctx     context.Context
	cancel  context.CancelFunc
	tag     string
	feeders sync.WaitGroup
	failed  treeNotes
	pycs    pycDirs // the trees' byte code, for compile
}

// startPrecompile is the run's precompiler, or nil when the run does not
// compile or byte code is not cached with trees (see compile). Its
// interpreters start with the first file that needs compiling.
func (in *Installer) startPrecompile(ctx context.Context) *precompiler {
	tag := in.cacheTag()
	if !in.Compile || tag == "" || in.CacheDir == "" {
		return nil
	}
	pctx, cancel := context.WithCancel(ctx)
	pc := &precompiler{ctx: pctx, cancel: cancel, tag: tag}
	pc.pool = in.startCompilePool(pctx, runtime.NumCPU(), func(j compileJob, a compileAnswer) error {
		if a.invalid {
			pc.failed.add(j, a.problem)
		}
		if a.pyc != "" {
			pc.pycs.add(pycPath(j.src, tag))
		}
		return nil
	})
	return pc
}

// tree queues the .py files of t that go to lib/, have no byte code in
// the tree yet and are not known not to compile.
func (pc *precompiler) tree(t *cache.Tree) {
	if pc == nil {
		return
	}
	pc.feeders.Add(1)
	go func() {
		defer pc.feeders.Done()
		defer phase.Start(phase.Compile)()
		data := t.DataDir() + "/"
		bad := t.NoCompile(pc.tag)
		for _, f := range t.Files() {
			if !strings.HasSuffix(f.Name, ".py") || strings.HasPrefix(f.Name, data) || strings.ContainsAny(f.Name, "\n\r\x00") {
				continue
			}
			src := t.Path(f.Name)
			if _, ok := bad[f.Name]; ok || pc.pycs.has(pycPath(src, pc.tag)) {
				continue
			}
			if pc.pool.add(pc.ctx, compileJob{src: src, tree: t, member: f.Name}) != nil {
				return
			}
		}
	}()
}

// wait returns once everything queued is compiled (or given up), and the
// trees remember the files that do not compile. It returns what it knows
// of the trees' byte code, for compile (nil without a precompiler).
func (pc *precompiler) wait() *pycDirs {
	if pc == nil {
		return nil
	}
	pc.feeders.Wait()
	_ = pc.pool.wait() // compile redoes what failed otherwise
	pc.failed.save(pc.tag)
	return &pc.pycs
}

// stop abandons what is still queued and waits for the workers to end.
func (pc *precompiler) stop() {
	if pc == nil {
		return
	}
	pc.cancel()
	pc.wait()
}

// compileJob is one source file of results[dist]. treeSrc, when set, is
// the cache tree's file that src is (member of tree); treePyc and pyc are
// the .pyc paths of treeSrc and src. inTree says src's directory is the
// tree's (a symlinked package): pyc is treePyc reached through the link.
// cached says treePyc exists, and known is its hash if the tree
// remembers one; problem, that the tree remembers that treeSrc does not
// compile, and why.
type compileJob struct {
	dist                  int
	src                   string
	tree                  *cache.Tree
	member                string
	treeSrc, treePyc, pyc string
	inTree, cached        bool
	known                 cache.PycHash
	problem               string
}

// compileWindow is how many files a worker's interpreter is given ahead.
const compileWindow = 16

// readAnswers reads the worker's answer to each job of inflight, in order,
// and calls done with it; after the interpreter stopped it only drains.
func readAnswers(br *bufio.Reader, inflight <-chan compileJob, done func(j compileJob, a compileAnswer)) error {
	var err error
	for j := range inflight {
		if err != nil {
			continue
		}
		answer, rerr := br.ReadString('\n')
		if rerr != nil {
			err = errors.New("the interpreter worker stopped")
			continue
		}
		answer = strings.TrimSuffix(answer, "\n")
		if p, ok := strings.CutPrefix(answer, "!"); ok {
			done(j, compileAnswer{problem: p, invalid: true})
		} else if p, ok := strings.CutPrefix(answer, "?"); ok {
			done(j, compileAnswer{problem: p})
		} else if p, ok := strings.CutPrefix(answer, "="); ok {
			j.treeSrc, j.treePyc = "", "" // compiled in place
			done(j, compileAnswer{pyc: p})
		} else {
			done(j, compileAnswer{pyc: answer})
		}
	}
	return err
}

// compileWorker runs one interpreter and feeds it the jobs of ch until ch
// closes; done is called with each answer. A worker that dies fails.
func (in *Installer) compileWorker(ctx context.Context, ch <-chan compileJob, done func(j compileJob, a compileAnswer)) error {
	cmd := exec.CommandContext(ctx, in.Python.Executable, "-I", "-c", compileWorker)
	// A worker that cannot start still drains ch: the feeder must not
	// wait for it.
	drain := func(err error) error {
		for range ch {
		}
		return err
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return drain(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return drain(err)
	}
	if err := cmd.Start(); err != nil {
		return drain(err)
	}
	// Jobs are written up to compileWindow ahead of their answers, so the
	// interpreter does not wait for this process to be scheduled between
	// two files (its threads may be busy unpacking other wheels).
	inflight := make(chan compileJob, compileWindow)
	readErr := make(chan error, 1)
	go func() { readErr <- readAnswers(bufio.NewReader(stdout), inflight, done) }()
	var werr error
	for j := range ch {
		if werr != nil {
			continue // drain
		}
		line := j.src
		if j.treeSrc != "" {
			line = j.treeSrc + "\x00" + j.src
		}
		if _, err := io.WriteString(stdin, line+"\n"); err != nil {
			werr = err
			continue
		}
		inflight <- j
	}
	close(inflight)
	if rerr := <-readErr; werr == nil {
		werr = rerr
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil && werr == nil {
		werr = err
	}
	return werr
}
