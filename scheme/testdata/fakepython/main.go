// Command fakepython stands in for python.exe in the wine tests of the
// Windows build: asked pkginstall's probe (-I -S -c ...), it answers as a
// CPython 3.12 for win-amd64 at its own path; run any other way, it writes
// its argv, working directory and environment as JSON to %FAKEPY_OUT% and
// exits with %FAKEPY_EXIT%, after sleeping %FAKEPY_SLEEP_MS% milliseconds
// (to be interrupted).
package main

import (
	"encoding/json"
	"os"
	"strconv"
	"time"
)

func main() {
	if len(os.Args) > 3 && os.Args[1] == "-I" && os.Args[2] == "-S" && os.Args[3] == "-c" {
		probe()
		return
	}
	wd, _ := os.Getwd()
	b, _ := json.Marshal(map[string]any{"argv": os.Args, "cwd": wd, "env": os.Environ()})
	if err := os.WriteFile(os.Getenv("FAKEPY_OUT"), b, 0o644); err != nil {
		os.Exit(99)
	}
	ms, _ := strconv.Atoi(os.Getenv("FAKEPY_SLEEP_MS"))
	time.Sleep(time.Duration(ms) * time.Millisecond)
	code, _ := strconv.Atoi(os.Getenv("FAKEPY_EXIT"))
	os.Exit(code)
}

// probe prints what CPython 3.12.4 on 64-bit Windows answers.
func probe() {
	exe, _ := os.Executable()
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"executable": exe, "implementation": "cpython", "version": "3.12.4", "version_info": []int{3, 12, 4},
		"abiflags": "", "gil_disabled": 0, "py_debug": 0, "has_refcount": false, "debug_ext": false,
		"with_pymalloc": 1, "soabi": nil, "ext_suffix": ".cp312-win_amd64.pyd", "py_version_nodot": "312",
		"platform": "win-amd64", "sys_platform": "win32", "machine": "AMD64", "glibc": "",
		"libc_ver": []string{"", ""}, "mac_ver": []string{"", ""}, "pointer_bits": 64, "in_virtualenv": false,
		"markers": map[string]string{
			"implementation_name": "cpython", "implementation_version": "3.12.4", "os_name": "nt",
			"platform_machine": "AMD64", "platform_release": "10", "platform_system": "Windows",
			"platform_version": "10.0.19045", "python_full_version": "3.12.4",
			"platform_python_implementation": "CPython", "python_version": "3.12", "sys_platform": "win32",
		},
	})
}
