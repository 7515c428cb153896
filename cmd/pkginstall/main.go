// Command pkginstall installs Python packages into a project-local
// __pypackages__ directory. See README.md and the SPEC for the contract.
//
// main is a thin adapter: all behaviour lives in internal/cli, which returns
// the exit status (0 success, 1 failure, 2 usage error) instead of exiting.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/pkginstall/pkginstall/internal/cli"
	"github.com/pkginstall/pkginstall/internal/phase"
)

func main() {
	tuneGC()
	// PKGINSTALL_PHASES=FILE writes the wall time of each phase of the run
	// (resolve, download, unpack, link, compile) as JSON: the benchmark's
	// phase breakdown.
	if path := os.Getenv("PKGINSTALL_PHASES"); path != "" {
		phase.Enable()
	}
	// PKGINSTALL_CPUPROFILE=FILE writes a CPU profile of the run, for
	// contributors chasing speed (go tool pprof FILE).
	if path := os.Getenv("PKGINSTALL_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
			code := run()
			pprof.StopCPUProfile()
			f.Close()
			exit(code)
		}
	}
	exit(run())
}

// exit writes the phase file, if asked for, and exits.
func exit(code int) {
	if path := os.Getenv("PKGINSTALL_PHASES"); path != "" {
		_ = phase.WriteFile(path) // diagnostics only: a failure changes nothing
	}
	os.Exit(code)
}

func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args, cli.Env{
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Getenv: os.Getenv,
	})
	stop()
	return code
}
