package scheme

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// LinkMode says how files of a LinkSource reach the target.
type LinkMode string

// The link modes. LinkAuto picks, once per (source, target) device pair
// and process, the first that works of clone, hardlink and copy.
// LinkSymlink is opt-in and links whole top-level entries of lib/ (see
// symlink.go); what it cannot link goes file by file as LinkAuto does.
const (
	LinkAuto     LinkMode = ""
	LinkClone    LinkMode = "clone"    // copy-on-write clone (FICLONE)
	LinkHardlink LinkMode = "hardlink" // hard link: shares the cache's inode
	LinkCopy     LinkMode = "copy"     // a plain copy
	LinkSymlink  LinkMode = "symlink"  // one symlink per top-level package of lib/
)

// ParseLinkMode reads a --link-mode value ("auto" or "" is LinkAuto).
func ParseLinkMode(s string) (LinkMode, error) {
	switch LinkMode(s) {
	case LinkClone, LinkHardlink, LinkCopy, LinkSymlink:
		return LinkMode(s), nil
	case "", "auto":
		return LinkAuto, nil
	}
	return "", fmt.Errorf("unknown link mode %q: want clone, hardlink, copy or symlink", s)
}

// LinkSource is a Source whose members are also regular files on disk
// whose content was verified against the wheel's RECORD when they were
// written (an unpacked wheel tree of the cache). Install clones, hard-links
// or copies them instead of streaming them through Open, and trusts their
// declared hashes.
//
// Install never writes into a file it linked: files that must differ from
// the wheel (RECORD, INSTALLER, launchers, "#!python" scripts) are written
// fresh, and upgrades, reinstalls and uninstalls replace or remove
// directory entries (rename, unlink), never content. So pkginstall's own
// operations cannot change the tree behind a LinkSource.
type LinkSource interface {
	Source
	// Path returns the absolute path of member name's file.
	Path(name string) string
}

// CheckedLinkSource is a LinkSource that can tell whether one of its files
// changed since it was written and verified (a program writing in place
// into a hard-linked copy in some __pypackages__ changes the source's
// inode too). Install asks it about every file it places, from one stat,
// and refuses a changed file with a *SourceChangedError.
type CheckedLinkSource interface {
	LinkSource
	// Unchanged reports whether member name, whose file now has size bytes
	// and modification time mtime (Unix nanoseconds), is as written.
	Unchanged(name string, size, mtime int64) bool
}

// FreshSource is a CheckedLinkSource that can say it was written by this
// process for this run (a tree just unpacked): nothing has linked it yet
// that a program could have written through, so Install skips the check
// of its files and the stat it costs.
type FreshSource interface {
	CheckedLinkSource
	Fresh() bool
}

// SealedSource is a CheckedLinkSource that can say its files are
// read-only (cache.Tree.Seal): symlink mode (LinkSymlink) links it without
// checking its files. One that is not sealed yet (hard-linked projects
// could have written into it) has every file checked before it is linked.
type SealedSource interface {
	CheckedLinkSource
	Sealed() bool
}

// SourceChangedError is a file of a CheckedLinkSource that changed since
// it was verified. Nothing was committed; the caller can replace the
// source and run again.
type SourceChangedError struct {
	Project string // "name version"
	Member  string // wheel member name
	Path    string // the source's file
}

// Error names the distribution and the file.
func (e *SourceChangedError) Error() string {
	return fmt.Sprintf("%s: %s changed since it was unpacked (written to through a hard link?)", e.Project, e.Path)
}

// VerifyingSource is a Source whose Open readers check size and sha256
// against RECORD themselves (as wheel.Wheel's do): Install then does not
// hash a file again unless it rewrites it.
type VerifyingSource interface {
	Source
	VerifiesContent() bool
}

// errNoClone stands for a platform without the clone call.
var errNoClone = errors.New("not supported on this platform")

// linkModes remembers the mode that works per (source device, target
// device), so each pair is probed once per process.
var linkModes sync.Map // [2]uint64 -> LinkMode

// linker places LinkSource files into the staging directory in one mode,
// settling the mode with the first file when it is LinkAuto.
type linker struct {
	want   LinkMode // as asked
	key    [2]uint64
	keyed  bool
	mu     sync.Mutex
	chosen LinkMode // LinkAuto until settled
}

func newLinker(want LinkMode, srcPath, stagingAbs string) *linker {
	if want == LinkSymlink {
		want = LinkAuto // what symlink mode links file by file
	}
	l := &linker{want: want}
	if want != LinkAuto {
		l.chosen = want
		return l
	}
	sd, ok1 := devOf(srcPath)
	td, ok2 := devOf(stagingAbs)
	if ok1 && ok2 {
		l.key, l.keyed = [2]uint64{sd, td}, true
		if m, ok := linkModes.Load(l.key); ok {
			l.chosen = m.(LinkMode)
		}
	}
	return l
}

// place makes child name of d hold the content of src (an absolute path).
// A hard link goes through sd, the caller's handle of src's directory
// (nil: by path).
func (l *linker) place(d *dirHandle, sd *sourceDir, src, name string, perm os.FileMode) error {
	l.mu.Lock()
	mode := l.chosen
	if mode != LinkAuto {
		l.mu.Unlock()
		return placeAs(mode, d, sd, src, name, perm)
	}
	defer l.mu.Unlock() // settle under the lock: the first file probes
	for _, m := range []LinkMode{LinkClone, LinkHardlink} {
		err := placeAs(m, d, sd, src, name, perm)
		if err == nil {
			l.settle(m)
			return nil
		}
		if !linkUnsupported(err) {
			return err
		}
	}
	if err := placeAs(LinkCopy, d, sd, src, name, perm); err != nil {
		return err
	}
	l.settle(LinkCopy)
	return nil
}

// mode is the settled mode (LinkAuto before the first file).
func (l *linker) mode() LinkMode {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.chosen
}

func (l *linker) settle(m LinkMode) {
	l.chosen = m
	if l.keyed {
		linkModes.Store(l.key, m)
	}
}

func placeAs(m LinkMode, d *dirHandle, sd *sourceDir, src, name string, perm os.FileMode) error {
	switch m {
	case LinkClone:
		return d.clone(src, name, perm)
	case LinkHardlink:
		return d.linkFrom(sd, src, name)
	default:
		return copyFile(d, src, name, perm)
	}
}

// copyFile copies src into the new child name of d (the kernel copies
// where it can: copy_file_range).
func copyFile(d *dirHandle, src, name string, perm os.FileMode) (err error) {
	in, out, err := openPair(d, src, name, perm)
	if err != nil {
		return err
	}
	defer in.Close()
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	_, err = io.Copy(out, in)
	return err
}

// openPair opens src for reading and creates the new child name of d, for
// a clone or a copy of src; both are open when err is nil.
func openPair(d *dirHandle, src, name string, perm os.FileMode) (in, out *os.File, err error) {
	in, err = os.Open(src)
	if err != nil {
		return nil, nil, err
	}
	out, err = d.create(name, perm)
	if err != nil {
		in.Close()
		return nil, nil, err
	}
	return in, out, nil
}

// statPath returns the size and mtime (ns) of the file at name.
func statPath(name string) (size, mtime int64, err error) {
	fi, err := os.Lstat(name)
	if err != nil {
		return 0, 0, err
	}
	return fi.Size(), fi.ModTime().UnixNano(), nil
}
