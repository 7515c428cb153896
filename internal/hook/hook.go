// Package hook is the PEP 582 start-up hook behind `pkginstall shell-init`.
//
// The hook is a sitecustomize.py in a directory of its own (DefaultDir) that
// the shell code puts first on PYTHONPATH. At interpreter start-up it
// decides, with these rules (SPEC §6):
//
//   - under -I, -P or PYTHONSAFEPATH, on Python before 3.7, or with
//     PKGINSTALL_HOOK=0, it does nothing;
//   - `python script.py` uses the project of the script's own real
//     location, never the working directory's; the interactive prompt,
//     -c, -m and stdin use the working directory;
//   - the project is the nearest of that directory and its ancestors, at
//     most 8 levels up, holding __pypackages__ or pyproject.toml (the rule
//     of SPEC §2); with no __pypackages__ there, nothing is added;
//   - the target is the version-layout directory of the running
//     interpreter (3.11, 3.13t, pypy3.10), else its platform-layout one;
//   - inside a virtual environment (sys.prefix != sys.base_prefix) it does
//     nothing: the venv takes precedence, as in the PEP 582 reference
//     implementation;
//   - the rest is safety.Bootstrap, the code launchers and `run` share:
//     __pypackages__, the target and lib/ are checked (SPEC §6; a
//     "warning: pkginstall: …" line on stderr for each finding, and
//     nothing is added), lib/ goes on sys.path by its real path after the
//     standard library, its .pth files are processed as site-packages
//     does, the hook's own directory is taken off sys.path, and any
//     sitecustomize it shadows runs afterwards.
package hook

import (
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/pkginstall/pkginstall/internal/fsutil"
	"github.com/pkginstall/pkginstall/internal/safety"
)

// hookPy is the hook's own part: finding the project and the target. Its
// marker line is replaced by safety.Bootstrap.
//
//go:embed hook.py
var hookPy string

// Sitecustomize is the hook's Python source, hook.py with the bootstrap
// in it. It stays valid Python 2 syntax, since every interpreter on the
// machine reads it.
var Sitecustomize = []byte(strings.Replace(hookPy,
	"# @BOOTSTRAP@ (safety.Bootstrap: _pkginstall_use, _pkginstall_sitecustomize)\n", safety.Bootstrap, 1))

// FileName is the name of the hook file inside its directory.
const FileName = "sitecustomize.py"

// Shells lists the shells Code knows, in the order help shows them.
var Shells = []string{"bash", "zsh", "fish", "powershell"}

// DefaultDir returns the hook's directory: $XDG_DATA_HOME/pkginstall/hook,
// else %LOCALAPPDATA%\pkginstall\hook on Windows, else
// $HOME/.local/share/pkginstall/hook. It is "" when none of them is known.
func DefaultDir(getenv func(string) string) string {
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "pkginstall", "hook")
	}
	if runtime.GOOS == "windows" {
		if d := getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "pkginstall", "hook")
		}
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	if home == "" {
		return ""
	}
	return filepath.Join(home, ".local", "share", "pkginstall", "hook")
}

// Install writes the hook into dir (created with mode 0755 when missing)
// unless an identical file is already there. It refuses a dir that others
// can write to or that another user owns: whoever can write there runs
// code in every Python the user starts.
func Install(dir string) error {
	if dir == "" || !filepath.IsAbs(dir) {
		return fmt.Errorf("hook directory %q is not an absolute path", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create hook directory: %w", err)
	}
	if err := safety.CheckDir("hook directory", dir); err != nil {
		return err
	}
	path := filepath.Join(dir, FileName)
	if _, err := fsutil.WriteIfChanged(path, Sitecustomize, 0o644); err != nil {
		return fmt.Errorf("write hook %s: %w", path, err)
	}
	return nil
}

// Code returns the shell code that puts dir first on PYTHONPATH, once
// (evaluating it twice, or in a child shell that inherited it, changes
// nothing). shell is bash, zsh, sh (any POSIX shell), fish, powershell or
// pwsh.
func Code(shell, dir string) (string, error) {
	if strings.ContainsAny(dir, "\x00\n\r") || dir == "" {
		return "", fmt.Errorf("hook directory %q cannot be written into shell code", dir)
	}
	const head = "# pkginstall shell hook: a plain `python` sees the project's __pypackages__\n" +
		"# (PEP 582). Off for one run: python -I, python -P or PKGINSTALL_HOOK=0.\n"
	switch shell {
	case "bash", "zsh", "sh":
		q := shQuote(dir)
		return head +
			"case \":${PYTHONPATH-}:\" in\n" +
			"  *:" + q + ":*) ;;\n" +
			"  *) PYTHONPATH=" + q + "${PYTHONPATH:+:$PYTHONPATH}; export PYTHONPATH ;;\n" +
			"esac\n", nil
	case "fish":
		q := fishQuote(dir)
		return head +
			"if not contains -- " + q + " $PYTHONPATH\n" +
			"    set -gx PYTHONPATH " + q + " $PYTHONPATH\n" +
			"end\n", nil
	case "powershell", "pwsh":
		q := psQuote(dir)
		return head +
			"if (-not (($env:PYTHONPATH -split [IO.Path]::PathSeparator) -contains " + q + ")) {\n" +
			"    if ($env:PYTHONPATH) { $env:PYTHONPATH = " + q + " + [IO.Path]::PathSeparator + $env:PYTHONPATH }\n" +
			"    else { $env:PYTHONPATH = " + q + " }\n" +
			"}\n", nil
	}
	return "", fmt.Errorf("unknown shell %q: want bash, zsh, fish or powershell", shell)
}

// shQuote quotes s for a POSIX shell.
func shQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// fishQuote quotes s for fish, where \ and ' are special inside '…'.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// psQuote quotes s for PowerShell, where ' doubles inside '…'.
func psQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// VenvNote is what shell-init and doctor say when a virtual environment
// is active: the hook steps aside inside it (the venv wins, as in PEP 582's
// reference implementation), so its python does not see __pypackages__.
func VenvNote(venv string) string {
	return fmt.Sprintf("a virtual environment is active (%s): the shell hook does nothing inside it, so its python sees the venv's packages, not __pypackages__; pkginstall run and console scripts still use the project's", venv)
}
