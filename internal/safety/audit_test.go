//go:build unix

package safety

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tree makes project/__pypackages__/3.11/{lib,bin} and returns the four
// directories Audit takes, in its order.
func tree(t *testing.T) []string {
	t.Helper()
	pp := filepath.Join(t.TempDir(), "proj", "__pypackages__")
	dirs := []string{pp, filepath.Join(pp, "3.11"), filepath.Join(pp, "3.11", "lib"), filepath.Join(pp, "3.11", "bin")}
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		os.Chmod(d, 0o755) // whatever the umask
	}
	return dirs
}

// nobody is the uid of "another user"; the tests that chown need root.
const nobody = 65534

func needRoot(t *testing.T) {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("needs root to give files to another user (uid 65534)")
	}
}

func kinds(fs []Finding) string {
	var s []string
	for _, f := range fs {
		s = append(s, string(f.Kind)+" "+f.Path)
	}
	return strings.Join(s, "\n")
}

// Moved from scheme's TestCheckSafe (the unused scheme.CheckSafe it tested
// is gone): world-writable directories are refused, group-writable ones are
// fine, and a missing __pypackages__ is safe (nothing in it to import).
func TestAuditModes(t *testing.T) {
	dirs := tree(t)
	if f := Audit(dirs...); len(f) != 0 {
		t.Fatalf("fresh tree: %s", kinds(f))
	}
	os.Chmod(dirs[1], 0o775)
	if f := Audit(dirs...); len(f) != 0 {
		t.Errorf("group-writable target: %s", kinds(f))
	}
	for _, d := range dirs {
		os.Chmod(d, 0o777)
		f := Audit(dirs...)
		if len(f) != 1 || f[0].Kind != OthersWrite || f[0].Path != d || f[0].String() != d+" is writable by other users (mode 0777); fix it with: chmod o-w "+d {
			t.Errorf("world-writable %s: %q", d, f)
		}
		if err := Check(dirs...); err == nil || !strings.HasPrefix(err.Error(), "refusing to use "+dirs[0]+": "+d+" is writable") {
			t.Errorf("Check: %v", err)
		}
		os.Chmod(d, 0o755)
	}
	missing := filepath.Join(t.TempDir(), "__pypackages__")
	if f := Audit(missing, filepath.Join(missing, "3.11")); len(f) != 0 {
		t.Errorf("missing __pypackages__: %s", kinds(f))
	}
}

// Every finding at once, not just the first; the mode in full octal.
func TestAuditAllFindings(t *testing.T) {
	dirs := tree(t)
	os.Chmod(dirs[0], 0o777|os.ModeSticky)
	os.Chmod(dirs[3], 0o777)
	f := Audit(dirs...)
	if len(f) != 2 || f[0].Path != dirs[0] || f[1].Path != dirs[3] {
		t.Fatalf("findings:\n%s", kinds(f))
	}
	if !strings.Contains(f[0].Reason, "(mode 1777)") {
		t.Errorf("sticky directory shown as %q", f[0].Reason)
	}
	err := CheckTarget(dirs...)
	if err == nil || !strings.HasPrefix(err.Error(), "refusing to install into ") || strings.Count(err.Error(), "fix it with") != 2 {
		t.Errorf("CheckTarget: %v", err)
	}
}

// A file where a directory belongs, and a loop of links: findings, no hang.
func TestAuditNotDirAndLoop(t *testing.T) {
	dirs := tree(t)
	os.RemoveAll(dirs[2])
	os.WriteFile(dirs[2], nil, 0o644)
	os.RemoveAll(dirs[3])
	os.Symlink("bin", dirs[3])
	f := Audit(dirs...)
	if len(f) != 2 || f[0].Kind != NotDir || f[1].Kind != Unreadable {
		t.Fatalf("findings:\n%s", kinds(f))
	}
}

// A link owned by another user is refused even when its target is fine;
// so is a link, owned by you, to another user's directory, and a link
// owned by another user inside the target path of a link.
func TestAuditLinks(t *testing.T) {
	needRoot(t)
	dirs := tree(t)
	real := filepath.Join(filepath.Dir(filepath.Dir(dirs[0])), "real-3.11")
	if err := os.Rename(dirs[1], real); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, dirs[1]); err != nil {
		t.Fatal(err)
	}
	if f := Audit(dirs...); len(f) != 0 {
		t.Fatalf("a link of yours to your directory: %s", kinds(f))
	}
	os.Lchown(dirs[1], nobody, nobody)
	f := Audit(dirs...)
	if len(f) != 1 || f[0].Kind != OtherOwner || f[0].Path != dirs[1] || !strings.Contains(f[0].Fix, "chown -h 0 ") {
		t.Fatalf("a link owned by uid %d: %q", nobody, f)
	}
	os.Lchown(dirs[1], 0, 0)
	os.Chown(filepath.Join(real, "lib"), nobody, nobody)
	f = Audit(dirs...)
	if len(f) != 1 || f[0].Kind != OtherOwner || f[0].Path != filepath.Join(real, "lib") {
		t.Fatalf("lib/ owned by uid %d behind a link: %q", nobody, f)
	}
	os.Chown(filepath.Join(real, "lib"), 0, 0)

	// 3.11 -> hop/3.11 where hop -> real-parent is another user's link.
	hop := filepath.Join(filepath.Dir(real), "hop")
	os.Symlink(".", hop)
	os.Lchown(hop, nobody, nobody)
	os.Remove(dirs[1])
	os.Symlink("../../hop/real-3.11", dirs[1])
	f = Audit(dirs...)
	if len(f) != 1 || f[0].Kind != OtherOwner || f[0].Path != hop {
		t.Fatalf("another user's link inside a link's target: %q", f)
	}
}

func TestCheckDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "hook")
	if err := CheckDir("hook directory", dir); err == nil {
		t.Error("missing directory accepted")
	}
	os.Mkdir(dir, 0o755)
	if err := CheckDir("hook directory", dir); err != nil {
		t.Error(err)
	}
	os.Chmod(dir, 0o777)
	if err := CheckDir("hook directory", dir); err == nil || !strings.HasPrefix(err.Error(), "refusing to use hook directory "+dir+": "+dir+" is writable by other users (mode 0777)") {
		t.Errorf("CheckDir: %v", err)
	}
}

func TestShellArg(t *testing.T) {
	for in, want := range map[string]string{"/a/b-c_d.e": "/a/b-c_d.e", "/a b": "'/a b'", "it's": `'it'\''s'`, "": "''"} {
		if got := ShellArg(in); got != want {
			t.Errorf("ShellArg(%q) = %s, want %s", in, got, want)
		}
	}
}

// No project directory yet: nothing to import, nothing to refuse.
func TestAuditNoProject(t *testing.T) {
	pp := filepath.Join(t.TempDir(), "new", "__pypackages__")
	if f := Audit(pp, filepath.Join(pp, "3.11")); len(f) != 0 {
		t.Errorf("findings: %s", kinds(f))
	}
}
