package scheme

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/python"
	"github.com/pkginstall/pkginstall/internal/safety"
)

// MaxShebang is the longest "#!interpreter\n" line written as is (the
// kernel's limit, the rule of pypa/installer and distlib). A longer
// interpreter path, or one with a space, gets a /bin/sh trampoline.
const MaxShebang = 127

// Shebang returns the first line(s) that make a Python file run with the
// interpreter exe: "#!exe\n" when that fits MaxShebang and exe has no
// whitespace, else a /bin/sh trampoline that is also a Python string
// literal:
//
//	#!/bin/sh
//	'''exec' '/path with space/python' "$0" "$@"
//	' '''
func Shebang(exe string) ([]byte, error) {
	if exe == "" || !strings.HasPrefix(exe, "/") {
		return nil, fmt.Errorf("interpreter path %q is not absolute", exe)
	}
	if strings.ContainsAny(exe, "'\n\r\x00") {
		return nil, fmt.Errorf("interpreter path %q cannot be written into a script", exe)
	}
	if len(exe)+3 <= MaxShebang && !strings.ContainsAny(exe, " \t\v\f") {
		return []byte("#!" + exe + "\n"), nil
	}
	return []byte("#!/bin/sh\n'''exec' '" + exe + "' \"$0\" \"$@\"\n' '''\n"), nil
}

// rewriteShebang reports whether line (the first line of a .data/scripts
// file, with its line ending) is exactly "#!python" or "#!pythonw".
func rewriteShebang(line []byte) bool {
	l := bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
	return string(l) == "#!python" || string(l) == "#!pythonw"
}

// pyString quotes s as a Python string literal using only printable ASCII.
func pyString(s string) string { return pyQuote(s, '\'') }

// pyQuote quotes s as a Python string literal delimited by q (' or ").
func pyQuote(s string, q byte) string {
	var b strings.Builder
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == '\'' || r == '"':
			// As an escape, never the quote itself: a double-quoted
			// literal may sit inside a single-quoted shell word.
			fmt.Fprintf(&b, `\x%02x`, r)
		case r == '\\':
			b.WriteString(`\\`)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// pyPathParts quotes a slash-separated relative path as a Python tuple of
// its elements, for os.path.join(here, *parts).
func pyPathParts(rel string) string { return pyPathPartsQ(rel, '\'') }

// pyPathPartsQ is pyPathParts with the string delimiter q.
func pyPathPartsQ(rel string, q byte) string {
	var parts []string
	for _, e := range strings.Split(path.Clean(rel), "/") {
		if e != "." {
			parts = append(parts, pyQuote(e, q))
		}
	}
	if len(parts) == 0 {
		return "()"
	}
	return "(" + strings.Join(parts, ", ") + ",)"
}

// Launcher describes a console or GUI script to generate.
type Launcher struct {
	Interpreter string // absolute path of the target interpreter
	Dist        string // "Foo 1.0", for the header comment
	Name        string // script name
	Module      string // dotted module to import
	Attr        string // dotted attribute of Module to call
	// Directories relative to the script's own directory (the real bin/),
	// slash-separated, e.g. "../lib", "..", "../..".
	LibRel, TargetRel, PyPackagesRel string
	// Windows drops the shebang check: the file is run by an .exe
	// launcher (WindowsLauncher).
	Windows bool
}

// WriteLauncher returns the text of a POSIX launcher: a Python file run by
// the target interpreter (see Shebang) that
//
//  1. finds its own directory from os.path.realpath(__file__) (symlinks to
//     it are resolved), and from it lib/, the target and __pypackages__, so
//     it runs from any working directory, with no environment variable,
//     and still works after the project folder is moved;
//  2. calls safety.Bootstrap's _pkginstall_use, which refuses (every
//     reason on stderr, exit status 1) a __pypackages__, target or lib/ that
//     SPEC §6 refuses, and puts lib/ on sys.path by its real path after the
//     standard library, with its .pth files processed as site-packages
//     does (the same code as `run` and the shell hook);
//  3. takes its own bin/ directory off sys.path;
//  4. imports Module, resolves Attr and exits with its return value.
func WriteLauncher(l Launcher) ([]byte, error) {
	if !distinfo.DottedIdentifier(l.Module) || !distinfo.DottedIdentifier(l.Attr) {
		return nil, fmt.Errorf("entry point %s = %s:%s is not module:attribute", l.Name, l.Module, l.Attr)
	}
	goos := ""
	if l.Windows {
		goos = "windows"
	}
	head, err := scriptHead(&python.Info{Executable: l.Interpreter, OS: goos})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Write(head)
	r := strings.NewReplacer(
		"@COMMENT@", strings.NewReplacer("\n", " ", "\r", " ").Replace(l.Name+" from "+l.Dist),
		"@LIB@", pyPathParts(l.LibRel),
		"@TARGET@", pyPathParts(l.TargetRel),
		"@PYPACKAGES@", pyPathParts(l.PyPackagesRel),
		"@MODULE@", pyString(l.Module),
		"@ATTR@", pyString(l.Attr),
	)
	if _, err := r.WriteString(&b, launcherBody); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// launcherBody is the Python part of every launcher.
var launcherBody = `# @COMMENT@: a launcher written by pkginstall.
# It finds its packages in lib/ next to its own bin/ directory.
` + safety.Bootstrap + "\n\n" + launcherSetup + `def _pkginstall_main():
    _pkginstall_setup()
    import importlib
    obj = importlib.import_module(@MODULE@)
    for name in @ATTR@.split("."):
        obj = getattr(obj, name)
    sys.exit(obj())


if __name__ == "__main__":
    _pkginstall_main()
`

// launcherSetup is safety.Bootstrap followed by _pkginstall_setup, which
// finds __pypackages__, the target and lib/ from the real path of __file__,
// takes the script's own directory off sys.path and calls _pkginstall_use
// (refusing to run, exit status 1, on any finding). It is shared by
// launchers and the trampoline of .data scripts, and holds no single quote
// so that the trampoline can pass it to "python -c" as one single-quoted
// shell word.
const launcherSetup = `def _pkginstall_setup():
    here = os.path.dirname(os.path.realpath(os.path.abspath(__file__)))
    lib = os.path.normpath(os.path.join(here, *@LIB@))
    target = os.path.normpath(os.path.join(here, *@TARGET@))
    pypackages = os.path.normpath(os.path.join(here, *@PYPACKAGES@))
    # The directory of the script itself must not shadow modules.
    if sys.path and sys.path[0] and os.path.realpath(sys.path[0]) == here:
        del sys.path[0]
    faults = _pkginstall_use(pypackages, target, lib)
    for why in faults:
        sys.stderr.write("error: %s: refusing to use its packages: %s\n"
                         % (os.path.basename(sys.argv[0]), why))
    if faults:
        sys.exit(1)


`

// dataScriptBoot runs a .data script (sys.argv[1], "$0" of the trampoline)
// after _pkginstall_setup, as python would run it directly: argv[0] is the
// script, __file__ its path, __name__ "__main__"; the working directory is
// not put on sys.path (python -c would put it first).
const dataScriptBoot = `del sys.argv[0]
if sys.path and sys.path[0] == "":
    del sys.path[0]
__file__ = sys.argv[0]
_pkginstall_setup()
import runpy
runpy.run_path(sys.argv[0], run_name="__main__")
`

// DataScriptHead returns the lines that replace "#!python" in a .data
// script so that it runs like a console script: directly, from any working
// directory, after the project moves, with lib/ on sys.path and the SPEC §6
// safety checks. On POSIX it is a /bin/sh trampoline that is also a Python
// string literal (the rest of the file is untouched):
//
//	#!/bin/sh
//	'''exec' '/usr/bin/python3.11' -c '<setup, then runpy.run_path>' "$0" "$@"
//	' '''
//
// libRel, targetRel and pypackagesRel are as in Launcher. On Windows it is
// the plain "#!interpreter" line.
func DataScriptHead(info *python.Info, libRel, targetRel, pypackagesRel string) ([]byte, error) {
	if info.OS == "windows" {
		return scriptHead(info)
	}
	exe := info.Executable
	if _, err := Shebang(exe); err != nil {
		return nil, err
	}
	r := strings.NewReplacer(
		"@LIB@", pyPathPartsQ(libRel, '"'),
		"@TARGET@", pyPathPartsQ(targetRel, '"'),
		"@PYPACKAGES@", pyPathPartsQ(pypackagesRel, '"'),
	)
	boot := safety.Bootstrap + "\n\n" + r.Replace(launcherSetup) + dataScriptBoot
	if strings.Contains(boot, "'") {
		return nil, fmt.Errorf("script trampoline for %s would hold a quote", exe)
	}
	return []byte("#!/bin/sh\n'''exec' '" + exe + "' -c '" + boot + "' \"$0\" \"$@\"\n' '''\n"), nil
}

// RunBootstrap returns the sitecustomize.py that `run` writes into a
// private directory of p's target and puts alone on PYTHONPATH: the same
// safety.Bootstrap, called with p's __pypackages__, target and lib/ (their
// lexical paths: every link on the way is checked when Python starts). A
// finding is a warning and lib/ is not used; `run` has refused the same
// before starting the command, so this happens only when someone changed
// the directories in between. Then it runs the sitecustomize it shadows.
func RunBootstrap(p Paths) []byte {
	return []byte("# Written by pkginstall run: puts " + strings.NewReplacer("\n", " ", "\r", " ").Replace(p.Lib) +
		" on sys.path.\n" + safety.Bootstrap + `

def _pkginstall_run():
    pypackages = ` + pyString(p.PyPackages) + `
    for why in _pkginstall_use(pypackages, ` + pyString(p.Target) + `, ` + pyString(p.Lib) + `):
        _pkginstall_warn("not using %s: %s" % (pypackages, why))


_pkginstall_sitecustomize(_pkginstall_run)
`)
}
