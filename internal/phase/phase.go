// Package phase measures where the wall time of one run goes (resolve,
// download, unpack, link, compile), for the benchmark and for contributors
// chasing speed: PKGINSTALL_PHASES=FILE makes cmd/pkginstall write the
// measurements as JSON at exit. It is a leaf.
//
// Rules it owns: measuring is off unless Enable was called, and then costs
// one clock read and a mutex per span; a phase's "wall" is the time from
// its first span's start to its last span's end (spans of one phase run in
// parallel, and phases overlap: downloads and unpacking interleave), its
// "busy" the sum of its spans.
package phase

import (
	"encoding/json"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// The phases of an install.
const (
	Resolve  = "resolve"
	Download = "download"
	Unpack   = "unpack"
	Link     = "link"
	Compile  = "compile"
)

// Stat is what was measured of one phase, in seconds.
type Stat struct {
	Wall  float64 `json:"wall_s"`
	Busy  float64 `json:"busy_s"`
	Spans int     `json:"spans"`
	// Start is when the phase began, after the run began.
	Start float64 `json:"start_s"`
}

var (
	enabled atomic.Bool
	mu      sync.Mutex
	begin   time.Time
	spans   = map[string]*span{}
)

type span struct {
	first, last time.Time
	busy        time.Duration
	n           int
}

// Enable starts measuring; the run's clock starts now.
func Enable() {
	mu.Lock()
	begin = time.Now()
	mu.Unlock()
	enabled.Store(true)
}

// Start begins one span of phase name; calling the result ends it.
func Start(name string) (end func()) {
	if !enabled.Load() {
		return func() {}
	}
	t0 := time.Now()
	return func() {
		t1 := time.Now()
		mu.Lock()
		defer mu.Unlock()
		s := spans[name]
		if s == nil {
			s = &span{first: t0}
			spans[name] = s
		}
		if t0.Before(s.first) {
			s.first = t0
		}
		if t1.After(s.last) {
			s.last = t1
		}
		s.busy += t1.Sub(t0)
		s.n++
	}
}

// Stats are the phases measured so far, by name.
func Stats() map[string]Stat {
	mu.Lock()
	defer mu.Unlock()
	out := make(map[string]Stat, len(spans))
	for name, s := range spans {
		out[name] = Stat{Wall: s.last.Sub(s.first).Seconds(), Busy: s.busy.Seconds(), Spans: s.n, Start: s.first.Sub(begin).Seconds()}
	}
	return out
}

// WriteFile writes Stats as JSON, with the run's total wall time as
// "total".
func WriteFile(path string) error {
	st := Stats()
	mu.Lock()
	st["total"] = Stat{Wall: time.Since(begin).Seconds(), Spans: 1}
	mu.Unlock()
	b, err := json.MarshalIndent(st, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
