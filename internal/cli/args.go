package cli

import (
	"strings"

	ucli "github.com/urfave/cli/v2"
)

// reorderArgs moves a command's flags that follow its arguments in front of
// them, as pip and uv accept (`pkginstall install demo -c constraints.txt`);
// urfave/cli stops parsing flags at the first argument. `run` is left alone:
// everything after its CMD belongs to CMD. A "--" ends the flags.
func reorderArgs(app *ucli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	valueFlags := func(flags []ucli.Flag) map[string]bool {
		m := map[string]bool{}
		for _, f := range flags {
			_, isBool := f.(*ucli.BoolFlag)
			for _, n := range f.Names() {
				m[n] = !isBool
			}
		}
		return m
	}
	global := valueFlags(app.Flags)
	i := 1
	for i < len(args) && strings.HasPrefix(args[i], "-") && args[i] != "-" && args[i] != "--" {
		name := strings.TrimLeft(args[i], "-")
		if !strings.Contains(name, "=") && global[name] {
			i++
		}
		i++
	}
	if i >= len(args) {
		return args
	}
	var cmd *ucli.Command
	for _, c := range app.Commands {
		if c.HasName(args[i]) {
			cmd = c
		}
	}
	if cmd == nil || cmd.Name == "run" || len(cmd.Subcommands) > 0 {
		// A command with subcommands (cache) parses its own: moving the
		// subcommand's flags in front of it would hand them to the parent.
		return args
	}
	takes := valueFlags(cmd.Flags)
	var flags, positional []string
	rest := args[i+1:]
	dashed := false
	for j := 0; j < len(rest); j++ {
		a := rest[j]
		switch {
		case a == "--":
			positional = append(positional, rest[j+1:]...)
			dashed = true
			j = len(rest)
		case strings.HasPrefix(a, "-") && a != "-":
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && takes[name] && j+1 < len(rest) {
				j++
				flags = append(flags, rest[j])
			}
		default:
			positional = append(positional, a)
		}
	}
	out := append(append([]string{}, args[:i+1]...), flags...)
	if dashed || anyDash(positional) {
		out = append(out, "--")
	}
	return append(out, positional...)
}

func anyDash(xs []string) bool {
	for _, x := range xs {
		if strings.HasPrefix(x, "-") {
			return true
		}
	}
	return false
}
