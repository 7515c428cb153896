// Package distinfo owns the rules of the files in a .dist-info directory
// and of the digests that vouch for a wheel. Every other package calls it;
// none has a copy of these rules:
//
//   - RECORD: [ParseRecord] and [FormatRecord] (CSV as Python's csv module
//     reads and writes it, exactly three fields a row) and the hash field
//     ([ParseRecordHash], [FormatRecordHash]).
//   - entry_points.txt: [ParseEntryPoints], script names (no path
//     separators, control or format characters) and [DottedIdentifier], the
//     object reference rule of Python's str.isidentifier.
//   - core metadata and WHEEL: [ParseHeaders] (email-style headers, linear
//     time, at most [MaxHeaderLines] header lines) and [ParseMetadata].
//   - METADATA out of a wheel: [MetadataMember] and [MetadataFromZip], under
//     the one size limit [MaxMetadataSize].
//   - direct_url.json (PEP 610): [DirectURL], encoded with encoding/json,
//     and [FileURL], a correctly escaped file:// URL.
//   - hash acceptance: [NewHash] (sha256, sha384, sha512 and nothing
//     weaker), [CheckHashes] (does a file satisfy --hash or a lock's hash).
//
// It imports only the standard library and the standards packages below it
// (internal/pep440, internal/pep508).
package distinfo
