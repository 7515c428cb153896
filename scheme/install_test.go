package scheme

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func fooWheel(version string) *memSource {
	return &memSource{
		project: "Foo.Bar", version: version,
		files: []memFile{
			{name: "foo/__init__.py", data: "X = 1\n"},
			{name: "foo/_native.so", data: "\x7fELF...", mode: 0o755},
			{name: "foo_bar-" + version + ".dist-info/entry_points.txt", data: "[console_scripts]\nfoo = foo:main\n"},
			{name: "foo_bar-" + version + ".dist-info/INSTALLER", data: "pip\n"},
			{name: "foo_bar-" + version + ".data/purelib/foo/pure.py", data: "P = 1\n"},
			{name: "foo_bar-" + version + ".data/platlib/foo/plat.py", data: "Q = 1\n"},
			{name: "foo_bar-" + version + ".data/scripts/foo-tool", data: "#!python\nprint('tool')\n"},
			{name: "foo_bar-" + version + ".data/headers/foo.h", data: "int foo;\n"},
			{name: "foo_bar-" + version + ".data/data/share/man/man1/foo.1", data: ".TH FOO\n"},
		},
		eps: []EntryPoint{
			{Name: "foo", Module: "foo", Attr: "main", Group: GroupConsole},
			{Name: "foo-gui", Module: "foo.gui", Attr: "App.run", Group: GroupGUI},
			{Name: "ignored", Module: "foo", Attr: "plugin", Group: "foo.plugins"},
		},
	}
}

func TestInstallScheme(t *testing.T) {
	info := testInfo()
	p := newProject(t, info)
	r := mustInstall(t, p, info, fooWheel("1.0"), InstallOptions{Requested: true, DirectURL: `{"url": "file:///w/foo.whl"}`})
	want := []string{
		"bin/", "bin/foo", "bin/foo-gui", "bin/foo-tool",
		"include/", "include/Foo.Bar/", "include/Foo.Bar/foo.h",
		"lib/", "lib/foo/", "lib/foo/__init__.py", "lib/foo/_native.so", "lib/foo/plat.py", "lib/foo/pure.py",
		"lib/foo_bar-1.0.dist-info/", "lib/foo_bar-1.0.dist-info/INSTALLER", "lib/foo_bar-1.0.dist-info/METADATA",
		"lib/foo_bar-1.0.dist-info/RECORD", "lib/foo_bar-1.0.dist-info/REQUESTED",
		"lib/foo_bar-1.0.dist-info/direct_url.json", "lib/foo_bar-1.0.dist-info/entry_points.txt",
		"share/", "share/man/", "share/man/man1/", "share/man/man1/foo.1",
	}
	if got := tree(t, p.Target); !equalLines(got, want) {
		t.Errorf("target tree:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := readFile(t, filepath.Join(p.Lib, "foo_bar-1.0.dist-info", "INSTALLER")); got != "pkginstall\n" {
		t.Errorf("INSTALLER = %q", got)
	}
	if got := readFile(t, filepath.Join(p.Lib, "foo_bar-1.0.dist-info", "direct_url.json")); got != `{"url": "file:///w/foo.whl"}` {
		t.Errorf("direct_url.json = %q", got)
	}
	head, err := DataScriptHead(info, "../lib", "..", "../..")
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(p.Bin, "foo-tool")); got != string(head)+"print('tool')\n" {
		t.Errorf("rewritten script = %q", got)
	}
	for name, exec := range map[string]bool{"bin/foo": true, "bin/foo-tool": true, "bin/foo-gui": true, "lib/foo/_native.so": true, "lib/foo/pure.py": false} {
		fi, err := os.Stat(filepath.Join(p.Target, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode()&0o111 != 0; got != exec {
			t.Errorf("%s executable = %v, want %v (mode %v)", name, got, exec, fi.Mode())
		}
	}
	rec := readFile(t, filepath.Join(p.Lib, "foo_bar-1.0.dist-info", "RECORD"))
	for _, line := range []string{
		"foo/__init__.py,sha256=",
		"../bin/foo,sha256=",
		"../bin/foo-tool,sha256=",
		"../include/Foo.Bar/foo.h,sha256=",
		"../share/man/man1/foo.1,sha256=",
		"foo_bar-1.0.dist-info/INSTALLER,sha256=",
		"\nfoo_bar-1.0.dist-info/RECORD,,\n",
	} {
		if !strings.Contains(rec, line) {
			t.Errorf("RECORD lacks %q:\n%s", line, rec)
		}
	}
	if strings.Count(rec, "\n") != 15 || !strings.HasSuffix(rec, "foo_bar-1.0.dist-info/RECORD,,\n") {
		t.Errorf("RECORD has %d lines or does not end with itself:\n%s", strings.Count(rec, "\n"), rec)
	}
	d := findDist(t, p, "foo-bar")
	if d == nil || d.Version != "1.0" || d.Name != "Foo.Bar" || !d.Requested || d.Installer != "pkginstall" || len(d.Files) != 15 {
		t.Fatalf("List: %+v", d)
	}
	if probs := d.Verify(); len(probs) != 0 {
		t.Errorf("Verify after install: %v", probs)
	}
	if r.DistInfo != d.DistInfo || len(r.Scripts) != 3 || len(r.Files) != 15 || len(r.Warnings) != 0 {
		t.Errorf("Result: %+v", r)
	}
	if left, _ := Leftovers(p); len(left) != 0 {
		t.Errorf("leftovers after install: %v", left)
	}

	// Verify notices edits and deletions.
	os.WriteFile(filepath.Join(p.Lib, "foo", "pure.py"), []byte("P = 2\n"), 0o644)
	os.WriteFile(filepath.Join(p.Lib, "foo", "plat.py"), []byte("Q = 22\n"), 0o644)
	os.Remove(filepath.Join(p.Bin, "foo"))
	probs := d.Verify()
	if len(probs) != 3 {
		t.Fatalf("Verify found %v", probs)
	}
	for _, pr := range probs {
		if !strings.Contains(pr.String(), "hash is sha256=") && !strings.Contains(pr.String(), "size is 7") && !strings.HasSuffix(pr.String(), "bin/foo: missing") {
			t.Errorf("unexpected problem %s", pr)
		}
	}
}

func TestDataScriptShebangs(t *testing.T) {
	info := testInfo()
	long := "/opt/" + strings.Repeat("x", 130) + "/python3"
	tests := []struct {
		exe, in, want string
	}{
		// HEAD stands for DataScriptHead's trampoline for exe.
		{"/usr/bin/python3", "#!python\nbody\n", "HEADbody\n"},
		{"/usr/bin/python3", "#!pythonw\r\nbody\r\n", "HEADbody\r\n"},
		{"/usr/bin/python3", "#!python", "HEAD"},
		{"/usr/bin/python3", "#!python -u\nbody\n", "#!python -u\nbody\n"},
		{"/usr/bin/python3", "#!/bin/sh\necho hi\n", "#!/bin/sh\necho hi\n"},
		{"/usr/bin/python3", "\x00\x01binary#!python\n", "\x00\x01binary#!python\n"},
		{"/usr/bin/python3", "", ""},
		{"/usr/bin/python3", "#!python3\n", "#!python3\n"},
		{"/my env/bin/python", "#!python\nx\n", "HEADx\n"},
		{long, "#!python\nx\n", "HEADx\n"},
	}
	for i, tt := range tests {
		info.Executable = tt.exe
		p := newProject(t, info)
		src := &memSource{project: "s", version: "1", files: []memFile{{name: "s-1.data/scripts/s", data: tt.in}}}
		mustInstall(t, p, info, src, InstallOptions{})
		head, err := DataScriptHead(info, "../lib", "..", "../..")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(head), "'''exec' '"+tt.exe+"' -c '") {
			t.Errorf("%d: head %q does not exec %s", i, head, tt.exe)
		}
		tt.want = strings.Replace(tt.want, "HEAD", string(head), 1)
		if got := readFile(t, filepath.Join(p.Bin, "s")); got != tt.want {
			t.Errorf("%d: script %q installed as %q, want %q", i, tt.in, got, tt.want)
		}
		d := findDist(t, p, "s")
		if probs := d.Verify(); len(probs) != 0 {
			t.Errorf("%d: Verify: %v", i, probs)
		}
	}
}

// installRefused checks that src is refused and that nothing changed.
func installRefused(t *testing.T, p Paths, src Source, opts InstallOptions) error {
	t.Helper()
	if err := CreateTarget(p); err != nil {
		t.Fatal(err)
	}
	before := tree(t, p.Target)
	_, err := Install(context.Background(), p, testInfo(), src, opts)
	if err == nil {
		t.Fatalf("install %s succeeded, want an error", src.Project())
	}
	if after := tree(t, p.Target); !equalLines(before, after) {
		t.Errorf("refused install changed the target:\nbefore %v\nafter  %v", before, after)
	}
	return err
}

func TestInstallRefusesBadPlans(t *testing.T) {
	tests := []struct {
		name  string
		files []memFile
		eps   []EntryPoint
		want  string
	}{
		{"unknown data key", []memFile{{name: "w-1.data/stuff/x", data: "x"}}, nil, `unknown .data directory "stuff"`},
		{"data dir file", []memFile{{name: "w-1.data/purelib", data: "x"}}, nil, "not inside a .data scheme directory"},
		{"duplicate destination", []memFile{{name: "w/a.py", data: "1"}, {name: "w-1.data/purelib/w/a.py", data: "2"}}, nil, "both install"},
		{"script twice", []memFile{{name: "w-1.data/scripts/w", data: "1"}}, []EntryPoint{{Name: "w", Module: "w", Attr: "main", Group: GroupConsole}}, "both install"},
		{"dotdot", []memFile{{name: "w/../../x.py", data: "1"}}, nil, "not a clean relative path"},
		{"absolute", []memFile{{name: "/etc/passwd", data: "1"}}, nil, "not a clean relative path"},
		{"backslash", []memFile{{name: `w\..\x`, data: "1"}}, nil, "backslash"},
		{"control", []memFile{{name: "w/a\nb", data: "1"}}, nil, "control character"},
		{"other dist-info", []memFile{{name: "evil-9.dist-info/METADATA", data: "1"}}, nil, "another distribution's evil-9.dist-info"},
		{"egg-info", []memFile{{name: "evil-9.egg-info/PKG-INFO", data: "1"}}, nil, "another distribution's evil-9.egg-info"},
		{"egg-info in purelib", []memFile{{name: "w-1.data/purelib/Evil.EGG-INFO", data: "1"}}, nil, "another distribution's Evil.EGG-INFO"},
		{"reserved", []memFile{{name: "w-1.data/data/.pkginstall-journal.json", data: "{}"}}, nil, "reserved"},
		{"file and dir", []memFile{{name: "w/a", data: "1"}, {name: "w/a/b.py", data: "2"}}, nil, "where"},
		{"bad entry point", nil, []EntryPoint{{Name: "w", Module: "w; import os", Attr: "main", Group: GroupConsole}}, "is not module:attribute"},
		{"no attr", nil, []EntryPoint{{Name: "w", Module: "w", Group: GroupConsole}}, "is not module:attribute"},
		{"bad script name", nil, []EntryPoint{{Name: "../w", Module: "w", Attr: "main", Group: GroupConsole}}, "is not a file name"},
		{"hash mismatch", []memFile{{name: "w/a.py", data: "1", badHash: true}}, nil, "RECORD says"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProject(t, testInfo())
			err := installRefused(t, p, &memSource{project: "w", version: "1", files: tt.files, eps: tt.eps}, InstallOptions{})
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if left, _ := Leftovers(p); len(left) != 0 {
				t.Errorf("leftovers: %v", left)
			}
		})
	}
}

func TestInstallRefusesDistInfoMismatch(t *testing.T) {
	p := newProject(t, testInfo())
	src := &badDistInfo{memSource{project: "w", version: "1"}}
	err := installRefused(t, p, src, InstallOptions{})
	if !strings.Contains(err.Error(), "does not name the project") {
		t.Errorf("error: %v", err)
	}
}

type badDistInfo struct{ memSource }

func (b *badDistInfo) DistInfo() string { return "other-1.dist-info" }

func TestInstallConflict(t *testing.T) {
	info := testInfo()
	p := newProject(t, info)
	bar := &memSource{project: "bar", version: "1", files: []memFile{{name: "shared/util.py", data: "bar's\n"}}}
	mustInstall(t, p, info, bar, InstallOptions{})
	foo := &memSource{project: "foo", version: "1", files: []memFile{{name: "shared/util.py", data: "foo's\n"}, {name: "foo.py", data: ""}}}
	err := installRefused(t, p, foo, InstallOptions{})
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.Owner != "bar 1" || ce.Path != filepath.Join(p.Lib, "shared", "util.py") {
		t.Fatalf("error %v, want a ConflictError naming bar 1", err)
	}
	if !strings.Contains(err.Error(), "foo 1 would overwrite") {
		t.Errorf("message: %v", err)
	}
	r := mustInstall(t, p, info, foo, InstallOptions{Overwrite: true})
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "belongs to bar 1: overwriting it") {
		t.Errorf("warnings: %q", r.Warnings)
	}
	if got := readFile(t, filepath.Join(p.Lib, "shared", "util.py")); got != "foo's\n" {
		t.Errorf("util.py = %q", got)
	}
	// Uninstalling foo leaves the file bar's RECORD claims.
	if err := Uninstall(context.Background(), p, "FOO"); err != nil {
		t.Fatal(err)
	}
	if !exists(filepath.Join(p.Lib, "shared", "util.py")) || exists(filepath.Join(p.Lib, "foo.py")) {
		t.Error("uninstall removed bar's file or kept foo's")
	}
}

func TestInstallWarnings(t *testing.T) {
	info := testInfo()
	p := newProject(t, info)
	src := &memSource{project: "w", version: "1", eps: []EntryPoint{{Name: "w.py", Module: "w", Attr: "main", Group: GroupConsole}}}
	r := mustInstall(t, p, info, src, InstallOptions{})
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "distribution w installs script bin/w.py, which can shadow a module") {
		t.Errorf("warnings: %q", r.Warnings)
	}
	// A bin/ outside this __pypackages__.
	other := p
	other.Bin = filepath.Join(p.Target, "__pypackages__", "bin")
	src = &memSource{project: "v", version: "1", eps: []EntryPoint{{Name: "v", Module: "v", Attr: "main", Group: GroupConsole}}}
	r = mustInstall(t, other, info, src, InstallOptions{})
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "whose nearest __pypackages__ is") {
		t.Errorf("warnings: %q", r.Warnings)
	}
}

func TestUpgradeRemovesExactlyOldFiles(t *testing.T) {
	info := testInfo()
	p := newProject(t, info)
	old := &memSource{project: "foo", version: "1.0", files: []memFile{
		{name: "foo/__init__.py", data: "v1\n"},
		{name: "foo/old.py", data: "old\n"},
		{name: "foo/gone/x.py", data: "x\n"},
		{name: "foo-1.0.data/scripts/foo-old", data: "#!/bin/sh\n"},
	}, eps: []EntryPoint{{Name: "foo", Module: "foo", Attr: "main", Group: GroupConsole}}}
	mustInstall(t, p, info, old, InstallOptions{})
	other := &memSource{project: "other", version: "3", files: []memFile{{name: "other.py", data: "o\n"}}}
	mustInstall(t, p, info, other, InstallOptions{})
	// Byte code and a stray file the user made.
	for _, f := range []string{"foo/__pycache__/old.cpython-311.pyc", "foo/__pycache__/__init__.cpython-311.pyc", "foo/__pycache__/user.cpython-311.pyc", "foo/user.txt", "foo/gone/__pycache__/x.cpython-311.opt-1.pyc"} {
		name := filepath.Join(p.Lib, filepath.FromSlash(f))
		os.MkdirAll(filepath.Dir(name), 0o755)
		os.WriteFile(name, []byte("pyc"), 0o644)
	}
	// An extra file in the old .dist-info.
	os.WriteFile(filepath.Join(p.Lib, "foo-1.0.dist-info", "extra"), nil, 0o644)

	newer := &memSource{project: "foo", version: "2.0", files: []memFile{
		{name: "foo/__init__.py", data: "v2\n"},
		{name: "foo/new.py", data: "new\n"},
	}, eps: []EntryPoint{{Name: "foo", Module: "foo", Attr: "main", Group: GroupConsole}}}
	r := mustInstall(t, p, info, newer, InstallOptions{})
	if len(r.Replaced) != 1 || filepath.Base(r.Replaced[0]) != "foo-1.0.dist-info" {
		t.Errorf("Replaced = %v", r.Replaced)
	}
	want := []string{
		"bin/", "bin/foo",
		"lib/", "lib/foo/", "lib/foo-2.0.dist-info/", "lib/foo-2.0.dist-info/INSTALLER", "lib/foo-2.0.dist-info/METADATA", "lib/foo-2.0.dist-info/RECORD",
		"lib/foo/__init__.py", "lib/foo/__pycache__/", "lib/foo/__pycache__/user.cpython-311.pyc",
		"lib/foo/new.py", "lib/foo/user.txt",
		"lib/other-3.dist-info/", "lib/other-3.dist-info/INSTALLER", "lib/other-3.dist-info/METADATA", "lib/other-3.dist-info/RECORD", "lib/other.py",
	}
	if got := tree(t, p.Target); !equalLines(got, want) {
		t.Errorf("after upgrade:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := readFile(t, filepath.Join(p.Lib, "foo", "__init__.py")); got != "v2\n" {
		t.Errorf("__init__.py = %q", got)
	}
	// Reinstalling the same version replaces it in place.
	mustInstall(t, p, info, newer, InstallOptions{})
	if d := findDist(t, p, "foo"); d == nil || d.Version != "2.0" || len(d.Verify()) != 0 {
		t.Errorf("after reinstall: %+v", d)
	}
}

func TestUninstall(t *testing.T) {
	info := testInfo()
	p := newProject(t, info)
	mustInstall(t, p, info, fooWheel("1.0"), InstallOptions{})
	other := &memSource{project: "other", version: "3", files: []memFile{{name: "foo/plugin_other.py", data: "o\n"}}, eps: []EntryPoint{{Name: "other", Module: "other", Attr: "main", Group: GroupConsole}}}
	mustInstall(t, p, info, other, InstallOptions{})

	// A RECORD line that leaves the target must not be followed.
	outside := filepath.Join(p.Project, "outside.txt")
	os.WriteFile(outside, []byte("keep"), 0o644)
	rec := filepath.Join(p.Lib, "foo_bar-1.0.dist-info", "RECORD")
	b := readFile(t, rec)
	os.WriteFile(rec, []byte(b+"../../../outside.txt,,\n/etc/hostname,,\n"), 0o644)

	if err := Uninstall(context.Background(), p, "foo_bar"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"bin/", "bin/other", "include/", "lib/", "lib/foo/", "lib/foo/plugin_other.py",
		"lib/other-3.dist-info/", "lib/other-3.dist-info/INSTALLER", "lib/other-3.dist-info/METADATA", "lib/other-3.dist-info/RECORD",
	}
	if got := tree(t, p.Target); !equalLines(got, want) {
		t.Errorf("after uninstall:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !exists(outside) {
		t.Error("uninstall followed a RECORD path out of the target")
	}
	err := Uninstall(context.Background(), p, "foo-bar")
	if !errors.Is(err, ErrNotInstalled) {
		t.Errorf("second uninstall: %v", err)
	}
}

func TestInstallAllIsAllOrNothing(t *testing.T) {
	info := testInfo()
	p := newProject(t, info)
	mustInstall(t, p, info, &memSource{project: "a", version: "1", files: []memFile{{name: "a.py", data: "a1"}}}, InstallOptions{})
	if err := CreateTarget(p); err != nil {
		t.Fatal(err)
	}
	before := tree(t, p.Target)
	jobs := []Job{
		{Source: &memSource{project: "a", version: "2", files: []memFile{{name: "a.py", data: "a2"}}}},
		{Source: &memSource{project: "b", version: "1", files: []memFile{{name: "b.py", data: "b1", badHash: true}}}},
	}
	if _, err := InstallAll(context.Background(), p, info, jobs, InstallOptions{}); err == nil || !strings.Contains(err.Error(), "RECORD says") {
		t.Fatalf("InstallAll: %v, want a hash error", err)
	}
	if after := tree(t, p.Target); !equalLines(before, after) {
		t.Errorf("failed InstallAll changed the target:\n%v\n%v", before, after)
	}
	// Same project twice is refused.
	jobs = []Job{{Source: &memSource{project: "a", version: "2"}}, {Source: &memSource{project: "A", version: "3"}}}
	if _, err := InstallAll(context.Background(), p, info, jobs, InstallOptions{}); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("same project twice: %v", err)
	}
	// A file moving from one distribution to another within one run.
	jobs = []Job{
		{Source: &memSource{project: "a", version: "2", files: []memFile{{name: "a2.py", data: "a2"}}}, Requested: true},
		{Source: &memSource{project: "b", version: "1", files: []memFile{{name: "a.py", data: "now b's"}}}},
	}
	rs, err := InstallAll(context.Background(), p, info, jobs, InstallOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Project != "a" || rs[1].Project != "b" {
		t.Errorf("results: %+v", rs)
	}
	if got := readFile(t, filepath.Join(p.Lib, "a.py")); got != "now b's" {
		t.Errorf("a.py = %q", got)
	}
	if d := findDist(t, p, "a"); !d.Requested || d.Version != "2" {
		t.Errorf("a: %+v", d)
	}
}

func TestInstallCanceled(t *testing.T) {
	info := testInfo()
	p := newProject(t, info)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Install(ctx, p, info, fooWheel("1"), InstallOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Install with a canceled context: %v", err)
	}
	if ds, _ := List(p); len(ds) != 0 {
		t.Errorf("installed %v", ds)
	}
}

func TestSymlinksInTargetCannotEscape(t *testing.T) {
	info := testInfo()
	p := newProject(t, info)
	mustInstall(t, p, info, fooWheel("1.0"), InstallOptions{})
	// Someone replaces lib/foo with a symlink to a directory outside the target.
	outside := filepath.Join(t.TempDir(), "outside")
	if err := os.Rename(filepath.Join(p.Lib, "foo"), outside); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(p.Lib, "foo")); err != nil {
		t.Fatal(err)
	}
	before := tree(t, outside)
	_, err := Install(context.Background(), p, info, fooWheel("2.0"), InstallOptions{})
	if err == nil || !strings.Contains(err.Error(), "cannot install "+filepath.Join(p.Lib, "foo")) {
		t.Errorf("upgrade through an escaping symlink: %v", err)
	}
	if err := Uninstall(context.Background(), p, "foo.bar"); err != nil {
		t.Fatal(err)
	}
	if after := tree(t, outside); !equalLines(before, after) || len(after) != 4 {
		t.Errorf("files outside the target changed: %v -> %v", before, after)
	}
	if findDist(t, p, "foo-bar") != nil {
		t.Error("foo still listed after uninstall")
	}
}

// BenchmarkInstall installs a wheel of 2000 small files into a fresh target.
func BenchmarkInstall(b *testing.B) {
	src := &memSource{project: "big", version: "1"}
	for i := 0; i < 2000; i++ {
		src.files = append(src.files, memFile{name: "big/d" + strings.Repeat("d", i%7) + "/m" + strings.Repeat("x", i%13) + "_" + itoa(i) + ".py", data: strings.Repeat("# line\n", 200)})
	}
	info := testInfo()
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		p, _ := NewPaths(dir, info, LayoutVersion)
		b.StartTimer()
		if _, err := Install(context.Background(), p, info, src, InstallOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestCaseCollisionOnCaseInsensitiveSystems(t *testing.T) {
	src := &memSource{project: "w", version: "1", files: []memFile{{name: "w/A.py", data: "1"}, {name: "w/a.py", data: "2"}}}
	mac := testInfo()
	mac.OS = "darwin"
	p := newProject(t, mac)
	if _, err := Install(context.Background(), p, mac, src, InstallOptions{}); err == nil || !strings.Contains(err.Error(), "differ only in case") {
		t.Errorf("darwin: %v", err)
	}
	p = newProject(t, testInfo())
	mustInstall(t, p, testInfo(), src, InstallOptions{})
}

// TestListHeads: ListHeads gives what List gives but the file lists.
func TestListHeads(t *testing.T) {
	info := testInfo()
	p := newProject(t, info)
	mustInstall(t, p, info, fooWheel("1.0"), InstallOptions{Requested: true})
	full, err := List(p)
	if err != nil || len(full) != 1 || len(full[0].Files) == 0 {
		t.Fatal(full, err)
	}
	heads, err := ListHeads(p)
	if err != nil || len(heads) != 1 {
		t.Fatal(heads, err)
	}
	if heads[0].Files != nil || heads[0].RecordErr != nil {
		t.Errorf("ListHeads read RECORD: %+v", heads[0])
	}
	full[0].Files = nil
	if !reflect.DeepEqual(full[0], heads[0]) {
		t.Errorf("ListHeads %+v, List %+v", heads[0], full[0])
	}
}
