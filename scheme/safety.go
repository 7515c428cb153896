package scheme

import (
	"bytes"
	"strings"
)

// ScriptInterpreter returns the interpreter a script in bin/ runs with, read
// from its first bytes: the path of a "#!/path/python" line, or the path
// quoted in the exec line of the /bin/sh trampoline Shebang writes, or the
// whole line when it is an absolute Windows path ("#!C:\Program
// Files\Python312\python.exe", as scriptHead writes it for Windows). ok is
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
	if windowsAbs(first) {
		return first, true
	}
	if i := strings.IndexAny(first, " \t"); i >= 0 {
		first = first[:i]
	}
	return first, true
}
