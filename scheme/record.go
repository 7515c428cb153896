package scheme

import (
	"fmt"
	"path"
	"strings"

	"github.com/pkginstall/pkginstall/internal/distinfo"
)

// RecordEntry is one line of a RECORD file; Path is as written: relative
// to the directory holding .dist-info.
type RecordEntry = distinfo.RecordEntry

// MaxRecordSize bounds the RECORD files this package reads.
const MaxRecordSize = 64 << 20

// hashString formats a sha256 digest the RECORD way.
func hashString(sum []byte) string {
	return distinfo.FormatRecordHash("sha256", sum)
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
	if rest, ok := strings.CutPrefix(dest, libRel+"/"); ok && libRel != "." {
		return rest // a file in lib/, as almost every one is
	}
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
