package cli

import (
	ucli "github.com/urfave/cli/v2"
)

// The completion scripts ask the program itself (urfave's
// --generate-bash-completion: the commands, or a command's flags), so they
// never go stale.
var completionScripts = map[string]string{
	"bash": `_pkginstall_complete() {
    local cur="${COMP_WORDS[COMP_CWORD]}"
    local words=("${COMP_WORDS[@]:1:COMP_CWORD-1}")
    if [[ "$cur" == -* ]]; then
        words+=("$cur")
    fi
    COMPREPLY=($(compgen -W "$(pkginstall "${words[@]}" --generate-bash-completion 2>/dev/null)" -- "$cur"))
}
complete -o default -F _pkginstall_complete pkginstall
`,
	"zsh": `#compdef pkginstall
_pkginstall() {
    local -a opts
    local cur="${words[CURRENT]}"
    local -a args=("${(@)words[2,CURRENT-1]}")
    [[ "$cur" == -* ]] && args+=("$cur")
    opts=("${(@f)$(pkginstall "${args[@]}" --generate-bash-completion 2>/dev/null)}")
    _describe 'values' opts
}
compdef _pkginstall pkginstall
`,
	"fish": `function __pkginstall_complete
    set -l args (commandline -opc)[2..-1]
    set -l cur (commandline -ct)
    if string match -q -- '-*' $cur
        set -a args $cur
    end
    pkginstall $args --generate-bash-completion 2>/dev/null
end
complete -c pkginstall -f -a '(__pkginstall_complete)'
`,
}

func (a *app) completionCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "completion",
		Usage:     "print the shell completion script: bash, zsh or fish",
		UsageText: "pkginstall completion bash|zsh|fish   (e.g. in ~/.bashrc: eval \"$(pkginstall completion bash)\")",
		Action: func(c *ucli.Context) error {
			shell := c.Args().First()
			script, ok := completionScripts[shell]
			if c.NArg() != 1 || !ok {
				return usagef("completion needs one shell: bash, zsh or fish")
			}
			_, err := a.env.Stdout.Write([]byte(script))
			return err
		},
	}
}
