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
//   - __pypackages__, the target and lib/ must be owned by the user or root
//     and not writable by others, else a "warning: pkginstall: …" line on
//     stderr says why and nothing is added;
//   - lib/ goes on sys.path just before site-packages, its .pth files are
//     processed, the hook's own directory is taken off sys.path, and any
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
)

// Sitecustomize is the hook's Python source. It stays valid Python 2
// syntax, since every interpreter on the machine reads it.
//
//go:embed sitecustomize.py
var Sitecustomize []byte

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
	if err := checkDir(dir); err != nil {
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
