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
// and answers each line with the .pyc path, or "!" and the error. py_compile
// writes the .pyc atomically (a temporary file renamed into place). A line
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
    except Exception as e:
        sys.stdout.write("!" + str(e).replace("\n", " ") + "\n")
    sys.stdout.flush()
`

// compile byte-compiles the .py files under lib/ that the results
// installed and adds the .pyc files to each distribution's RECORD (as pip
// does). A file that does not compile is a warning, as with pip.
//
// Byte code is cached with the unpacked tree: a .py file that is a hard
// link of a cache tree's file (the same inode, so the same content and
// mtime, which a timestamp .pyc records) is compiled once, in the tree
// (its __pycache__, which the interpreter would write next to it), and the
// .pyc is hard-linked into lib/; a later --compile install from the tree
// only links. Anything else (a copy, a clone, no cache, an interpreter
// other than CPython) is compiled in place, with a small pool of
// long-lived interpreter workers.
func (in *Installer) compile(ctx context.Context, results []*scheme.Result, sources []scheme.Source) error {
	jobs, cached := in.compileJobs(results, sources)
	if len(jobs) == 0 {
		return nil
	}
	pycs := make([][]string, len(results))
	var mu sync.Mutex
	var toCompile []compileJob
	var g errgroup.Group
	g.SetLimit(2 * runtime.GOMAXPROCS(0))
	for _, j := range jobs {
		if j.treePyc == "" {
			toCompile = append(toCompile, j)
			continue
		}
		if cached[j.treePyc] {
			g.Go(func() error { return linkPyc(j, j.treePyc, &mu, pycs) })
			continue
		}
		// Compile the tree's file: the worker writes the tree's .pyc.
		toCompile = append(toCompile, j)
	}
	err := in.runCompileWorkers(ctx, toCompile, func(j compileJob, pyc string) error {
		if j.treePyc == "" {
			mu.Lock()
			pycs[j.dist] = append(pycs[j.dist], pyc)
			mu.Unlock()
			return nil
		}
		return linkPyc(j, pyc, &mu, pycs)
	})
	if werr := g.Wait(); err == nil {
		err = werr
	}
	if err != nil {
		return fmt.Errorf("byte-compiling: %w", err)
	}
	for i, r := range results {
		if len(pycs[i]) == 0 {
			continue
		}
		if err := scheme.AddToRecord(in.Paths, r.DistInfo, pycs[i]); err != nil {
			return fmt.Errorf("byte-compiling %s: %w", r.Project, err)
		}
	}
	return nil
}

// compileJobs lists the .py files of lib/ the results installed; a file
// linked from a cache tree gets the tree's .pyc path, and cached says
// which of those exist already.
func (in *Installer) compileJobs(results []*scheme.Result, sources []scheme.Source) (jobs []compileJob, cached map[string]bool) {
	libPrefix := in.Paths.Lib + string(filepath.Separator)
	tag := in.cacheTag()
	cached = map[string]bool{}
	for i, r := range results {
		var tree *cache.Tree
		if i < len(sources) && tag != "" {
			tree, _ = sources[i].(*cache.Tree)
		}
		for _, f := range r.Files {
			if !strings.HasSuffix(f, ".py") || !strings.HasPrefix(f, libPrefix) || strings.ContainsAny(f, "\n\r") {
				continue
			}
			j := compileJob{dist: i, src: f}
			if tree != nil {
				if treeSrc := tree.Path(filepath.ToSlash(strings.TrimPrefix(f, libPrefix))); sameFile(f, treeSrc) {
					j.treeSrc, j.treePyc, j.pyc = treeSrc, pycPath(treeSrc, tag), pycPath(f, tag)
					j.inTree = sameDir(filepath.Dir(f), filepath.Dir(treeSrc))
					if fi, err := os.Lstat(j.treePyc); err == nil && fi.Mode().IsRegular() {
						cached[j.treePyc] = true
					}
				}
			}
			jobs = append(jobs, j)
		}
	}
	return jobs, cached
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

// sameFile reports whether a and b are one file (a hard link).
func sameFile(a, b string) bool { return same(os.Lstat, a, b) }

// sameDir reports whether directories a and b are one (b reached through
// a symlink of lib/, say).
func sameDir(a, b string) bool { return same(os.Stat, a, b) }

// same reports whether stat finds a and b to be one file.
func same(stat func(string) (os.FileInfo, error), a, b string) bool {
	fa, err := stat(a)
	if err != nil {
		return false
	}
	fb, err := stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// linkPyc hard-links the tree's byte code treePyc as j's .pyc and records
// it for RECORD. Under a symlinked package (--link-mode symlink) the .pyc
// is already there: it is only recorded.
func linkPyc(j compileJob, treePyc string, mu *sync.Mutex, pycs [][]string) error {
	if j.inTree {
		mu.Lock()
		pycs[j.dist] = append(pycs[j.dist], j.pyc)
		mu.Unlock()
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(j.pyc), 0o755); err != nil {
		return err
	}
	err := os.Link(treePyc, j.pyc)
	if errors.Is(err, fs.ErrExist) {
		// Left by an earlier install: replace the entry, never its inode.
		tmp := j.pyc + ".pkginstall-tmp"
		_ = os.Remove(tmp)
		if err = os.Link(treePyc, tmp); err == nil {
			err = os.Rename(tmp, j.pyc)
		}
	}
	if err != nil {
		return err
	}
	mu.Lock()
	pycs[j.dist] = append(pycs[j.dist], j.pyc)
	mu.Unlock()
	return nil
}

// runCompileWorkers compiles jobs (each job's tree file when it has one)
// with one interpreter worker per CPU and calls done with each .pyc
// written; a file that does not compile is a warning.
func (in *Installer) runCompileWorkers(ctx context.Context, jobs []compileJob, done func(j compileJob, pyc string) error) error {
	if len(jobs) == 0 {
		return nil
	}
	pool := in.startCompilePool(ctx, min(runtime.NumCPU(), len(jobs)), func(j compileJob, pyc, problem string) error {
		if problem != "" {
			in.Reporter.Warn(fmt.Sprintf("cannot byte-compile %s: %s", j.src, problem))
			return nil
		}
		if pyc == "" {
			return nil
		}
		return done(j, pyc)
	})
	var sendErr error
	for _, j := range jobs {
		if sendErr = pool.add(ctx, j); sendErr != nil {
			break
		}
	}
	return cmp.Or(sendErr, pool.wait())
}

// compilePool is a pool of interpreter workers (all cores: byte-compiling
// is CPU-bound), fed with add until wait.
type compilePool struct {
	ch   chan compileJob
	wg   sync.WaitGroup
	once sync.Once
	mu   sync.Mutex
	err  error
}

// startCompilePool starts workers interpreter workers; done gets each
// answer, and its first error is the pool's.
func (in *Installer) startCompilePool(ctx context.Context, workers int, done func(j compileJob, pyc, problem string) error) *compilePool {
	p := &compilePool{ch: make(chan compileJob)}
	for range workers {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.fail(in.compileWorker(ctx, p.ch, func(j compileJob, pyc, problem string) {
				p.fail(done(j, pyc, problem))
			}))
		}()
	}
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
// their byte code cached and only links it. A file it cannot compile is
// left to compile, which compiles it again and warns.
type precompiler struct {
	pool    *compilePool
	ctx     context.Context
	cancel  context.CancelFunc
	tag     string
	feeders sync.WaitGroup
}

// startPrecompile is the run's precompiler, or nil when the run does not
// compile or byte code is not cached with trees (see compile).
func (in *Installer) startPrecompile(ctx context.Context) *precompiler {
	tag := in.cacheTag()
	if !in.Compile || tag == "" || in.CacheDir == "" {
		return nil
	}
	pctx, cancel := context.WithCancel(ctx)
	pc := &precompiler{ctx: pctx, cancel: cancel, tag: tag}
	pc.pool = in.startCompilePool(pctx, runtime.NumCPU(), func(compileJob, string, string) error { return nil })
	return pc
}

// tree queues the .py files of t that go to lib/ and have no byte code
// in the tree yet.
func (pc *precompiler) tree(t *cache.Tree) {
	if pc == nil {
		return
	}
	pc.feeders.Add(1)
	go func() {
		defer pc.feeders.Done()
		defer phase.Start(phase.Compile)()
		data := t.DataDir() + "/"
		for _, f := range t.Files() {
			if !strings.HasSuffix(f.Name, ".py") || strings.HasPrefix(f.Name, data) || strings.ContainsAny(f.Name, "\n\r\x00") {
				continue
			}
			src := t.Path(f.Name)
			if _, err := os.Lstat(pycPath(src, pc.tag)); err == nil {
				continue
			}
			if pc.pool.add(pc.ctx, compileJob{src: src}) != nil {
				return
			}
		}
	}()
}

// wait returns once everything queued is compiled (or given up).
func (pc *precompiler) wait() {
	if pc == nil {
		return
	}
	pc.feeders.Wait()
	_ = pc.pool.wait() // compile redoes and reports what failed here
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
// the cache tree's file that src is a hard link of; treePyc and pyc are
// the .pyc paths of treeSrc and src. inTree says src's directory is the
// tree's (a symlinked package): pyc is treePyc reached through the link.
type compileJob struct {
	dist                  int
	src                   string
	treeSrc, treePyc, pyc string
	inTree                bool
}

// compileWindow is how many files a worker's interpreter is given ahead.
const compileWindow = 16

// readAnswers reads the worker's answer to each job of inflight, in order,
// and calls done with it; after the interpreter stopped it only drains.
func readAnswers(br *bufio.Reader, inflight <-chan compileJob, done func(j compileJob, pyc, problem string)) error {
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
			done(j, "", p)
		} else if p, ok := strings.CutPrefix(answer, "="); ok {
			j.treeSrc, j.treePyc = "", "" // compiled in place
			done(j, p, "")
		} else {
			done(j, answer, "")
		}
	}
	return err
}

// compileWorker runs one interpreter and feeds it the jobs of ch until ch
// closes; done is called with each answer. A worker that dies fails.
func (in *Installer) compileWorker(ctx context.Context, ch <-chan compileJob, done func(j compileJob, pyc, problem string)) error {
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
