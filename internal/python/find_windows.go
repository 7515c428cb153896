//go:build windows

package python

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"golang.org/x/sys/windows/registry"
)

// defaultSpec is what Default falls back to: on Windows a version request,
// so that the search looks beyond PATH (where "python3" is usually the
// Microsoft Store's alias stub).
const defaultSpec = "3"

// storeStub reports whether p is one of the Microsoft Store's "app
// execution alias" stubs (…\Microsoft\WindowsApps\python*.exe), which open
// the Store instead of running Python when it is not installed.
func storeStub(p string) bool {
	return strings.EqualFold(filepath.Base(filepath.Dir(p)), "WindowsApps")
}

// pyenvDefaultRoot is pyenv-win's root: %PYENV_ROOT%, %PYENV%, else
// %USERPROFILE%\.pyenv\pyenv-win.
func pyenvDefaultRoot(getenv func(string) string) string {
	for _, k := range []string{"PYENV_ROOT", "PYENV"} {
		if r := getenv(k); r != "" {
			return r
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".pyenv", "pyenv-win")
}

// platformCandidates are Windows' own places, after PATH and pyenv-win:
// the py launcher's list (py -0p), then the PEP 514 registry entries.
func platformCandidates(ctx context.Context) []string {
	return append(pyLauncherList(ctx), registryPythons()...)
}

// pyLauncherList runs `py -0p` (the Python launcher for Windows) and
// returns the interpreters it lists.
func pyLauncherList(ctx context.Context) []string {
	py, err := exec.LookPath("py")
	if err != nil || storeStub(py) {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, py, "-0p").Output()
	if err != nil {
		return nil
	}
	return parsePyList(string(out))
}

// pyListRE matches a line of `py -0p`: " -V:3.12 *        C:\...\python.exe"
// (py 3.11+) or " -3.12-64 *     C:\...\python.exe" (older).
var pyListRE = regexp.MustCompile(`^\s*-\S+(?:\s+\*)?\s+(\S.*\.exe)\s*$`)

// parsePyList returns the interpreter paths in py -0p's output.
func parsePyList(out string) []string {
	var paths []string
	for _, line := range strings.Split(out, "\n") {
		if m := pyListRE.FindStringSubmatch(strings.TrimRight(line, "\r")); m != nil {
			paths = append(paths, m[1])
		}
	}
	return paths
}

// registryPythons lists the interpreters PEP 514 registers, per user first,
// then per machine (64- then 32-bit view): for each
// Software\Python\<Company>\<Tag>\InstallPath, its ExecutablePath value, or
// python.exe in its default value's directory.
func registryPythons() []string {
	var out []string
	for _, root := range []struct {
		k      registry.Key
		access uint32
	}{
		{registry.CURRENT_USER, 0},
		{registry.LOCAL_MACHINE, registry.WOW64_64KEY},
		{registry.LOCAL_MACHINE, registry.WOW64_32KEY},
	} {
		out = append(out, registryUnder(root.k, `Software\Python`, root.access)...)
	}
	return out
}

// registryUnder reads the PEP 514 entries under base of root.
func registryUnder(root registry.Key, base string, access uint32) []string {
	k, err := registry.OpenKey(root, base, registry.ENUMERATE_SUB_KEYS|access)
	if err != nil {
		return nil
	}
	defer k.Close()
	companies, _ := k.ReadSubKeyNames(-1)
	var out []string
	for _, c := range companies {
		if strings.EqualFold(c, "PyLauncher") {
			continue // PEP 514 reserves it for the py launcher's settings
		}
		ck, err := registry.OpenKey(k, c, registry.ENUMERATE_SUB_KEYS|access)
		if err != nil {
			continue
		}
		tags, _ := ck.ReadSubKeyNames(-1)
		for _, tag := range tags {
			ik, err := registry.OpenKey(ck, tag+`\InstallPath`, registry.QUERY_VALUE|access)
			if err != nil {
				continue
			}
			exe, _, err := ik.GetStringValue("ExecutablePath")
			if err != nil || exe == "" {
				if dir, _, err := ik.GetStringValue(""); err == nil && dir != "" {
					exe = filepath.Join(dir, "python.exe")
				}
			}
			ik.Close()
			if exe != "" && isExecutable(exe) {
				out = append(out, exe)
			}
		}
		ck.Close()
	}
	return out
}
