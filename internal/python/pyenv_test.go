package python

import (
	"os"
	"path/filepath"
	"testing"
)

func TestResolvePyenvShim(t *testing.T) {
	root := t.TempDir()
	shim := filepath.Join(root, "shims", "python3")
	for _, p := range []string{shim, filepath.Join(root, "versions", "3.11.7", "bin", "python3"), filepath.Join(root, "versions", "3.12.1", "bin", "python3")} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "version"), []byte("3.11.7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	proj := t.TempDir()
	sub := filepath.Join(proj, "a", "b")
	os.MkdirAll(sub, 0o755)
	t.Chdir(sub)

	env := map[string]string{"PYENV_ROOT": root}
	getenv := func(k string) string { return env[k] }
	want := func(v string) string { return filepath.Join(root, "versions", v, "bin", "python3") }

	if got := resolvePyenvShim(shim, getenv); got != want("3.11.7") {
		t.Errorf("global version: got %q", got)
	}
	// a .python-version above the working directory wins over the global one
	os.WriteFile(filepath.Join(proj, ".python-version"), []byte("# comment\n3.12.1\n"), 0o644)
	if got := resolvePyenvShim(shim, getenv); got != want("3.12.1") {
		t.Errorf(".python-version: got %q", got)
	}
	// PYENV_VERSION wins over both; the first existing of a list is taken
	env["PYENV_VERSION"] = "3.9.0:3.11.7"
	if got := resolvePyenvShim(shim, getenv); got != want("3.11.7") {
		t.Errorf("PYENV_VERSION list: got %q", got)
	}
	// "system" and missing versions resolve to nothing: the shim runs
	env["PYENV_VERSION"] = "system"
	if got := resolvePyenvShim(shim, getenv); got != "" {
		t.Errorf("system: got %q", got)
	}
	env["PYENV_VERSION"] = "../../etc"
	if got := resolvePyenvShim(shim, getenv); got != "" {
		t.Errorf("path in version: got %q", got)
	}
	// PYENV_ROOT unset: derived from the shim's location
	delete(env, "PYENV_ROOT")
	env["PYENV_VERSION"] = "3.12.1"
	if got := resolvePyenvShim(shim, getenv); got != want("3.12.1") {
		t.Errorf("root from shim path: got %q", got)
	}
}
