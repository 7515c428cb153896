package safety

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Kind classifies a Finding.
type Kind string

// The kinds of findings.
const (
	OtherOwner  Kind = "owner"      // owned by another user than you or root
	OthersWrite Kind = "mode"       // writable by other users
	NotDir      Kind = "not-dir"    // exists but is not a directory
	Unreadable  Kind = "unreadable" // cannot be inspected (permissions, loops)
)

// Finding is one reason a directory (or a link on the way to it) must not
// go on sys.path.
type Finding struct {
	Kind   Kind
	Path   string // the directory or link at fault
	Reason string // "is writable by other users (mode 1777)", after Path
	Fix    string // "chmod o-w /p/__pypackages__"
}

// String is "PATH REASON; fix it with: FIX", the wording the bootstrap uses.
func (f Finding) String() string {
	return f.Path + " " + f.Reason + "; fix it with: " + f.Fix
}

// writeRights are the Windows access rights that let a holder change what
// a directory holds or who may: FILE_WRITE_DATA (add a file),
// FILE_APPEND_DATA (add a subdirectory), FILE_DELETE_CHILD, DELETE,
// WRITE_DAC, WRITE_OWNER, GENERIC_WRITE, GENERIC_ALL. The bootstrap's
// Windows path tests the same mask (TestBootstrapText checks it).
const writeRights = 0x500D0046

// maxLinks bounds the symbolic links followed in one audit (as the
// kernel's ELOOP limit does).
const maxLinks = 40

// Audit applies SPEC §6 to dirs and returns every finding, in walk order.
// dirs lists __pypackages__ first; every later entry lies directly inside
// an earlier one (target, lib/, bin/, ...). The parent of dirs[0] (the
// project) is the user's choice and is not checked. A directory that does
// not exist is skipped with everything inside it.
func Audit(dirs ...string) []Finding {
	if len(dirs) == 0 {
		return nil
	}
	a := &auditor{seen: map[string]bool{}}
	real := map[string]string{} // lexical dir -> its real path ("" when missing)
	base, err := filepath.EvalSymlinks(filepath.Dir(dirs[0]))
	if errors.Is(err, fs.ErrNotExist) {
		return nil // no project directory yet: nothing to import
	}
	if err != nil {
		return a.cannot(filepath.Dir(dirs[0]), err)
	}
	real[filepath.Dir(dirs[0])] = base
	for _, d := range dirs {
		parent, ok := real[filepath.Dir(d)]
		if !ok {
			panic("safety.Audit: " + d + " does not lie inside an earlier directory")
		}
		real[d] = ""
		if parent == "" {
			continue
		}
		r, err := a.step(parent, filepath.Base(d))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			a.cannot(d, err)
			continue
		}
		if a.dir(d, r) {
			real[d] = r
		}
	}
	return a.found
}

type auditor struct {
	found []Finding
	seen  map[string]bool
	links int
}

func (a *auditor) add(f Finding) {
	if k := string(f.Kind) + "\x00" + f.Path; !a.seen[k] {
		a.seen[k] = true
		a.found = append(a.found, f)
	}
}

func (a *auditor) cannot(path string, err error) []Finding {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	a.add(Finding{Kind: Unreadable, Path: path, Reason: "cannot be inspected: " + err.Error(),
		Fix: "check the path and its permissions"})
	return a.found
}

// step resolves parent/name, parent being a real directory path, checking
// the owner of every symbolic link met (in name and in the targets of
// links, recursively). It returns the real path.
func (a *auditor) step(parent, name string) (string, error) {
	p := filepath.Join(parent, name)
	fi, err := os.Lstat(p)
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 || !hasOwners {
		return p, err
	}
	if a.links++; a.links > maxLinks {
		return "", fmt.Errorf("more than %d symbolic links", maxLinks)
	}
	a.owner(p, fi, true)
	t, err := os.Readlink(p)
	if err != nil {
		return "", err
	}
	cur := parent
	if filepath.IsAbs(t) {
		cur = filepath.VolumeName(t) + string(filepath.Separator)
		t = t[len(filepath.VolumeName(t)):]
	}
	for _, e := range strings.Split(filepath.ToSlash(t), "/") {
		switch e {
		case "", ".":
		case "..":
			cur = filepath.Dir(cur)
		default:
			if cur, err = a.step(cur, e); err != nil {
				return "", err
			}
		}
	}
	return cur, nil
}

// dir checks the real directory r reached from the lexical path d, and
// reports whether it is a directory.
func (a *auditor) dir(d, r string) bool {
	fi, err := os.Stat(r)
	if err != nil {
		a.cannot(d, err)
		return false
	}
	if !fi.IsDir() {
		a.add(Finding{Kind: NotDir, Path: d, Reason: "is not a directory",
			Fix: "move it away; pkginstall recreates the directory"})
		return false
	}
	if !hasOwners {
		return true
	}
	a.owner(r, fi, false)
	a.writable(r, fi)
	return true
}

// Mode formats the permission bits of m as full octal, with the setuid,
// setgid and sticky bits: "0755", "1777".
func Mode(m fs.FileMode) string {
	v := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		v |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		v |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		v |= 0o1000
	}
	return fmt.Sprintf("%04o", v)
}

// ShellArg quotes s for a POSIX shell when it needs quoting (the
// bootstrap's _pkginstall_sh is the same rule).
func ShellArg(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == '=' || r == ':' || r == '+' || r == ',' ||
			r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Error is a refusal: every finding that stops a command from using (or
// writing into) a __pypackages__.
type Error struct {
	Verb     string // "use", "install into"
	Dir      string // the __pypackages__
	Findings []Finding
}

// Error lists every finding, "; and" between them.
func (e *Error) Error() string {
	parts := make([]string, len(e.Findings))
	for i, f := range e.Findings {
		parts[i] = f.String()
	}
	return "refusing to " + e.Verb + " " + e.Dir + ": " + strings.Join(parts, "; and ")
}

// Check is Audit as an error for the commands that put dirs[0] (a
// __pypackages__) on sys.path: nil, or an *Error holding every finding.
func Check(dirs ...string) error { return refuse("use", dirs) }

// CheckTarget is Audit as an error for the commands that write into a
// target (SPEC §6: install never writes where run would refuse). Call it
// before taking the target lock: nothing has been written yet.
func CheckTarget(dirs ...string) error { return refuse("install into", dirs) }

func refuse(verb string, dirs []string) error {
	if f := Audit(dirs...); len(f) > 0 {
		return &Error{Verb: verb, Dir: dirs[0], Findings: f}
	}
	return nil
}

// CheckDir applies the rule to one directory that must exist (the shell
// hook's): what names it says what it is, "hook directory".
func CheckDir(what, dir string) error {
	if _, err := os.Stat(dir); err != nil {
		return err
	}
	if f := Audit(dir); len(f) > 0 {
		return &Error{Verb: "use " + what, Dir: dir, Findings: f}
	}
	return nil
}

// WindowsArg quotes s for cmd.exe when it needs quoting (Windows paths
// cannot hold a double quote).
func WindowsArg(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t&()[]{}^=;!'+,`~%") {
		return s
	}
	return `"` + s + `"`
}
