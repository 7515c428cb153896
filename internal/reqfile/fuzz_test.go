package reqfile

import (
	"strings"
	"testing"

	"github.com/pkginstall/pkginstall/internal/fileerr"
)

func FuzzParseBytes(f *testing.F) {
	for _, s := range []string{
		"requests>=2.0 --hash=" + h1 + "\n# comment\nflask \\\n  ; python_version > '3'\n",
		"-r sub/other.txt\n-c cons.txt\n-i https://x/simple\n--extra-index-url https://y\n-f ./w\n--no-index\n--pre\n",
		"./dist/pkg-1.0-py3-none-any.whl[a];os_name=='nt'\nfile:///tmp/pkg-1.0-py3-none-any.whl\n",
		"pkg @ https://h/${HOST}/pkg-1.0-py3-none-any.whl ; sys_platform == 'linux'\n-e .\n",
		"\ufeffa\r\nb\rc\\\r\n",
		"-r a/x.txt\n-r a/y.txt\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		open := func(name string) ([]byte, error) {
			// every include reads the same text: exercises cycles and limits
			return []byte(s), nil
		}
		file, err := ParseBytes("r.txt", []byte(s), func(k string) string { return strings.ToLower(k) }, open)
		if err != nil {
			if _, ok := err.(*fileerr.Error); !ok {
				t.Fatalf("error %T is not *fileerr.Error: %v", err, err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		for _, l := range append(file.Requirements, file.Constraints...) {
			if l.LineNo < 1 || l.Req.Name == "" {
				t.Fatalf("bad line %+v", l)
			}
		}
	})
}
