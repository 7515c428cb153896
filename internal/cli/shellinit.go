package cli

import (
	"path/filepath"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/pkginstall/pkginstall/internal/hook"
)

func (a *app) shellInitCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "shell-init",
		Usage: "print shell code that makes a plain python see the project's __pypackages__ (PEP 582)",
		UsageText: `pkginstall shell-init [bash|zsh|fish|powershell]   (default: from $SHELL)

   bash, zsh:   eval "$(pkginstall shell-init bash)"        in ~/.bashrc or ~/.zshrc
   fish:        pkginstall shell-init fish | source          in ~/.config/fish/config.fish
   PowerShell:  pkginstall shell-init powershell | Out-String | Invoke-Expression

The code puts a start-up hook (a sitecustomize.py written to $XDG_DATA_HOME/pkginstall/hook)
first on PYTHONPATH. The hook adds <project>/__pypackages__/<X.Y>/lib before site-packages:
for python script.py the project of the script's own location, for the prompt, -c and -m
that of the working directory. It does nothing under python -I, -P, PYTHONSAFEPATH or
PKGINSTALL_HOOK=0, and refuses (with a warning) a __pypackages__ that is not yours or
that other users can write to.`,
		Action: a.runShellInit,
	}
}

func (a *app) runShellInit(c *ucli.Context) error {
	if c.NArg() > 1 {
		return usagef("shell-init takes one shell name: bash, zsh, fish or powershell")
	}
	if _, err := a.globals(c); err != nil {
		return err
	}
	shell := c.Args().First()
	if shell == "" {
		shell = shellFromEnv(a.env.Getenv("SHELL"))
		if shell == "" {
			return usagef("shell-init: cannot tell the shell from $SHELL (%q); name one: bash, zsh, fish or powershell", a.env.Getenv("SHELL"))
		}
	}
	switch shell {
	case "bash", "zsh", "sh", "fish", "powershell", "pwsh":
	default:
		return usagef("shell-init: unknown shell %q: want bash, zsh, fish or powershell", shell)
	}
	dir := hook.DefaultDir(a.env.Getenv)
	if dir == "" {
		return usagef("shell-init: no home directory: set HOME or XDG_DATA_HOME")
	}
	if err := hook.Install(dir); err != nil {
		return err
	}
	if venv := a.env.Getenv("VIRTUAL_ENV"); venv != "" {
		a.ui.warnf("%s", hook.VenvNote(venv))
	}
	code, err := hook.Code(shell, dir)
	if err != nil {
		return err
	}
	_, err = a.env.Stdout.Write([]byte(code))
	return err
}

// shellFromEnv maps $SHELL to a shell Code knows, or "".
func shellFromEnv(sh string) string {
	switch name := strings.TrimSuffix(filepath.Base(sh), ".exe"); name {
	case "bash", "zsh", "fish", "pwsh", "powershell":
		return name
	case "sh", "dash", "ksh", "mksh", "ash", "yash":
		return "sh"
	}
	return ""
}
