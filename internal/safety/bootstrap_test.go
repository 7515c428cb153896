//go:build unix

package safety

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// findPython returns a Python v ("3.8") from pyenv or PATH, or "".
func findPython(v string) string {
	root := os.Getenv("PYENV_ROOT")
	if root == "" {
		home, _ := os.UserHomeDir()
		root = filepath.Join(home, ".pyenv")
	}
	if m, _ := filepath.Glob(filepath.Join(root, "versions", v+".*", "bin", "python"+v)); len(m) > 0 {
		return m[len(m)-1]
	}
	if p, err := exec.LookPath("python" + v); err == nil && exec.Command(p, "-c", "0").Run() == nil {
		return p
	}
	return ""
}

// pythons returns the interpreters to try the bootstrap with: 3.8, 3.11
// and 3.13, whichever exist.
func pythons(t *testing.T) map[string]string {
	out := map[string]string{}
	for _, v := range []string{"3.8", "3.11", "3.13"} {
		if p := findPython(v); p != "" {
			out[v] = p
		}
	}
	if len(out) == 0 {
		t.Skip("no Python 3.8, 3.11 or 3.13")
	}
	return out
}

// bootDriver calls _pkginstall_use on the project given in argv and
// prints what a program would see.
const bootDriver = `
import sysconfig
pp = sys.argv[1]
faults = _pkginstall_use(pp, os.path.join(pp, "T"), os.path.join(pp, "T", "lib"))
for f in faults:
    print("FAULT " + f)
std = os.path.realpath(sysconfig.get_paths()["stdlib"])
order = []
for p in sys.path:
    r = os.path.realpath(p or ".")
    k = {std: "stdlib"}.get(r) or ("lib" if r.endswith("lib") and "pro j" in r else None) or ("extra" if r.endswith("extra") else None) or ("site" if os.path.basename(r) in ("site-packages", "dist-packages") else None)
    if k and (not order or order[-1] != k):
        order.append(k)
print("ORDER " + " ".join(order))
print("RAN %d" % getattr(sys, "boot_ran", 0))
import json
print("JSON " + ("stdlib" if os.path.realpath(json.__file__).startswith(std) else json.__file__))
try:
    import bootmod
    print("MOD " + os.path.dirname(bootmod.__file__))
except ImportError:
    print("MOD MISSING")
`

// The bootstrap on every supported Python, with a space in the path, a
// link on the way, under env -i: lib/ after the standard library, the
// .pth directory right after it and its import line run once, the real
// path used, json/ not shadowed; another user's link refused.
func TestBootstrapPythons(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pro j")
	pp := filepath.Join(dir, "__pypackages__")
	real := filepath.Join(dir, "real T")
	for _, d := range []string{filepath.Join(real, "lib", "json"), filepath.Join(real, "lib", "extra"), pp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		"bootmod.py":       "",
		"json/__init__.py": "raise SystemExit(\"shadowed\")\n",
		"boot.pth":         "extra\nimport sys; sys.boot_ran = getattr(sys, \"boot_ran\", 0) + 1\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(real, "lib", name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("../real T", filepath.Join(pp, "T")); err != nil {
		t.Fatal(err)
	}
	for v, py := range pythons(t) {
		run := func() string {
			cmd := exec.Command("env", "-i", py, "-c", Bootstrap+bootDriver, pp)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", v, err, out)
			}
			return string(out)
		}
		got := run()
		want := "ORDER stdlib lib extra site\nRAN 1\nJSON stdlib\nMOD " + filepath.Join(real, "lib") + "\n"
		if got != want {
			t.Errorf("python %s:\n%s\nwant:\n%s", v, got, want)
		}
		if os.Getuid() == 0 {
			os.Lchown(filepath.Join(pp, "T"), nobody, nobody)
			got := run()
			os.Lchown(filepath.Join(pp, "T"), 0, 0)
			if !strings.HasPrefix(got, "FAULT "+filepath.Join(pp, "T")+" is owned by uid 65534, not by you (uid 0) or root; fix it with: chown -h 0 '") ||
				!strings.Contains(got, "MOD MISSING") {
				t.Errorf("python %s, a link owned by uid %d:\n%s", v, nobody, got)
			}
		}
	}
}

// The text rules of bootstrap.py: no single quote (a trampoline passes it
// as one single-quoted shell word), valid Python 2 syntax when a Python 2
// is at hand (the hook is read by every Python on the machine).
func TestBootstrapText(t *testing.T) {
	if strings.Contains(Bootstrap, "'") {
		t.Error("bootstrap.py holds a single quote")
	}
	if want := fmt.Sprintf("not mask & %#X:", writeRights); !strings.Contains(strings.ReplaceAll(Bootstrap, "0x", "0X"), want) {
		t.Errorf("the bootstrap's Windows path does not test the write rights %s", want)
	}
	out, err := exec.Command("python3", "-c", "import sys; compile(sys.argv[1], \"bootstrap.py\", \"exec\")", Bootstrap).CombinedOutput()
	if err != nil {
		t.Errorf("Python 3 cannot compile the bootstrap: %v\n%s", err, out)
	}
	py2 := findPython("2.7")
	if py2 == "" {
		t.Skip("no Python 2.7 to check the syntax with")
	}
	out, err = exec.Command(py2, "-c", "import sys; compile(sys.argv[1], \"bootstrap.py\", \"exec\")", Bootstrap).CombinedOutput()
	if err != nil {
		t.Errorf("Python 2.7 cannot compile the bootstrap: %v\n%s", err, out)
	}
}
