package installer

import (
	"slices"
	"strings"
	"testing"

	"github.com/pkginstall/pkginstall/internal/python"
	"github.com/pkginstall/pkginstall/internal/tags"
)

func TestTargetInfo(t *testing.T) {
	for _, tc := range []struct {
		spec     TargetSpec
		markers  map[string]string
		first    string   // best tag
		has, not []string // tags supported / not
	}{
		{
			spec:    TargetSpec{PythonVersion: "3.12", Platform: "win_amd64"},
			markers: map[string]string{"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64", "python_version": "3.12", "python_full_version": "3.12.0", "implementation_name": "cpython"},
			first:   "cp312-cp312-win_amd64",
			has:     []string{"cp312-abi3-win_amd64", "py3-none-any", "cp312-none-win_amd64"},
			not:     []string{"cp312-cp312-win32", "cp311-cp311-win_amd64", "cp312-cp312-manylinux_2_17_x86_64"},
		},
		{
			spec:    TargetSpec{PythonVersion: "3.11.4", Platform: "win32", Implementation: "cp"},
			markers: map[string]string{"platform_machine": "x86", "python_full_version": "3.11.4"},
			first:   "cp311-cp311-win32",
		},
		{
			spec:    TargetSpec{PythonVersion: "313", Platform: "macosx_11_0_arm64", ABIs: []string{"cp313t"}},
			markers: map[string]string{"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix", "platform_machine": "arm64", "python_version": "3.13"},
			first:   "cp313-cp313t-macosx_11_0_arm64",
			has:     []string{"cp313-cp313t-macosx_11_0_universal2", "py3-none-macosx_11_0_arm64"},
			not:     []string{"cp313-cp313-macosx_11_0_arm64", "cp313-abi3-macosx_11_0_arm64", "cp313-cp313t-macosx_12_0_arm64"},
		},
		{
			spec:    TargetSpec{PythonVersion: "3.12", Platform: "manylinux_2_28_x86_64"},
			markers: map[string]string{"sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64"},
			first:   "cp312-cp312-manylinux_2_28_x86_64",
			has:     []string{"cp312-cp312-manylinux2014_x86_64", "cp312-abi3-manylinux_2_5_x86_64", "cp312-cp312-linux_x86_64"},
			not:     []string{"cp312-cp312-manylinux_2_29_x86_64", "cp312-cp312-musllinux_1_2_x86_64"},
		},
		{
			spec:  TargetSpec{PythonVersion: "3.10", Platform: "manylinux2014_aarch64"},
			first: "cp310-cp310-manylinux_2_17_aarch64",
			has:   []string{"cp310-cp310-manylinux2014_aarch64"},
			not:   []string{"cp310-cp310-manylinux_2_18_aarch64"},
		},
		{
			spec:  TargetSpec{PythonVersion: "3.12", Platform: "musllinux_1_2_x86_64"},
			first: "cp312-cp312-musllinux_1_2_x86_64",
			not:   []string{"cp312-cp312-manylinux_2_17_x86_64"},
		},
	} {
		info, err := TargetInfo(tc.spec, nil)
		if err != nil {
			t.Errorf("%+v: %v", tc.spec, err)
			continue
		}
		for k, v := range tc.markers {
			if info.Markers[k] != v {
				t.Errorf("%+v: marker %s = %q, want %q", tc.spec, k, info.Markers[k], v)
			}
		}
		var got []string
		for _, tg := range tags.Supported(info) {
			got = append(got, tg.String())
		}
		if len(got) == 0 || got[0] != tc.first {
			t.Errorf("%+v: first tag %v, want %s", tc.spec, got[:min(3, len(got))], tc.first)
		}
		for _, h := range tc.has {
			if !slices.Contains(got, h) {
				t.Errorf("%+v: %s not supported", tc.spec, h)
			}
		}
		for _, n := range tc.not {
			if slices.Contains(got, n) {
				t.Errorf("%+v: %s supported", tc.spec, n)
			}
		}
	}
}

func TestTargetInfoFromBase(t *testing.T) {
	base := &python.Info{Implementation: "cpython", Version: "3.11.7", Major: 3, Minor: 11, Micro: 7,
		Platform: "linux-x86_64", OS: "linux", Arch: "x86_64", Libc: "glibc", LibcVersion: "2.36", PointerBits: 64,
		Markers: map[string]string{"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix", "platform_machine": "x86_64", "platform_release": "6.1"}}
	info, err := TargetInfo(TargetSpec{PythonVersion: "3.13"}, base)
	if err != nil {
		t.Fatal(err)
	}
	if info.Markers["platform_release"] != "6.1" || info.Markers["python_version"] != "3.13" || info.Libc != "glibc" {
		t.Errorf("info = %+v", info)
	}
	if got := tags.Supported(info)[0].String(); got != "cp313-cp313-manylinux_2_36_x86_64" {
		t.Errorf("first tag %s", got)
	}
	info, err = TargetInfo(TargetSpec{Platform: "win_arm64"}, base)
	if err != nil {
		t.Fatal(err)
	}
	if info.Version != "3.11.7" || info.Markers["platform_machine"] != "ARM64" {
		t.Errorf("info = %+v", info)
	}
}

func TestTargetInfoErrors(t *testing.T) {
	for _, tc := range []struct {
		spec TargetSpec
		want string
	}{
		{TargetSpec{PythonVersion: "3", Platform: "win_amd64"}, "--python-version"},
		{TargetSpec{PythonVersion: "three", Platform: "win_amd64"}, "--python-version"},
		{TargetSpec{PythonVersion: "3.12", Platform: "beos"}, "--platform beos"},
		{TargetSpec{PythonVersion: "3.12", Platform: "win_amd64", ABIs: []string{"cp311"}}, "--abi cp311"},
		{TargetSpec{PythonVersion: "3.12", Platform: "win_amd64", Implementation: "pp"}, "--implementation pp"},
		{TargetSpec{Platform: "win_amd64"}, "no --python-version"},
		{TargetSpec{PythonVersion: "3.12"}, "no --platform"},
	} {
		_, err := TargetInfo(tc.spec, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err %v, want %q", tc.spec, err, tc.want)
		}
	}
}

func FuzzTargetInfo(f *testing.F) {
	f.Add("3.12", "win_amd64", "cp312")
	f.Add("311", "macosx_10_9_universal2", "abi3")
	f.Add("3.9.1", "manylinux_2_17_armv7l", "none")
	f.Add("3.12", "musllinux_1_1_i686", "cp312t")
	f.Fuzz(func(t *testing.T, version, platform, abi string) {
		info, err := TargetInfo(TargetSpec{PythonVersion: version, Platform: platform, ABIs: []string{abi}}, nil)
		if err != nil {
			return
		}
		if len(tags.Supported(info)) == 0 {
			t.Fatalf("%q %q %q: no tags", version, platform, abi)
		}
	})
}
