package workflow

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pkginstall/pkginstall/internal/installer"
	"github.com/pkginstall/pkginstall/internal/python"
	"github.com/pkginstall/pkginstall/internal/safety"
	"github.com/pkginstall/pkginstall/scheme"
)

// Kinds of doctor findings: the first word of each output line, and the
// "kind" of each JSON finding. Scripts may rely on them.
const (
	FindUnsafe      = "unsafe"      // ownership or permissions (SPEC §6)
	FindCustomize   = "customize"   // sitecustomize.py / usercustomize.py in lib/
	FindPyScript    = "py-script"   // a .py file in bin/ (a warning)
	FindInterpreter = "interpreter" // a script whose interpreter is missing
	FindRecord      = "record"      // a file that differs from its RECORD
	FindDependency  = "dependency"  // an unmet or conflicting requirement
	FindLeftover    = "leftover"    // what an interrupted install left
	FindGit         = "git"         // __pypackages__ tracked by git
)

// Finding is one thing doctor reports, with what to do about it. A
// Warning is advice (a .py script in bin/: jmespath ships bin/jp.py), not
// a problem: it does not make doctor fail unless asked to be strict.
type Finding struct {
	Kind    string `json:"kind"`
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
	Fix     string `json:"fix"`
	Warning bool   `json:"warning,omitempty"`
}

// Doctor audits the target p, for the interpreter py (SPEC §6 and the
// state of the installation): unsafe ownership or permissions (every
// finding of safety.Audit), customize modules in lib/, .py scripts in bin/
// (warnings), scripts whose interpreter is missing, files that differ from
// their RECORD, unmet or conflicting dependencies, the project's declared
// dependencies that are missing or at the wrong version, leftovers of an
// interrupted install, and a __pypackages__ tracked by git. It returns
// every finding; the error is for an audit that could not be done.
func Doctor(ctx context.Context, p scheme.Paths, py *python.Info) ([]Finding, error) {
	found := auditSafety(p)
	if _, err := os.Stat(p.Target); err == nil {
		dists, err := scheme.List(p)
		if err != nil {
			return nil, fmt.Errorf("doctor: %w", err)
		}
		owner := fileOwners(dists)
		found = append(found, auditCustomize(p, owner)...)
		found = append(found, auditBin(p, owner)...)
		found = append(found, auditRecord(dists)...)
		problems, err := installer.Check(p, py)
		if err != nil {
			return nil, fmt.Errorf("doctor: %w", err)
		}
		for _, s := range problems {
			found = append(found, Finding{Kind: FindDependency, Message: s, Fix: dependencyFix(s)})
		}
		found = append(found, auditDeclared(p, py, dists)...)
		found = append(found, auditLeftovers(p)...)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return append(found, auditGit(p)...), nil
}

// auditSafety turns every safety.Audit finding into a doctor finding.
func auditSafety(p scheme.Paths) []Finding {
	var out []Finding
	for _, f := range safety.Audit(p.SafetyDirs()...) {
		msg := f.Path + " " + f.Reason
		if f.Kind == safety.OtherOwner || f.Kind == safety.OthersWrite {
			msg += ": run, console scripts and the shell hook refuse it"
		}
		out = append(out, Finding{Kind: FindUnsafe, Path: f.Path, Message: msg, Fix: f.Fix})
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
	return "no distribution installed it: delete it (rm -r " + safety.ShellArg(path) + ")"
}

// auditCustomize reports sitecustomize and usercustomize modules in lib/:
// Python runs them at every start-up with the project's packages.
func auditCustomize(p scheme.Paths, owner map[string]string) []Finding {
	var out []Finding
	for _, mod := range []string{"sitecustomize", "usercustomize"} {
		for _, name := range []string{mod + ".py", mod + ".pyc", filepath.Join(mod, "__init__.py")} {
			path := filepath.Join(p.Lib, name)
			if _, err := os.Lstat(path); err != nil {
				continue
			}
			out = append(out, Finding{Kind: FindCustomize, Path: path,
				Message: fmt.Sprintf("%s: Python runs %s at every start-up that sees this lib/", path, mod),
				Fix:     removeFix(path, owner)})
		}
	}
	return out
}

// auditBin reports .py files in bin/ and scripts whose interpreter is
// missing.
func auditBin(p scheme.Paths, owner map[string]string) []Finding {
	ents, err := os.ReadDir(p.Bin)
	if err != nil {
		return nil
	}
	// A Windows launcher's NAME-script.py is its own program, not a module
	// beside the scripts (the launcher takes Scripts\ off sys.path).
	launched := map[string]bool{}
	for _, e := range ents {
		if _, script, ok := scheme.ReadWindowsLauncherFile(filepath.Join(p.Bin, e.Name())); ok {
			launched[script] = true
		}
	}
	var out []Finding
	for _, e := range ents {
		path := filepath.Join(p.Bin, e.Name())
		if strings.HasSuffix(e.Name(), ".py") && !launched[e.Name()] {
			out = append(out, Finding{Kind: FindPyScript, Path: path, Warning: true,
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
		fix := "no distribution installed it: correct its #! line or delete it (rm " + safety.ShellArg(path) + ")"
		if d, ok := owner[path]; ok {
			name, _, _ := strings.Cut(d, " ")
			fix = fmt.Sprintf("reinstall %s for an existing interpreter: pkginstall --python PY install --reinstall %s", d, name)
		}
		switch {
		case interp == "":
			out = append(out, Finding{Kind: FindInterpreter, Path: path, Message: path + " has an empty #! line", Fix: fix})
		case !filepath.IsAbs(interp):
			out = append(out, Finding{Kind: FindInterpreter, Path: path, Message: fmt.Sprintf("%s names the interpreter %q, which is not an absolute path", path, interp), Fix: fix})
		default:
			if _, err := os.Stat(interp); err != nil {
				out = append(out, Finding{Kind: FindInterpreter, Path: path, Message: fmt.Sprintf("%s runs with %s, which does not exist", path, interp), Fix: fix})
			} else if cmd := envCommand(path, interp); cmd != "" {
				if _, err := exec.LookPath(cmd); err != nil {
					out = append(out, Finding{Kind: FindInterpreter, Path: path, Message: fmt.Sprintf("%s runs %s through %s, and there is no %s on PATH", path, cmd, interp, cmd), Fix: fix})
				}
			}
		}
	}
	return out
}

// scriptInterpreter reads the interpreter of a #! script or of a Windows
// launcher.
func scriptInterpreter(path string) (string, bool) {
	if interp, _, ok := scheme.ReadWindowsLauncherFile(path); ok {
		return interp, true
	}
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
func auditRecord(dists []scheme.Dist) []Finding {
	var out []Finding
	for i := range dists {
		d := &dists[i]
		probs := d.Verify()
		sort.Slice(probs, func(a, b int) bool { return probs[a].Path < probs[b].Path })
		for _, pr := range probs {
			out = append(out, Finding{Kind: FindRecord, Path: pr.Path,
				Message: fmt.Sprintf("%s %s: %s: %s", d.Name, d.Version, pr.Path, pr.Detail),
				Fix:     fmt.Sprintf("reinstall it: pkginstall install --reinstall --no-deps %s", safety.ShellArg(d.Name+"=="+d.Version))})
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
			return "install a matching version: pkginstall install " + safety.ShellArg(req)
		}
	}
	return "install what is required: pkginstall install (or pkginstall sync)"
}

// auditLeftovers reports what an interrupted install left in the target.
func auditLeftovers(p scheme.Paths) []Finding {
	left, err := scheme.Leftovers(p)
	var out []Finding
	for _, l := range left {
		out = append(out, Finding{Kind: FindLeftover, Path: l,
			Message: l + " was left by an interrupted install (unless a pkginstall is running right now)",
			Fix:     "run any pkginstall install into this target: it finishes or rolls back the interrupted one first"})
	}
	if err != nil {
		out = append(out, Finding{Kind: FindLeftover, Path: p.Target, Message: fmt.Sprintf("cannot look for leftovers: %v", err), Fix: "check the permissions of " + p.Target})
	}
	return out
}

// auditGit reports a __pypackages__ whose files git tracks: packages
// belong in the lock file, not in the repository.
func auditGit(p scheme.Paths) []Finding {
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
	return []Finding{{Kind: FindGit, Path: p.PyPackages,
		Message: fmt.Sprintf("%s is tracked by git (%d files): installed packages do not belong in the repository", p.PyPackages, len(files)),
		Fix:     fmt.Sprintf("git -C %s rm -r --cached %s, commit, and keep __pypackages__/.gitignore holding *; commit the lock file instead", safety.ShellArg(p.Project), scheme.PyPackagesDir)}}
}
