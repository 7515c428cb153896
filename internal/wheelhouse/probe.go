package wheelhouse

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/tags"
)

// probeScript prints what a rebuild needs to know about an interpreter:
// its install scheme, its site directories in search order, and its tags.
const probeScript = `
import json, os, site, sys, sysconfig
paths = sysconfig.get_paths()
try:
    sp = list(site.getsitepackages())
except AttributeError:
    sp = []
dirs = []
for d in sp + [paths.get("purelib"), paths.get("platlib")]:
    if d and os.path.isdir(d) and os.path.abspath(d) not in dirs:
        dirs.append(os.path.abspath(d))
json.dump({"executable": sys.executable, "realexe": os.path.realpath(sys.executable),
    "version": list(sys.version_info[:3]), "impl": sys.implementation.name,
    "cache_tag": sys.implementation.cache_tag or "", "platform": sysconfig.get_platform(),
    "paths": paths, "dirs": dirs}, sys.stdout)
`

// interp is what probeScript reports.
type interp struct {
	Executable string            `json:"executable"`
	RealExe    string            `json:"realexe"`
	Version    []int             `json:"version"`
	Impl       string            `json:"impl"`
	CacheTag   string            `json:"cache_tag"`
	Platform   string            `json:"platform"`
	Paths      map[string]string `json:"paths"`
	Dirs       []string          `json:"dirs"`
}

func (p *interp) versionString() string {
	s := make([]string, len(p.Version))
	for i, v := range p.Version {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, ".")
}

// path is one scheme path, cleaned ("" when the scheme has none).
func (p *interp) path(key string) string {
	if v := p.Paths[key]; v != "" {
		return filepath.Clean(v)
	}
	return ""
}

func probe(ctx context.Context, python string, sitePackages []string) (*interp, error) {
	if python == "" {
		return nil, fmt.Errorf("no interpreter given")
	}
	out, err := exec.CommandContext(ctx, python, "-I", "-c", probeScript).Output()
	if err != nil {
		return nil, fmt.Errorf("cannot query interpreter %s: %w", python, err)
	}
	var p interp
	if err := json.Unmarshal(out, &p); err != nil || len(p.Version) < 2 {
		return nil, fmt.Errorf("interpreter %s: unexpected answer %.200q", python, out)
	}
	if len(sitePackages) > 0 {
		p.Dirs = nil
		for _, d := range sitePackages {
			if abs, err := filepath.Abs(d); err == nil {
				p.Dirs = append(p.Dirs, abs)
			}
		}
	}
	return &p, nil
}

// dist is one installed .dist-info distribution.
type dist struct {
	name, version string
	infoDir       string // absolute path of the .dist-info directory
	base          string // the directory RECORD's relative paths start from
	record        []distinfo.RecordEntry
	scripts       map[string]bool // console and GUI script names
	size          int64           // sum of RECORD sizes, to build the largest first
}

// findDists lists the .dist-info distributions of dirs in search order; the
// first of a name wins.
func findDists(dirs []string, only, exclude map[string]bool, warn func(string)) ([]*dist, error) {
	seen := map[string]bool{}
	var out []*dist
	for _, dir := range dirs {
		ents, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		names := make([]string, 0, len(ents))
		for _, e := range ents {
			if e.IsDir() && strings.HasSuffix(e.Name(), ".dist-info") {
				names = append(names, e.Name())
			}
		}
		sort.Strings(names)
		for _, n := range names {
			d, err := readDist(dir, n)
			if err != nil {
				warn(fmt.Sprintf("%s: %v; skipped", filepath.Join(dir, n), err))
				continue
			}
			key := pep508.NormalizeName(d.name)
			if seen[key] || (len(only) > 0 && !only[key]) || exclude[key] {
				continue
			}
			seen[key] = true
			out = append(out, d)
		}
	}
	for n := range only {
		if !seen[n] {
			warn("not installed: " + n)
		}
	}
	return out, nil
}

// readDist reads the METADATA, RECORD and entry points of dir/name.
func readDist(dir, name string) (*dist, error) {
	info := filepath.Join(dir, name)
	raw, err := os.ReadFile(filepath.Join(info, "METADATA"))
	if err != nil {
		return nil, err
	}
	hs, _, err := distinfo.ParseHeaders(raw)
	if err != nil {
		return nil, err
	}
	d := &dist{name: hs.Get("Name"), version: hs.Get("Version"), infoDir: info, base: dir, scripts: map[string]bool{}}
	if d.name == "" || d.version == "" {
		return nil, fmt.Errorf("METADATA has no Name or Version")
	}
	rec, err := os.ReadFile(filepath.Join(info, "RECORD"))
	if err != nil {
		return nil, fmt.Errorf("no RECORD (not installed from a wheel)")
	}
	if d.record, err = distinfo.ParseRecord(rec); err != nil {
		return nil, err
	}
	for _, e := range d.record {
		d.size += max(e.Size, 0)
	}
	if b, err := os.ReadFile(filepath.Join(info, "entry_points.txt")); err == nil {
		eps, _ := distinfo.ParseEntryPoints(b) // a bad file only means no launcher is recognised by name
		for _, ep := range eps {
			d.scripts[ep.Name] = true
		}
	}
	return d, nil
}

// scanAdded finds the *.whl files of dirs to publish as they are, by file
// name (the first of a name wins).
func scanAdded(dirs []string, only, exclude map[string]bool, warn func(string)) (map[string]string, error) {
	out := map[string]string{}
	for _, dir := range dirs {
		ents, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("added wheels %s: %w", dir, err)
		}
		for _, e := range ents {
			wn, err := tags.ParseWheelFilename(e.Name())
			if err != nil || e.IsDir() {
				continue
			}
			key := pep508.NormalizeName(wn.Name)
			if (len(only) > 0 && !only[key]) || exclude[key] {
				continue
			}
			if _, ok := out[e.Name()]; ok {
				warn(fmt.Sprintf("%s found again in %s; the first is kept", e.Name(), dir))
				continue
			}
			out[e.Name()] = filepath.Join(dir, e.Name())
		}
	}
	return out, nil
}
