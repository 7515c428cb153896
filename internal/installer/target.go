package installer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pkginstall/pkginstall/index"
	"github.com/pkginstall/pkginstall/internal/python"
	"github.com/pkginstall/pkginstall/scheme"
)

// ResolveOptions say what to resolve for.
type ResolveOptions struct {
	Python   *python.Info  // the target interpreter (real or from TargetInfo)
	Index    *index.Client // nil: local wheels only
	Reporter Reporter
	CacheDir string      // for built wheels and the build environments' wheels; "" for none
	Build    BuildPolicy // which sdists may be candidates (synthetic targets build nothing)
	// BuildWheels builds a wheel of every candidate that is an sdist, for
	// the (real) target interpreter: the candidate is then that wheel.
	BuildWheels bool
}

// Resolve resolves req for an interpreter as if nothing were installed,
// and returns the candidates of the resolution sorted by name. It reads
// and writes no target directory: `download` uses it, also for targets
// other than the local machine.
func Resolve(ctx context.Context, opts ResolveOptions, req *Request) ([]*Candidate, error) {
	tmp, err := os.MkdirTemp("", "pkginstall-resolve-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	// A target that does not exist: Plan sees nothing installed.
	t := filepath.Join(tmp, "__pypackages__", "none")
	paths := scheme.Paths{
		Project:    tmp,
		PyPackages: filepath.Join(tmp, "__pypackages__"),
		Target:     t,
		Lib:        filepath.Join(t, "lib"),
		Bin:        filepath.Join(t, "bin"),
		Include:    filepath.Join(t, "include"),
	}
	in := &Installer{Paths: paths, Python: opts.Python, Index: opts.Index, Reporter: opts.Reporter, CacheDir: opts.CacheDir, Build: opts.Build}
	if opts.Python.Executable == "" {
		// A described interpreter cannot run a backend: no sdist metadata
		// could be read, nor wheels built.
		in.Build.NoBuild = true
	}
	r := *req
	r.Reqs = append([]Req(nil), req.Reqs...)
	r.DryRun = true
	res, _, err := in.Plan(ctx, &r)
	if err != nil {
		return nil, err
	}
	out := make([]*Candidate, 0, len(res.Resolved))
	for _, c := range res.Resolved {
		if opts.BuildWheels && c.Sdist {
			p, err := in.builtWheel(ctx, c)
			if err != nil {
				return nil, err
			}
			c.Local, c.Sdist = p, false
			c.File = index.File{Filename: filepath.Base(p)}
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// TargetSpec describes an interpreter the way pip's download options do.
type TargetSpec struct {
	PythonVersion  string   // "3.12", "312" or "3.12.1"; "" = the base interpreter's
	Platform       string   // a platform tag: win_amd64, macosx_11_0_arm64, manylinux_2_17_x86_64...; "" = the base's
	ABIs           []string // cpXY, cpXYt, cpXYd, abi3, none
	Implementation string   // "cp" (or "cpython"); "" = cp
}

var (
	pyVersionRE = regexp.MustCompile(`^(\d)\.?(\d{1,2})(?:\.(\d{1,3}))?$`)
	macRE       = regexp.MustCompile(`^macosx_(\d+)_(\d+)_([a-z0-9_]+)$`)
	manyRE      = regexp.MustCompile(`^manylinux_(\d+)_(\d+)_([a-z0-9_]+)$`)
	muslRE      = regexp.MustCompile(`^musllinux_(\d+)_(\d+)_([a-z0-9_]+)$`)
	legacyRE    = regexp.MustCompile(`^(manylinux1|manylinux2010|manylinux2014)_([a-z0-9_]+)$`)
	linuxRE     = regexp.MustCompile(`^linux_([a-z0-9_]+)$`)
)

var legacyGlibc = map[string]string{"manylinux1": "2.5", "manylinux2010": "2.12", "manylinux2014": "2.17"}

// TargetInfo builds the description of an interpreter that need not exist
// on this machine: version, implementation and ABI from spec, platform
// facts (tags, libc, PEP 508 markers) from spec.Platform; what spec leaves
// empty comes from base, which may be nil when spec names everything.
func TargetInfo(spec TargetSpec, base *python.Info) (*python.Info, error) {
	switch spec.Implementation {
	case "", "cp", "cpython":
	default:
		return nil, fmt.Errorf("--implementation %s: only cp (CPython) targets can be described; use --python with a real interpreter for others", spec.Implementation)
	}
	info := &python.Info{Implementation: "cpython", Pymalloc: true, Markers: map[string]string{}}
	switch {
	case spec.PythonVersion != "":
		m := pyVersionRE.FindStringSubmatch(spec.PythonVersion)
		if m == nil {
			return nil, fmt.Errorf("--python-version %q: want X.Y or X.Y.Z, e.g. 3.12", spec.PythonVersion)
		}
		info.Major, _ = strconv.Atoi(m[1])
		info.Minor, _ = strconv.Atoi(m[2])
		if m[3] != "" {
			info.Micro, _ = strconv.Atoi(m[3])
		}
	case base != nil:
		info.Major, info.Minor, info.Micro = base.Major, base.Minor, base.Micro
	default:
		return nil, fmt.Errorf("no --python-version and no local interpreter to take it from")
	}
	info.Version = fmt.Sprintf("%d.%d.%d", info.Major, info.Minor, info.Micro)
	nd := fmt.Sprintf("%d%d", info.Major, info.Minor)
	info.PyVersionNodot = nd
	for _, abi := range spec.ABIs {
		switch abi {
		case "abi3", "none", "cp" + nd:
		case "cp" + nd + "t":
			info.FreeThreaded = true
			info.ABIFlags = "t"
		case "cp" + nd + "d":
			info.Debug = true
			info.ABIFlags = "d"
		default:
			return nil, fmt.Errorf("--abi %s does not fit CPython %d.%d (want cp%s, cp%st, cp%sd, abi3 or none)", abi, info.Major, info.Minor, nd, nd, nd)
		}
	}
	if spec.Platform != "" {
		if err := setPlatform(info, spec.Platform); err != nil {
			return nil, err
		}
	} else if base != nil {
		copyPlatform(info, base)
	} else {
		return nil, fmt.Errorf("no --platform and no local interpreter to take it from")
	}
	m := info.Markers
	m["python_version"] = fmt.Sprintf("%d.%d", info.Major, info.Minor)
	m["python_full_version"] = info.Version
	m["implementation_name"] = "cpython"
	m["implementation_version"] = info.Version
	m["platform_python_implementation"] = "CPython"
	info.Executable = ""
	return info, nil
}

// copyPlatform takes the platform facts of a real interpreter.
func copyPlatform(info, base *python.Info) {
	info.Platform, info.OS, info.Arch = base.Platform, base.OS, base.Arch
	info.MacVersion, info.MacArch = base.MacVersion, base.MacArch
	info.Libc, info.LibcVersion = base.Libc, base.LibcVersion
	info.PointerBits, info.ELF = base.PointerBits, base.ELF
	for _, k := range []string{"os_name", "sys_platform", "platform_system", "platform_machine", "platform_release", "platform_version"} {
		info.Markers[k] = base.Markers[k]
	}
}

// setPlatform fills the platform facts from a platform tag.
func setPlatform(info *python.Info, tag string) error {
	m := info.Markers
	m["platform_release"] = ""
	m["platform_version"] = ""
	info.PointerBits = 64
	posix := func(system, sysPlatform, machine string) {
		m["os_name"] = "posix"
		m["platform_system"] = system
		m["sys_platform"] = sysPlatform
		m["platform_machine"] = machine
		info.Arch = machine
	}
	linux := func(arch, libc, libcVersion string) {
		info.OS = "linux"
		info.Platform = "linux-" + arch
		info.Libc, info.LibcVersion = libc, libcVersion
		posix("Linux", "linux", arch)
		switch arch {
		case "i686":
			info.PointerBits = 32
			info.ELF = &python.ELF{Class: 32, LittleEndian: true, Machine: 3}
		case "armv7l":
			info.PointerBits = 32
			info.ELF = &python.ELF{Class: 32, LittleEndian: true, Machine: 40, Flags: 0x05000400}
		default:
			info.ELF = &python.ELF{Class: 64, LittleEndian: arch != "s390x" && arch != "ppc64", Machine: 62}
		}
	}
	switch {
	case tag == "win_amd64" || tag == "win32" || tag == "win_arm64":
		info.OS = "windows"
		info.Platform = strings.ReplaceAll(tag, "_", "-")
		machine := map[string]string{"win_amd64": "AMD64", "win32": "x86", "win_arm64": "ARM64"}[tag]
		if tag == "win32" {
			info.PointerBits = 32
		}
		info.Arch = machine
		m["os_name"] = "nt"
		m["platform_system"] = "Windows"
		m["sys_platform"] = "win32"
		m["platform_machine"] = machine
	case macRE.MatchString(tag):
		p := macRE.FindStringSubmatch(tag)
		arch := p[3]
		switch arch {
		case "universal2", "universal", "intel", "fat64", "fat3", "fat32":
			arch = "x86_64"
			if p[3] == "universal2" {
				arch = "arm64"
			}
		}
		info.OS = "darwin"
		info.MacVersion = p[1] + "." + p[2]
		info.MacArch = arch
		info.Platform = "macosx-" + info.MacVersion + "-" + p[3]
		posix("Darwin", "darwin", arch)
	case manyRE.MatchString(tag):
		p := manyRE.FindStringSubmatch(tag)
		linux(p[3], "glibc", p[1]+"."+p[2])
	case legacyRE.MatchString(tag):
		p := legacyRE.FindStringSubmatch(tag)
		linux(p[2], "glibc", legacyGlibc[p[1]])
	case muslRE.MatchString(tag):
		p := muslRE.FindStringSubmatch(tag)
		linux(p[3], "musl", p[1]+"."+p[2])
	case linuxRE.MatchString(tag):
		p := linuxRE.FindStringSubmatch(tag)
		linux(p[1], "", "")
	default:
		return fmt.Errorf("--platform %s: want a platform tag such as win_amd64, win32, win_arm64, macosx_11_0_arm64, manylinux_2_17_x86_64, manylinux2014_aarch64, musllinux_1_2_x86_64 or linux_x86_64", tag)
	}
	return nil
}
