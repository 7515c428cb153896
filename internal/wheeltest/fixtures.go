package wheeltest

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Fixture is one checked-in wheel under testdata/wheels.
type Fixture struct {
	Path string // relative to testdata/wheels, '/'-separated
	Doc  string // what it is for
	Spec Spec
}

// Hostile reports whether the fixture is in the hostile/ set.
func (f Fixture) Hostile() bool { return strings.HasPrefix(f.Path, "hostile/") }

// Demo wheels that the README and the CLI tests use.
var (
	// Demo has a console script "pkginstall-demo" that prints a greeting
	// and its module's __file__; it depends on DemoDep.
	Demo = Spec{
		Name:         "pkginstall-demo",
		Version:      "1.0",
		Summary:      "A demonstration package for pkginstall",
		RequiresDist: []string{"pkginstall-demo-dep>=1.0"},
		Files: []File{
			{Path: "pkginstall_demo/__init__.py", Content: `"""pkginstall's demonstration package."""

import pkginstall_demo_dep


def main():
    print("Hello from pkginstall-demo! " + pkginstall_demo_dep.greeting())
    print("pkginstall_demo is " + __file__)
    return 0
`},
			{Path: "pkginstall_demo/__main__.py", Content: "from pkginstall_demo import main\n\nraise SystemExit(main())\n"},
		},
		EntryPoints: []EntryPoint{{Group: "console_scripts", Name: "pkginstall-demo", Value: "pkginstall_demo:main"}},
		Description: "The demonstration package of pkginstall's README.\n",
	}
	// DemoDep is Demo's dependency.
	DemoDep = Spec{
		Name:    "pkginstall-demo-dep",
		Version: "1.0",
		Summary: "The dependency of pkginstall-demo",
		Files: []File{
			{Path: "pkginstall_demo_dep/__init__.py", Content: `"""The dependency of pkginstall-demo."""


def greeting():
    return "(pkginstall-demo-dep 1.0 says hi)"
`},
		},
	}
	// AllData uses every .data category, a .pth file, a console and a GUI
	// entry point, "#!python" and "#!pythonw" scripts, a shell script, a
	// binary script and a script whose name ends in .py.
	AllData = Spec{
		Name:           "pkginstall-alldata",
		Version:        "1.0",
		Summary:        "Every kind of file a wheel can install",
		RequiresPython: ">=3.8",
		ProvidesExtra:  []string{"fancy"},
		RequiresDist:   []string{`pkginstall-demo-dep>=1.0; extra == "fancy"`},
		Files: []File{
			{Path: "pkginstall_alldata/__init__.py", Content: `"""Every kind of file a wheel can install."""

import sys


def main():
    print("pkginstall-alldata console script, args: " + " ".join(sys.argv[1:]))
    return 0


def gui():
    print("pkginstall-alldata GUI script")
    return 0
`},
			{Path: "pkginstall_alldata.pth", Content: "pkginstall_alldata_extra\n"},
			{Path: "pkginstall_alldata_extra/alldata_extra_mod.py", Content: "WHERE = 'found through pkginstall_alldata.pth'\n"},
		},
		Data: []File{
			{Path: "purelib/pkginstall_alldata_purelib.py", Content: "WHERE = 'purelib'\n"},
			{Path: "platlib/pkginstall_alldata_platlib.py", Content: "WHERE = 'platlib'\n"},
			{Path: "scripts/alldata-python", Mode: 0o755, Content: "#!python\nimport sys\nprint('alldata-python running on ' + sys.executable)\n"},
			{Path: "scripts/alldata-pythonw", Mode: 0o755, Content: "#!pythonw\nprint('alldata-pythonw')\n"},
			{Path: "scripts/alldata-shell", Mode: 0o755, Content: "#!/bin/sh\necho alldata-shell \"$@\"\n"},
			{Path: "scripts/alldata-binary", Mode: 0o755, Content: "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00not really a program\x00\xff\xfe"},
			{Path: "scripts/alldata-tool.py", Mode: 0o755, Content: "#!python\nprint('alldata-tool.py')\n"},
			{Path: "headers/pkginstall_alldata.h", Content: "#define PKGINSTALL_ALLDATA 1\n"},
			{Path: "data/share/man/man1/alldata.1", Content: ".TH ALLDATA 1\n.SH NAME\nalldata \\- test page\n"},
			{Path: "data/share/pkginstall_alldata/data.txt", Content: "data file\n"},
		},
		EntryPoints: []EntryPoint{
			{Group: "console_scripts", Name: "alldata-cli", Value: "pkginstall_alldata:main"},
			{Group: "gui_scripts", Name: "alldata-gui", Value: "pkginstall_alldata:gui"},
			{Group: "pkginstall.plugins", Name: "ignored", Value: "pkginstall_alldata:main"},
		},
		DistInfoFiles: []File{{Path: "LICENSE", Content: "Public domain.\n"}},
	}
)

// tiny returns a minimal valid spec named name.
func tiny(name string) Spec {
	mod := EscapeName(name)
	return Spec{
		Name:    name,
		Version: "1.0",
		Files:   []File{{Path: mod + "/__init__.py", Content: "VALUE = 1\n"}},
	}
}

// with returns a copy of s with edit applied.
func with(s Spec, edit func(*Spec)) Spec {
	s.Files = append([]File(nil), s.Files...)
	s.Data = append([]File(nil), s.Data...)
	edit(&s)
	return s
}

// Fixtures returns every checked-in wheel, valid ones first, sorted by path
// within each set.
func Fixtures() []Fixture {
	valid := []Fixture{
		{Doc: "console script pkginstall-demo; depends on pkginstall-demo-dep", Spec: Demo},
		{Doc: "the dependency of pkginstall-demo", Spec: DemoDep},
		{Doc: "every .data category, .pth, console and GUI scripts, #!python, binary and .py scripts", Spec: AllData},
		{Doc: "Wheel-Version 1.9: installs, with a warning", Spec: with(tiny("pkginstall-future"), func(s *Spec) { s.Hostile.WheelVersion = "1.9" })},
		{Doc: "Root-Is-Purelib: false, a CPython 3.11 platform tag and a build tag", Spec: with(tiny("pkginstall-platlib"), func(s *Spec) {
			s.Platlib = true
			s.Tag = "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64"
			s.Build = "1"
		})},
	}
	h := func(name, doc string, edit func(*Spec)) Fixture {
		s := tiny(name)
		s = with(s, edit)
		return Fixture{Doc: doc, Spec: s}
	}
	const init = "/__init__.py"
	hostile := []Fixture{
		h("absolute-path", "a member with an absolute path", func(s *Spec) {
			s.Files = append(s.Files, File{Path: "/tmp/pkginstall-evil", Content: "evil\n"})
		}),
		h("backslash-path", "a member name with a backslash", func(s *Spec) {
			s.Files = append(s.Files, File{Path: `backslash_path\..\evil.py`, Content: "evil\n"})
		}),
		h("bad-entry-point", "a console script named ../evil", func(s *Spec) {
			s.EntryPoints = []EntryPoint{{Group: "console_scripts", Name: "../evil", Value: "bad_entry_point:main"}}
		}),
		h("bad-hash", "RECORD's hash of a member is wrong (content tampered with)", func(s *Spec) {
			s.Hostile.BadHash = []string{"bad_hash" + init}
		}),
		h("case-duplicate", "two members whose names differ only in case", func(s *Spec) {
			s.Files = append(s.Files, File{Path: "case_duplicate/Mod.py", Content: "a\n"}, File{Path: "case_duplicate/mod.py", Content: "b\n"})
		}),
		h("control-char", "a member name with an escape sequence", func(s *Spec) {
			s.Files = append(s.Files, File{Path: "control_char/\x1b[31mred.py", Content: "evil\n"})
		}),
		h("device-member", "a character device member", func(s *Spec) {
			s.Files = append(s.Files, File{Path: "device_member/dev", Mode: fs.ModeDevice | fs.ModeCharDevice | 0o644})
		}),
		h("dotdot-path", "a member with a .. component", func(s *Spec) {
			s.Files = append(s.Files, File{Path: "dotdot_path/../../evil.py", Content: "evil\n"})
		}),
		h("drive-letter", "a member with a Windows drive letter", func(s *Spec) {
			s.Files = append(s.Files, File{Path: "C:/evil.py", Content: "evil\n"})
		}),
		h("duplicate-name", "the same member twice", func(s *Spec) {
			s.Files = append(s.Files, File{Path: "duplicate_name/a.py", Content: "a\n"}, File{Path: "duplicate_name/a.py", Content: "b\n"})
		}),
		h("egg-info", "another distribution's .egg-info at the top level", func(s *Spec) {
			s.Files = append(s.Files, File{Path: "other-99.0.egg-info/PKG-INFO", Content: "Metadata-Version: 2.1\nName: other\nVersion: 99.0\n"})
		}),
		h("egg-info-purelib", "another distribution's .egg-info in .data/purelib", func(s *Spec) {
			s.Data = append(s.Data, File{Path: "purelib/other-99.0.egg-info/PKG-INFO", Content: "Metadata-Version: 2.1\nName: other\nVersion: 99.0\n"})
		}),
		h("extra-record-entry", "RECORD lists a file the archive does not have", func(s *Spec) {
			s.Hostile.ExtraRecord = []string{"extra_record_entry/ghost.py"}
		}),
		h("fifo-member", "a named pipe member", func(s *Spec) {
			s.Files = append(s.Files, File{Path: "fifo_member/pipe", Mode: fs.ModeNamedPipe | 0o644})
		}),
		h("file-dir-conflict", "a name that is both a file and a directory", func(s *Spec) {
			s.Files = append(s.Files, File{Path: "file_dir_conflict/x", Content: "file\n"}, File{Path: "file_dir_conflict/x/y.py", Content: "inside\n"})
		}),
		h("huge-declared-size", "a member declaring 2 GiB", func(s *Spec) {
			s.Files = append(s.Files, File{Path: "huge_declared_size/big.bin", Content: "small", DeclaredSize: 2 << 30})
		}),
		h("md5-record", "RECORD uses md5", func(s *Spec) { s.Hostile.HashAlgorithm = "md5" }),
		h("missing-metadata", "no METADATA", func(s *Spec) { s.Hostile.NoMETADATA = true }),
		h("missing-record", "no RECORD", func(s *Spec) { s.Hostile.NoRECORD = true }),
		h("missing-record-entry", "a member RECORD does not list", func(s *Spec) {
			s.Hostile.OmitRecord = []string{"missing_record_entry" + init}
		}),
		h("missing-wheel", "no WHEEL", func(s *Spec) { s.Hostile.NoWHEEL = true }),
		h("name-mismatch-dist-info", "the .dist-info directory names another project", func(s *Spec) {
			s.Hostile.DistInfoName = "other_project"
		}),
		h("name-mismatch-metadata", "METADATA names another project", func(s *Spec) {
			s.Hostile.MetadataName = "other-project"
		}),
		h("nfd-collision", "two members whose names differ only in Unicode normalisation (NFC and NFD)", func(s *Spec) {
			s.Files = append(s.Files, File{Path: "nfd_collision/caf\u00e9.py", Content: "a\n"}, File{Path: "nfd_collision/cafe\u0301.py", Content: "b\n"})
		}),
		h("no-record-size", "a RECORD entry without a size", func(s *Spec) {
			s.Hostile.NoRecordSize = []string{"no_record_size" + init}
		}),
		h("nul-in-name", "a member name with a NUL byte", func(s *Spec) {
			s.Files = append(s.Files, File{Path: "nul_in_name/evil\x00.py", Content: "evil\n"})
		}),
		h("symlink-member", "a symbolic link to /etc/passwd", func(s *Spec) {
			s.Files = append(s.Files, File{Path: "symlink_member/link", Content: "/etc/passwd", Mode: fs.ModeSymlink | 0o777})
		}),
		h("total-size", "five members of 1 GiB each (declared)", func(s *Spec) {
			for i := range 5 {
				s.Files = append(s.Files, File{Path: fmt.Sprintf("total_size/part%d.bin", i), Content: "x", DeclaredSize: 1 << 30})
			}
		}),
		h("two-dist-info", "two .dist-info directories", func(s *Spec) {
			s.Files = append(s.Files, File{Path: "other-1.0.dist-info/METADATA", Content: "Metadata-Version: 2.1\nName: other\nVersion: 1.0\n"})
		}),
		h("unknown-data-category", "a .data/lib/ directory", func(s *Spec) {
			s.Data = append(s.Data, File{Path: "lib/evil.py", Content: "evil\n"})
		}),
		h("version-mismatch-dist-info", "the .dist-info directory has another version", func(s *Spec) {
			s.Hostile.DistInfoVersion = "1.1"
		}),
		h("version-mismatch-metadata", "METADATA has another version", func(s *Spec) {
			s.Hostile.MetadataVersion = "2.0"
		}),
		h("windows-char", "a member name with a ':' (an NTFS stream on Windows)", func(s *Spec) {
			s.Files = append(s.Files, File{Path: "windows_char/mod.py:evil", Content: "evil\n"})
		}),
		h("windows-reserved", "a member named aux.py, a device name on Windows", func(s *Spec) {
			s.Files = append(s.Files, File{Path: "windows_reserved/aux.py", Content: "evil\n"})
		}),
		h("windows-trailing-dot", "a member name ending in a dot, which Windows drops", func(s *Spec) {
			s.Files = append(s.Files, File{Path: "windows_trailing_dot/__init__.py.", Content: "evil\n"})
		}),
		h("path-too-deep", "a member 100 directories deep (the limit is 64)", func(s *Spec) {
			s.Files = append(s.Files, File{Path: "path_too_deep/" + strings.Repeat("d/", 100) + "x.py", Content: "x = 1\n"})
		}),
		h("path-component-too-long", "a member name component of 300 bytes", func(s *Spec) {
			s.Files = append(s.Files, File{Path: "path_component_too_long/" + strings.Repeat("a", 297) + ".py", Content: "x = 1\n"})
		}),
		h("wheel-version-2", "Wheel-Version: 2.0", func(s *Spec) { s.Hostile.WheelVersion = "2.0" }),
		h("zip-bomb", "a member declaring 1 KiB that inflates to 16 MiB", func(s *Spec) {
			s.Files = append(s.Files, File{Path: "zip_bomb/bomb.bin", DeclaredSize: 1024, ZeroFill: 16 << 20})
		}),
	}
	var all []Fixture
	for _, f := range valid {
		f.Path = f.Spec.Filename()
		all = append(all, f)
	}
	for _, f := range hostile {
		f.Path = "hostile/" + f.Spec.Filename()
		all = append(all, f)
	}
	return all
}

// WriteFixtures writes every fixture into dir (testdata/wheels), skipping
// files whose content is already right, and removes *.whl files there
// that are not fixtures any more.
func WriteFixtures(dir string) error {
	want := map[string]bool{}
	for _, f := range Fixtures() {
		b, err := BuildBytes(f.Spec)
		if err != nil {
			return err
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		want[p] = true
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, b) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	for _, sub := range []string{dir, filepath.Join(dir, "hostile")} {
		stale, _ := filepath.Glob(filepath.Join(sub, "*.whl"))
		for _, p := range stale {
			if !want[p] {
				if err := os.Remove(p); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
