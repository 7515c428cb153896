package scheme

import (
	"strings"
	"testing"
)

func TestScriptInterpreter(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"#!/usr/bin/python3\nimport x", "/usr/bin/python3", true},
		{"#!/usr/bin/env python3\n", "/usr/bin/env", true},
		{"#!/bin/sh\n'''exec' '/a b/python' \"$0\" \"$@\"\n' '''\n", "/a b/python", true},
		{"#!/bin/sh\necho hi\n", "/bin/sh", true},
		{"#!python\r\n", "python", true},
		{"#!C:\\Program Files\\Python312\\python.exe\r\nx", `C:\Program Files\Python312\python.exe`, true},
		{"#!\\\\srv\\share\\py thon\\python.exe\n", `\\srv\share\py thon\python.exe`, true},
		{"\x7fELF", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := ScriptInterpreter([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("ScriptInterpreter(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	// Every launcher this package writes names its interpreter.
	for _, exe := range []string{"/usr/bin/python3", "/with space/python3", "/" + strings.Repeat("x", 200), `C:\Py thon\python.exe`} {
		b, err := WriteLauncher(Launcher{Interpreter: exe, Name: "x", Module: "m", Attr: "f", LibRel: "../lib", TargetRel: "..", PyPackagesRel: "../..", Windows: strings.HasPrefix(exe, "C:")})
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := ScriptInterpreter(b); !ok || got != exe {
			t.Errorf("launcher for %q names %q", exe, got)
		}
	}
}

func FuzzScriptInterpreter(f *testing.F) {
	f.Add([]byte("#!/bin/sh\n'''exec' '/a b/python' \"$0\" \"$@\"\n"))
	f.Add([]byte("#!/usr/bin/python3 -u\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := ScriptInterpreter(b)
		if !ok && got != "" {
			t.Fatalf("not a script but interpreter %q", got)
		}
	})
}
