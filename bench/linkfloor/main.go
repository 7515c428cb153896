// Command linkfloor measures the floor of issue 17's package-level link
// mode, which pkginstall does not have: a copy of a finished
// __pypackages__/X.Y made with one symlink per top-level directory of lib/
// (every .dist-info directory, and everything outside lib/, hard-linked
// file by file), against a copy hard-linked file by file (the work of
// cp -al, and of a warm install today). It only measures; it installs
// nothing.
//
//	go run ./bench/linkfloor SRC DIR [ROUNDS]
//
// SRC is a finished __pypackages__/X.Y (bench -keep leaves them); DIR a
// scratch directory on the same file system, emptied first. Runs
// alternate; each prints its time and the links and symlinks it made.
package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: linkfloor SRC DIR [ROUNDS]")
		os.Exit(2)
	}
	src, dir, rounds := os.Args[1], os.Args[2], 3
	if len(os.Args) > 3 {
		n, err := strconv.Atoi(os.Args[3])
		if err != nil || n < 1 {
			fmt.Fprintln(os.Stderr, "error: ROUNDS must be a positive number")
			os.Exit(2)
		}
		rounds = n
	}
	for r := 1; r <= rounds; r++ {
		for _, mode := range []string{"per-file", "per-package"} {
			dst := filepath.Join(dir, mode)
			if err := os.RemoveAll(dst); err != nil {
				fail(err)
			}
			start := time.Now()
			n, err := copyAs(mode, src, dst)
			if err != nil {
				fail(err)
			}
			fmt.Printf("round %d %s: %d links in %v\n", r, mode, n, time.Since(start).Round(time.Microsecond))
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "error:", err)
	os.Exit(1)
}

// copyAs makes dst a copy of src, per file or per package.
func copyAs(mode, src, dst string) (int, error) {
	if mode == "per-file" {
		return linkTree(src, dst)
	}
	return linkEach(src, dst, func(e fs.DirEntry, s, t string) (int, error) {
		if e.Name() == "lib" && e.IsDir() {
			return linkEach(s, t, linkPackage)
		}
		return linkTree(s, t)
	})
}

// linkPackage places one entry of lib: a symlink for a top-level
// directory but a .dist-info one, which is linked file by file as a
// top-level file is.
func linkPackage(e fs.DirEntry, s, t string) (int, error) {
	if e.IsDir() && !strings.HasSuffix(e.Name(), ".dist-info") {
		return 1, os.Symlink(s, t)
	}
	return linkTree(s, t)
}

// linkEach makes the directory dst and places each entry of src with one.
func linkEach(src, dst string, one func(e fs.DirEntry, s, t string) (int, error)) (int, error) {
	if err := os.Mkdir(dst, 0o755); err != nil {
		return 0, err
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range ents {
		k, err := one(e, filepath.Join(src, e.Name()), filepath.Join(dst, e.Name()))
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// linkTree hard-links every file under src into dst, creating its
// directories (src may be a single file).
func linkTree(src, dst string) (int, error) {
	n := 0
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		t := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.Mkdir(t, 0o755)
		}
		n++
		return os.Link(p, t)
	})
	return n, err
}
