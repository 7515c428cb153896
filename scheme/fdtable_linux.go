package scheme

import (
	"sync"

	"golang.org/x/sys/unix"
)

var reserveOnce sync.Once

// reserveHandles grows the process's descriptor table once, in the
// background, to hold the directory handles a run may keep open
// (handleBudget) and the descriptors it opens besides.
//
// Linux grows the table as descriptors are opened, by doubling (64, 128,
// 256, ... entries), and in a multi-threaded process every growth waits
// for an RCU grace period (synchronize_rcu in expand_fdtable) while each
// openat that needs the new room waits for it: on the 55-distribution
// warm install, which keeps ~2,700 staging directories open, five
// growths of 8-18 ms each, with both cores idle (the "wall that is
// neither CPU nor I/O"). One growth, started by a goroutine of its own as
// the transaction begins, blocks only the openat calls that outrun it.
func reserveHandles() {
	reserveOnce.Do(func() {
		if n := handleBudget(); n > 0 {
			go func() { _ = growDescriptorTable(n + 256) }()
		}
	})
}

// growDescriptorTable makes the descriptor table hold descriptor n, by
// duplicating one at n or above and closing the copy. F_DUPFD takes the
// lowest free descriptor at or above n, so it never replaces one that is
// open; the table never shrinks.
func growDescriptorTable(n int) error {
	fd, err := unix.FcntlInt(uintptr(2), unix.F_DUPFD_CLOEXEC, n)
	if err != nil {
		return err
	}
	return unix.Close(fd)
}
