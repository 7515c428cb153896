//go:build !windows

package python

import (
	"context"
	"os"
	"path/filepath"
)

// defaultSpec is what Default falls back to.
const defaultSpec = "python3"

// storeStub is false: only Windows has the Store's alias stubs.
func storeStub(string) bool { return false }

// pyenvDefaultRoot is pyenv's root: %PYENV_ROOT%, else ~/.pyenv.
func pyenvDefaultRoot(getenv func(string) string) string {
	if r := getenv("PYENV_ROOT"); r != "" {
		return r
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".pyenv")
}

// platformCandidates has nothing beyond PATH and pyenv here.
func platformCandidates(context.Context) []string { return nil }
