package installer

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/pkginstall/pkginstall/scheme"
)

// compileWorker is the program of one byte-compiling worker: it reads
// source paths on stdin, one a line, compiles each as pip does
// (compileall.compile_file with force=True: the default invalidation mode,
// which is checked-hash when SOURCE_DATE_EPOCH is set, else timestamp),
// and answers each line with the .pyc path, or "!" and the error.
const compileWorker = `
import sys, py_compile, importlib.util
mode = py_compile._get_default_invalidation_mode()
for line in sys.stdin:
    src = line.rstrip("\n")
    try:
        out = py_compile.compile(src, doraise=True, invalidation_mode=mode)
        sys.stdout.write((out or "") + "\n")
    except Exception as e:
        sys.stdout.write("!" + str(e).replace("\n", " ") + "\n")
    sys.stdout.flush()
`

// compile byte-compiles the .py files under lib/ that the results
// installed, with a small pool of long-lived interpreter workers, and adds
// the .pyc files to each distribution's RECORD (as pip does). A file that
// does not compile is a warning, as with pip.
func (in *Installer) compile(ctx context.Context, results []*scheme.Result) error {
	var jobs []compileJob
	libPrefix := in.Paths.Lib + string(filepath.Separator)
	for i, r := range results {
		for _, f := range r.Files {
			if strings.HasSuffix(f, ".py") && strings.HasPrefix(f, libPrefix) && !strings.ContainsAny(f, "\n\r") {
				jobs = append(jobs, compileJob{i, f})
			}
		}
	}
	if len(jobs) == 0 {
		return nil
	}
	workers := min(runtime.NumCPU(), len(jobs)) // all cores: byte-compiling is CPU-bound
	pycs := make([][]string, len(results))
	var mu sync.Mutex
	ch := make(chan compileJob)
	errc := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errc <- in.compileWorker(ctx, ch, func(j compileJob, pyc, problem string) {
				if problem != "" {
					in.Reporter.Warn(fmt.Sprintf("cannot byte-compile %s: %s", j.src, problem))
					return
				}
				if pyc != "" {
					mu.Lock()
					pycs[j.dist] = append(pycs[j.dist], pyc)
					mu.Unlock()
				}
			})
		}()
	}
	var sendErr error
feed:
	for _, j := range jobs {
		select {
		case ch <- j:
		case <-ctx.Done():
			sendErr = ctx.Err()
			break feed
		}
	}
	close(ch)
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil && sendErr == nil {
			sendErr = err
		}
	}
	if sendErr != nil {
		return fmt.Errorf("byte-compiling: %w", sendErr)
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

// compileJob is one source file of results[dist].
type compileJob struct {
	dist int
	src  string
}

// compileWorker runs one interpreter and feeds it the jobs of ch until ch
// closes; done is called with each answer. A worker that dies fails.
func (in *Installer) compileWorker(ctx context.Context, ch <-chan compileJob, done func(j compileJob, pyc, problem string)) error {
	cmd := exec.CommandContext(ctx, in.Python.Executable, "-I", "-c", compileWorker)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	br := bufio.NewReader(stdout)
	var werr error
	for j := range ch {
		if werr != nil {
			continue // drain
		}
		if _, err := io.WriteString(stdin, j.src+"\n"); err != nil {
			werr = err
			continue
		}
		line, err := br.ReadString('\n')
		if err != nil {
			werr = errors.New("the interpreter worker stopped")
			continue
		}
		line = strings.TrimSuffix(line, "\n")
		if p, ok := strings.CutPrefix(line, "!"); ok {
			done(j, "", p)
		} else {
			done(j, line, "")
		}
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil && werr == nil {
		werr = err
	}
	return werr
}
