package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/pkginstall/pkginstall/internal/hook"
	"github.com/pkginstall/pkginstall/internal/workflow"
)

func (a *app) doctorCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "doctor",
		Usage: "audit the target: safety, RECORD, dependencies, leftovers; exit 1 on any problem",
		UsageText: `pkginstall doctor [--strict] [--format text|json]

Prints one line per finding on stdout, "KIND: what is wrong; fix: what to do", where KIND is
one of unsafe, customize, py-script, interpreter, record, dependency, leftover, git.
A py-script finding is a warning. Exit status 0 when no problem is found (warnings aside),
1 when one is; with --strict, warnings count as problems.`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "format", Value: "text", Usage: "output `FORMAT`: text or json"},
			&ucli.BoolFlag{Name: "strict", Usage: "count warnings (a .py script in bin/) as problems"},
		},
		Action: a.runDoctor,
	}
}

func (a *app) runDoctor(c *ucli.Context) error {
	format, t, err := a.formatAndTarget(c)
	if err != nil {
		return err
	}
	p := t.paths
	if venv := a.env.Getenv("VIRTUAL_ENV"); venv != "" {
		a.ui.warnf("%s", hook.VenvNote(venv))
	}
	found, err := workflow.Doctor(c.Context, p, t.py)
	if err != nil {
		return err
	}
	problems, warnings := 0, 0
	for _, f := range found {
		if f.Warning && !c.Bool("strict") {
			warnings++
		} else {
			problems++
		}
	}

	if format == "json" {
		out := struct {
			Target   string             `json:"target"`
			Problems []workflow.Finding `json:"problems"`
		}{p.Target, found}
		if out.Problems == nil {
			out.Problems = []workflow.Finding{}
		}
		enc := json.NewEncoder(a.env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		for _, f := range found {
			a.ui.outf("%s: %s; fix: %s", f.Kind, oneLine(f.Message), oneLine(f.Fix))
		}
	}
	if problems == 0 {
		if format == "text" {
			if warnings > 0 {
				a.ui.outf("no problems found in %s (%d warning%s above)", p.Target, warnings, plural(warnings))
			} else {
				a.ui.outf("no problems found in %s", p.Target)
			}
		}
		return nil
	}
	noun := "problems"
	if problems == 1 {
		noun = "problem"
	}
	return &exitError{code: ExitFailure, err: fmt.Errorf("doctor found %d %s in %s", problems, noun, p.Target)}
}

// oneLine keeps a finding on one output line whatever the file names hold.
func oneLine(s string) string {
	return strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(s)
}
