// Package wheel opens a wheel (a .whl file, the binary distribution format
// of packaging.python.org) as an installation *source*: it validates the
// whole archive before anyone writes anything, and hands out readers that
// verify each member's size and hash while it is read. It writes nothing.
//
// [Open] refuses a wheel, listing every problem in one [*Error], unless all
// of these hold:
//
//   - The file name is {name}-{version}[-{build}]-{python}-{abi}-{platform}.whl
//     (as internal/tags.ParseWheelFilename reads it).
//   - The zip is readable; members are stored or deflated, not encrypted.
//   - Member names are valid UTF-8 without NUL or other control characters,
//     use '/' only (no backslash), are relative (no leading '/', no drive
//     letter) and clean (no empty, "." or ".." components).
//   - Names are portable: no component Windows cannot hold (a reserved
//     device name such as CON, aux.py or COM1.txt; a trailing dot or space;
//     any of < > : " | ? *), refused on every OS.
//   - Names are bounded: at most [MaxPathLength] bytes, [MaxPathDepth]
//     components and [MaxComponentLength] bytes a component, wherever the
//     wheel is unpacked.
//   - No two members have the same name, even ignoring case and Unicode
//     normalisation (NFC/NFD), and no name is both a file and a directory.
//   - No .egg-info of any name at the top level or at the top of the .data
//     directory's purelib/ or platlib/: another distribution's metadata.
//   - Members are regular files or directories: the Unix file type in the
//     external attributes is not a symlink, device, FIFO or socket.
//   - There are at most [MaxFiles] members, each declares at most
//     [MaxFileSize] bytes and together at most [MaxTotalSize] bytes.
//   - There is exactly one top-level {name}-{version}.dist-info directory and
//     at most one top-level .data directory; the .data directory holds only
//     purelib/, platlib/, scripts/, headers/ and data/.
//   - The file name, the .dist-info and .data directory names and METADATA's
//     Name and Version agree (names compared after PEP 503 normalisation,
//     versions as PEP 440 versions).
//   - WHEEL exists with Wheel-Version 1.x and Root-Is-Purelib true or false.
//     A 1.x newer than 1.0 opens with [Wheel.NewerWheelVersion] set.
//   - METADATA exists and parses; entry_points.txt, if present, parses.
//   - RECORD exists and lists every member except itself and its signatures
//     (RECORD.jws, RECORD.p7s), exactly once, with a sha256, sha384 or
//     sha512 hash (md5, sha1 and others are refused) and a size equal to the
//     zip header's uncompressed size; it lists nothing that is not in the
//     archive, and its paths pass the member-name rules.
//
// Content is not read by Open, except for the small .dist-info files: hashes
// are checked as members are read through [Wheel.Open], whose readers never
// read more than the declared size plus one byte, so a decompression bomb
// ends in a size error. [Wheel.VerifyAll] reads everything.
package wheel

//go:generate go run ../testdata/wheels/gen -o ../testdata/wheels
