package scheme

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pkginstall/pkginstall/internal/python"
)

// winInfo is a made-up Windows interpreter (its scripts are planned and
// written here; the wine tests run them).
func winInfo() *python.Info {
	info := testInfo()
	info.OS, info.Platform, info.Executable = "windows", "win-amd64", `C:\Program Files\Python311\python.exe`
	return info
}

func TestWindowsLaunchersInstalled(t *testing.T) {
	info := winInfo()
	p := newProject(t, info)
	src := &memSource{project: "w", version: "1",
		files: []memFile{
			{name: "w/__init__.py", data: "def main(): pass\n"},
			{name: "w-1.data/scripts/tool.py", data: "#!python\nprint(1)\n"},
			{name: "w-1.data/scripts/viewer", data: "#!pythonw\r\nprint(1)\r\n"},
			{name: "w-1.data/scripts/plain.sh", data: "#!/bin/sh\necho\n"},
		},
		eps: []EntryPoint{{Group: GroupConsole, Name: "w-cli", Module: "w", Attr: "main"}, {Group: GroupGUI, Name: "w-gui", Module: "w", Attr: "main"}}}
	mustInstall(t, p, info, src, InstallOptions{})
	want := map[string][2]string{ // launcher -> interpreter, script
		"w-cli.exe":  {`C:\Program Files\Python311\python.exe`, "w-cli-script.py"},
		"w-gui.exe":  {`C:\Program Files\Python311\pythonw.exe`, "w-gui-script.pyw"},
		"tool.exe":   {`C:\Program Files\Python311\python.exe`, "tool-script.py"},
		"viewer.exe": {`C:\Program Files\Python311\pythonw.exe`, "viewer-script.pyw"},
	}
	for exe, w := range want {
		b, err := os.ReadFile(filepath.Join(p.Bin, exe))
		if err != nil {
			t.Fatal(err)
		}
		gui := strings.HasSuffix(w[1], ".pyw")
		base := consoleLauncher
		if gui {
			base = guiLauncher
		}
		if !bytes.HasPrefix(b, base) {
			t.Errorf("%s is not the %v launcher", exe, map[bool]string{false: "console", true: "GUI"}[gui])
		}
		interp, script, err := ReadWindowsLauncher(b)
		if err != nil || interp != w[0] || script != w[1] {
			t.Errorf("%s runs %q %q (%v), want %q %q", exe, interp, script, err, w[0], w[1])
		}
		body := readFile(t, filepath.Join(p.Bin, script))
		if !strings.Contains(body, "def _pkginstall_use(") || !strings.Contains(body, `lib = os.path.normpath(os.path.join(here, *('..', 'lib',)))`) {
			t.Errorf("%s does not set up lib\\ from its own place:\n%s", script, body)
		}
	}
	if body := readFile(t, filepath.Join(p.Bin, "tool-script.py")); !strings.Contains(body, `os.path.join(here, 'tool.py')`) {
		t.Errorf("tool-script.py does not run tool.py")
	}
	if exists(filepath.Join(p.Bin, "plain.exe")) || exists(filepath.Join(p.Bin, "w-cli.cmd")) {
		t.Error("a launcher for a /bin/sh script, or a .cmd wrapper, was written")
	}
	if d := findDist(t, p, "w"); len(d.Verify()) != 0 {
		t.Errorf("Verify: %v", d.Verify())
	}
	if len(consoleLauncher) > 200<<10 || len(guiLauncher) > 200<<10 {
		t.Errorf("launchers are %d and %d bytes, over 200 KB", len(consoleLauncher), len(guiLauncher))
	}
}

func TestWindowsLauncherRefusesBadPaths(t *testing.T) {
	for _, c := range [][2]string{
		{"/usr/bin/python3", "a-script.py"},
		{`python.exe`, "a-script.py"},
		{`C:\py"\python.exe`, "a-script.py"},
		{`C:\py\python.exe`, `..\a-script.py`},
		{`C:\py\python.exe`, "a/b"},
		{`C:\py\python.exe`, ""},
	} {
		if _, err := WindowsLauncher(c[0], c[1], false); err == nil {
			t.Errorf("WindowsLauncher(%q, %q) succeeded", c[0], c[1])
		}
	}
	b, err := WindowsLauncher(`\\server\share\py\python.exe`, "a-script.py", true)
	if err != nil {
		t.Fatal(err)
	}
	for _, cut := range []int{1, 9, 12, len(b) - len(guiLauncher) - 1} {
		if _, _, err := ReadWindowsLauncher(b[:len(b)-cut]); err == nil {
			t.Errorf("a launcher cut by %d bytes reads", cut)
		}
	}
}

// TestLauncherReproducible rebuilds the launchers with launcher/build.sh
// and compares them with the committed ones (skipped without mingw-w64;
// .ci/run installs it).
func TestLauncherReproducible(t *testing.T) {
	if _, err := exec.LookPath("x86_64-w64-mingw32-gcc"); err != nil {
		t.Skip("x86_64-w64-mingw32-gcc not installed (Debian: gcc-mingw-w64-x86-64)")
	}
	out := t.TempDir()
	cmd := exec.Command("sh", "launcher/build.sh")
	cmd.Env = append(os.Environ(), "OUT="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, b)
	}
	for name, committed := range map[string][]byte{"console.exe": consoleLauncher, "gui.exe": guiLauncher} {
		if b, err := os.ReadFile(filepath.Join(out, name)); err != nil || !bytes.Equal(b, committed) {
			t.Errorf("launcher/%s differs from what launcher/build.sh builds (%v): run go generate ./scheme", name, err)
		}
	}
}
