package distinfo

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"strings"
)

// hashes are the algorithms accepted anywhere: in RECORD, in --hash, in a
// lock. The SHA-2 members of at least 256 bits; md5, sha1 and sha224 are
// refused.
var hashes = map[string]func() hash.Hash{
	"sha256": sha256.New,
	"sha384": sha512.New384,
	"sha512": sha512.New,
}

// HashAlgorithms lists the accepted algorithms, in a fixed order.
var HashAlgorithms = []string{"sha256", "sha384", "sha512"}

// NewHash returns a new hash for algo (lower case, as RECORD and pip
// spell it), or false when algo is not accepted.
func NewHash(algo string) (hash.Hash, bool) {
	f, ok := hashes[algo]
	if !ok {
		return nil, false
	}
	return f(), true
}

// Digests maps an algorithm to a lower-case hex digest.
type Digests map[string]string

// ErrHashUndecided says that none of the allowed digests uses an algorithm
// of the digests at hand, so they cannot say yes or no.
var ErrHashUndecided = errors.New("no --hash could be compared (sha256, sha384 and sha512 are accepted)")

// HashMismatchError says that no allowed digest matches.
type HashMismatchError struct {
	Allowed []string // the allowed digests that could be compared, "algo:hex"
	Got     Digests
}

func (e *HashMismatchError) Error() string {
	return fmt.Sprintf("hash mismatch: --hash allows %s, the file has %s", strings.Join(e.Allowed, ", "), e.Got.describe())
}

// describe names the sha256 digest, or else the first computed one.
func (d Digests) describe() string {
	for _, a := range HashAlgorithms {
		if v, ok := d[a]; ok {
			return a + ":" + v
		}
	}
	return "no digest"
}

// splitAllowed splits "algo:hex" (pip's --hash form) or "algo=hex" (a URL
// fragment's form) into a lower-case algorithm and a lower-case digest.
func splitAllowed(a string) (algo, digest string, ok bool) {
	i := strings.IndexAny(a, ":=")
	if i <= 0 {
		return "", "", false
	}
	return strings.ToLower(a[:i]), strings.ToLower(a[i+1:]), true
}

// AlgorithmsFor returns the algorithms to compute to check a file against
// allowed: sha256 always (indexes, locks and caches key files by it), and
// every other accepted algorithm that allowed uses.
func AlgorithmsFor(allowed []string) []string {
	algos := []string{"sha256"}
	for _, a := range allowed {
		if algo, _, ok := splitAllowed(a); ok && hashes[algo] != nil && !slices.Contains(algos, algo) {
			algos = append(algos, algo)
		}
	}
	return algos
}

// CheckHashes decides whether a file whose digests are got satisfies
// allowed, the digests a user or a lock allows ("sha256:<hex>",
// "sha384:<hex>", "sha512:<hex>"; "algo=hex" too; case-insensitive). No
// allowed digests allow anything. Otherwise the file passes when one
// allowed digest equals got's digest of the same algorithm; it fails with
// a *HashMismatchError when some could be compared and none matched, and
// with ErrHashUndecided when none could be compared (allowed uses only
// algorithms got lacks, or none this package accepts).
func CheckHashes(got Digests, allowed []string) error {
	if len(allowed) == 0 {
		return nil
	}
	var compared []string
	for _, a := range allowed {
		algo, want, ok := splitAllowed(a)
		if !ok || hashes[algo] == nil {
			continue
		}
		have, ok := got[algo]
		if !ok {
			continue
		}
		if strings.EqualFold(have, want) {
			return nil
		}
		compared = append(compared, algo+":"+want)
	}
	if len(compared) == 0 {
		return fmt.Errorf("%w: the file has %s", ErrHashUndecided, got.describe())
	}
	return &HashMismatchError{Allowed: compared, Got: got}
}

// DigestReader reads r to the end and returns its digests for algos
// (accepted algorithms only; others are ignored) and the number of bytes
// read.
func DigestReader(r io.Reader, algos ...string) (Digests, int64, error) {
	hs := map[string]hash.Hash{}
	var ws []io.Writer
	for _, a := range algos {
		if h, ok := NewHash(a); ok && hs[a] == nil {
			hs[a] = h
			ws = append(ws, h)
		}
	}
	n, err := io.Copy(io.MultiWriter(ws...), r)
	if err != nil {
		return nil, n, err
	}
	d := Digests{}
	for a, h := range hs {
		d[a] = hex.EncodeToString(h.Sum(nil))
	}
	return d, n, nil
}
