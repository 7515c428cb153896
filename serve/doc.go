// Package serve is a package index over a flat folder of wheels: the
// "simple" repository API as pip, uv and pkginstall read it, so that one
// machine (a teacher's laptop, a CI mirror) can serve many installers.
//
// Rules it enforces:
//
//   - Only regular files named *.whl directly in the folder are served, and
//     only those whose name is a valid wheel file name (tags.ParseWheelFilename)
//     and whose single *.dist-info/METADATA names the same project and
//     version; anything else is skipped with a warning, once per file
//     version. Files whose name starts with "." (temporary files) are ignored.
//   - A request names a file only through the scanned listing: no part of a
//     URL is ever used as a file-system path. Files are opened through an
//     os.Root of the folder, so a symbolic link cannot lead outside it.
//     Requests whose path has a "." or ".." segment (plain or
//     percent-encoded), an empty segment, a backslash, a NUL or an encoded
//     "/" are refused with 400 before any lookup.
//   - The folder is re-listed when its modification time changes, and at
//     most RescanInterval after the previous listing otherwise, so new wheels
//     appear without a restart. The parse of each wheel (sha256, METADATA,
//     Requires-Python) is cached under its name, size and modification time.
//   - Pages: /simple/ lists the projects and /simple/<name>/ the files of
//     one project, as PEP 691 JSON (api-version 1.1: hashes, requires-python,
//     core-metadata and dist-info-metadata, yanked false, PEP 700 size,
//     upload-time and versions) or PEP 503 HTML (#sha256= fragments,
//     data-requires-python HTML-escaped, data-core-metadata and
//     data-dist-info-metadata), chosen from the Accept header (or a
//     ?format= query) as PEP 691 describes; a name that is not normalised
//     is redirected to its PEP 503 form. Links are relative, so the index
//     works under any host name.
//   - Files: /files/<wheel> and /files/<wheel>.metadata (PEP 658) with an
//     ETag (the sha256) and byte ranges (http.ServeContent).
//   - Only GET and HEAD; one log line per request (client, method, path,
//     status, bytes, duration).
//   - At most MaxConns connections at once; a client gets ReadHeaderTimeout
//     for its headers, ReadTimeout for its request, IdleTimeout between
//     requests, and WriteIdleTimeout for each write of a response (so a
//     client that stops reading lets go of its connection).
package serve
