//go:build !unix

package hook

import "os"

// checkDir only checks that the hook directory exists: ownership and modes
// are Unix ideas.
func checkDir(dir string) error {
	_, err := os.Stat(dir)
	return err
}
