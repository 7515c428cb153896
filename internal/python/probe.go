package python

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/pkginstall/pkginstall/cache/layout"
	"github.com/pkginstall/pkginstall/internal/fsutil"
)

// probeScript runs under -I -S in every interpreter from 3.4 on (no
// f-strings) and prints one JSON object on stdout.
const probeScript = `
import json, os, platform, struct, sys, sysconfig
def cv(n):
    try:
        return sysconfig.get_config_var(n)
    except Exception:
        return None
def fv(i):
    v = "%d.%d.%d" % (i.major, i.minor, i.micro)
    if i.releaselevel != "final":
        v += i.releaselevel[0] + str(i.serial)
    return v
glibc = ""
try:
    s = os.confstr("CS_GNU_LIBC_VERSION")
    if s:
        p = s.split()
        if len(p) == 2 and p[0] == "glibc":
            glibc = p[1]
except Exception:
    pass
libc = ["", ""]
try:
    libc = list(platform.libc_ver())
except Exception:
    pass
mac = ["", ""]
if sys.platform == "darwin":
    try:
        m = platform.mac_ver()
        mac = [m[0], m[2]]
    except Exception:
        pass
try:
    import importlib.machinery
    debug_ext = "_d.pyd" in importlib.machinery.EXTENSION_SUFFIXES
except Exception:
    debug_ext = False
vi = sys.version_info
d = {
    "executable": sys.executable or "",
    "implementation": sys.implementation.name,
    "version": platform.python_version(),
    "version_info": [vi[0], vi[1], vi[2]],
    "abiflags": getattr(sys, "abiflags", ""),
    "gil_disabled": cv("Py_GIL_DISABLED"),
    "py_debug": cv("Py_DEBUG"),
    "has_refcount": hasattr(sys, "gettotalrefcount"),
    "debug_ext": debug_ext,
    "with_pymalloc": cv("WITH_PYMALLOC"),
    "soabi": cv("SOABI"),
    "ext_suffix": cv("EXT_SUFFIX"),
    "py_version_nodot": cv("py_version_nodot"),
    "platform": sysconfig.get_platform(),
    "sys_platform": sys.platform,
    "machine": platform.machine(),
    "glibc": glibc,
    "libc_ver": libc,
    "mac_ver": mac,
    "pointer_bits": struct.calcsize("P") * 8,
    "in_virtualenv": sys.prefix != getattr(sys, "base_prefix", sys.prefix),
    "markers": {
        "implementation_name": sys.implementation.name,
        "implementation_version": fv(sys.implementation.version),
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": platform.python_version(),
        "platform_python_implementation": platform.python_implementation(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
    },
}
sys.stdout.write(json.dumps(d))
`

// MaxProbeOutput bounds what a probe may print; more is not an interpreter.
const MaxProbeOutput = 1 << 20

// rawProbe is the probe script's JSON answer.
type rawProbe struct {
	Executable     string            `json:"executable"`
	Implementation string            `json:"implementation"`
	Version        string            `json:"version"`
	VersionInfo    []int             `json:"version_info"`
	ABIFlags       string            `json:"abiflags"`
	GILDisabled    any               `json:"gil_disabled"`
	PyDebug        any               `json:"py_debug"`
	HasRefcount    bool              `json:"has_refcount"`
	DebugExt       bool              `json:"debug_ext"`
	WithPymalloc   any               `json:"with_pymalloc"`
	SOABI          any               `json:"soabi"`
	ExtSuffix      any               `json:"ext_suffix"`
	PyVersionNodot any               `json:"py_version_nodot"`
	Platform       string            `json:"platform"`
	SysPlatform    string            `json:"sys_platform"`
	Machine        string            `json:"machine"`
	Glibc          string            `json:"glibc"`
	LibcVer        []string          `json:"libc_ver"`
	MacVer         []string          `json:"mac_ver"`
	PointerBits    int               `json:"pointer_bits"`
	InVirtualEnv   bool              `json:"in_virtualenv"`
	Markers        map[string]string `json:"markers"`
}

// ProbeError is returned by Probe when the program does not answer the
// probe like a Python interpreter.
type ProbeError struct {
	Path string // the program we ran
	Err  error
}

func (e *ProbeError) Error() string {
	return fmt.Sprintf("probe python %q: %v", e.Path, e.Err)
}

func (e *ProbeError) Unwrap() error { return e.Err }

// infoFormat changes whenever the Go side of the probe (the fields of Info,
// the ELF and musl checks) changes, so that old cache entries are ignored.
const infoFormat = 1

// Probe runs the interpreter exe once (or reads the cached answer under
// cacheDir; no cache when cacheDir is "") and describes it. exe is a path;
// a bare program name ("python3") is looked up on PATH first.
func Probe(ctx context.Context, exe string, cacheDir string) (*Info, error) {
	path := exe
	if !strings.ContainsRune(exe, '/') && !strings.ContainsRune(exe, filepath.Separator) {
		p, err := exec.LookPath(exe)
		if err != nil {
			return nil, &ProbeError{Path: exe, Err: err}
		}
		path = p
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, &ProbeError{Path: exe, Err: err}
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, &ProbeError{Path: exe, Err: err}
	}
	if st.IsDir() {
		return nil, &ProbeError{Path: exe, Err: errors.New("is a directory")}
	}
	if dispatchesThroughPyenv(abs) {
		if real := resolvePyenvShim(abs, os.Getenv); real != "" {
			if info, err := Probe(ctx, real, cacheDir); err == nil {
				return info, nil
			}
		}
	}
	cacheFile := ""
	if cacheDir != "" && !dispatchesThroughPyenv(abs) {
		cacheFile = layout.InterpreterFile(cacheDir, cacheKey(abs, st.Size(), st.ModTime().UnixNano()))
		if info, ok := readCache(cacheFile); ok {
			return info, nil
		}
	}
	info, err := run(ctx, abs)
	if err != nil {
		return nil, &ProbeError{Path: exe, Err: err}
	}
	if cacheFile != "" {
		writeCache(cacheDir, cacheFile, info) // best effort: a read-only cache only costs a probe
	}
	return info, nil
}

// cacheKey names an interpreter's cache entry: the probe script is part of
// the key so that changing it invalidates old answers.
func cacheKey(path string, size, mtime int64) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%d|%d|%d|", path, size, mtime, infoFormat)
	h.Write([]byte(probeScript))
	return hex.EncodeToString(h.Sum(nil))
}

// dispatchesThroughPyenv reports whether path is a script that hands over
// to pyenv, whose choice of interpreter depends on the working directory.
func dispatchesThroughPyenv(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	buf := make([]byte, 4096)
	n, _ := io.ReadFull(f, buf)
	buf = buf[:n]
	return bytes.HasPrefix(buf, []byte("#!")) && pyenvExecRE.Match(buf)
}

// pyenvExecRE matches the line of a pyenv shim that hands over:
// exec "/home/u/.pyenv/libexec/pyenv" exec "$program" "$@".
var pyenvExecRE = regexp.MustCompile(`pyenv"?\s+exec\b`)

func readCache(file string) (*Info, bool) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, false
	}
	var info Info
	if err := json.Unmarshal(b, &info); err != nil || info.Executable == "" || info.Major == 0 {
		return nil, false
	}
	return &info, true
}

func writeCache(root, file string, info *Info) {
	b, err := json.Marshal(info)
	if err != nil {
		return
	}
	if layout.MkdirAll(root, filepath.Dir(file)) == nil {
		_ = fsutil.WriteFile(file, b, 0o644)
	}
}

// limitedBuffer keeps at most max bytes and remembers that it overflowed.
type limitedBuffer struct {
	bytes.Buffer
	max      int
	overflow bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); len(p) > room {
		b.overflow = true
		if room > 0 {
			b.Buffer.Write(p[:room])
		}
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

// run executes the probe and turns its answer into an Info.
func run(ctx context.Context, path string) (*Info, error) {
	cmd := exec.CommandContext(ctx, path, "-I", "-S", "-c", probeScript)
	// macOS reports 10.16 instead of the real version to programs built
	// against an old SDK unless SYSTEM_VERSION_COMPAT=0.
	cmd.Env = append(os.Environ(), "SYSTEM_VERSION_COMPAT=0")
	stdout := &limitedBuffer{max: MaxProbeOutput}
	stderr := &limitedBuffer{max: 64 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, whyNotProbed(ctx, path, err, firstLine(stderr.String()))
	}
	if stdout.overflow {
		return nil, errors.New("probe answer too long: not a python interpreter")
	}
	var raw rawProbe
	if err := json.Unmarshal(stdout.Bytes(), &raw); err != nil {
		return nil, fmt.Errorf("probe answer is not JSON (not a python interpreter?): %v", err)
	}
	info, err := raw.info(path)
	if err != nil {
		return nil, err
	}
	if info.OS == "linux" {
		info.ELF = readELF(info.Executable)
		if info.Libc == "" && info.ELF != nil && strings.Contains(info.ELF.Interpreter, "musl") {
			if v := muslVersion(ctx, info.ELF.Interpreter); v != "" {
				info.Libc, info.LibcVersion = "musl", v
			}
		}
	}
	return info, nil
}

// firstLine returns the first non-blank line of s, trimmed.
func firstLine(s string) string {
	for line := range strings.Lines(s) {
		if t := strings.TrimSpace(line); t != "" {
			return t
		}
	}
	return ""
}

// info validates the raw answer and normalises it.
func (r *rawProbe) info(ran string) (*Info, error) {
	if r.Implementation == "" || len(r.VersionInfo) < 3 || r.VersionInfo[0] <= 0 || r.Markers == nil {
		return nil, errors.New("probe answer is incomplete: not a python interpreter")
	}
	if tooOld(r.VersionInfo[0], r.VersionInfo[1]) {
		return nil, &TooOldError{Path: ran, Version: r.Version}
	}
	info := &Info{
		Executable:     r.Executable,
		Implementation: strings.ToLower(r.Implementation),
		Version:        r.Version,
		Major:          r.VersionInfo[0],
		Minor:          r.VersionInfo[1],
		Micro:          r.VersionInfo[2],
		ABIFlags:       r.ABIFlags,
		FreeThreaded:   truthy(r.GILDisabled),
		SOABI:          str(r.SOABI),
		ExtSuffix:      str(r.ExtSuffix),
		PyVersionNodot: str(r.PyVersionNodot),
		Platform:       r.Platform,
		OS:             normalizeOS(r.SysPlatform),
		Arch:           r.Machine,
		PointerBits:    r.PointerBits,
		Markers:        r.Markers,
		InVirtualEnv:   r.InVirtualEnv,
	}
	if info.Executable == "" {
		info.Executable = ran
	}
	// Debug and pymalloc: as packaging's _cpython_abis decides them.
	info.Debug = truthy(r.PyDebug) || (r.PyDebug == nil && (r.HasRefcount || r.DebugExt))
	info.Pymalloc = r.WithPymalloc == nil || truthy(r.WithPymalloc)
	switch {
	case r.Glibc != "":
		info.Libc, info.LibcVersion = "glibc", r.Glibc
	case len(r.LibcVer) == 2 && r.LibcVer[0] == "glibc" && r.LibcVer[1] != "":
		info.Libc, info.LibcVersion = "glibc", r.LibcVer[1]
	}
	if len(r.MacVer) == 2 {
		info.MacVersion, info.MacArch = r.MacVer[0], r.MacVer[1]
	}
	return info, nil
}

// truthy is Python's truth value for a JSON-decoded config variable.
func truthy(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case float64:
		return v != 0
	case string:
		return v != ""
	default:
		return true
	}
}

// str renders a config variable as a string ("" when unset).
func str(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return fmt.Sprint(v)
	}
}

// normalizeOS maps sys.platform to a short OS name: "linux2" -> "linux",
// "win32" -> "windows", "freebsd14" -> "freebsd".
func normalizeOS(p string) string {
	switch {
	case p == "win32":
		return "windows"
	case strings.HasPrefix(p, "linux"):
		return "linux"
	}
	return strings.TrimRight(p, "0123456789")
}

// readELF reads the parts of an ELF header that the manylinux and
// musllinux rules look at; nil when path is not a readable ELF file.
func readELF(path string) *ELF {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var ident [16]byte
	if _, err := io.ReadFull(f, ident[:]); err != nil || string(ident[:4]) != "\x7fELF" {
		return nil
	}
	e := &ELF{}
	var bo binary.ByteOrder
	switch ident[5] {
	case 1:
		bo, e.LittleEndian = binary.LittleEndian, true
	case 2:
		bo = binary.BigEndian
	default:
		return nil
	}
	// Offsets of e_machine, e_flags, e_phoff, e_phentsize, e_phnum.
	var hdr [64]byte
	if _, err := f.ReadAt(hdr[:], 0); err != nil {
		return nil
	}
	var phoff uint64
	var phentsize, phnum uint16
	switch ident[4] {
	case 1:
		e.Class = 32
		e.Machine = bo.Uint16(hdr[18:])
		phoff = uint64(bo.Uint32(hdr[28:]))
		e.Flags = bo.Uint32(hdr[36:])
		phentsize, phnum = bo.Uint16(hdr[42:]), bo.Uint16(hdr[44:])
	case 2:
		e.Class = 64
		e.Machine = bo.Uint16(hdr[18:])
		phoff = bo.Uint64(hdr[32:])
		e.Flags = bo.Uint32(hdr[48:])
		phentsize, phnum = bo.Uint16(hdr[54:]), bo.Uint16(hdr[56:])
	default:
		return nil
	}
	e.Interpreter = elfInterp(f, bo, e.Class, phoff, phentsize, phnum)
	return e
}

// elfInterp returns the PT_INTERP path, "" when there is none.
func elfInterp(f *os.File, bo binary.ByteOrder, class int, phoff uint64, phentsize, phnum uint16) string {
	const ptInterp = 3
	if phnum > 256 || phentsize < 32 || phoff > 1<<30 {
		return ""
	}
	ph := make([]byte, phentsize)
	for i := range uint64(phnum) {
		if _, err := f.ReadAt(ph, int64(phoff+i*uint64(phentsize))); err != nil {
			return ""
		}
		if bo.Uint32(ph[0:]) != ptInterp {
			continue
		}
		var off, size uint64
		if class == 32 {
			off, size = uint64(bo.Uint32(ph[4:])), uint64(bo.Uint32(ph[16:]))
		} else {
			if phentsize < 56 {
				return ""
			}
			off, size = bo.Uint64(ph[8:]), bo.Uint64(ph[32:])
		}
		if size == 0 || size > 4096 || off > 1<<30 {
			return ""
		}
		b := make([]byte, size)
		if _, err := f.ReadAt(b, int64(off)); err != nil {
			return ""
		}
		return string(bytes.TrimRight(b, "\x00"))
	}
	return ""
}

var muslVersionRE = regexp.MustCompile(`^Version (\d+)\.(\d+)`)

// muslVersion runs musl's dynamic loader, which prints its version on
// stderr ("musl libc (x86_64)\nVersion 1.2.3\n..."), and returns "1.2".
func muslVersion(ctx context.Context, loader string) string {
	var stderr limitedBuffer
	stderr.max = 4096
	cmd := exec.CommandContext(ctx, loader)
	cmd.Stderr = &stderr
	_ = cmd.Run() // the loader exits 1 when given no program
	return parseMuslVersion(stderr.String())
}

// parseMuslVersion parses the loader's banner as packaging does: the first
// non-blank line starts with "musl", the second is "Version X.Y...".
func parseMuslVersion(out string) string {
	var lines []string
	for line := range strings.Lines(out) {
		if t := strings.TrimSpace(line); t != "" {
			lines = append(lines, t)
		}
	}
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "musl") {
		return ""
	}
	m := muslVersionRE.FindStringSubmatch(lines[1])
	if m == nil {
		return ""
	}
	return m[1] + "." + m[2]
}
