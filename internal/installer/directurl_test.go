package installer

import (
	"encoding/json"
	"github.com/pkginstall/pkginstall/index"
	"net/url"
	"testing"
)

// TestDirectURLEscapes: direct_url.json of a wheel whose path holds a
// space, '#', '%' and a control character is valid JSON and its URL gives
// the path back (it was built with %q and "file://"+path: invalid JSON,
// and '#' cut the URL short).
func TestDirectURLEscapes(t *testing.T) {
	path := "/tmp/a b/c#d/50%/e\x01f/w-1.0-py3-none-any.whl"
	got := directURL(&Candidate{Direct: true, Local: path})
	var d struct {
		URL         string          `json:"url"`
		ArchiveInfo json.RawMessage `json:"archive_info"`
	}
	if err := json.Unmarshal([]byte(got), &d); err != nil {
		t.Fatalf("direct_url.json %q: %v", got, err)
	}
	u, err := url.Parse(d.URL)
	if err != nil || u.Scheme != "file" || u.Path != path || u.Fragment != "" {
		t.Errorf("url %q parses to %+v, %v; want file://%s", d.URL, u, err, path)
	}
	if string(d.ArchiveInfo) != "{}" {
		t.Errorf("archive_info = %s", d.ArchiveInfo)
	}
	// A remote URL keeps everything but its fragment (a hash).
	got = directURL(&Candidate{Direct: true, File: fileWithURL("https://host/p/w-1.0-py3-none-any.whl#sha256=abc")})
	if got != `{"archive_info":{},"url":"https://host/p/w-1.0-py3-none-any.whl"}` {
		t.Errorf("remote: %s", got)
	}
}

func fileWithURL(u string) index.File { return index.File{URL: u} }
