package scheme

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// symWheel has a package, a module, a .pth file and a console script; ns/
// is a namespace package other wheels share.
func symWheel(project, version string) *memSource {
	di := project + "-" + version + ".dist-info"
	return &memSource{
		project: project, version: version,
		files: []memFile{
			{name: project + "/__init__.py", data: "V = '" + version + "'\ndef main():\n    print(V)\n"},
			{name: project + "/sub/deep.py", data: "D = 1\n"},
			{name: project + "mod.py", data: "M = 1\n"},
			{name: project + ".pth", data: "\n"},
			{name: "ns/" + project + "/__init__.py", data: "N = 1\n"},
			{name: di + "/entry_points.txt", data: "[console_scripts]\n" + project + " = " + project + ":main\n"},
		},
		eps: []EntryPoint{{Name: project, Module: project, Attr: "main", Group: GroupConsole}},
	}
}

func isSymlink(t *testing.T, name string) string {
	t.Helper()
	fi, err := os.Lstat(name)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		return ""
	}
	target, err := os.Readlink(name)
	if err != nil {
		t.Fatal(err)
	}
	return target
}

// TestSymlinkMode installs in symlink mode: each top-level package or
// module owned by one distribution is one symlink into the tree, a .pth
// file and a namespace package shared by two distributions go file by
// file with one warning, RECORD lists every file, Verify is clean, and
// upgrades, reinstalls (also from and to the per-file modes) and uninstalls
// remove the symlinks, never the tree's files.
func TestSymlinkMode(t *testing.T) {
	info := testInfo()
	a1, a2, b1 := newDiskSource(t, symWheel("alpha", "1.0")), newDiskSource(t, symWheel("alpha", "2.0")), newDiskSource(t, symWheel("beta", "1.0"))
	trees := []*diskSource{a1, a2, b1}
	before := make([]string, len(trees))
	for i, s := range trees {
		before[i] = digest(t, s.dir)
	}
	intact := func(step string) {
		t.Helper()
		for i, s := range trees {
			if digest(t, s.dir) != before[i] {
				t.Fatalf("%s changed the source tree %s", step, s.dir)
			}
		}
	}
	p := newProject(t, info)
	opts := InstallOptions{LinkMode: LinkSymlink}
	rs, err := InstallAll(context.Background(), p, info, []Job{{Source: a1}, {Source: b1}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"alpha", "alphamod.py", "beta", "betamod.py"} {
		src := b1
		if strings.HasPrefix(name, "alpha") {
			src = a1
		}
		if got := isSymlink(t, filepath.Join(p.Lib, name)); got != src.Path(name) {
			t.Errorf("lib/%s -> %q, want %q", name, got, src.Path(name))
		}
	}
	for _, name := range []string{"ns", "alpha.pth", "alpha-1.0.dist-info"} {
		if isSymlink(t, filepath.Join(p.Lib, name)) != "" {
			t.Errorf("lib/%s is a symlink", name)
		}
	}
	var warns []string
	for _, r := range rs {
		warns = append(warns, r.Warnings...)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "ns/ (shared with another distribution)") || !strings.Contains(warns[0], "alpha.pth (not a package or module)") {
		t.Errorf("warnings: %q", warns)
	}
	if got := len(rs[0].Links); got != 2 {
		t.Errorf("Result.Links: %v", rs[0].Links)
	}
	d := findDist(t, p, "alpha")
	var paths []string
	for _, e := range d.Files {
		paths = append(paths, e.Path)
	}
	for _, want := range []string{"alpha/__init__.py", "alpha/sub/deep.py", "alphamod.py", "ns/alpha/__init__.py"} {
		if !slices.Contains(paths, want) {
			t.Errorf("RECORD lacks %s: %v", want, paths)
		}
	}
	if probs := d.Verify(); len(probs) != 0 {
		t.Errorf("Verify: %v", probs)
	}
	if !exists(filepath.Join(p.Bin, "alpha")) {
		t.Error("no console script")
	}

	mustInstall(t, p, info, a2, opts) // upgrade: symlink -> symlink
	intact("upgrade")
	if got := isSymlink(t, filepath.Join(p.Lib, "alpha")); got != a2.Path("alpha") {
		t.Errorf("after the upgrade lib/alpha -> %q", got)
	}
	mustInstall(t, p, info, a2, InstallOptions{LinkMode: LinkHardlink}) // symlink -> files
	intact("reinstall file by file")
	if isSymlink(t, filepath.Join(p.Lib, "alpha")) != "" || readFile(t, filepath.Join(p.Lib, "alpha", "sub", "deep.py")) != "D = 1\n" {
		t.Error("lib/alpha is not a directory after a hardlink reinstall")
	}
	// Byte code the interpreter wrote is removed with the directory.
	if err := os.MkdirAll(filepath.Join(p.Lib, "alpha", "__pycache__"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(p.Lib, "alpha", "__pycache__", "__init__.cpython-311.pyc"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	mustInstall(t, p, info, a1, opts) // files -> symlink, downgrading
	intact("downgrade to symlinks")
	if got := isSymlink(t, filepath.Join(p.Lib, "alpha")); got != a1.Path("alpha") {
		t.Errorf("after files -> symlink lib/alpha -> %q", got)
	}
	if probs := findDist(t, p, "alpha").Verify(); len(probs) != 0 {
		t.Errorf("Verify: %v", probs)
	}
	for _, name := range []string{"alpha", "beta"} {
		if err := Uninstall(context.Background(), p, name); err != nil {
			t.Fatal(err)
		}
	}
	intact("uninstall")
	if got := tree(t, p.Lib); len(got) != 0 {
		t.Errorf("left after uninstalling: %v", got)
	}
}

// TestSymlinkModeUserFiles keeps a directory holding a file no RECORD
// lists: the entry goes file by file and the file stays.
func TestSymlinkModeUserFiles(t *testing.T) {
	info := testInfo()
	src := newDiskSource(t, symWheel("alpha", "1.0"))
	p := newProject(t, info)
	mustInstall(t, p, info, src, InstallOptions{LinkMode: LinkCopy})
	mine := filepath.Join(p.Lib, "alpha", "notes.txt")
	if err := os.WriteFile(mine, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := mustInstall(t, p, info, src, InstallOptions{LinkMode: LinkSymlink})
	if isSymlink(t, filepath.Join(p.Lib, "alpha")) != "" || readFile(t, mine) != "mine" {
		t.Error("a directory with a user's file was replaced by a symlink")
	}
	if !strings.Contains(strings.Join(r.Warnings, "\n"), "alpha/ (a directory with other files is in the way)") {
		t.Errorf("warnings: %q", r.Warnings)
	}
}

// TestSymlinkModeCrash stops the commit of a files -> symlink reinstall
// after its first rename; Recover finishes it, twice over.
func TestSymlinkModeCrash(t *testing.T) {
	info := testInfo()
	src := newDiskSource(t, symWheel("alpha", "1.0"))
	before := digest(t, src.dir)
	p := newProject(t, info)
	mustInstall(t, p, info, src, InstallOptions{LinkMode: LinkCopy})
	stop := errors.New("crash")
	_, err := InstallAll(context.Background(), p, info, []Job{{Source: src}}, InstallOptions{LinkMode: LinkSymlink, testHookAfterRename: func(n int) error { return stop }})
	if !errors.Is(err, stop) {
		t.Fatalf("err = %v", err)
	}
	b, err := os.ReadFile(filepath.Join(p.Target, JournalName))
	if err != nil {
		t.Fatal(err)
	}
	if err := Recover(p); err != nil {
		t.Fatal(err)
	}
	// Rolling the same journal forward again changes nothing.
	if err := os.WriteFile(filepath.Join(p.Target, JournalName), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Recover(p); err != nil && !strings.Contains(err.Error(), "staged") {
		t.Fatal(err)
	}
	if got := isSymlink(t, filepath.Join(p.Lib, "alpha")); got != src.Path("alpha") {
		t.Errorf("lib/alpha -> %q", got)
	}
	if probs := findDist(t, p, "alpha").Verify(); len(probs) != 0 {
		t.Errorf("Verify: %v", probs)
	}
	if digest(t, src.dir) != before {
		t.Error("the source tree changed")
	}
}

// TestSymlinkModeBroken: a dangling symlink and one to another tree are
// problems for Verify; List names the dangling one, and installing again
// repairs it.
func TestSymlinkModeBroken(t *testing.T) {
	info := testInfo()
	src := newDiskSource(t, symWheel("alpha", "1.0"))
	p := newProject(t, info)
	mustInstall(t, p, info, src, InstallOptions{LinkMode: LinkSymlink})

	other := t.TempDir()
	if err := os.MkdirAll(filepath.Join(other, "alpha"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(p.Lib, "alpha")
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(other, "alpha"), link); err != nil {
		t.Fatal(err)
	}
	probs := findDist(t, p, "alpha").Verify()
	if len(probs) != 1 || probs[0].Path != link || !strings.Contains(probs[0].Detail, "not this distribution's cache tree") {
		t.Errorf("Verify of a link elsewhere: %v", probs)
	}
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(src.Path("alpha"), link); err != nil {
		t.Fatal(err)
	}

	if err := os.RemoveAll(src.dir); err != nil {
		t.Fatal(err)
	}
	d := findDist(t, p, "alpha")
	if len(d.DanglingLinks) != 2 {
		t.Errorf("DanglingLinks: %v", d.DanglingLinks)
	}
	probs = d.Verify()
	if len(probs) != 2 || !strings.Contains(probs[0].Detail, "dangling symlink") || !strings.Contains(probs[1].Detail, "dangling symlink") {
		t.Errorf("Verify of dangling links: %v", probs)
	}
	src = newDiskSource(t, symWheel("alpha", "1.0"))
	mustInstall(t, p, info, src, InstallOptions{LinkMode: LinkSymlink})
	d = findDist(t, p, "alpha")
	if len(d.DanglingLinks) != 0 || len(d.Verify()) != 0 {
		t.Errorf("not repaired: %v %v", d.DanglingLinks, d.Verify())
	}
}

// TestSymlinkModeListHeads: in a target of symlinks that all resolve,
// ListHeads reads no RECORD (the check after every install lists the
// target so); once one dangles, it reads them to name it.
func TestSymlinkModeListHeads(t *testing.T) {
	info := testInfo()
	src := newDiskSource(t, symWheel("alpha", "1.0"))
	p := newProject(t, info)
	mustInstall(t, p, info, src, InstallOptions{LinkMode: LinkSymlink})
	heads, err := ListHeads(p)
	if err != nil || len(heads) != 1 {
		t.Fatal(heads, err)
	}
	if heads[0].Files != nil || heads[0].DanglingLinks != nil {
		t.Errorf("ListHeads read RECORD though no link dangles: %+v", heads[0])
	}
	if err := os.RemoveAll(src.dir); err != nil {
		t.Fatal(err)
	}
	heads, err = ListHeads(p)
	if err != nil || len(heads) != 1 {
		t.Fatal(heads, err)
	}
	full := findDist(t, p, "alpha")
	if len(heads[0].DanglingLinks) != 2 || !reflect.DeepEqual(heads[0].DanglingLinks, full.DanglingLinks) {
		t.Errorf("ListHeads DanglingLinks %v, List %v", heads[0].DanglingLinks, full.DanglingLinks)
	}
}

// TestSymlinkModeNotLinkSource: a source that is not a cache tree goes
// file by file, with the warning naming it.
func TestSymlinkModeNotLinkSource(t *testing.T) {
	info := testInfo()
	p := newProject(t, info)
	r := mustInstall(t, p, info, symWheel("alpha", "1.0"), InstallOptions{LinkMode: LinkSymlink})
	if isSymlink(t, filepath.Join(p.Lib, "alpha")) != "" {
		t.Error("a symlink from a source that is not a tree")
	}
	if !strings.Contains(strings.Join(r.Warnings, "\n"), "alpha 1.0 (not from the cache)") {
		t.Errorf("warnings: %q", r.Warnings)
	}
}

// TestSymlinkModeForeignLink: a relative symlink at the top of lib/ that
// the user made in place of a linked package (to a working copy that
// happens to lie inside the target) is someone else's: Verify names it as
// such (on the old code: "dangling", read relative to the working
// directory), and uninstall leaves it and what it leads to alone.
func TestSymlinkModeForeignLink(t *testing.T) {
	info := testInfo()
	src := newDiskSource(t, symWheel("alpha", "1.0"))
	p := newProject(t, info)
	mustInstall(t, p, info, src, InstallOptions{LinkMode: LinkSymlink})
	dev := filepath.Join(p.Target, "dev", "alpha")
	if err := os.MkdirAll(filepath.Join(dev, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"__init__.py", "sub/deep.py"} {
		if err := os.WriteFile(filepath.Join(dev, filepath.FromSlash(f)), []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(p.Lib, "alpha")
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(p.Lib, dev)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(rel, link); err != nil {
		t.Fatal(err)
	}
	d := findDist(t, p, "alpha")
	if probs := d.Verify(); len(probs) != 1 || !strings.Contains(probs[0].Detail, "not this distribution's cache tree") {
		t.Errorf("Verify of a relative link elsewhere: %v", probs)
	}
	if len(d.DanglingLinks) != 0 {
		t.Errorf("DanglingLinks: %v", d.DanglingLinks)
	}
	if err := Uninstall(context.Background(), p, "alpha"); err != nil {
		t.Fatal(err)
	}
	if got := isSymlink(t, link); got != rel {
		t.Errorf("lib/alpha -> %q after uninstall, want the user's link to %s left alone", got, rel)
	}
	for _, f := range []string{"__init__.py", "sub/deep.py"} {
		if b, err := os.ReadFile(filepath.Join(dev, filepath.FromSlash(f))); err != nil || string(b) != "mine" {
			t.Errorf("the user's %s: %q %v", f, b, err)
		}
	}
}
