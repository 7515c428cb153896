package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/installer"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/redact"
)

// writeReport writes pip's installation report (format version "1", as
// `pip install --report`), so CI tools that read pip's report read ours.
func writeReport(path string, stdout io.Writer, t *target, req *installer.Request, res *installer.Result) error {
	// requested_extras, as pip reports them: the extras the user asked for
	// on each requested project, sorted.
	extras := map[string][]string{}
	for _, r := range req.Reqs {
		for _, e := range r.Req.Extras {
			n := pep508.NormalizeName(r.Req.Name)
			if !slices.Contains(extras[n], e) {
				extras[n] = append(extras[n], e)
			}
		}
	}
	type archiveInfo struct {
		Hashes map[string]string `json:"hashes,omitempty"`
		Hash   string            `json:"hash,omitempty"`
	}
	type downloadInfo struct {
		URL         string       `json:"url"`
		ArchiveInfo *archiveInfo `json:"archive_info"`
	}
	type item struct {
		DownloadInfo    downloadInfo   `json:"download_info"`
		IsDirect        bool           `json:"is_direct"`
		IsYanked        bool           `json:"is_yanked"`
		Requested       bool           `json:"requested"`
		RequestedExtras []string       `json:"requested_extras,omitempty"`
		Metadata        map[string]any `json:"metadata"`
	}
	report := struct {
		Version     string            `json:"version"`
		PipVersion  string            `json:"pip_version"`
		Installer   string            `json:"installer"`
		Install     []item            `json:"install"`
		Environment map[string]string `json:"environment"`
	}{Version: "1", PipVersion: "pkginstall " + versionString(), Installer: "pkginstall", Environment: t.py.Markers, Install: []item{}}

	for _, ch := range res.Changes {
		if ch.Action == installer.Keep || ch.Action == installer.Remove {
			continue
		}
		c := ch.Candidate
		md, err := res.Provider.Metadata(context.Background(), c)
		if err != nil {
			return err
		}
		u := redact.Strip(c.File.URL)
		if c.Local != "" && u == "" {
			if abs, err := filepath.Abs(c.Local); err == nil {
				u = distinfo.FileURL(abs)
			}
		}
		ai := &archiveInfo{}
		sum := c.File.SHA256
		if sum == "" && c.Local != "" {
			sum, _ = installer.FileSHA256(c.Local) // best effort: "" leaves the hash out
		}
		if sum != "" {
			ai.Hashes = map[string]string{"sha256": sum}
			ai.Hash = "sha256=" + sum
		}
		report.Install = append(report.Install, item{
			DownloadInfo: downloadInfo{URL: u, ArchiveInfo: ai},
			IsDirect:     c.Direct,
			IsYanked:     c.File.Yanked,
			Requested:    ch.Requested,
			Metadata:     metadataJSON(md.Raw),
		})
		if x := extras[ch.Name]; ch.Requested && len(x) > 0 {
			sorted := slices.Clone(x)
			slices.Sort(sorted)
			report.Install[len(report.Install)-1].RequestedExtras = sorted
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(report); err != nil {
		return err
	}
	if path == "-" {
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("--report %s: %w", path, err)
	}
	return nil
}

// multiUse are the core-metadata fields that may appear more than once;
// their JSON form is a list (PEP 566).
var multiUse = map[string]bool{
	"dynamic": true, "platform": true, "supported_platform": true, "classifier": true,
	"requires_dist": true, "requires_external": true, "project_url": true,
	"provides_extra": true, "provides_dist": true, "obsoletes_dist": true, "license_file": true,
}

// metadataJSON converts core metadata (email-header form) to its PEP 566
// JSON form: lower-case keys with underscores, lists for multiple-use
// fields, keywords split on commas, the body as "description".
func metadataJSON(raw []byte) map[string]any {
	out := map[string]any{}
	text := strings.ReplaceAll(string(raw), "\r\n", "\n")
	head, body, _ := strings.Cut(text, "\n\n")
	var key, val string
	flush := func() {
		if key == "" {
			return
		}
		k := strings.ReplaceAll(strings.ToLower(key), "-", "_")
		switch {
		case multiUse[k]:
			list, _ := out[k].([]string)
			out[k] = append(list, val)
		case k == "keywords":
			var kws []string
			for _, kw := range strings.FieldsFunc(val, func(r rune) bool { return r == ',' }) {
				if kw = strings.TrimSpace(kw); kw != "" {
					kws = append(kws, kw)
				}
			}
			out[k] = kws
		default:
			out[k] = val
		}
		key, val = "", ""
	}
	for _, line := range strings.Split(head, "\n") {
		if line == "" {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			val += "\n" + strings.TrimLeft(line, " \t")
			continue
		}
		flush()
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key, val = strings.TrimSpace(k), strings.TrimSpace(v)
	}
	flush()
	if strings.TrimSpace(body) != "" {
		out["description"] = body
	}
	return out
}
