//go:build windows

package python

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pkginstall/pkginstall/internal/wintest"
	"golang.org/x/sys/windows/registry"
)

// These run under wine in CI (.ci/run) and on real Windows.

func TestParsePyList(t *testing.T) {
	out := " -V:3.12 *        C:\\Program Files\\Python312\\python.exe\r\n" +
		" -V:3.11          C:\\Users\\a b\\AppData\\Local\\Programs\\Python\\Python311\\python.exe\r\n" +
		" -3.8-64          C:\\Python38\\python.exe\r\n" +
		"Installed Pythons found by py Launcher for Windows\r\n"
	want := []string{`C:\Program Files\Python312\python.exe`, `C:\Users\a b\AppData\Local\Programs\Python\Python311\python.exe`, `C:\Python38\python.exe`}
	if got := parsePyList(out); !slices.Equal(got, want) {
		t.Errorf("parsePyList = %q, want %q", got, want)
	}
}

// fakeExe writes an empty file (isExecutable only asks that it exist).
func fakeExe(t *testing.T, p string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// The Store's alias stubs on PATH are skipped; a real python.exe is not.
func TestLookPathSkipsStoreStubs(t *testing.T) {
	dir := wintest.TempDir(t)
	stub := fakeExe(t, filepath.Join(dir, "Microsoft", "WindowsApps", "python3.exe"))
	real := fakeExe(t, filepath.Join(dir, "Python312", "python3.exe"))
	t.Setenv("PATH", filepath.Dir(stub)+string(os.PathListSeparator)+filepath.Dir(real))
	if got := lookPathAll("python3"); !slices.Equal(got, []string{real}) {
		t.Errorf("lookPathAll = %q, want only %s", got, real)
	}
	if Default(func(string) string { return "" }) != "3" {
		t.Error(`Default is not "3" on Windows`)
	}
}

// PEP 514: HKCU\Software\Python\<Company>\<Tag>\InstallPath, by
// ExecutablePath or by the directory in its default value.
func TestRegistryPythons(t *testing.T) {
	dir := wintest.TempDir(t)
	a := fakeExe(t, filepath.Join(dir, "A", "python.exe"))
	b := fakeExe(t, filepath.Join(dir, "B", "pythonB.exe"))
	base := `Software\Python\PkginstallTest`
	defer registry.DeleteKey(registry.CURRENT_USER, base+`\3.12\InstallPath`)
	defer registry.DeleteKey(registry.CURRENT_USER, base+`\3.12`)
	defer registry.DeleteKey(registry.CURRENT_USER, base+`\3.13\InstallPath`)
	defer registry.DeleteKey(registry.CURRENT_USER, base+`\3.13`)
	defer registry.DeleteKey(registry.CURRENT_USER, base)
	for tag, set := range map[string][2]string{"3.12": {"", filepath.Dir(a)}, "3.13": {"ExecutablePath", b}} {
		k, _, err := registry.CreateKey(registry.CURRENT_USER, base+`\`+tag+`\InstallPath`, registry.ALL_ACCESS)
		if err != nil {
			t.Fatal(err)
		}
		if err := k.SetStringValue(set[0], set[1]); err != nil {
			t.Fatal(err)
		}
		k.Close()
	}
	got := registryPythons()
	if !slices.Contains(got, a) || !slices.Contains(got, b) {
		t.Errorf("registryPythons = %q, want %s and %s among them", got, a, b)
	}
	if !slices.Contains(platformCandidates(context.Background()), b) {
		t.Error("platformCandidates leaves out the registry")
	}
}

// pyenv-win: %PYENV_ROOT%\versions\3.12.1\python.exe.
func TestPyenvWin(t *testing.T) {
	root := wintest.TempDir(t)
	exe := fakeExe(t, filepath.Join(root, "versions", "3.12.1", "python.exe"))
	fakeExe(t, filepath.Join(root, "versions", "3.11.9", "python.exe"))
	env := map[string]string{"PYENV": root}
	vs, _ := parseVersionSpec("3.12")
	if got := pyenvCandidates(func(k string) string { return env[k] }, vs); !slices.Equal(got, []string{exe}) {
		t.Errorf("pyenvCandidates = %q, want %s", got, exe)
	}
}
