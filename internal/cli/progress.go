package cli

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/pkginstall/pkginstall/internal/installer"
	"github.com/pkginstall/pkginstall/internal/printable"
)

// largeFile is the size from which a download gets a bar of its own in the
// progress display (smaller ones only count in the phase's bar).
const largeFile = 512 << 10

// wantProgress says whether a run shows the live progress display: only
// when stderr is a terminal, never in CI logs (CI set), on a dumb terminal,
// with -q or with --no-progress. NO_COLOR needs nothing: the display has no
// colour.
func wantProgress(g *Globals, u *ui, getenv func(string) string) bool {
	return !g.NoProgress && !g.Quiet && getenv("CI") == "" && getenv("TERM") != "dumb" && isTerminal(u.stderr)
}

// progressReporter is the text reporter plus one live display per long
// phase (resolve, prepare: a bar for the packages, bytes received and a bar
// per large download, install). A phase's display is removed when it ends,
// and the text reporter's summary line takes its place, so what stays on
// the screen is what a run without a terminal prints.
type progressReporter struct {
	*textReporter

	mu       sync.Mutex
	p        *mpb.Progress
	bars     []*mpb.Bar
	main     *mpb.Bar
	files    map[*installer.Candidate]*mpb.Bar
	received map[*installer.Candidate]int64
	bytes    atomic.Int64
}

func newProgressReporter(u *ui) *progressReporter {
	r := &progressReporter{textReporter: &textReporter{u: u}}
	u.setLive(r)
	return r
}

// start replaces the current display with a new one holding a spinner or
// bar named title (a bar when total > 0).
func (r *progressReporter) start(title string, total int64, extra ...decor.Decorator) {
	r.stop()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.p = mpb.New(mpb.WithOutput(r.u.stderr), mpb.WithWidth(32), mpb.WithRefreshRate(80*time.Millisecond))
	r.files = map[*installer.Candidate]*mpb.Bar{}
	r.received = map[*installer.Candidate]int64{}
	r.bytes.Store(0)
	name := mpb.PrependDecorators(decor.Name(title, decor.WC{C: decor.DindentRight | decor.DextraSpace}))
	if total > 0 {
		r.main = r.p.AddBar(total, name, mpb.BarRemoveOnComplete(), mpb.AppendDecorators(extra...))
	} else {
		r.main = r.p.AddSpinner(0, name, mpb.AppendDecorators(decor.Elapsed(decor.ET_STYLE_GO)))
	}
	r.bars = []*mpb.Bar{r.main}
}

// stop removes the current display, if any, from the screen.
func (r *progressReporter) stop() {
	r.mu.Lock()
	p, bars := r.p, r.bars
	r.p, r.bars, r.main = nil, nil, nil
	r.mu.Unlock()
	if p == nil {
		return
	}
	for _, b := range bars {
		b.Abort(true)
	}
	p.Wait()
}

// Write prints lines above the live display (the ui's lines while one is
// shown); it reports false when there is no display.
func (r *progressReporter) write(b []byte) bool {
	r.mu.Lock()
	p := r.p
	r.mu.Unlock()
	if p == nil {
		return false
	}
	_, err := p.Write(b)
	return err == nil
}

func (r *progressReporter) Resolving() { r.start("Resolving", 0) }

func (r *progressReporter) Resolved(n int, d time.Duration) {
	r.stop()
	r.textReporter.Resolved(n, d)
}

func (r *progressReporter) Preparing(changes []installer.Change) {
	bytes := decor.Any(func(decor.Statistics) string {
		return fmt.Sprintf("  %s received", fmtBytes(r.bytes.Load()))
	})
	r.start("Preparing", int64(len(changes)), decor.CountersNoUnit("%d/%d packages", decor.WCSyncSpace), bytes)
}

func (r *progressReporter) Downloading(c *installer.Candidate, received, size int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.p == nil {
		return
	}
	r.bytes.Add(received - r.received[c])
	r.received[c] = received
	b := r.files[c]
	if b == nil && size >= largeFile {
		b = r.p.AddBar(size, mpb.BarRemoveOnComplete(),
			mpb.PrependDecorators(decor.Name("  "+printable.Terminal(c.File.Filename), decor.WC{C: decor.DindentRight | decor.DextraSpace})),
			mpb.AppendDecorators(decor.CountersKibiByte("% .1f / % .1f")))
		r.files[c] = b
		r.bars = append(r.bars, b)
	}
	if b != nil {
		b.SetCurrent(received)
	}
}

func (r *progressReporter) Fetched(c *installer.Candidate, cached bool) {
	r.mu.Lock()
	if b := r.files[c]; b != nil {
		b.SetTotal(-1, true)
	}
	if r.main != nil {
		r.main.Increment()
	}
	r.mu.Unlock()
	r.textReporter.Fetched(c, cached)
}

func (r *progressReporter) Prepared(n int, d time.Duration) {
	r.stop()
	r.textReporter.Prepared(n, d)
}

func (r *progressReporter) Installing(n int) {
	r.start(fmt.Sprintf("Installing %d package%s", n, plural(n)), 0)
}

func (r *progressReporter) Installed(changes []installer.Change, d time.Duration) {
	r.stop()
	r.textReporter.Installed(changes, d)
}

func (r *progressReporter) Plan(changes []installer.Change, dryRun bool) {
	r.stop()
	r.textReporter.Plan(changes, dryRun)
}

// fmtBytes is n in B, KiB or MiB, for the display.
func fmtBytes(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
}

var (
	_ installer.PhaseReporter = (*textReporter)(nil)
	_ installer.PhaseReporter = (*progressReporter)(nil)
)
