// Package python finds a Python interpreter and describes it: version,
// implementation, ABI, platform, libc and the PEP 508 marker environment.
// It runs the interpreter once per (path, size, mtime) and caches the answer.
//
// Rules it enforces:
//   - An interpreter is only what answers the probe: a program that exits
//     non-zero or prints something other than the probe's JSON (a pyenv shim
//     whose version is not selected, a broken venv link) is skipped by Find
//     and is an error for Probe.
//   - The probe runs the interpreter isolated (-I -S): no site-packages,
//     no PYTHON* environment variables, no user directory.
//   - A cached answer is keyed by the interpreter's absolute path, size and
//     modification time; a script that dispatches through pyenv is never
//     cached, because its answer depends on the working directory and the
//     environment.
package python

import (
	"fmt"
	"maps"
)

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
	// Micro is sys.version_info[2].
	Micro int `json:"micro"`
	// ABIFlags is sys.abiflags ("" on Windows), e.g. "", "t", "d".
	ABIFlags string `json:"abiflags"`
	// FreeThreaded is true for a Py_GIL_DISABLED build (3.13t).
	FreeThreaded bool `json:"free_threaded"`
	// Debug is true for a debug build, decided as packaging does: the
	// Py_DEBUG config variable, or when it is unset, sys.gettotalrefcount
	// or a "_d.pyd" extension suffix.
	Debug bool `json:"debug"`
	// Pymalloc is true when WITH_PYMALLOC is set or unknown; it only matters
	// before 3.8, where it adds the "m" ABI flag.
	Pymalloc bool `json:"pymalloc"`
	// SOABI is sysconfig's SOABI, e.g. "cpython-311-x86_64-linux-gnu".
	SOABI string `json:"soabi"`
	// ExtSuffix is sysconfig's EXT_SUFFIX, e.g.
	// ".cpython-311-x86_64-linux-gnu.so" or ".pypy310-pp73-x86_64-linux-gnu.so";
	// non-CPython ABI tags are derived from it.
	ExtSuffix string `json:"ext_suffix"`
	// PyVersionNodot is sysconfig's py_version_nodot, e.g. "311"; "" when unset.
	PyVersionNodot string `json:"py_version_nodot"`
	// Platform is sysconfig.get_platform(), e.g. "linux-x86_64",
	// "macosx-11.0-arm64", "win-amd64".
	Platform string `json:"platform"`
	// OS is "linux", "darwin", "windows", ... (sys.platform normalised).
	OS string `json:"os"`
	// Arch is platform.machine(), e.g. "x86_64", "aarch64", "AMD64", "arm64".
	Arch string `json:"arch"`
	// MacVersion and MacArch are platform.mac_ver()[0] and [2] on macOS
	// (probed with SYSTEM_VERSION_COMPAT=0, so never the "10.16" alias),
	// "" elsewhere.
	MacVersion string `json:"mac_version,omitempty"`
	MacArch    string `json:"mac_arch,omitempty"`
	// Libc is "glibc", "musl" or "" (not Linux / unknown), and LibcVersion
	// its version, e.g. "2.36" or "1.2".
	Libc        string `json:"libc"`
	LibcVersion string `json:"libc_version"`
	// Pointer size in bits (32 or 64).
	PointerBits int `json:"pointer_bits"`
	// ELF describes the header of Executable on Linux (nil elsewhere or
	// when it is not a readable ELF file); manylinux checks for armv7l and
	// i686 need it.
	ELF *ELF `json:"elf,omitempty"`
	// Markers is the PEP 508 marker environment (os_name, sys_platform,
	// platform_machine, platform_python_implementation, platform_release,
	// platform_system, platform_version, python_version,
	// python_full_version, implementation_name, implementation_version).
	Markers map[string]string `json:"markers"`
	// InVirtualEnv is true when the interpreter runs in a virtual
	// environment (sys.prefix != sys.base_prefix).
	InVirtualEnv bool `json:"in_virtualenv"`
}

// ELF is what the manylinux and musllinux rules need from an executable's
// ELF header.
type ELF struct {
	// Class is 32 or 64.
	Class int `json:"class"`
	// LittleEndian is true for ELFDATA2LSB.
	LittleEndian bool `json:"little_endian"`
	// Machine is e_machine, e.g. 3 (EM_386), 40 (EM_ARM), 62 (EM_X86_64).
	Machine uint16 `json:"machine"`
	// Flags is e_flags (the ARM float ABI lives here).
	Flags uint32 `json:"flags"`
	// Interpreter is the PT_INTERP program interpreter, e.g.
	// "/lib64/ld-linux-x86-64.so.2" or "/lib/ld-musl-x86_64.so.1".
	Interpreter string `json:"interpreter,omitempty"`
}

// MarkerEnv returns a copy of the PEP 508 marker environment, safe for the
// caller to modify (for example to add "extra").
func (i *Info) MarkerEnv() map[string]string {
	m := maps.Clone(i.Markers)
	if m == nil {
		m = map[string]string{}
	}
	return m
}

// Request is the version request that finds this interpreter again (what
// .python-version records): "3.12", "3.13t", "pypy3.10".
func (i *Info) Request() string {
	s := fmt.Sprintf("%d.%d", i.Major, i.Minor)
	if i.FreeThreaded {
		s += "t"
	}
	if i.Implementation == "pypy" {
		s = "pypy" + s
	}
	return s
}
