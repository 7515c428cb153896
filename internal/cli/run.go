package cli

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	ucli "github.com/urfave/cli/v2"

	"github.com/pkginstall/pkginstall/internal/fsutil"
	"github.com/pkginstall/pkginstall/internal/safety"
	"github.com/pkginstall/pkginstall/scheme"
)

func (a *app) runCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "run",
		Usage:     "run a command with the target's packages importable and its bin/ first on PATH",
		UsageText: "pkginstall run CMD [ARGS...]   (python means the target interpreter)",
		// Everything after CMD belongs to CMD: `pkginstall run python -v`.
		SkipFlagParsing: false,
		Action:          a.runRun,
	}
}

func (a *app) runRun(c *ucli.Context) error {
	args := c.Args().Slice()
	if len(args) == 0 {
		return usagef("run needs a command: pkginstall run CMD [ARGS...]")
	}
	_, t, err := a.globalsAndTarget(c)
	if err != nil {
		return err
	}
	p := t.paths
	boot, err := runBootstrap(p)
	if err != nil {
		return err
	}
	pythonPath := joinPath(boot, a.env.Getenv("PYTHONPATH"))

	env := os.Environ()
	env = setEnv(env, "PATH", joinPath(p.Bin, a.env.Getenv("PATH")))
	env = setEnv(env, "PYTHONPATH", pythonPath)

	cmd := args[0]
	var exe string
	if cmd == "python" || cmd == "python3" {
		exe = t.py.Executable
	} else if strings.ContainsRune(cmd, os.PathSeparator) {
		exe = cmd
	} else if found := lookIn(cmd, p.Bin); found != "" {
		exe = found
	} else if found, err := exec.LookPath(cmd); err == nil {
		exe = found
	} else {
		// 127, as a shell says "command not found".
		return &exitError{code: 127, err: fmt.Errorf("run: %s: command not found in %s or on PATH", cmd, p.Bin)}
	}
	if runtime.GOOS != "windows" {
		// Replace this process: the exit status and signals are the
		// command's own.
		argv := append([]string{cmd}, args[1:]...)
		if cmd == "python" || cmd == "python3" {
			argv[0] = exe
		}
		err := syscall.Exec(exe, argv, env)
		return fmt.Errorf("run: %s: %w", exe, err)
	}
	child := exec.CommandContext(c.Context, exe, args[1:]...)
	child.Env = env
	child.Stdin, child.Stdout, child.Stderr = a.env.Stdin, a.env.Stdout, a.env.Stderr
	if err := child.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return &exitError{code: ee.ExitCode()}
		}
		return fmt.Errorf("run: %s: %w", exe, err)
	}
	return nil
}

// runBootstrap writes run's bootstrap (scheme.RunBootstrap) into its
// private directory beside the target and returns that directory: the only
// entry run (and a Jupyter kernel, see ide) adds to PYTHONPATH, never lib/
// itself, which would go ahead of the standard library. It returns "" when
// the target does not exist yet.
func runBootstrap(p scheme.Paths) (string, error) {
	boot := filepath.Join(p.Target, ".pkginstall-run")
	dirs := append(p.SafetyDirs(), boot)
	if err := safety.Check(dirs...); err != nil {
		return "", err
	}
	if _, err := os.Stat(p.Target); err != nil {
		return "", nil
	}
	if err := writeIfChanged(filepath.Join(boot, "sitecustomize.py"), scheme.RunBootstrap(p)); err != nil {
		return "", fmt.Errorf("preparing %s: %w", boot, err)
	}
	if err := safety.Check(dirs...); err != nil {
		return "", err
	}
	return boot, nil
}

// lookIn returns dir/name when it is an executable file.
func lookIn(name, dir string) string {
	p := filepath.Join(dir, name)
	if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
		return p
	}
	return ""
}

// joinPath joins path-list entries, leaving out empty ones (an empty entry
// means the working directory).
func joinPath(parts ...string) string {
	var out []string
	for _, part := range parts {
		for _, e := range filepath.SplitList(part) {
			if e != "" {
				out = append(out, e)
			}
		}
	}
	return strings.Join(out, string(os.PathListSeparator))
}

func setEnv(env []string, key, val string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, key+"=") {
			out = append(out, kv)
		}
	}
	if val == "" {
		return out
	}
	return append(out, key+"="+val)
}

func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && string(old) == string(data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	_, err := fsutil.WriteIfChanged(path, data, 0o644)
	return err
}
