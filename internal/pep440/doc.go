// Package pep440 implements PEP 440 versions, specifier sets and exact
// version ranges, matching the behaviour of the Python "packaging" library
// (26.x), which pip and PyPI use.
//
// # Versions
//
// Parse accepts what packaging's VERSION_PATTERN accepts: surrounding
// whitespace (Python's definition), any letter case, an optional leading
// "v", an epoch "N!", a release "N(.N)*" of any length, then optionally a
// pre-release (a, alpha, b, beta, c, rc, pre, preview), a post-release
// (".postN", ".revN", ".rN" or "-N") and a development release (".devN"),
// each with optional "." "-" "_" separators and an implicit number 0, and a
// local label "+" followed by ASCII letters and digits separated by "." "-"
// "_". Numbers may have any number of digits; nothing overflows. IsVersion
// is the same grammar as a file name carries a version (no surrounding
// whitespace), checked without building the Version: wheel file names are
// checked against it.
//
// One deliberate difference: packaging compiles its pattern with Python's
// re.IGNORECASE, under which the ASCII letters of the pattern also match
// four non-ASCII letters ("ſ" U+017F as "s", "K" U+212A as "k", "ı"
// U+0131 and "İ" U+0130 as "i"), so it reads "1.0poſt1" as 1.0.post1 and
// keeps "1.0+ı" as is. PEP 440 versions are ASCII; Parse refuses these, so
// a name that looks like another on screen never selects its version.
//
// String is the canonical form of packaging's str(Version): the epoch only
// when non-zero, leading zeros dropped from every number, trailing release
// zeros kept ("1.0.0"), pre-releases spelled a/b/rc, ".postN", ".devN", and
// the local label lower-cased with "." separators.
//
// Compare is packaging's _cmpkey order: epoch, then release ignoring
// trailing zeros (1.0 == 1.0.0), then X.devN < X.aN < X.bN < X.rcN < X <
// X+local < X.postN; a post-release's dev releases come before it; a version
// with a local label sorts after the same version without, and local labels
// compare segment by segment with numbers above text, numbers numerically,
// text lexicographically and a shorter label first when it is a prefix.
// Compare does not allocate: Parse precomputes a byte-comparable key.
//
// # Specifier sets
//
// ParseSpecifierSet accepts comma-separated clauses (empty clauses and
// whitespace are ignored; "" matches everything). A clause is one of:
//
//	~=V      compatible release: >=V and ==P.* where P is V without its last
//	         release number; V needs two release numbers and no local label
//	==V      equal; without a local label in V, V+anything matches too
//	==V.*    prefix match on the release (zero-padded), V a bare release
//	!=V !=V.*  the complements of the above
//	<=V >=V  inclusive ordering (<=V includes V+local); V has no local label
//	<V       excludes V's pre-releases unless V is itself a pre-release
//	>V       excludes V+local and V's post-releases unless V is a
//	         post-release (then only V+local)
//	===S     string equality with the version as written (Version.Text),
//	         ignoring case: ===1.0 matches "1.0" and "1.0" only (not "v1.0",
//	         "1.0.0" or "0!1.0"), ===1.01 matches "1.01"
//
// The meaning of each clause is packaging 26's range model (specifier
// versions are parsed like any version).
//
// Contains(v, true) is plain membership; Contains(v, false) never matches a
// pre- or dev-release. Filter keeps pre-releases only when a clause names a
// pre-release (HasPrerelease; "!=" and "==V.*" clauses never count) or when
// no final release matches, as packaging's SpecifierSet.filter.
//
// # Ranges
//
// A Range is an exact set of versions (a union of disjoint intervals) with
// intersection, union and complement, for the resolver. Its bounds may sit at
// the special points PEP 440 needs (just above V and every V+local; above
// every V.postN), so SpecifierSet.Range contains exactly the versions
// Contains(v, true) accepts. The one approximation is "===S", which compares
// texts: its range is Exactly(S) when S is a version (a superset: it also
// holds other spellings of S), else empty.
package pep440
