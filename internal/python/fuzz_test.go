package python

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func FuzzVersionSpec(f *testing.F) {
	for _, s := range []string{"3", "3.12", "3.11.7", "3.13t", "pypy3.10", "python3.12", "python", "3..1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := parseVersionSpec(s)
		if !ok {
			return
		}
		// The version part alone parses back to the same request.
		prefix := ""
		if v.impl == "pypy" {
			prefix = "pypy"
		}
		w, ok := parseVersionSpec(prefix + v.String())
		if !ok || w != v {
			t.Fatalf("parseVersionSpec(%q) = %+v; reparse of %q = %+v, %v", s, v, prefix+v.String(), w, ok)
		}
		_ = v.commands()
	})
}

func FuzzProbeAnswer(f *testing.F) {
	f.Add([]byte(`{"implementation":"cpython","version_info":[3,11,7],"markers":{},"gil_disabled":1,"py_debug":null,"ext_suffix":".so"}`))
	f.Add([]byte(`{"implementation":"pypy","version_info":[3],"markers":{}}`))
	f.Add([]byte(`{"libc_ver":["glibc"],"mac_ver":["1"]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var raw rawProbe
		if json.Unmarshal(b, &raw) != nil {
			return
		}
		info, err := raw.info("/x/python")
		if err == nil && (info.Executable == "" || info.Major <= 0) {
			t.Fatalf("accepted %s as %+v", b, info)
		}
	})
}

func FuzzReadELF(f *testing.F) {
	if exe, err := os.Executable(); err == nil {
		if b, err := os.ReadFile(exe); err == nil && len(b) > 8192 {
			f.Add(b[:8192])
		}
	}
	f.Add([]byte("\x7fELF\x02\x01\x01"))
	f.Add([]byte("#!/bin/sh\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "elf")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if e := readELF(p); e != nil && e.Class != 32 && e.Class != 64 {
			t.Fatalf("class %d", e.Class)
		}
	})
}
