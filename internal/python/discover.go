package python

import (
	"context"
	"fmt"
	"os"
)

// FindSatisfying returns the first interpreter that accept takes (it
// returns "" for one it takes, else why not), looking at first (the
// default command, "python3"), then python3.X on PATH and pyenv's
// CPython versions, newest first. want describes what is wanted, for the
// error when nothing fits ("a Python that satisfies >=3.12").
func FindSatisfying(ctx context.Context, first, want string, accept func(*Info) string, cacheDir string) (*Info, error) {
	sr := newSearch(ctx, want, cacheDir)
	var paths []string
	paths = append(paths, lookPathAll(first)...)
	for minor := 20; minor >= 6; minor-- {
		paths = append(paths, lookPathAll(fmt.Sprintf("python3.%d", minor))...)
	}
	paths = append(paths, pyenvCandidates(os.Getenv, versionSpec{impl: "cpython", major: 3, minor: -1, micro: -1})...)
	for _, p := range paths {
		info, err := sr.try(p, accept)
		if info != nil || err != nil {
			return info, err
		}
	}
	return nil, sr.nf
}
