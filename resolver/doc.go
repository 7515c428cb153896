// Package resolver chooses one version of every package a request needs, using
// the PubGrub algorithm (Natalie Weizenbaum's solver for Dart's pub, as also
// described by the pubgrub-rs guide). It does no I/O of its own: everything it
// knows about packages comes through a [Provider].
//
// # Provider contract
//
//   - Versions(pkg) lists the candidate versions of pkg, most preferred first,
//     already filtered for the target interpreter, yanked files and the
//     pre-release policy. The solver always picks the first listed version that
//     the constraints allow. A nil (or empty) list with a nil error means the
//     package is not available at all; the explanation then says
//     "pkg is not available", followed by the provider's hint if it has one.
//   - Dependencies(pkg, v) returns the requirements of pkg at v, already
//     evaluated for the target's markers, as a map from package to allowed
//     range. An empty range is allowed and means v can never be used.
//   - Any error from either method aborts Solve with that error, wrapped with the
//     package name; it is never turned into a [*NoSolutionError].
//   - Each answer is asked for at most once per Solve, and the solver calls the
//     provider from a single goroutine.
//   - A provider may also implement [Prefetcher]: Solve calls Prefetch(pkg) once,
//     as soon as pkg first appears in a requirement, so the provider can fetch
//     metadata in the background while the solver works on something else.
//   - A provider may also implement [Fallbacker]: when no listed version of a
//     package lies in its allowed range, Fallback(pkg, range) may offer one
//     more (the installer's yanked release matching an exact pin, PEP 592).
//   - A provider may also implement [Hinter]: Hint(pkg) is added in parentheses to
//     explanations that say pkg has no (matching) versions, e.g. "only yanked
//     versions exist" or "not found on the index".
//
// Package names are opaque to the solver except that they must be non-empty
// and free of NUL bytes; the caller passes normalised names.
//
// # Extras
//
// Extras are modelled as packages of their own, named "name[extra]"
// ([ExtraPackage], [SplitExtra]). The provider answers for "name[extra]" with
// the same versions as name, and "name[extra]" at version v depends on
// name ==v exactly plus the requirements that the extra adds. A requirement
// "foo[bar]>=2" therefore becomes the two requirements foo>=2 and
// foo[bar]>=2. The solution returned by Solve contains the extra packages too
// (at the same version as their base package); callers that install
// distributions drop them with SplitExtra.
//
// # Algorithm
//
// The solver keeps a partial solution (an ordered list of assignments: the
// decisions "pkg is at version v" and the derivations "pkg is / is not in
// range R" that follow from them) and a growing set of incompatibilities (sets
// of terms that cannot all be true). It starts from the incompatibility "the
// request must be selected" and loops:
//
//  1. Unit propagation: every incompatibility of which all terms but one are
//     satisfied by the partial solution forces the negation of the remaining
//     term, which is added as a derivation. If an incompatibility is fully
//     satisfied there is a conflict (step 3).
//  2. Decision making: among the packages that are required but not yet
//     decided, pick one (see "Decision order" below) and choose its first
//     candidate (in the provider's order) that the range allows, else the
//     provider's fallback. Its dependencies are turned into
//     incompatibilities ("a ==1.0 depends on b >=2" is {a ==1.0, not
//     b >=2}); dependencies of versions of the same package on the same
//     range are merged into one incompatibility, which spans the versions
//     between neighbouring candidates, so a long history that depends alike
//     costs one interval. If no candidate is left, the solver learns "no
//     versions of a match R".
//  3. Conflict resolution: from the satisfied incompatibility, the solver
//     walks back through the causes of the assignments that satisfied it,
//     deriving by resolution a new incompatibility that is the root cause of
//     the conflict, learns it, and backjumps to the decision level where the
//     root cause becomes almost satisfied. If the root cause is "the request
//     cannot be selected", there is no solution.
//
// # Decision order
//
// A package with no candidate left in its range comes first. Otherwise
// the package with the fewest candidates left goes first, ties to the one
// required first, except that the order learns from conflicts (as uv's
// resolver does): a package whose choice has been ruled out five times by
// another package's decision moves ahead of everything else, the culprits
// move behind, and the solver goes back to before the earliest culprit's
// decision. So when a needs nothing and every b 2.x needs a==1, the solver
// answers a 1, b 2.x (pip's and uv's answer) instead of a 2 with an old b
// that drags in packages nobody asked for. The order changes only which
// valid answer is found, never whether one is.
//
// # Bound on work
//
// Solve counts decisions and conflicts; after Options.MaxSteps
// (DefaultMaxSteps) it stops with a [*GaveUpError] ("gave up after N steps:
// ...") naming the packages that kept conflicting.
//
// Every learned incompatibility remembers the two it was derived from, so a
// failure comes with a derivation tree that [NoSolutionError] renders as a
// plain-English explanation in the style of pub's error reporter: one sentence
// per derivation, with numbered lines for facts that are used more than once.
// The request appears as "you require ...". Version ranges of depending
// packages are written in terms of the versions that exist: if a 1.0, 1.1
// and 1.2 are the only candidates and all of them depend on b >=2, the
// explanation says "a depends on b>=2".
//
// The result is deterministic: the same provider answers give the same
// solution or the same explanation.
package resolver
