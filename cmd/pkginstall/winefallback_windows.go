//go:build winefallback

package main

import _ "unsafe" // for go:linkname

// Test set-up for the wine end-to-end test only (built with -tags
// winefallback -ldflags=-checklinkname=0 by .ci/wine.sh and
// TestWindowsBinaryUnderWine; never in a release): Debian's wine 8.0 lacks
// FileDispositionInformationEx, so os.Root removals fail there with
// "Invalid function". Go's own fallback for older Windows
// (FileDispositionInformation) works under wine; this switch makes Go use
// it. Real Windows needs nothing of the kind.
//
//go:linkname deleteatFallback internal/syscall/windows.TestDeleteatFallback
var deleteatFallback bool

func init() { deleteatFallback = true }
