package main

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// gcPercent reads the GC percent.
func gcPercent() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}

// TestTuneGC: a run starts with the first collection at gcFreeHeap, and
// that collection restores GOGC=100 (so that a large run collects as
// usual); GOGC in the environment turns the tuning off.
func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(gcPercent())
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	tuneGC()
	if p := gcPercent(); p != 1600 {
		t.Fatalf("before the first collection: GOGC %d", p)
	}
	deadline := time.Now().Add(10 * time.Second)
	for gcPercent() != 100 {
		if time.Now().After(deadline) {
			t.Fatalf("after a collection: GOGC %d", gcPercent())
		}
		runtime.GC() // the finalizer runs after a collection, on its own goroutine
		time.Sleep(10 * time.Millisecond)
	}
	debug.SetGCPercent(50)
	t.Setenv("GOGC", "50")
	tuneGC()
	if p := gcPercent(); p != 50 {
		t.Errorf("with GOGC=50 set: GOGC %d", p)
	}
}
