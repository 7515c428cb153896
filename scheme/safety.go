package scheme

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// UnsafeError says why a __pypackages__ must not be put on sys.path.
type UnsafeError struct {
	Path   string // the offending directory
	Reason string // "is writable by other users (mode 0777)", ...
}

// Error names the directory and the reason.
func (e *UnsafeError) Error() string {
	return "refusing to use " + e.Path + ": it " + e.Reason
}

// CheckSafe applies SPEC §6 as the launchers do: p.PyPackages, p.Target
// and p.Lib (when it exists) must be directories owned by the current user
// or root and not writable by others (group-writable is fine). It returns
// an *UnsafeError for the first that is not. On Windows only the kind of
// file is checked.
func CheckSafe(p Paths) error {
	for i, d := range []string{p.PyPackages, p.Target, p.Lib} {
		fi, err := os.Stat(d)
		if i == 2 && errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return &UnsafeError{Path: d, Reason: "cannot be inspected: " + errString(err)}
		}
		if !fi.IsDir() {
			return &UnsafeError{Path: d, Reason: "is not a directory"}
		}
		if reason := unsafeOwner(fi); reason != "" {
			return &UnsafeError{Path: d, Reason: reason}
		}
	}
	return nil
}

func errString(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// unsafeOwner says why fi may not go on sys.path, or "".
func unsafeOwner(fi fs.FileInfo) string {
	if owner, ok := fileOwner(fi); ok {
		if uid := os.Getuid(); owner != uid && owner != 0 {
			return fmt.Sprintf("is owned by uid %d, not by you or root", owner)
		}
	}
	if fi.Mode().Perm()&0o002 != 0 {
		return fmt.Sprintf("is writable by other users (mode %04o)", fi.Mode().Perm())
	}
	return ""
}

// ScriptInterpreter returns the interpreter a script in bin/ runs with, read
// from its first bytes: the path of a "#!/path/python" line, or the path
// quoted in the exec line of the /bin/sh trampoline Shebang writes. ok is
// false when the content does not start with "#!".
func ScriptInterpreter(head []byte) (interp string, ok bool) {
	if !bytes.HasPrefix(head, []byte("#!")) {
		return "", false
	}
	line, rest, _ := bytes.Cut(head[2:], []byte("\n"))
	first := strings.TrimSpace(strings.TrimSuffix(string(line), "\r"))
	if first == "/bin/sh" {
		if tail, found := bytes.CutPrefix(rest, []byte("'''exec' '")); found {
			if end := bytes.IndexByte(tail, '\''); end > 0 {
				return string(tail[:end]), true
			}
		}
	}
	if i := strings.IndexAny(first, " \t"); i >= 0 {
		first = first[:i]
	}
	return first, true
}
