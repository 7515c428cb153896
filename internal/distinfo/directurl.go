package distinfo

import (
	"bytes"
	"encoding/json"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/pkginstall/pkginstall/internal/redact"
)

// FileURL returns the file:// URL of the absolute path abs, every
// character that needs it escaped (a space, '#', '%', control
// characters...), so that url.Parse gives abs back as the URL's Path.
func FileURL(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive: file:///C:/...
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// DirectURL returns the content of a PEP 610 direct_url.json for an
// archive (a wheel) fetched from rawURL, without its fragment (a hash) and
// without credentials (PEP 610: they MUST be removed), encoded with
// encoding/json.
func DirectURL(rawURL string) []byte {
	if i := strings.IndexByte(rawURL, '#'); i >= 0 {
		rawURL = rawURL[:i]
	}
	rawURL = redact.Strip(rawURL)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	// A struct of a string and an empty struct cannot fail to encode.
	_ = enc.Encode(struct {
		ArchiveInfo struct{} `json:"archive_info"`
		URL         string   `json:"url"`
	}{URL: rawURL})
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// DirectURLDir returns the content of a PEP 610 direct_url.json for a
// local source tree at the absolute path abs (dir_info; editable when it
// was installed editable, PEP 660).
func DirectURLDir(abs string, editable bool) []byte {
	type dirInfo struct {
		Editable bool `json:"editable,omitempty"`
	}
	b, _ := json.Marshal(struct {
		DirInfo dirInfo `json:"dir_info"`
		URL     string  `json:"url"`
	}{dirInfo{editable}, FileURL(abs)})
	return b
}
