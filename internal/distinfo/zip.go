package distinfo

import (
	"archive/zip"
	"fmt"
	"io"
	"strings"

	"github.com/pkginstall/pkginstall/internal/pep508"
)

// MaxMetadataSize is the largest METADATA accepted anywhere: inside a
// wheel, as a PEP 658 .metadata file, or read out of a wheel by a range
// request. The largest METADATA files on PyPI are a few MiB (long
// descriptions with embedded images).
const MaxMetadataSize = 16 << 20

// MetadataMember picks the METADATA member of a wheel from its member
// names: a top-level "<name>-<version>.dist-info/METADATA" whose name part
// has the PEP 503 normal form of dist (the distribution in the wheel's file
// name). When none matches and there is exactly one top-level
// .dist-info/METADATA, that one is returned (its name is checked later,
// against the METADATA it holds). Two matches are an error.
func MetadataMember(names []string, dist string) (string, error) {
	want := pep508.NormalizeName(dist)
	var cands []string
	match := ""
	for _, name := range names {
		dir, base, ok := strings.Cut(name, "/")
		if !ok || base != "METADATA" || !strings.HasSuffix(dir, ".dist-info") {
			continue
		}
		cands = append(cands, name)
		d, _, _ := strings.Cut(strings.TrimSuffix(dir, ".dist-info"), "-")
		if pep508.NormalizeName(d) == want {
			if match != "" {
				return "", fmt.Errorf("more than one %s .dist-info/METADATA (%s, %s)", want, match, name)
			}
			match = name
		}
	}
	if match != "" {
		return match, nil
	}
	if len(cands) != 1 {
		return "", fmt.Errorf("found %d .dist-info/METADATA files, none for %s", len(cands), want)
	}
	return cands[0], nil
}

// MetadataFromZip reads the METADATA of the wheel held in r (size bytes,
// named filename) through the zip central directory, with
// [MetadataMember]'s rule, never more than [MaxMetadataSize] bytes. r may
// be a range reader over the network: only the directory and the one member
// are read. It does not parse the METADATA.
func MetadataFromZip(r io.ReaderAt, size int64, filename string) ([]byte, error) {
	fail := func(format string, args ...any) ([]byte, error) {
		return nil, fmt.Errorf("reading wheel %s: %s", filename, fmt.Sprintf(format, args...))
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && zr == nil {
		return fail("%v", err)
	}
	names := make([]string, len(zr.File))
	for i, zf := range zr.File {
		names[i] = zf.Name
	}
	dist, _, _ := strings.Cut(filename, "-")
	name, err := MetadataMember(names, dist)
	if err != nil {
		return fail("%v", err)
	}
	var zf *zip.File
	for _, f := range zr.File {
		if f.Name == name {
			zf = f
			break
		}
	}
	if zf.UncompressedSize64 > MaxMetadataSize {
		return fail("%s is larger than %d bytes", name, MaxMetadataSize)
	}
	rc, err := zf.Open()
	if err != nil {
		return fail("%s: %v", name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, MaxMetadataSize+1))
	if err != nil {
		return fail("%s: %v", name, err)
	}
	if len(b) > MaxMetadataSize {
		return fail("%s is larger than %d bytes", name, MaxMetadataSize)
	}
	return b, nil
}
