package scheme

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// fdSize is the size of this process's descriptor table (FDSize in
// /proc/self/status).
func fdSize(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "FDSize:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Skip("no FDSize in /proc/self/status")
	return 0
}

func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip(err)
	}
	return len(ents)
}

// TestGrowDescriptorTable: the table grows in one step to hold the
// descriptor asked for, no descriptor stays open, and a descriptor open at
// the number asked for is left alone.
func TestGrowDescriptorTable(t *testing.T) {
	// Beyond what the table holds now: the package's other tests began
	// transactions, which grew it (reserveHandles) before this one runs.
	want := fdSize(t) + 500
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil || rl.Cur <= uint64(want) {
		t.Skip("RLIMIT_NOFILE too low")
	}
	before := openFDs(t)
	if err := growDescriptorTable(want); err != nil {
		t.Fatal(err)
	}
	if got := fdSize(t); got <= want {
		t.Errorf("descriptor table holds %d, want more than %d", got, want)
	}
	if after := openFDs(t); after != before {
		t.Errorf("%d descriptors open after, %d before", after, before)
	}

	f, err := os.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	at := want - 10
	if err := unix.Dup3(int(f.Fd()), at, unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(at)
	if err := growDescriptorTable(at); err != nil {
		t.Fatal(err)
	}
	var a, b unix.Stat_t
	if unix.Fstat(at, &a) != nil || unix.Fstat(int(f.Fd()), &b) != nil || a.Ino != b.Ino || a.Dev != b.Dev {
		t.Errorf("descriptor %d no longer refers to %s", at, f.Name())
	}
}
