package main

import (
	"fmt"
	"os"
	"strings"
	"time"
)

const (
	beginMarker = "<!-- resolver-bench:begin -->"
	endMarker   = "<!-- resolver-bench:end -->"
)

// markdown renders the rows as one table, with pip's time over
// pkginstall's for each case.
func markdown(rows []row, o options) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Resolution only (`install --dry-run --report -` against an index on 127.0.0.1, cold caches unless the case says warm, timeout %s), %s.\n\n", o.timeout, time.Now().UTC().Format("2006-01-02"))
	b.WriteString("| case | versions on the index | tool | wall | CPU | metadata fetched | wheels fetched | answer |\n")
	b.WriteString("|---|---:|---|---:|---:|---:|---:|---|\n")
	for _, r := range rows {
		share := ""
		if r.Versions > 0 {
			share = fmt.Sprintf(" (%.1f%%)", 100*float64(r.Metadata)/float64(r.Versions))
		}
		wall := fmt.Sprintf("%.2f s", r.Wall.Seconds())
		if r.TimedOut {
			wall = "> " + wall
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %.2f s | %d%s | %d | %s |\n", r.Label, r.Versions, r.Tool, wall, r.CPU.Seconds(), r.Metadata, share, r.Wheels, r.Outcome)
	}
	b.WriteString("\n")
	for i := 0; i+1 < len(rows); i++ {
		a, p := rows[i], rows[i+1]
		if a.Case == p.Case && a.Tool == "pkginstall" && p.Tool == "pip" && a.Wall > 0 {
			more := ""
			if p.TimedOut {
				more = "at least "
			}
			fmt.Fprintf(&b, "- %s: pip takes %s%.0fx pkginstall's wall time.\n", a.Label, more, p.Wall.Seconds()/a.Wall.Seconds())
		}
	}
	return b.String()
}

// updateFile replaces the text between the markers in file (appending a
// marked section when there is none).
func updateFile(file, md string) error {
	old, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	s := string(old)
	section := beginMarker + "\n" + md + endMarker
	i, j := strings.Index(s, beginMarker), strings.Index(s, endMarker)
	if i >= 0 && j > i {
		s = s[:i] + section + s[j+len(endMarker):]
	} else {
		s = strings.TrimRight(s, "\n") + "\n\n## Resolver (issue 15)\n\n" + section + "\n"
	}
	return os.WriteFile(file, []byte(s), 0o644)
}
