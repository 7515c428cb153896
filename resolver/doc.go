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
//     decided, pick the one with the fewest candidate versions left in its
//     allowed range (ties go to the package required first), and choose its
//     first candidate (in the provider's order) that the range allows. Its
//     dependencies are turned into incompatibilities ("a ==1.0 depends on
//     b >=2" is {a ==1.0, not b >=2}); dependencies of versions of the same
//     package on the same range are merged into one incompatibility. If no
//     candidate is left, the solver learns "no versions of a match R".
//  3. Conflict resolution: from the satisfied incompatibility, the solver
//     walks back through the causes of the assignments that satisfied it,
//     deriving by resolution a new incompatibility that is the root cause of
//     the conflict, learns it, and backjumps to the decision level where the
//     root cause becomes almost satisfied. If the root cause is "the request
//     cannot be selected", there is no solution.
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
