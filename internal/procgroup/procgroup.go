// Package procgroup owns how the benchmarks start a child so that it does
// not outlive them: DieWithParent asks the kernel to end the child when
// this process dies (Linux's parent-death signal; nothing elsewhere), and
// Own runs the child in a process group of its own, ended as a whole on
// cancel (Unix; on Windows the child alone), with a bounded wait for its
// output pipes. Test and benchmark support, not part of the tool.
package procgroup

import (
	"os/exec"
	"time"
)

// Own runs cmd in a process group of its own and ends the whole group on
// cancel, so that a timeout or an interrupt ends the command together with
// whatever it started; it also bounds the wait for cmd's output pipes.
// It includes DieWithParent.
func Own(cmd *exec.Cmd) {
	DieWithParent(cmd)
	ownGroup(cmd)
	cmd.WaitDelay = 5 * time.Second
}
