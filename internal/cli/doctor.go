package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/pkginstall/pkginstall/internal/installer"
	"github.com/pkginstall/pkginstall/scheme"
)

// Kinds of doctor findings: the first word of each output line, and the
// "kind" of each JSON finding. Scripts may rely on them.
const (
	findUnsafe      = "unsafe"      // ownership or permissions (SPEC §6)
	findCustomize   = "customize"   // sitecustomize.py / usercustomize.py in lib/
	findPyScript    = "py-script"   // a .py file in bin/
	findInterpreter = "interpreter" // a script whose interpreter is missing
	findRecord      = "record"      // a file that differs from its RECORD
	findDependency  = "dependency"  // an unmet or conflicting requirement
	findLeftover    = "leftover"    // what an interrupted install left
	findGit         = "git"         // __pypackages__ tracked by git
)

// finding is one problem doctor reports, with what to do about it.
type finding struct {
	Kind    string `json:"kind"`
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
	Fix     string `json:"fix"`
}

func (a *app) doctorCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "doctor",
		Usage: "audit the target: safety (SPEC §6), RECORD, dependencies, leftovers; exit 1 on any finding",
		UsageText: `pkginstall doctor [--format text|json]

Prints one line per finding on stdout, "KIND: what is wrong; fix: what to do", where KIND is
one of unsafe, customize, py-script, interpreter, record, dependency, leftover, git.
Exit status 0 when nothing is found, 1 when something is.`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "format", Value: "text", Usage: "output `FORMAT`: text or json"},
		},
		Action: a.runDoctor,
	}
}

func (a *app) runDoctor(c *ucli.Context) error {
	if c.NArg() > 0 {
		return usagef("doctor takes no arguments")
	}
	format, err := formatFlag(c)
	if err != nil {
		return err
	}
	_, t, err := a.globalsAndTarget(c)
	if err != nil {
		return err
	}
	p := t.paths
	var found []finding
	found = append(found, auditSafety(p)...)
	if _, err := os.Stat(p.Target); err == nil {
		dists, err := scheme.List(p)
		if err != nil {
			return fmt.Errorf("doctor: %w", err)
		}
		owner := fileOwners(dists)
		found = append(found, auditCustomize(p, owner)...)
		found = append(found, auditBin(p, owner)...)
		found = append(found, auditRecord(dists)...)
		problems, err := installer.Check(p, t.py)
		if err != nil {
			return fmt.Errorf("doctor: %w", err)
		}
		for _, s := range problems {
			found = append(found, finding{Kind: findDependency, Message: s, Fix: dependencyFix(s)})
		}
		found = append(found, auditLeftovers(p)...)
	}
	found = append(found, auditGit(p)...)

	if format == "json" {
		out := struct {
			Target   string    `json:"target"`
			Problems []finding `json:"problems"`
		}{p.Target, found}
		if out.Problems == nil {
			out.Problems = []finding{}
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
	if len(found) == 0 {
		if format == "text" {
			a.ui.outf("no problems found in %s", p.Target)
		}
		return nil
	}
	noun := "problems"
	if len(found) == 1 {
		noun = "problem"
	}
	return &exitError{code: ExitFailure, err: fmt.Errorf("doctor found %d %s in %s", len(found), noun, p.Target)}
}

// oneLine keeps a finding on one output line whatever the file names hold.
func oneLine(s string) string {
	return strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(s)
}

// auditSafety applies SPEC §6 to __pypackages__, the target, lib/ and bin/,
// reporting every directory that fails, not just the first.
func auditSafety(p scheme.Paths) []finding {
	var out []finding
	uid := os.Getuid()
	for _, d := range []string{p.PyPackages, p.Target, p.Lib, p.Bin} {
		fi, err := os.Stat(d)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			out = append(out, finding{Kind: findUnsafe, Path: d, Message: fmt.Sprintf("%s cannot be inspected: %v", d, err), Fix: "check the path and its permissions"})
			continue
		}
		if !fi.IsDir() {
			out = append(out, finding{Kind: findUnsafe, Path: d, Message: d + " is not a directory", Fix: "move it away; pkginstall recreates the directory"})
			continue
		}
		if owner, ok := scheme.FileOwner(fi); ok && owner != uid && owner != 0 {
			out = append(out, finding{Kind: findUnsafe, Path: d,
				Message: fmt.Sprintf("%s is owned by uid %d, not by you (uid %d) or root: run, console scripts and the shell hook refuse it", d, owner, uid),
				Fix:     fmt.Sprintf("if you trust its content, chown -R %d %s; otherwise delete it and reinstall", uid, d)})
		}
		if fi.Mode().Perm()&0o002 != 0 {
			out = append(out, finding{Kind: findUnsafe, Path: d,
				Message: fmt.Sprintf("%s is writable by other users (mode %04o): run, console scripts and the shell hook refuse it", d, fi.Mode().Perm()),
				Fix:     "chmod o-w " + shellArg(d)})
		}
	}
	return out
}

// fileOwners maps every file a RECORD lists to "Name Version".
func fileOwners(dists []scheme.Dist) map[string]string {
	m := map[string]string{}
	for i := range dists {
		for _, f := range dists[i].InstalledFiles() {
			m[f] = dists[i].Name + " " + dists[i].Version
		}
	}
	return m
}

// removeFix says how to get rid of path: uninstall the distribution that
// installed it, or delete it.
func removeFix(path string, owner map[string]string) string {
	if d, ok := owner[path]; ok {
		name, _, _ := strings.Cut(d, " ")
		return fmt.Sprintf("it comes from %s: uninstall it (pkginstall uninstall %s) unless you trust it", d, name)
	}
	return "no distribution installed it: delete it (rm -r " + shellArg(path) + ")"
}

// auditCustomize reports sitecustomize and usercustomize modules in lib/:
// Python runs them at every start-up with the project's packages.
func auditCustomize(p scheme.Paths, owner map[string]string) []finding {
	var out []finding
	for _, mod := range []string{"sitecustomize", "usercustomize"} {
		for _, name := range []string{mod + ".py", mod + ".pyc", filepath.Join(mod, "__init__.py")} {
			path := filepath.Join(p.Lib, name)
			if _, err := os.Lstat(path); err != nil {
				continue
			}
			out = append(out, finding{Kind: findCustomize, Path: path,
				Message: fmt.Sprintf("%s: Python runs %s at every start-up that sees this lib/", path, mod),
				Fix:     removeFix(path, owner)})
		}
	}
	return out
}

// auditBin reports .py files in bin/ and scripts whose interpreter is
// missing.
func auditBin(p scheme.Paths, owner map[string]string) []finding {
	ents, err := os.ReadDir(p.Bin)
	if err != nil {
		return nil
	}
	var out []finding
	for _, e := range ents {
		path := filepath.Join(p.Bin, e.Name())
		if strings.HasSuffix(e.Name(), ".py") {
			out = append(out, finding{Kind: findPyScript, Path: path,
				Message: fmt.Sprintf("%s: a .py file in bin/ can shadow the module %s when a script there runs", path, strings.TrimSuffix(e.Name(), ".py")),
				Fix:     removeFix(path, owner)})
		}
		if !e.Type().IsRegular() {
			continue
		}
		interp, ok := scriptInterpreter(path)
		if !ok {
			continue
		}
		fix := "no distribution installed it: correct its #! line or delete it (rm " + shellArg(path) + ")"
		if d, ok := owner[path]; ok {
			name, _, _ := strings.Cut(d, " ")
			fix = fmt.Sprintf("reinstall %s for an existing interpreter: pkginstall --python PY install --reinstall %s", d, name)
		}
		switch {
		case interp == "":
			out = append(out, finding{Kind: findInterpreter, Path: path, Message: path + " has an empty #! line", Fix: fix})
		case !filepath.IsAbs(interp):
			out = append(out, finding{Kind: findInterpreter, Path: path, Message: fmt.Sprintf("%s names the interpreter %q, which is not an absolute path", path, interp), Fix: fix})
		default:
			if _, err := os.Stat(interp); err != nil {
				out = append(out, finding{Kind: findInterpreter, Path: path, Message: fmt.Sprintf("%s runs with %s, which does not exist", path, interp), Fix: fix})
			} else if cmd := envCommand(path, interp); cmd != "" {
				if _, err := exec.LookPath(cmd); err != nil {
					out = append(out, finding{Kind: findInterpreter, Path: path, Message: fmt.Sprintf("%s runs %s through %s, and there is no %s on PATH", path, cmd, interp, cmd), Fix: fix})
				}
			}
		}
	}
	return out
}

// scriptInterpreter reads the interpreter of a #! script.
func scriptInterpreter(path string) (string, bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	head := make([]byte, 1024)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", false
	}
	return scheme.ScriptInterpreter(head[:n])
}

// envCommand returns the command of a "#!/usr/bin/env [-S] CMD" line, or
// "" when the interpreter is not env.
func envCommand(path, interp string) string {
	if filepath.Base(interp) != "env" {
		return ""
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	line, _, _ := bytes.Cut(head[:n], []byte("\n"))
	fields := strings.Fields(strings.TrimPrefix(string(line), "#!"))
	for _, a := range fields[1:] {
		if strings.HasPrefix(a, "-") || strings.Contains(a, "=") {
			continue // env options and VAR=value assignments
		}
		return a
	}
	return ""
}

// auditRecord reports files that differ from their RECORD.
func auditRecord(dists []scheme.Dist) []finding {
	var out []finding
	for i := range dists {
		d := &dists[i]
		probs := d.Verify()
		sort.Slice(probs, func(a, b int) bool { return probs[a].Path < probs[b].Path })
		for _, pr := range probs {
			out = append(out, finding{Kind: findRecord, Path: pr.Path,
				Message: fmt.Sprintf("%s %s: %s: %s", d.Name, d.Version, pr.Path, pr.Detail),
				Fix:     fmt.Sprintf("reinstall it: pkginstall install --reinstall --no-deps %s", shellArg(d.Name+"=="+d.Version))})
		}
	}
	return out
}

// dependencyFix turns one installer.Check sentence ("a 1.0 requires b>=2,
// which is not installed" / "…, but b 1.0 is installed") into advice.
func dependencyFix(s string) string {
	_, rest, ok := strings.Cut(s, " requires ")
	if ok {
		req := rest
		if i := strings.LastIndex(rest, ", which is not installed"); i >= 0 {
			req = rest[:i]
		} else if i := strings.LastIndex(rest, ", but "); i >= 0 {
			req = rest[:i]
		}
		if req != "" && req != rest {
			return "install a matching version: pkginstall install " + shellArg(req)
		}
	}
	return "install what is required: pkginstall install (or pkginstall sync)"
}

// auditLeftovers reports what an interrupted install left in the target.
func auditLeftovers(p scheme.Paths) []finding {
	left, err := scheme.Leftovers(p)
	var out []finding
	for _, l := range left {
		out = append(out, finding{Kind: findLeftover, Path: l,
			Message: l + " was left by an interrupted install (unless a pkginstall is running right now)",
			Fix:     "run any pkginstall install into this target: it finishes or rolls back the interrupted one first"})
	}
	if err != nil {
		out = append(out, finding{Kind: findLeftover, Path: p.Target, Message: fmt.Sprintf("cannot look for leftovers: %v", err), Fix: "check the permissions of " + p.Target})
	}
	return out
}

// auditGit reports a __pypackages__ whose files git tracks: packages
// belong in the lock file, not in the repository.
func auditGit(p scheme.Paths) []finding {
	if _, err := os.Stat(p.PyPackages); err != nil {
		return nil
	}
	git, err := exec.LookPath("git")
	if err != nil {
		return nil
	}
	cmd := exec.Command(git, "-C", p.Project, "ls-files", "-z", "--", scheme.PyPackagesDir)
	cmd.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0", "LC_ALL=C")
	outb, err := cmd.Output()
	if err != nil {
		return nil // not a repository, or git cannot tell
	}
	files := bytes.Split(bytes.TrimRight(outb, "\x00"), []byte{0})
	if len(outb) == 0 || len(files) == 0 {
		return nil
	}
	return []finding{{Kind: findGit, Path: p.PyPackages,
		Message: fmt.Sprintf("%s is tracked by git (%d files): installed packages do not belong in the repository", p.PyPackages, len(files)),
		Fix:     fmt.Sprintf("git -C %s rm -r --cached %s, commit, and keep __pypackages__/.gitignore holding *; commit the lock file instead", shellArg(p.Project), scheme.PyPackagesDir)}}
}

// shellArg quotes s for a POSIX shell when it needs quoting.
func shellArg(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == '=' || r == ':' || r == '+' || r == ',' ||
			r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
