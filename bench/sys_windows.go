//go:build windows

package main

import "os"

// syncDisks does nothing on Windows: there is no system-wide flush a user
// may call (FlushFileBuffers works on one handle).
func syncDisks() {}

// maxRSS is 0 on Windows: os.ProcessState carries no peak working set
// there, so the report leaves the column empty.
func maxRSS(*os.ProcessState) int64 { return 0 }
