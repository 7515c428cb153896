//go:build !linux

package scheme

// reserveHandles does nothing here: growing the descriptor table costs
// an RCU grace period per step on Linux only.
func reserveHandles() {}
