package tags

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseTagSet(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // tags joined by " ", or "error"
	}{
		{"py3-none-any", "py3-none-any"},
		{"py2.py3-none-any", "py2-none-any py3-none-any"},
		{"cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64",
			"cp311-cp311-manylinux_2_17_x86_64 cp311-cp311-manylinux2014_x86_64"},
		{"cp38.cp39-abi3.none-win32.win_amd64",
			"cp38-abi3-win32 cp38-abi3-win_amd64 cp38-none-win32 cp38-none-win_amd64 " +
				"cp39-abi3-win32 cp39-abi3-win_amd64 cp39-none-win32 cp39-none-win_amd64"},
		{"PY3-NONE-ANY", "py3-none-any"},
		{"py3.py3-none-any", "py3-none-any"},
		{"py3-none", "error"},
		{"py3-none-any-x", "error"},
		{"py3..py2-none-any", "error"},
		{"py3-none-", "error"},
		{".py3-none-any", "error"},
		{"3py-none-any", "error"},
		{"py3-no ne-any", "error"},
		{"py3-none-any/", "error"},
		{"", "error"},
		{strings.Repeat("a.", 20) + "a-" + strings.Repeat("b.", 20) + "b-" + strings.Repeat("c.", 20) + "c", "error"},
	} {
		ts, err := ParseTagSet(tc.in)
		got := "error"
		if err == nil {
			got = strings.Join(tagStrings(ts), " ")
		} else {
			var te *TagSetError
			if !errors.As(err, &te) || !strings.HasPrefix(err.Error(), "invalid tag set ") {
				t.Errorf("ParseTagSet(%q) error %v has the wrong form", tc.in, err)
			}
		}
		if got != tc.want {
			t.Errorf("ParseTagSet(%q) = %q, want %q (err %v)", tc.in, got, tc.want, err)
		}
	}
}

func TestParseWheelFilename(t *testing.T) {
	for _, tc := range []struct {
		in                   string
		name, version, build string
		tags                 string
		err                  string // substring of the error, "" when valid
	}{
		{in: "foo-1.0-py3-none-any.whl", name: "foo", version: "1.0", tags: "py3-none-any"},
		{in: "foo_bar-2.0.1-py2.py3-none-any.whl", name: "foo_bar", version: "2.0.1", tags: "py2-none-any py3-none-any"},
		{in: "Foo.Bar-1.0rc1.post2.dev3+local.7-cp311-cp311-linux_x86_64.whl", name: "Foo.Bar", version: "1.0rc1.post2.dev3+local.7", tags: "cp311-cp311-linux_x86_64"},
		{in: "numpy-1.26.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", name: "numpy", version: "1.26.4",
			tags: "cp312-cp312-manylinux_2_17_x86_64 cp312-cp312-manylinux2014_x86_64"},
		{in: "foo-1.0-1-py3-none-any.whl", name: "foo", version: "1.0", build: "1", tags: "py3-none-any"},
		{in: "foo-1.0-2abc-py3-none-any.whl", name: "foo", version: "1.0", build: "2abc", tags: "py3-none-any"},
		{in: "foo-1!2.0-py3-none-any.whl", name: "foo", version: "1!2.0", tags: "py3-none-any"},
		{in: "foo-v1.0-py3-none-any.whl", name: "foo", version: "v1.0", tags: "py3-none-any"},
		{in: "foo-1.0_post1-py3-none-any.whl", name: "foo", version: "1.0_post1", tags: "py3-none-any"},
		{in: "foo-1.0-py3-none-any.zip", err: "extension"},
		{in: "foo-1.0-py3-none-any", err: "extension"},
		{in: "foo-1.0-none-any.whl", err: "want name-version"},
		{in: "foo-1.0-1-2-py3-none-any.whl", err: "want name-version"},
		{in: "foo__bar-1.0-py3-none-any.whl", err: "invalid project name"},
		{in: "-1.0-py3-none-any.whl", err: "invalid project name"},
		{in: "foo bar-1.0-py3-none-any.whl", err: "invalid project name"},
		{in: "dir/foo-1.0-py3-none-any.whl", err: "invalid project name"},
		{in: "foo-1.0.x-py3-none-any.whl", err: "invalid version"},
		{in: "foo--py3-none-any.whl", err: "invalid version"},
		{in: "foo-1.0-abc-py3-none-any.whl", err: "invalid build tag"},
		{in: "foo-1.0--py3-none-any.whl", err: "invalid build tag"},
		{in: "foo-1.0-py3-none-.whl", err: "empty component"},
		{in: "foo-1.0-py3.-none-any.whl", err: "empty component"},
	} {
		w, err := ParseWheelFilename(tc.in)
		if tc.err != "" {
			var we *WheelFilenameError
			if err == nil || !strings.Contains(err.Error(), tc.err) || !errors.As(err, &we) {
				t.Errorf("ParseWheelFilename(%q) = %+v, %v; want error containing %q", tc.in, w, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseWheelFilename(%q): %v", tc.in, err)
			continue
		}
		if w.Name != tc.name || w.Version != tc.version || w.Build != tc.build || strings.Join(tagStrings(w.Tags), " ") != tc.tags {
			t.Errorf("ParseWheelFilename(%q) = %+v", tc.in, w)
		}
	}
}

func TestNormalizedNameAndBuild(t *testing.T) {
	w := WheelName{Name: "Foo.Bar_baz"}
	if got := w.NormalizedName(); got != "foo-bar-baz" {
		t.Errorf("NormalizedName = %q", got)
	}
	for _, tc := range []struct{ build, num, rest string }{
		{"", "", ""}, {"1", "1", ""}, {"007abc", "7", "abc"}, {"0", "0", ""}, {"12x3", "12", "x3"},
	} {
		n, r := WheelName{Build: tc.build}.BuildNumber()
		if n != tc.num || r != tc.rest {
			t.Errorf("BuildNumber(%q) = %q, %q", tc.build, n, r)
		}
	}
	// One sorted table drives the build ordering.
	sorted := []string{"", "0", "1", "1a", "1b", "2", "10", "0100"}
	for i := range sorted {
		for j := range sorted {
			c := compareBuild(WheelName{Build: sorted[i]}, WheelName{Build: sorted[j]})
			if (c < 0) != (i < j) || (c == 0) != (i == j) {
				t.Errorf("compareBuild(%q, %q) = %d", sorted[i], sorted[j], c)
			}
		}
	}
}

func TestMatcherRank(t *testing.T) {
	supported := Supported(linuxInfo("cpython", 3, 11, "linux-x86_64", "glibc", "2.36"))
	m := NewMatcher(append(supported, supported[0])) // a duplicate keeps its first rank
	rank := func(s string) (int, bool) {
		ts, err := ParseTagSet(s)
		if err != nil {
			t.Fatal(err)
		}
		return m.Rank(ts)
	}
	if r, ok := rank("cp311-cp311-manylinux_2_36_x86_64"); !ok || r != 0 {
		t.Errorf("best tag rank %d, %v", r, ok)
	}
	if r, ok := rank("py3-none-any"); !ok || r != slices.Index(supported, Tag{"py3", "none", "any"}) {
		t.Errorf("py3-none-any rank %d, %v", r, ok)
	}
	// The best tag of a set wins.
	r1, _ := rank("py3-none-any")
	r2, _ := rank("py2.py3-none-any.manylinux1_x86_64")
	if r2 >= r1 {
		t.Errorf("compressed set rank %d not better than %d", r2, r1)
	}
	for _, s := range []string{"cp312-cp312-manylinux_2_17_x86_64", "cp311-cp311-win_amd64", "py2-none-any", "cp311-cp311-manylinux_2_37_x86_64"} {
		if _, ok := rank(s); ok {
			t.Errorf("%s is compatible", s)
		}
	}
	if _, ok := m.Rank(nil); ok {
		t.Error("empty tag list is compatible")
	}
}

func TestBestWheel(t *testing.T) {
	m := NewMatcher(Supported(linuxInfo("cpython", 3, 11, "linux-x86_64", "glibc", "2.36")))
	for _, tc := range []struct {
		files []string
		want  int
	}{
		{[]string{"a-1.0-py3-none-any.whl", "a-1.0-cp311-cp311-manylinux_2_17_x86_64.whl"}, 1},
		{[]string{"a-1.0-cp311-abi3-manylinux_2_17_x86_64.whl", "a-1.0-cp311-cp311-manylinux_2_17_x86_64.whl"}, 1},
		{[]string{"a-1.0-cp311-cp311-manylinux_2_28_x86_64.whl", "a-1.0-cp311-cp311-manylinux_2_17_x86_64.whl"}, 0},
		{[]string{"a-1.0-cp311-cp311-win_amd64.whl", "a-1.0-cp312-cp312-manylinux_2_17_x86_64.whl"}, -1},
		{[]string{"not a wheel", "a-1.0-py3-none-any.whl"}, 1},
		{[]string{"a-1.0-py3-none-any.whl", "a-1.0-2-py3-none-any.whl", "a-1.0-10-py3-none-any.whl", "a-1.0-9-py3-none-any.whl"}, 2},
		{[]string{"a-1.0-1-py3-none-any.whl", "a-1.0-py3-none-any.whl"}, 0},
		{[]string{"a-1.0-py3-none-any.whl", "a-1.0-py3-none-any.whl"}, 0},
		{[]string{"a-1.0-5-py3-none-any.whl", "a-1.0-cp311-none-any.whl"}, 1},
		{nil, -1},
	} {
		i, ok := BestWheel(m, tc.files)
		if ok != (tc.want >= 0) || ok && i != tc.want {
			t.Errorf("BestWheel(%v) = %d, %v; want %d", tc.files, i, ok, tc.want)
		}
	}
}

func FuzzParseTagSet(f *testing.F) {
	for _, s := range []string{"py3-none-any", "py2.py3-none-any", "cp38.cp39-abi3.none-win32.win_amd64", "a-b-c-d", "..-.-.", "PY3-NONE-ANY"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := ParseTagSet(s)
		if err != nil {
			return
		}
		if len(ts) == 0 || len(ts) > MaxTagSet {
			t.Fatalf("ParseTagSet(%q) gave %d tags", s, len(ts))
		}
		for _, tag := range ts {
			back, err := ParseTagSet(tag.String())
			if err != nil || len(back) != 1 || back[0] != tag {
				t.Fatalf("ParseTagSet(%q) = %v, %v; want [%v]", tag.String(), back, err, tag)
			}
		}
	})
}

func FuzzParseWheelFilename(f *testing.F) {
	for _, s := range []string{"foo-1.0-py3-none-any.whl", "foo-1.0-1-py2.py3-none-any.whl",
		"Foo.Bar-1.0rc1.post2.dev3+local.7-cp311-cp311-linux_x86_64.whl", "a-b-c-d-e-f-g.whl", "-----.whl"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWheelFilename(s)
		if err != nil {
			return
		}
		if len(w.Tags) == 0 || w.Name == "" || w.Version == "" {
			t.Fatalf("ParseWheelFilename(%q) = %+v", s, w)
		}
		// Printing the parsed parts back gives a name that parses the same.
		parts := []string{w.Name, w.Version}
		if w.Build != "" {
			parts = append(parts, w.Build)
		}
		for _, tag := range w.Tags {
			w2, err := ParseWheelFilename(strings.Join(append(parts, tag.String()), "-") + ".whl")
			if err != nil || w2.Name != w.Name || w2.Version != w.Version || w2.Build != w.Build || len(w2.Tags) != 1 || w2.Tags[0] != tag {
				t.Fatalf("reparse of %q tag %v: %+v, %v", s, tag, w2, err)
			}
		}
	})
}
