// Command gen writes the wheel fixtures of testdata/wheels: demo wheels the
// README uses, and hostile wheels under hostile/. The wheels are described
// in internal/wheeltest; never edit the .whl files by hand, change the specs
// and run `go generate ./wheel` instead.
//
// Usage:
//
//	go run ./testdata/wheels/gen -o testdata/wheels
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/pkginstall/pkginstall/internal/wheeltest"
)

func main() {
	out := flag.String("o", ".", "directory to write the fixtures into")
	flag.Parse()
	if flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: gen [-o DIR]")
		os.Exit(2)
	}
	if err := wheeltest.WriteFixtures(*out); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
