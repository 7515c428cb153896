package scheme

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// RecordEntry is one line of a RECORD file.
type RecordEntry struct {
	Path string // as written: relative to the directory holding .dist-info
	Hash string // "sha256=..." or "" (RECORD itself, byte code)
	Size int64  // -1 when the field is empty
}

// MaxRecordSize bounds the RECORD files this package reads.
const MaxRecordSize = 64 << 20

// parseRecord reads a RECORD file (CSV: path, hash, size). Blank lines are
// skipped; a malformed size or an empty path is an error.
func parseRecord(b []byte) ([]RecordEntry, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	var out []RecordEntry
	for line := 1; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("RECORD: %w", err)
		}
		if len(rec) == 0 || (len(rec) == 1 && rec[0] == "") {
			continue
		}
		if len(rec) > 3 {
			return nil, fmt.Errorf("RECORD line %d: %d fields, want 3", line, len(rec))
		}
		e := RecordEntry{Path: rec[0], Size: -1}
		if e.Path == "" {
			return nil, fmt.Errorf("RECORD line %d: empty path", line)
		}
		if len(rec) > 1 {
			e.Hash = rec[1]
		}
		if len(rec) > 2 && rec[2] != "" {
			n, err := strconv.ParseInt(rec[2], 10, 64)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("RECORD line %d: bad size %q", line, rec[2])
			}
			e.Size = n
		}
		out = append(out, e)
	}
}

// formatRecord writes entries as a RECORD file.
func formatRecord(entries []RecordEntry) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, e := range entries {
		size := ""
		if e.Size >= 0 {
			size = strconv.FormatInt(e.Size, 10)
		}
		_ = w.Write([]string{e.Path, e.Hash, size}) // writes to a bytes.Buffer cannot fail
	}
	w.Flush()
	return buf.Bytes()
}

// hashString formats a sha256 digest the RECORD way.
func hashString(sum []byte) string {
	return "sha256=" + base64.RawURLEncoding.EncodeToString(sum)
}

// sha256Of returns the RECORD hash of b.
func sha256Of(b []byte) string {
	s := sha256.Sum256(b)
	return hashString(s[:])
}

// recordToTarget turns a RECORD path (relative to libRel, the target-relative
// directory holding .dist-info) into a target-relative path, or fails when
// it is absolute or leaves the target.
func recordToTarget(libRel, p string) (string, error) {
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, `\`) || (len(p) > 1 && p[1] == ':') {
		return "", fmt.Errorf("RECORD path %q is absolute", p)
	}
	t := path.Join(libRel, p)
	if t == "." || t == ".." || strings.HasPrefix(t, "../") || validName(t) != nil {
		return "", fmt.Errorf("RECORD path %q lies outside the target", p)
	}
	return t, nil
}

// targetToRecord is the inverse of recordToTarget: dest (target-relative)
// seen from libRel.
func targetToRecord(libRel, dest string) string {
	lp := strings.Split(libRel, "/")
	dp := strings.Split(dest, "/")
	i := 0
	for i < len(lp) && i < len(dp)-1 && lp[i] == dp[i] {
		i++
	}
	var parts []string
	for range lp[i:] {
		parts = append(parts, "..")
	}
	parts = append(parts, dp[i:]...)
	return strings.Join(parts, "/")
}

// metadataHeader returns the first value of header key (case-insensitive)
// in the RFC 822 head of a METADATA file.
func metadataHeader(b []byte, key string) string {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			break
		}
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), key) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
