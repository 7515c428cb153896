package tags

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/pkginstall/pkginstall/internal/python"
)

// Supported returns the tags info's interpreter supports, best first, in
// the order of packaging.tags.sys_tags():
//
//  1. CPython: cpXY-<abi>-<plat> for its ABIs (cpXY, cpXYd..., cpXYt),
//     cpXY-abi3-<plat> (cpXY-abi3t-<plat> for free-threaded builds, which
//     get no abi3 tags), cpXY-none-<plat>, then cpX(Y-1)..cp32-abi3-<plat>;
//     other implementations: <impl><ver>-<abi>-<plat> for the ABI derived
//     from EXT_SUFFIX (pypy310_pp73), then <impl><ver>-none-<plat>.
//  2. pyXY-none-<plat>, pyX-none-<plat>, pyX(Y-1)..pyX0-none-<plat>.
//  3. cpXY-none-any (pp3-none-any for PyPy), then pyXY-none-any,
//     pyX-none-any, pyX(Y-1)..pyX0-none-any.
//
// Platforms are best first: on Linux manylinux_2_N (newest glibc first,
// with the legacy manylinux2014/2010/1 aliases right after 2_17/2_12/2_5),
// then musllinux_1_N, then linux_<arch>; on macOS the macosx_* sequence of
// packaging's mac_platforms; elsewhere sysconfig.get_platform() normalised
// (win_amd64, win32, win_arm64).
func Supported(info *python.Info) []Tag {
	if info == nil {
		return nil
	}
	platforms := platformTags(info)
	name := interpreterName(info.Implementation)
	var out []Tag
	if name == "cp" {
		out = cpythonTags(info, platforms)
	} else {
		out = genericTags(info, name+interpreterVersion(info), platforms)
	}
	interp := ""
	switch name {
	case "pp":
		interp = "pp3"
	case "cp":
		interp = "cp" + interpreterVersion(info)
	}
	return append(out, compatibleTags(info.Major, info.Minor, interp, platforms)...)
}

// interpreterName is the short name of an implementation: cpython -> cp.
func interpreterName(impl string) string {
	switch impl {
	case "python":
		return "py"
	case "cpython":
		return "cp"
	case "pypy":
		return "pp"
	case "ironpython":
		return "ip"
	case "jython":
		return "jy"
	}
	return impl
}

// interpreterVersion is py_version_nodot, or major and minor joined.
func interpreterVersion(info *python.Info) string {
	if info.PyVersionNodot != "" {
		return info.PyVersionNodot
	}
	return nodot(info.Major, info.Minor)
}

func nodot(major, minor int) string { return strconv.Itoa(major) + strconv.Itoa(minor) }

// version is a (major, minor) pair compared as packaging compares tuples.
type version [2]int

func (v version) less(w version) bool {
	return v[0] < w[0] || v[0] == w[0] && v[1] < w[1]
}

// cpythonABIs returns the CPython ABI tags, most specific first.
func cpythonABIs(info *python.Info) []string {
	v := version{info.Major, info.Minor}
	threading, debug, pymalloc, ucs4 := "", "", "", ""
	if info.Debug {
		debug = "d"
	}
	if !v.less(version{3, 13}) && info.FreeThreaded {
		threading = "t"
	}
	if v.less(version{3, 8}) {
		if info.Pymalloc {
			pymalloc = "m"
		}
		if v.less(version{3, 3}) && strings.Contains(info.ABIFlags, "u") {
			ucs4 = "u"
		}
	}
	nd := nodot(info.Major, info.Minor)
	abis := []string{"cp" + nd + threading + debug + pymalloc + ucs4}
	if !v.less(version{3, 8}) && debug != "" {
		// A debug build also loads normal extension modules.
		abis = append(abis, "cp"+nd+threading)
	}
	return abis
}

func cpythonTags(info *python.Info, platforms []string) []Tag {
	interp := "cp" + nodot(info.Major, info.Minor)
	abis := cpythonABIs(info)
	threading := strings.Contains(strings.TrimPrefix(abis[0], interp), "t")
	stable := !version{info.Major, info.Minor}.less(version{3, 2})
	useABI3, useABI3t := stable && !threading, stable && threading
	var out []Tag
	for _, abi := range abis {
		for _, p := range platforms {
			out = append(out, Tag{interp, abi, p})
		}
	}
	if useABI3 {
		for _, p := range platforms {
			out = append(out, Tag{interp, "abi3", p})
		}
	}
	if useABI3t {
		for _, p := range platforms {
			out = append(out, Tag{interp, "abi3t", p})
		}
	}
	for _, p := range platforms {
		out = append(out, Tag{interp, "none", p})
	}
	if useABI3 || useABI3t {
		for minor := info.Minor - 1; minor > 1; minor-- {
			older := "cp" + nodot(info.Major, minor)
			for _, p := range platforms {
				if useABI3 {
					out = append(out, Tag{older, "abi3", p})
				}
				if useABI3t {
					out = append(out, Tag{older, "abi3t", p})
				}
			}
		}
	}
	return out
}

// genericABI derives the ABI tag from EXT_SUFFIX as packaging does:
// ".cpython-310-x86_64-linux-gnu.so" -> cp310, ".cp310-win_amd64.pyd" ->
// cp310, ".pypy310-pp73-x86_64-linux-gnu.so" -> pypy310_pp73,
// ".graalpy-38-native-x86_64-darwin.dylib" -> graalpy_38_native.
func genericABI(info *python.Info) []string {
	ext := info.ExtSuffix
	if !strings.HasPrefix(ext, ".") {
		return nil // packaging raises here; we offer only the "none" ABI
	}
	parts := strings.Split(ext, ".")
	if len(parts) < 3 {
		return cpythonABIs(info)
	}
	soabi := parts[1]
	var abi string
	switch {
	case strings.HasPrefix(soabi, "cpython"):
		f := strings.Split(soabi, "-")
		if len(f) < 2 || f[1] == "" {
			return nil
		}
		abi = "cp" + f[1]
	case strings.HasPrefix(soabi, "cp"):
		abi = strings.Split(soabi, "-")[0]
	case strings.HasPrefix(soabi, "pypy"):
		abi = joinFirst(strings.Split(soabi, "-"), 2)
	case strings.HasPrefix(soabi, "graalpy"):
		abi = joinFirst(strings.Split(soabi, "-"), 3)
	case soabi != "":
		abi = soabi
	default:
		return nil
	}
	return []string{normalize(abi)}
}

func joinFirst(f []string, n int) string {
	return strings.Join(f[:min(n, len(f))], "-")
}

func genericTags(info *python.Info, interp string, platforms []string) []Tag {
	abis := genericABI(info)
	hasNone := false
	for _, a := range abis {
		hasNone = hasNone || a == "none"
	}
	if !hasNone {
		abis = append(abis, "none")
	}
	var out []Tag
	for _, abi := range abis {
		for _, p := range platforms {
			out = append(out, Tag{interp, abi, p})
		}
	}
	return out
}

// pyRange yields pyXY, pyX, pyX(Y-1) ... pyX0.
func pyRange(major, minor int) []string {
	out := []string{"py" + nodot(major, minor), "py" + strconv.Itoa(major)}
	for m := minor - 1; m >= 0; m-- {
		out = append(out, "py"+nodot(major, m))
	}
	return out
}

func compatibleTags(major, minor int, interp string, platforms []string) []Tag {
	var out []Tag
	versions := pyRange(major, minor)
	for _, v := range versions {
		for _, p := range platforms {
			out = append(out, Tag{v, "none", p})
		}
	}
	if interp != "" {
		out = append(out, Tag{interp, "none", "any"})
	}
	for _, v := range versions {
		out = append(out, Tag{v, "none", "any"})
	}
	return out
}

// normalize replaces ".", "-" and " " with "_", as packaging does for
// platform and ABI strings.
func normalize(s string) string {
	return strings.NewReplacer(".", "_", "-", "_", " ", "_").Replace(s)
}

// platformTags returns the interpreter's platform tags, best first.
func platformTags(info *python.Info) []string {
	system := info.Markers["platform_system"]
	if system == "" {
		switch info.OS {
		case "linux":
			system = "Linux"
		case "darwin":
			system = "Darwin"
		}
	}
	switch system {
	case "Darwin":
		return macPlatforms(info)
	case "Linux":
		return linuxPlatforms(info)
	}
	return []string{normalize(info.Platform)}
}

// linuxPlatforms: manylinux, then musllinux, then linux_<arch>.
func linuxPlatforms(info *python.Info) []string {
	linux := normalize(info.Platform)
	if !strings.HasPrefix(linux, "linux_") {
		return []string{linux}
	}
	if info.PointerBits == 32 {
		switch linux {
		case "linux_x86_64":
			linux = "linux_i686"
		case "linux_aarch64":
			linux = "linux_armv8l"
		}
	}
	arch := strings.TrimPrefix(linux, "linux_")
	archs := []string{arch}
	if arch == "armv8l" {
		archs = []string{"armv8l", "armv7l"}
	}
	out := manylinuxPlatforms(info, archs)
	out = append(out, musllinuxPlatforms(info, archs)...)
	for _, a := range archs {
		out = append(out, "linux_"+a)
	}
	return out
}

var majorMinorRE = regexp.MustCompile(`^(\d+)\.(\d+)`)

// parseMajorMinor parses the leading "X.Y" of s; (-1, -1) when there is none.
func parseMajorMinor(s string) version {
	m := majorMinorRE.FindStringSubmatch(s)
	if m == nil {
		return version{-1, -1}
	}
	major, err1 := strconv.Atoi(m[1])
	minor, err2 := strconv.Atoi(m[2])
	if err1 != nil || err2 != nil || major > 1000 || minor > 1000 {
		return version{-1, -1}
	}
	return version{major, minor}
}

// manylinuxAllowedArchs are the architectures PEP 600 manylinux wheels
// exist for without an ELF check.
var manylinuxAllowedArchs = map[string]bool{
	"x86_64": true, "aarch64": true, "ppc64": true, "ppc64le": true,
	"s390x": true, "loongarch64": true, "riscv64": true,
}

// ELF constants for the armhf and i686 checks.
const (
	emI386             = 3
	emARM              = 40
	efARMABIMask       = 0xFF000000
	efARMABIVer5       = 0x05000000
	efARMABIFloatHard  = 0x00000400
	lastGlibcMinorSeen = 50 // packaging's guess for a future glibc 3
)

func haveCompatibleABI(e *python.ELF, archs []string) bool {
	for _, a := range archs {
		if a == "armv7l" {
			return e != nil && e.Class == 32 && e.LittleEndian && e.Machine == emARM &&
				e.Flags&efARMABIMask == efARMABIVer5 && e.Flags&efARMABIFloatHard == efARMABIFloatHard
		}
	}
	for _, a := range archs {
		if a == "i686" {
			return e != nil && e.Class == 32 && e.LittleEndian && e.Machine == emI386
		}
	}
	for _, a := range archs {
		if manylinuxAllowedArchs[a] {
			return true
		}
	}
	return false
}

// legacyManylinux maps glibc versions to the PEP 513/571/599 aliases.
var legacyManylinux = map[version]string{
	{2, 17}: "manylinux2014",
	{2, 12}: "manylinux2010",
	{2, 5}:  "manylinux1",
}

func manylinuxPlatforms(info *python.Info, archs []string) []string {
	if info.Libc != "glibc" || !haveCompatibleABI(info.ELF, archs) {
		return nil
	}
	cur := parseMajorMinor(info.LibcVersion)
	if cur[0] < 0 {
		return nil
	}
	tooOld := version{2, 16}
	for _, a := range archs {
		if a == "x86_64" || a == "i686" {
			tooOld = version{2, 4}
		}
	}
	maxes := []version{cur}
	for major := cur[0] - 1; major > 1; major-- {
		maxes = append(maxes, version{major, lastGlibcMinorSeen})
	}
	var out []string
	for _, arch := range archs {
		for _, mx := range maxes {
			minMinor := -1
			if mx[0] == tooOld[0] {
				minMinor = tooOld[1]
			}
			for minor := mx[1]; minor > minMinor; minor-- {
				v := version{mx[0], minor}
				out = append(out, fmt.Sprintf("manylinux_%d_%d_%s", v[0], v[1], arch))
				if legacy, ok := legacyManylinux[v]; ok {
					out = append(out, legacy+"_"+arch)
				}
			}
		}
	}
	return out
}

func musllinuxPlatforms(info *python.Info, archs []string) []string {
	if info.Libc != "musl" {
		return nil
	}
	v := parseMajorMinor(info.LibcVersion)
	if v[0] < 0 {
		return nil
	}
	var out []string
	for _, arch := range archs {
		for minor := v[1]; minor >= 0; minor-- {
			out = append(out, fmt.Sprintf("musllinux_%d_%d_%s", v[0], minor, arch))
		}
	}
	return out
}

// macPlatforms follows packaging's mac_platforms.
func macPlatforms(info *python.Info) []string {
	v := parseMajorMinor(info.MacVersion)
	if v[0] < 0 {
		// No mac_ver: fall back to the deployment target in
		// sysconfig.get_platform(), "macosx-11.0-arm64".
		if f := strings.Split(info.Platform, "-"); len(f) == 3 && f[0] == "macosx" {
			v = parseMajorMinor(f[1])
		}
	}
	cpu := info.MacArch
	if cpu == "" {
		cpu = info.Arch
	}
	arch := cpu
	if info.PointerBits == 32 {
		arch = "i386"
		if strings.HasPrefix(cpu, "ppc") {
			arch = "ppc"
		}
	}
	var out []string
	emit := func(major, minor int) {
		for _, f := range macBinaryFormats(version{major, minor}, arch) {
			out = append(out, fmt.Sprintf("macosx_%d_%d_%s", major, minor, f))
		}
	}
	if !v.less(version{10, 0}) && v.less(version{11, 0}) {
		for minor := v[1]; minor >= 0; minor-- {
			emit(10, minor)
		}
	}
	if !v.less(version{11, 0}) {
		for major := v[0]; major > 10; major-- {
			emit(major, 0)
		}
		for minor := 16; minor > 3; minor-- {
			if arch == "x86_64" {
				emit(10, minor)
			} else {
				out = append(out, fmt.Sprintf("macosx_10_%d_universal2", minor))
			}
		}
	}
	return out
}

func macBinaryFormats(v version, arch string) []string {
	formats := []string{arch}
	switch arch {
	case "x86_64":
		if v.less(version{10, 4}) {
			return nil
		}
		formats = append(formats, "intel", "fat64", "fat3")
	case "i386":
		if v.less(version{10, 4}) {
			return nil
		}
		formats = append(formats, "intel", "fat3", "fat")
	case "ppc64":
		if (version{10, 5}).less(v) || v.less(version{10, 4}) {
			return nil
		}
		formats = append(formats, "fat64")
	case "ppc":
		if (version{10, 6}).less(v) {
			return nil
		}
		formats = append(formats, "fat3", "fat")
	}
	switch arch {
	case "arm64", "x86_64":
		formats = append(formats, "universal2")
	}
	switch arch {
	case "x86_64", "i386", "ppc64", "ppc", "intel":
		formats = append(formats, "universal")
	}
	return formats
}
