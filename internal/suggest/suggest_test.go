package suggest

import "testing"

func TestClosest(t *testing.T) {
	for _, tc := range []struct {
		typed string
		known []string
		want  string
	}{
		{"reqests", []string{"flask", "requests", "request", "urllib3"}, "requests"},
		{"instal", []string{"install", "uninstall", "list"}, "install"},
		{"upgrade-strategy", []string{"upgrade", "no-deps"}, ""},
		{"lsit", []string{"list", "lock"}, "list"},
		{"numpy", []string{"numpy"}, ""},
		{"zzzzzz", []string{"flask"}, ""},
		{"Flsk", []string{"flask"}, "flask"},
		{"", []string{"a"}, ""},
	} {
		if got := Closest(tc.typed, tc.known); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.typed, got, tc.want)
		}
	}
}

func FuzzClosest(f *testing.F) {
	f.Add("reqests", "requests")
	f.Fuzz(func(t *testing.T, a, b string) {
		Closest(a, []string{b, a + b})
	})
}
