package cli

import (
	"strings"
	"testing"
)

func TestReorderArgs(t *testing.T) {
	app := newApp(newUI(Env{}))
	for _, tc := range []struct{ in, want string }{
		{"pkginstall install demo -c c.txt", "pkginstall install -c c.txt demo"},
		{"pkginstall --python 3.11 install demo --no-deps x", "pkginstall --python 3.11 install --no-deps demo x"},
		{"pkginstall install --report=r.json demo -r req.txt", "pkginstall install --report=r.json -r req.txt demo"},
		{"pkginstall install demo -- -weird", "pkginstall install -- demo -weird"},
		{"pkginstall run python -c print(1)", "pkginstall run python -c print(1)"},
		{"pkginstall --version", "pkginstall --version"},
		{"pkginstall where --format json", "pkginstall where --format json"},
		{"pkginstall install a --python 3.11 b", "pkginstall install --python 3.11 a b"},
		{"pkginstall cache prune --max-age 1h", "pkginstall cache prune --max-age 1h"},
	} {
		got := strings.Join(reorderArgs(app, strings.Fields(tc.in)), " ")
		if got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}
