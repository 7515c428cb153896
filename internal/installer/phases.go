package installer

import (
	"context"
	"time"

	"github.com/pkginstall/pkginstall/index"
)

// PhaseReporter is what a Reporter may also implement to follow the long
// phases of a run (a progress display, the summary's phase times). A
// Reporter that does not implement it only gets the Reporter events.
type PhaseReporter interface {
	Resolving()                                     // Plan begins
	Preparing(changes []Change)                     // these distributions are fetched, verified and unpacked
	Downloading(c *Candidate, received, size int64) // bytes of c's wheel received so far from the network, of size (0: unknown)
	Prepared(n int, d time.Duration)                // every changed distribution is ready
	Installing(n int)                               // the transaction of n distributions begins
}

type nopPhases struct{}

func (nopPhases) Resolving()                           {}
func (nopPhases) Preparing([]Change)                   {}
func (nopPhases) Downloading(*Candidate, int64, int64) {}
func (nopPhases) Prepared(int, time.Duration)          {}
func (nopPhases) Installing(int)                       {}

// phases is the Reporter's PhaseReporter, or one that ignores everything.
func (in *Installer) phases() PhaseReporter {
	if p, ok := in.Reporter.(PhaseReporter); ok {
		return p
	}
	return nopPhases{}
}

// withDownloadProgress makes the downloads of c under ctx report their
// bytes as Downloading events.
func (in *Installer) withDownloadProgress(ctx context.Context, c *Candidate) context.Context {
	ph := in.phases()
	if _, nop := ph.(nopPhases); nop {
		return ctx
	}
	return index.WithProgress(ctx, func(n, size int64) { ph.Downloading(c, n, size) })
}
