package wheeltest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
)

// Page is a synthetic project page of an index, in the shape PyPI serves
// for a project with a long history (botocore, boto3): both encodings of
// the same files, and the METADATA each wheel's .metadata file serves.
type Page struct {
	JSON     []byte            // PEP 691 JSON (with PEP 700 versions, size, upload-time)
	HTML     []byte            // PEP 503 HTML (PEP 629, 592, 658/714 attributes)
	Metadata map[string][]byte // wheel file name + ".metadata" -> METADATA
	Versions []string          // oldest first
}

// PageSpec describes a Page.
type PageSpec struct {
	Name  string // project name, as the page spells it
	Files int    // how many files: a wheel and an sdist per release, oldest release first
	// FilesURL is prefixed to a file's PyPI-style path
	// (<h[:2]>/<h[2:4]>/<h[4:]>/<file name>, h the file's sha256) to give
	// its URL, e.g. "https://files.pythonhosted.org/packages/".
	FilesURL string
	// Requires, when set, gives a release's Requires-Dist.
	Requires func(version string) []string
}

// LargePage builds the page of spec. Release i is version 1.<i/10>.<i%10>;
// every file requires Python >=3.8; file sha256s are made up (the
// wheels do not exist), the METADATA hashes are real; every 97th file is
// yanked, every other one of those with a reason that needs escaping.
func LargePage(spec PageSpec) Page {
	type jsonFile struct {
		CoreMetadata   any               `json:"core-metadata"`
		DistInfo       any               `json:"data-dist-info-metadata"`
		Filename       string            `json:"filename"`
		Hashes         map[string]string `json:"hashes"`
		RequiresPython string            `json:"requires-python"`
		Size           int64             `json:"size"`
		UploadTime     string            `json:"upload-time"`
		URL            string            `json:"url"`
		Yanked         any               `json:"yanked"`
	}
	var out struct {
		Meta     map[string]any `json:"meta"`
		Name     string         `json:"name"`
		Versions []string       `json:"versions"`
		Files    []jsonFile     `json:"files"`
	}
	out.Meta = map[string]any{"api-version": "1.1", "_last-serial": 28000000}
	out.Name = spec.Name
	pg := Page{Metadata: map[string][]byte{}}
	var h bytes.Buffer
	fmt.Fprintf(&h, "<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"1.1\">\n"+
		"    <title>Links for %s</title>\n  </head>\n  <body>\n    <h1>Links for %s</h1>\n", spec.Name, spec.Name)
	dist := EscapeName(spec.Name)
	for i := 0; len(out.Files) < spec.Files; i++ {
		v := fmt.Sprintf("1.%d.%d", i/10, i%10)
		out.Versions = append(out.Versions, v)
		whl := dist + "-" + v + "-py3-none-any.whl"
		md := fmt.Appendf(nil, "Metadata-Version: 2.1\nName: %s\nVersion: %s\nRequires-Python: >=3.8\n", spec.Name, v)
		if spec.Requires != nil {
			for _, r := range spec.Requires(v) {
				md = fmt.Appendf(md, "Requires-Dist: %s\n", r)
			}
		}
		pg.Metadata[whl+".metadata"] = append(md, '\n')
		for _, fn := range []string{whl, dist + "-" + v + ".tar.gz"} {
			n := len(out.Files)
			sum := sha256.Sum256([]byte(fn))
			sha := hex.EncodeToString(sum[:])
			f := jsonFile{Filename: fn, Hashes: map[string]string{"sha256": sha}, RequiresPython: ">=3.8",
				Size: int64(100000 + n*37), UploadTime: "2024-01-02T03:04:05.123456Z", Yanked: false,
				URL: spec.FilesURL + sha[:2] + "/" + sha[2:4] + "/" + sha[4:] + "/" + fn, CoreMetadata: false, DistInfo: false}
			attrs := ` data-requires-python="` + html.EscapeString(f.RequiresPython) + `"`
			if n%97 == 5 {
				f.Yanked, attrs = true, attrs+` data-yanked=""`
				if n%2 == 0 {
					reason := "broken <release> ü"
					f.Yanked, attrs = reason, attrs[:len(attrs)-3]+`="`+html.EscapeString(reason)+`"`
				}
			}
			if fn == whl {
				msum := sha256.Sum256(pg.Metadata[whl+".metadata"])
				m := hex.EncodeToString(msum[:])
				f.CoreMetadata = map[string]string{"sha256": m}
				f.DistInfo = f.CoreMetadata
				attrs += ` data-dist-info-metadata="sha256=` + m + `" data-core-metadata="sha256=` + m + `"`
			}
			fmt.Fprintf(&h, "    <a href=\"%s#sha256=%s\"%s>%s</a><br />\n", html.EscapeString(f.URL), sha, attrs, html.EscapeString(fn))
			out.Files = append(out.Files, f)
			if len(out.Files) == spec.Files {
				break
			}
		}
	}
	h.WriteString("  </body>\n</html>\n<!--SERIAL 28000000-->\n")
	b, err := json.Marshal(out)
	if err != nil {
		panic(err) // only maps and strings: cannot fail
	}
	pg.JSON, pg.HTML, pg.Versions = b, h.Bytes(), out.Versions
	return pg
}
