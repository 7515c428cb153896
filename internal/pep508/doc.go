// Package pep508 parses and evaluates PEP 508 dependency specifiers
// ("requirements") and environment markers the way the Python `packaging`
// library (26.x) does, and normalises project names (PEP 503).
//
// Requirements. A requirement is, in order and with optional spaces or tabs
// between the parts:
//
//   - a name: ASCII letters, digits, '.', '_' and '-', starting and ending
//     with a letter or digit (kept as written; see NormalizeName);
//   - optional extras "[a, b]": names separated by commas, no trailing comma;
//     they are stored deduplicated and sorted, and printed as "[a,b]";
//   - then either "@ URL" (the URL runs to the next space or tab; a marker
//     after a URL must be separated from it by whitespace), or a version
//     specifier set, bare or in parentheses ("name (>=1.0, <2)"), in which
//     ".*" is allowed only after == and !=, and a local label ("+abc") only
//     after == and !=; a specifier that is not valid PEP 440 is an error;
//   - optionally "; marker".
//
// Markers. A marker is a boolean expression of comparisons joined by "and"
// (binding tighter) and "or", with parentheses. Each comparison is
// "operand op operand" where an operand is a marker variable or a quoted
// string ('…' or "…", decoded as a Python string literal) and op is one of
// <, <=, ==, !=, >=, >, ~=, ===, in, "not in". The variables are the PEP 508
// names plus extra, extras and dependency_groups; the legacy spellings
// os.name, sys.platform, platform.version, platform.machine,
// platform.python_implementation and python_implementation are accepted and
// printed in their modern form. The value compared with "extra" is normalised
// (PEP 685) when the marker is parsed.
//
// Evaluation follows packaging's Marker.evaluate in its default ("metadata")
// context:
//
//   - every comparison is evaluated (no short cut), so an error anywhere is
//     reported even when the result would not depend on it;
//   - a variable missing from the environment is an *UndefinedNameError,
//     except "extra", which defaults to "" and is normalised when set;
//   - for python_version, python_full_version, implementation_version and
//     platform_release, when "op value" is a valid single PEP 440 specifier
//     the comparison is that specifier's containment test with pre-releases
//     allowed (a value that is not a version matches nothing, except through
//     ===); a python_full_version ending in "+" is read as "+local";
//   - otherwise the comparison is on strings: == and != are equality, <= and
//     >= are equality too, < and > are always false, "in" and "not in" are
//     substring tests; ~= and === are an *UndefinedComparisonError;
//   - extras and dependency_groups are sets: their environment value is a
//     comma-separated list of names, tested with "in"/"not in" after PEP 503
//     normalisation of both sides.
package pep508
