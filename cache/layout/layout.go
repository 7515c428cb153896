// Package layout is the one owner of the layout of pkginstall's cache
// directory: the name of every bucket and every file in it, the
// CACHEDIR.TAG that marks the root as a cache, and the test that a
// directory is a pkginstall cache before anything in it is deleted. It is
// a leaf so that every package writing into the cache (index, cache,
// internal/python) can take its paths from here; package cache owns what
// is stored in the buckets and their maintenance (clean, prune).
//
// Layout of a cache root:
//
//	CACHEDIR.TAG                               the standard cache tag (bford.info/cachedir)
//	simple-v1/<h[:2]>/<h>                      index pages: JSON header line, then the body (h = sha256 of the URL)
//	simple-parsed-v1/<h[:2]>/<h>               the same pages parsed, in index's binary encoding (same h);
//	                                           derived from the page, which stays the source of truth
//	metadata-v1/by-source/<h[:2]>/<h>          METADATA as one source vouched for it (h = sha256 of
//	                                           index.Client's key: source, file URL, declared hashes);
//	                                           the older sha256/ and url/ entries (keyed by the
//	                                           declared wheel hash alone) are no longer read
//	wheels-v1/<sha[:2]>/<sha>/<filename>       downloaded wheels
//	wheels-v1/by-url/<h[:2]>/<h>               sha256 of a wheel downloaded from a URL that gave none
//	wheels-v1/.tmp/                            downloads in progress
//	unpacked-v1/<sha[:2]>/<sha>/               unpacked, verified wheel trees (package cache)
//	unpacked-v1/<sha[:2]>/.tmp-*               trees being written, pruned or discarded
//	interpreters-v1/<key>.json                 answers of interpreter probes
//	built-v1/<k[:2]>/<k>/<filename>.whl        wheels built from source (k = sha256 of the
//	                                           sdist's sha256 or a source tree's content
//	                                           hash, and the interpreter's tag; see BuiltKey)
//	built-v1/.tmp-*                            builds being published
//	links-v1/<h[:2]>/<h>                       a project's lib/ that links trees in symlink mode
//	                                           (h = sha256 of the lib/ path; the file holds the path)
//
// Rules it enforces:
//   - Each bucket's name carries its format version; a change of format
//     takes a new name, so old and new clients never misread each other.
//   - The root is created by MkdirAll, which writes CACHEDIR.TAG at the
//     same time. An existing root whose entries are all known buckets (a
//     cache of an older pkginstall) is adopted: it gets the tag too. Any
//     other existing directory is used but never tagged, so that a
//     --cache-dir pointing at a home directory does not hide it from
//     backups.
//   - Check says whether a root may be cleaned or pruned: it must carry the
//     tag, or hold nothing but known buckets. Clean and prune then remove
//     only known buckets, never anything else in the root.
package layout

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pkginstall/pkginstall/internal/fsutil"
)

// Buckets of a cache root.
const (
	PagesBucket        = "simple-v1"
	ParsedPagesBucket  = "simple-parsed-v1"
	MetadataBucket     = "metadata-v1"
	WheelsBucket       = "wheels-v1"
	UnpackedBucket     = "unpacked-v1"
	InterpretersBucket = "interpreters-v1"
	BuiltBucket        = "built-v1"
	LinksBucket        = "links-v1"
)

// Buckets lists every bucket of a cache root.
var Buckets = []string{PagesBucket, ParsedPagesBucket, MetadataBucket, WheelsBucket, UnpackedBucket, InterpretersBucket, BuiltBucket, LinksBucket}

// Names inside the buckets.
const (
	// TagName is the cache tag file of the root.
	TagName = "CACHEDIR.TAG"
	// TagSignature is the first line of every CACHEDIR.TAG.
	TagSignature = "Signature: 8a477f597d28d172789f06886806bc55"
	// TempPrefix starts the name of every temporary entry of unpacked-v1.
	TempPrefix = ".tmp-"
	// wheelTemp is the folder of downloads in progress in wheels-v1.
	wheelTemp = ".tmp"
	byURL     = "by-url"
	// TreeManifest is the manifest of an unpacked tree.
	TreeManifest = "wheel.json"
	// TreeIndex is the same manifest in a binary encoding, read first.
	TreeIndex = "wheel.bin"
	// TreeFiles is the folder of an unpacked tree holding the members.
	TreeFiles = "files"
)

// TreeNoCompile is the file of an unpacked tree listing the members that
// the interpreters with cache tag tag (sys.implementation.cache_tag)
// cannot byte-compile.
func TreeNoCompile(tag string) string { return "nocompile-" + tag + ".json" }

// TreeBytecodeHashes is the file of an unpacked tree holding the RECORD
// hashes of its byte code for cache tag tag.
func TreeBytecodeHashes(tag string) string { return "pychash-" + tag + ".json" }

// tagContent is the whole CACHEDIR.TAG.
const tagContent = TagSignature + "\n" +
	"# This file is a cache directory tag created by pkginstall.\n" +
	"# For information about cache directory tags, see https://bford.info/cachedir/\n"

// Key is the hex sha256 of s: the file name of an entry keyed by a URL.
func Key(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func sharded(dir, h string) string { return filepath.Join(dir, h[:2], h) }

// PageFile is the cached index page of url.
func PageFile(root, url string) string {
	return sharded(filepath.Join(root, PagesBucket), Key(url))
}

// ParsedPageFile is the parsed form of the cached index page of url (see
// PageFile): its name is the page's, in its own bucket.
func ParsedPageFile(root, url string) string {
	return sharded(filepath.Join(root, ParsedPagesBucket), Key(url))
}

// MetadataBySource is the cached METADATA under key, which the index
// client builds from everything that vouches for it (see index.Client).
func MetadataBySource(root, key string) string {
	return sharded(filepath.Join(root, MetadataBucket, "by-source"), Key(key))
}

// WheelFile is the downloaded wheel filename whose sha256 is sha.
func WheelFile(root, sha, filename string) string {
	return filepath.Join(sharded(filepath.Join(root, WheelsBucket), sha), filename)
}

// WheelSHAByURL is the record of the sha256 of the wheel downloaded from url.
func WheelSHAByURL(root, url string) string {
	return sharded(filepath.Join(root, WheelsBucket, byURL), Key(url))
}

// WheelTempDir is where downloads in progress are written.
func WheelTempDir(root string) string {
	return filepath.Join(root, WheelsBucket, wheelTemp)
}

// IsWheelTempDir reports whether name, an entry of wheels-v1, is WheelTempDir.
func IsWheelTempDir(name string) bool { return name == wheelTemp }

// TreeDir is the unpacked tree of the wheel with sha256 sha.
func TreeDir(root, sha string) string {
	return sharded(filepath.Join(root, UnpackedBucket), sha)
}

// LinkRecord is the record that the lib/ directory lib (an absolute path)
// links unpacked trees by symlinks (--link-mode symlink).
func LinkRecord(root, lib string) string {
	return sharded(filepath.Join(root, LinksBucket), Key(lib))
}

// LinkRecords is the folder of every LinkRecord.
func LinkRecords(root string) string { return filepath.Join(root, LinksBucket) }

// InterpreterFile is the cached probe answer under key.
func InterpreterFile(root, key string) string {
	return filepath.Join(root, InterpretersBucket, key+".json")
}

// BuiltKey is the key of a wheel built from source: the source's hash
// (an sdist's sha256, or a source tree's content hash) and the
// interpreter it was built for (its first supported tag, which names its
// implementation, ABI and platform).
func BuiltKey(sourceHash, interpreterTag string) string {
	return Key("built\x00" + sourceHash + "\x00" + interpreterTag)
}

// BuiltDir is the folder of the wheel built under key (one .whl inside).
func BuiltDir(root, key string) string {
	return sharded(filepath.Join(root, BuiltBucket), key)
}

// BuiltTempDir is where a build is written before BuiltDir is published by
// a rename (same file system).
func BuiltTempDir(root string) string {
	return filepath.Join(root, BuiltBucket)
}

// MkdirAll creates dir, which lies in the cache root, and the root first
// when missing, writing the root's CACHEDIR.TAG (see the package rules).
func MkdirAll(root, dir string) error {
	if err := ensureRoot(root); err != nil {
		return err
	}
	return os.MkdirAll(dir, 0o755)
}

// ensureRoot creates root with its tag, or adopts an untagged root that
// holds only known buckets.
func ensureRoot(root string) error {
	if _, err := os.Stat(filepath.Join(root, TagName)); err == nil {
		return nil
	}
	ents, err := os.ReadDir(root)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(root, 0o755); err != nil {
			return err
		}
	case err != nil:
		return err
	case unknownEntry(ents) != "":
		return nil // someone else's directory: used, never tagged
	}
	// Best effort: a cache without its tag still works, it only cannot be
	// cleaned by a later pkginstall.
	_ = fsutil.WriteFile(filepath.Join(root, TagName), []byte(tagContent), 0o644)
	return nil
}

// unknownEntry is the first of ents that is not a known bucket or the tag.
func unknownEntry(ents []fs.DirEntry) string {
	for _, e := range ents {
		if !IsBucket(e.Name()) && e.Name() != TagName {
			return e.Name()
		}
	}
	return ""
}

// IsBucket reports whether name is one of Buckets.
func IsBucket(name string) bool {
	for _, b := range Buckets {
		if name == b {
			return true
		}
	}
	return false
}

// NotACacheError is a directory that clean or prune refuse to touch.
type NotACacheError struct {
	Dir, Reason string
}

func (e *NotACacheError) Error() string {
	return fmt.Sprintf("%s is not a pkginstall cache (%s): nothing removed", e.Dir, e.Reason)
}

// Check returns nil when root may be cleaned or pruned: it carries a valid
// CACHEDIR.TAG, or holds nothing but known buckets (an older pkginstall's
// cache). It reports whether root exists.
func Check(root string) (exists bool, err error) {
	fi, err := os.Stat(root)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !fi.IsDir() {
		return true, &NotACacheError{Dir: root, Reason: "not a directory"}
	}
	tag, terr := os.ReadFile(filepath.Join(root, TagName))
	if terr == nil {
		if !strings.HasPrefix(string(tag), TagSignature) {
			return true, &NotACacheError{Dir: root, Reason: TagName + " lacks the standard signature"}
		}
		return true, nil
	}
	ents, err := os.ReadDir(root)
	if err != nil {
		return true, err
	}
	if n := unknownEntry(ents); n != "" {
		return true, &NotACacheError{Dir: root, Reason: "it has no " + TagName + " and holds " + n + ", which pkginstall did not create"}
	}
	return true, nil
}
