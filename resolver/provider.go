package resolver

import (
	"context"
	"strings"

	"github.com/pkginstall/pkginstall/internal/pep440"
)

// Provider is the solver's only view of the world. See the package
// documentation for the full contract.
type Provider interface {
	// Versions lists the candidate versions of pkg, most preferred first,
	// already filtered for the interpreter, yanked files and the pre-release
	// policy. pkg is a normalised project name, or "name[extra]" for an
	// extra. (nil, nil) means the package is unknown.
	Versions(ctx context.Context, pkg string) ([]pep440.Version, error)
	// Dependencies of pkg at version v, already marker-evaluated for the
	// target.
	Dependencies(ctx context.Context, pkg string, v pep440.Version) (map[string]pep440.Range, error)
}

// Prefetcher is optionally implemented by a Provider. Solve calls Prefetch
// once per package, as soon as the package first appears in a requirement,
// so the provider can start fetching its metadata in parallel. Prefetch must
// not block for long; errors surface later from Versions or Dependencies.
type Prefetcher interface {
	Prefetch(ctx context.Context, pkg string)
}

// Hinter is optionally implemented by a Provider. Hint returns a short
// reason why pkg has no usable versions (for example "only yanked versions
// exist", "files exist but none for this interpreter: ...", "not found on the
// index"), or "" if there is nothing to add. It is called only while an
// explanation is being written.
type Hinter interface {
	Hint(pkg string) string
}

// ExtraPackage returns the name of the package that stands for extra of
// name: "name[extra]". With an empty extra it returns name.
func ExtraPackage(name, extra string) string {
	if extra == "" {
		return name
	}
	return name + "[" + extra + "]"
}

// SplitExtra splits a package name made by ExtraPackage into the project
// name and the extra. For a plain name (anything not of the form
// "name[extra]" with a non-empty name and a non-empty extra free of
// brackets) it returns (pkg, "").
func SplitExtra(pkg string) (name, extra string) {
	if !strings.HasSuffix(pkg, "]") {
		return pkg, ""
	}
	i := strings.IndexByte(pkg, '[')
	if i <= 0 {
		return pkg, ""
	}
	extra = pkg[i+1 : len(pkg)-1]
	if extra == "" || strings.ContainsAny(extra, "[]") {
		return pkg, ""
	}
	return pkg[:i], extra
}

// Fallbacker is optionally implemented by a Provider: it may offer a version
// that Versions does not list, as a last resort. When no listed version of
// pkg lies in its allowed range rng, Solve calls Fallback(pkg, rng) (once per
// package and range); a version it returns, if rng holds it, is then tried
// like a listed one. The installer's provider uses this for PEP 592: a
// yanked release is taken only when it is the only match of an == or ===
// pin, from whichever requirement the pin comes.
type Fallbacker interface {
	Fallback(ctx context.Context, pkg string, rng pep440.Range) (pep440.Version, bool)
}
