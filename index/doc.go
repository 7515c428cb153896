// Package index is a client for Python package indexes that speak the
// "simple" repository API (PEP 503 HTML and PEP 691 JSON), plus pip's
// --find-links sources, with an on-disk HTTP cache and verified downloads.
//
// Rules it enforces:
//
//   - Names are PEP 503-normalised (runs of "-", "_" and "." become "-",
//     lower case); a project page is the index URL, the normalised name and a
//     trailing "/".
//   - Requests ask for PEP 691 JSON first, then HTML
//     (Accept: application/vnd.pypi.simple.v1+json,
//     application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01) and parse
//     by the response's Content-Type. Links resolve against the final URL
//     after redirects (and an HTML <base href>, if any).
//   - A page declaring a major API version other than 1 (PEP 629
//     pypi:repository-version, PEP 691 meta.api-version) is refused.
//   - Several indexes: the first index, in the order IndexURL then
//     ExtraIndexURLs, that has a project provides all of its files; later
//     indexes are not consulted for that name (no mixing, which would allow
//     dependency confusion). A server error on an earlier index is an error,
//     never a silent fall-through to a later one. Find-links files are always
//     added: they come first, and an index file with the same file name as a
//     find-links file is dropped.
//   - Metadata: the PEP 658/714 ".metadata" file first (its sha256 checked
//     when the page gives one; a mismatch is an error naming the index), then
//     a ranged read of the wheel's zip central directory and its
//     *.dist-info/METADATA member only, then a full download. The metadata
//     cache is keyed by the source that listed the file, the file's URL, the
//     wheel's declared sha256 and the .metadata file's URL and declared
//     sha256, so one index can never fill an entry another index reads.
//   - Downloads ask for Accept-Encoding: identity and refuse an encoded
//     body; they stop one byte past the size the index declares (PEP 700),
//     else past MaxDownloadSize. They are hashed while streamed; a known
//     sha256 that differs is a *HashMismatchError naming both digests.
//     Cached wheels live in wheels-v1/<sha[:2]>/<sha>/<filename>, written
//     to a .partial (removed on any failure) and published by rename only
//     when complete, verified and a readable zip.
//   - Every wait for the network is bounded by Options.Timeout (pip's
//     --timeout): connecting and the response headers, then each stretch of
//     a body, which must deliver MinProgress bytes (or end) within it; else
//     a *TimeoutError (retried like other timeouts). Cancelling the context
//     stops a request at once.
//   - Credentials, first found: the userinfo of a configured index or
//     find-links URL, for that host and port; the netrc entry for the host,
//     for the scheme's default port or a configured URL's port on that host;
//     the userinfo in the requested URL itself, for that request only. A
//     redirect to another host or port, or from https to http, carries none.
//     Every URL in an error or a log line is redacted (userinfo becomes
//     "***").
//   - A cached page's parsed form is kept beside it (simple-parsed-v1, in
//     a binary encoding; see pagecache.go) and used instead of parsing the
//     page again only by the same executable, and while the page's final
//     URL, Content-Type and body have the sha256 it was made from; any
//     problem reading it is a miss. The raw page stays the source of truth.
//   - Offline mode never touches the network: pages, metadata and wheels come
//     from the cache, file:// indexes and local find-links; anything else is
//     an *OfflineError.
//   - Transient failures (5xx, 429, connection resets, EOF, timeouts) are
//     retried with exponential backoff and jitter, a bounded number of times,
//     always honouring the context.
package index
