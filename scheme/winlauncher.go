package scheme

import (
	"bufio"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/pkginstall/pkginstall/internal/python"
	"github.com/pkginstall/pkginstall/internal/safety"
)

// The Windows launchers: launcher/launcher.c built twice by
// Debian's mingw-w64 cross compiler (console and GUI subsystem), without
// the C runtime, about 6 KB each. C and not Go: a Go launcher is about
// 2 MB, and a project has dozens of scripts. They are committed like
// testdata/wheels (generated, reproducible, TestLauncherReproducible checks
// the bytes when the compiler is installed) so that building pkginstall
// needs only Go.
//
//go:generate sh launcher/build.sh
var (
	//go:embed launcher/console.exe
	consoleLauncher []byte
	//go:embed launcher/gui.exe
	guiLauncher []byte
)

// launcherMagic ends every launcher's trailer (see launcher/launcher.c).
const launcherMagic = "PKGLNCH1"

// WindowsLauncher returns a Windows launcher .exe (the GUI subsystem one
// when gui) that runs interpreter (an absolute Windows path, recorded
// now) on script, a file name in the launcher's own directory, passing its
// arguments through and returning the child's exit code. The launcher finds
// script from its own location, so the project can be moved.
func WindowsLauncher(interpreter, script string, gui bool) ([]byte, error) {
	if !windowsAbs(interpreter) || !utf8.ValidString(interpreter) || strings.ContainsAny(interpreter, "\x00\"\r\n") {
		return nil, fmt.Errorf("interpreter path %q is not an absolute Windows path", interpreter)
	}
	if !validComponent(script) || !utf8.ValidString(script) || strings.ContainsAny(script, "\"") {
		return nil, fmt.Errorf("script %q is not a file name", script)
	}
	exe := consoleLauncher
	if gui {
		exe = guiLauncher
	}
	payload := interpreter + "\x00" + script + "\x00"
	if len(payload) > maxLauncherTrailer {
		return nil, fmt.Errorf("interpreter path %q is too long for a launcher", interpreter)
	}
	out := make([]byte, 0, len(exe)+len(payload)+12)
	out = append(out, exe...)
	out = append(out, payload...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(payload)))
	return append(out, launcherMagic...), nil
}

// ReadWindowsLauncher returns the interpreter and script recorded in a
// launcher written by WindowsLauncher (for doctor, list and the tests).
func ReadWindowsLauncher(b []byte) (interpreter, script string, err error) {
	bad := errors.New("not a pkginstall Windows launcher")
	if len(b) < 12 || string(b[len(b)-8:]) != launcherMagic || string(b[:2]) != "MZ" {
		return "", "", bad
	}
	n := int(binary.LittleEndian.Uint32(b[len(b)-12:]))
	if n < 4 || n > len(b)-12 {
		return "", "", bad
	}
	parts := strings.Split(string(b[len(b)-12-n:len(b)-12]), "\x00")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] != "" {
		return "", "", bad
	}
	return parts[0], parts[1], nil
}

// windowsAbs reports whether p is an absolute Windows path (C:\... or
// \\server\share\...), whatever the OS pkginstall runs on.
func windowsAbs(p string) bool {
	if len(p) >= 3 && (p[0]|0x20 >= 'a' && p[0]|0x20 <= 'z') && p[1] == ':' && (p[2] == '\\' || p[2] == '/') {
		return true
	}
	return strings.HasPrefix(p, `\\`) && len(p) > 2
}

// guiInterpreter is pythonw.exe beside python.exe (GUI scripts must not
// open a console window), or exe itself when it has no such name.
func guiInterpreter(exe string) string {
	i := strings.LastIndexAny(exe, `\/`)
	if strings.EqualFold(exe[i+1:], "python.exe") {
		return exe[:i+1] + "pythonw.exe"
	}
	return exe
}

// windowsScriptStem is the launcher name of a .data script: its name
// without .py or .pyw, plus .exe.
func windowsScriptStem(name string) string {
	ext := filepath.Ext(name)
	if strings.EqualFold(ext, ".py") || strings.EqualFold(ext, ".pyw") {
		name = strings.TrimSuffix(name, ext)
	}
	return name + ".exe"
}

// addWindowsLauncher adds name.exe and the Python file it runs,
// name-script.py (name-script.pyw for a GUI script, run by pythonw.exe),
// holding body, to pl.
func addWindowsLauncher(pl *jobPlan, rels map[string]string, exe, name string, body []byte, gui bool) error {
	script, interp := name+"-script.py", exe
	if gui {
		script, interp = name+"-script.pyw", guiInterpreter(exe)
	}
	launcher, err := WindowsLauncher(interp, script, gui)
	if err != nil {
		return err
	}
	dest := rels["bin"] + "/" + name + ".exe"
	pl.files = append(pl.files,
		&planFile{dest: rels["bin"] + "/" + script, content: body},
		&planFile{dest: dest, content: launcher, exec: true})
	pl.scripts = append(pl.scripts, dest)
	return nil
}

// planWindowsDataScript gives a .data/scripts file whose first line is
// "#!python" or "#!pythonw" (GUI) a launcher: STEM.exe runs
// STEM-script.py(w), which does what a console script's launcher does
// (SPEC §6 check, lib\ on sys.path, from its own location) and then runs the
// script as python would (argv[0] the script, __name__ "__main__").
func planWindowsDataScript(pl *jobPlan, rels map[string]string, info *python.Info, src Source, member, dest string) error {
	line, err := firstLine(src, member)
	if err != nil || !rewriteShebang(line) {
		return err
	}
	if path.Dir(dest) != rels["bin"] {
		return nil // a script in a subdirectory of Scripts\ is not on PATH
	}
	name := path.Base(dest)
	gui := strings.HasPrefix(string(line), "#!pythonw")
	r := strings.NewReplacer(
		"@COMMENT@", strings.NewReplacer("\n", " ", "\r", " ").Replace(name+" from "+pl.label),
		"@LIB@", pyPathParts(relFrom(rels["bin"], rels["lib"])),
		"@TARGET@", pyPathParts(relFrom(rels["bin"], ".")),
		"@PYPACKAGES@", pyPathParts(rels["pypackages"]),
		"@SCRIPT@", pyString(name),
	)
	body := r.Replace(windowsDataBody)
	stem := strings.TrimSuffix(windowsScriptStem(name), ".exe")
	return addWindowsLauncher(pl, rels, info.Executable, stem, []byte(body), gui)
}

// windowsDataBody runs a .data script from its launcher's Python file.
var windowsDataBody = `# @COMMENT@: run by its launcher, written by pkginstall.
` + safety.Bootstrap + "\n\n" + launcherSetup + `def _pkginstall_main():
    here = os.path.dirname(os.path.realpath(os.path.abspath(__file__)))
    _pkginstall_setup()
    sys.argv[0] = os.path.join(here, @SCRIPT@)
    import runpy
    runpy.run_path(sys.argv[0], run_name="__main__")


if __name__ == "__main__":
    _pkginstall_main()
`

// firstLine returns the first line of member (at most 512 bytes).
func firstLine(src Source, member string) ([]byte, error) {
	rc, err := src.Open(member)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", member, err)
	}
	defer rc.Close()
	line, err := bufio.NewReaderSize(rc, 512).ReadSlice('\n')
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("read %s: %w", member, err)
	}
	return line, nil
}

// ReadWindowsLauncherFile is ReadWindowsLauncher on a file, reading only its
// head and tail; ok is false when the file is not such a launcher.
func ReadWindowsLauncherFile(name string) (interpreter, script string, ok bool) {
	f, err := os.Open(name)
	if err != nil {
		return "", "", false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() < 64 {
		return "", "", false
	}
	head := make([]byte, 2)
	if _, err := f.ReadAt(head, 0); err != nil || string(head) != "MZ" {
		return "", "", false
	}
	n := min(st.Size(), int64(maxLauncherTrailer+12))
	tail := make([]byte, n)
	if _, err := f.ReadAt(tail, st.Size()-n); err != nil {
		return "", "", false
	}
	interpreter, script, err = ReadWindowsLauncher(append(head, tail...))
	return interpreter, script, err == nil
}

// maxLauncherTrailer is the longest trailer the launcher accepts
// (MAX_TRAILER in launcher.c).
const maxLauncherTrailer = 65536
