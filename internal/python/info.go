// Package python finds a Python interpreter and describes it: version,
// implementation, ABI, platform, libc and the PEP 508 marker environment.
// It runs the interpreter once per (path, size, mtime) and caches the answer.
package python

// Info describes one interpreter, as probed by running it once.
type Info struct {
	// Executable is the absolute path of the interpreter (sys.executable,
	// or the path we ran when that is empty).
	Executable string `json:"executable"`
	// Implementation is sys.implementation.name: "cpython", "pypy", ...
	Implementation string `json:"implementation"`
	// Version is platform.python_version(), e.g. "3.11.7".
	Version string `json:"version"`
	// Major and Minor are sys.version_info[:2].
	Major int `json:"major"`
	Minor int `json:"minor"`
	// ABIFlags is sys.abiflags ("" on Windows), e.g. "", "t", "d".
	ABIFlags string `json:"abiflags"`
	// FreeThreaded is true for a Py_GIL_DISABLED build (3.13t).
	FreeThreaded bool `json:"free_threaded"`
	// SOABI is sysconfig's SOABI, e.g. "cpython-311-x86_64-linux-gnu".
	SOABI string `json:"soabi"`
	// Platform is sysconfig.get_platform(), e.g. "linux-x86_64",
	// "macosx-11.0-arm64", "win-amd64".
	Platform string `json:"platform"`
	// OS is "linux", "darwin", "windows", ... (sys.platform normalised).
	OS string `json:"os"`
	// Arch is platform.machine(), e.g. "x86_64", "aarch64", "AMD64", "arm64".
	Arch string `json:"arch"`
	// Libc is "glibc", "musl" or "" (not Linux / unknown), and LibcVersion
	// its version, e.g. "2.36".
	Libc        string `json:"libc"`
	LibcVersion string `json:"libc_version"`
	// Pointer size in bits (32 or 64).
	PointerBits int `json:"pointer_bits"`
	// Markers is the PEP 508 marker environment (os_name, sys_platform,
	// platform_machine, platform_python_implementation, platform_release,
	// platform_system, platform_version, python_version,
	// python_full_version, implementation_name, implementation_version).
	Markers map[string]string `json:"markers"`
	// InVirtualEnv is true when the interpreter runs in a virtual
	// environment (sys.prefix != sys.base_prefix).
	InVirtualEnv bool `json:"in_virtualenv"`
}
