package wheelhouse

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/pep440"
	"github.com/pkginstall/pkginstall/internal/pep508"
)

// installOnly are the files of an installed .dist-info that belong to the
// installation, not to the wheel.
var installOnly = map[string]bool{"INSTALLER": true, "REQUESTED": true, "direct_url.json": true,
	"RECORD": true, "RECORD.jws": true, "RECORD.p7s": true}

// zipTime is every member's time: reproducible archives.
var zipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// built is one rebuilt wheel.
type built struct {
	filename string
	data     []byte
	members  int
}

// member is one file of a wheel being built.
type member struct {
	data []byte
	mode os.FileMode
}

// rebuild turns one installed distribution back into a wheel.
func rebuild(pr *interp, d *dist, warn func(string)) (*built, error) {
	infoName := filepath.Base(d.infoDir)
	wheelFile, tagList, purelib, buildTag, err := wheelInfo(pr, d)
	if err != nil {
		return nil, err
	}
	filename := wheelFilename(d, buildTag, tagList)
	members := map[string]member{}
	pl := placer{pr: pr, d: d, infoName: infoName, purelib: purelib}
	for _, e := range d.record {
		arc, kind, ok := pl.place(e.Path)
		if !ok {
			continue
		}
		p := pl.abs(e.Path)
		st, err := os.Stat(p)
		if err != nil {
			continue // listed but gone: nothing to ship
		}
		data, err := readRecorded(p, e, warn)
		if err != nil {
			return nil, err
		}
		mode := os.FileMode(0o644)
		if st.Mode()&0o111 != 0 {
			mode = 0o755
		}
		if kind == "script" {
			if generatedLauncher(filepath.Base(p), data, d.scripts) {
				continue
			}
			data, mode = unfixShebang(data, pr), 0o755
		}
		members[arc] = member{data, mode}
	}
	if _, ok := members[infoName+"/METADATA"]; !ok {
		b, err := os.ReadFile(filepath.Join(d.infoDir, "METADATA"))
		if err != nil {
			return nil, err
		}
		members[infoName+"/METADATA"] = member{b, 0o644}
	}
	members[infoName+"/WHEEL"] = member{wheelFile, 0o644}
	data, n, err := archive(members, infoName)
	if err != nil {
		return nil, err
	}
	return &built{filename: filename, data: data, members: n}, nil
}

// wheelInfo is the WHEEL file to ship and what it says: the installed one,
// or one written from the files when it is missing or has no tags.
func wheelInfo(pr *interp, d *dist) (wheelFile []byte, tagList []string, purelib bool, build string, err error) {
	rootIsPurelib := ""
	if b, rerr := os.ReadFile(filepath.Join(d.infoDir, "WHEEL")); rerr == nil {
		hs, _, herr := distinfo.ParseHeaders(b)
		if herr == nil {
			wheelFile = b
			for _, h := range hs {
				switch strings.ToLower(h.Name) {
				case "tag":
					if t := strings.TrimSpace(h.Value); t != "" {
						tagList = append(tagList, t)
					}
				case "root-is-purelib":
					rootIsPurelib = strings.ToLower(strings.TrimSpace(h.Value))
				case "build":
					build = strings.TrimSpace(h.Value)
				}
			}
		}
	}
	if len(tagList) == 0 {
		var pure bool
		tagList, pure = deriveTags(pr, d)
		if rootIsPurelib == "" {
			rootIsPurelib = fmt.Sprint(pure)
		}
		wheelFile = fmt.Appendf(nil, "Wheel-Version: 1.0\nGenerator: %s\nRoot-Is-Purelib: %s\n", Generator, rootIsPurelib)
		for _, t := range tagList {
			wheelFile = fmt.Appendf(wheelFile, "Tag: %s\n", t)
		}
	}
	for _, t := range tagList {
		if strings.Count(t, "-") != 2 {
			return nil, nil, false, "", fmt.Errorf("WHEEL tag %q is not python-abi-platform", t)
		}
	}
	if rootIsPurelib == "" {
		rootIsPurelib = fmt.Sprint(isPure(tagList))
	}
	return wheelFile, tagList, rootIsPurelib == "true", build, nil
}

// deriveTags are the tags of a distribution installed without them: pure
// unless it has extension modules, else this interpreter's (abi3 when every
// extension is).
func deriveTags(pr *interp, d *dist) ([]string, bool) {
	var ext []string
	for _, e := range d.record {
		if strings.HasSuffix(e.Path, ".so") || strings.HasSuffix(e.Path, ".pyd") || strings.HasSuffix(e.Path, ".dylib") {
			ext = append(ext, e.Path)
		}
	}
	if len(ext) == 0 {
		return []string{fmt.Sprintf("py%d-none-any", pr.Version[0])}, true
	}
	plat := strings.NewReplacer("-", "_", ".", "_").Replace(pr.Platform)
	impl := map[string]string{"cpython": "cp", "pypy": "pp"}[pr.Impl]
	if impl == "" {
		impl = pr.Impl[:min(2, len(pr.Impl))]
	}
	ver := fmt.Sprintf("%d%d", pr.Version[0], pr.Version[1])
	if m := regexp.MustCompile(`(\d+)$`).FindString(pr.CacheTag); m != "" {
		ver = m
	}
	abi3 := true
	for _, e := range ext {
		abi3 = abi3 && strings.Contains(e, ".abi3.")
	}
	if abi3 {
		return []string{impl + ver + "-abi3-" + plat}, false
	}
	return []string{impl + ver + "-" + impl + ver + "-" + plat}, false
}

func isPure(tagList []string) bool {
	for _, t := range tagList {
		if p := strings.SplitN(t, "-", 3); len(p) != 3 || p[1] != "none" || p[2] != "any" {
			return false
		}
	}
	return true
}

// wheelFilename is {name}-{version}[-{build}]-{tags}.whl with the
// compressed tag set when the tags are exactly the product of their parts.
func wheelFilename(d *dist, build string, tagList []string) string {
	name := regexp.MustCompile(`[-_.]+`).ReplaceAllString(strings.ToLower(d.name), "_")
	ver := d.version
	if v, err := pep440.Parse(d.version); err == nil {
		ver = v.String()
	}
	parts := []string{name, strings.ReplaceAll(ver, "-", "_")}
	if build != "" {
		parts = append(parts, build)
	}
	return strings.Join(append(parts, compressTags(tagList)), "-") + ".whl"
}

func compressTags(tagList []string) string {
	var py, abi, plat []string
	add := func(s []string, v string) []string {
		for _, x := range s {
			if x == v {
				return s
			}
		}
		return append(s, v)
	}
	have := map[string]bool{}
	for _, t := range tagList {
		p := strings.Split(t, "-")
		py, abi, plat = add(py, p[0]), add(abi, p[1]), add(plat, p[2])
		have[t] = true
	}
	if len(have) == len(py)*len(abi)*len(plat) {
		return strings.Join(py, ".") + "-" + strings.Join(abi, ".") + "-" + strings.Join(plat, ".")
	}
	return tagList[0]
}

// placer maps an installed file to its path in the wheel.
type placer struct {
	pr       *interp
	d        *dist
	infoName string
	purelib  bool
}

func (pl *placer) abs(rel string) string {
	if filepath.IsAbs(rel) {
		return filepath.Clean(rel)
	}
	return filepath.Join(pl.d.base, rel)
}

func under(p, root string) bool {
	return root != "" && (p == root || strings.HasPrefix(p, strings.TrimSuffix(root, string(filepath.Separator))+string(filepath.Separator)))
}

func relSlash(root, p string) string {
	r, _ := filepath.Rel(root, p)
	return filepath.ToSlash(r)
}

// place returns the archive name and kind ("lib", "script", "data") of the
// RECORD path rel, or ok=false for a file the wheel leaves out.
func (pl *placer) place(rel string) (arc, kind string, ok bool) {
	p := pl.abs(rel)
	if strings.HasSuffix(p, ".pyc") || strings.HasSuffix(p, ".pyo") ||
		strings.Contains(p, string(filepath.Separator)+"__pycache__"+string(filepath.Separator)) {
		return "", "", false
	}
	dataName := strings.TrimSuffix(pl.infoName, ".dist-info") + ".data"
	base := pl.d.base
	if under(p, base) {
		r := relSlash(base, p)
		if rest, ok := strings.CutPrefix(r, pl.infoName+"/"); ok && installOnly[rest] {
			return "", "", false
		}
		return r, "lib", true
	}
	pure, plat := pl.pr.path("purelib"), pl.pr.path("platlib")
	if pure != plat {
		if pl.purelib && base == pure && under(p, plat) {
			return dataName + "/platlib/" + relSlash(plat, p), "lib", true
		}
		if !pl.purelib && base == plat && under(p, pure) {
			return dataName + "/purelib/" + relSlash(pure, p), "lib", true
		}
	}
	if scripts := pl.pr.path("scripts"); scripts != "" && filepath.Dir(p) == scripts {
		return dataName + "/scripts/" + filepath.Base(p), "script", true
	}
	for _, inc := range []string{pl.pr.path("include"), pl.pr.path("platinclude")} {
		if inc == "" {
			continue
		}
		for _, cand := range []string{pl.d.name, strings.ToLower(strings.ReplaceAll(pl.d.name, "-", "_")), pep508.NormalizeName(pl.d.name)} {
			h := filepath.Join(inc, cand)
			if under(p, h) && p != h {
				return dataName + "/headers/" + relSlash(h, p), "data", true
			}
		}
	}
	if data := pl.pr.path("data"); under(p, data) && p != data {
		return dataName + "/data/" + relSlash(data, p), "data", true
	}
	return "", "", false
}

// readRecorded reads a file; when bytes were appended after installation
// (a CA bundle extended in place) and the first Size bytes match RECORD's
// hash, only those are shipped.
func readRecorded(p string, e distinfo.RecordEntry, warn func(string)) ([]byte, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	rh, err := distinfo.ParseRecordHash(e.Hash)
	if err != nil || rh.Algo != "sha256" {
		return data, nil
	}
	if sum := sha256.Sum256(data); bytes.Equal(sum[:], rh.Digest) {
		return data, nil
	}
	if e.Size >= 0 && int64(len(data)) > e.Size {
		if sum := sha256.Sum256(data[:e.Size]); bytes.Equal(sum[:], rh.Digest) {
			warn(fmt.Sprintf("%s: %d bytes appended after installation were dropped", p, int64(len(data))-e.Size))
			return data[:e.Size], nil
		}
	}
	warn(fmt.Sprintf("%s: content differs from the installed RECORD; shipped as found", p))
	return data, nil
}

var (
	launcherMark = []byte(`re.sub(r'(-script\.pyw|\.exe)?$'`)
	versioned    = regexp.MustCompile(`^(.*?)-?[0-9]+(\.[0-9]+)?$`)
	pythonName   = regexp.MustCompile(`^pythonw?([0-9]+(\.[0-9]+)?)?$`)
)

// generatedLauncher reports whether a script is a launcher an installer
// wrote for an entry point (including pip's versioned aliases).
func generatedLauncher(base string, data []byte, eps map[string]bool) bool {
	stem := base
	for _, s := range []string{".exe", "-script.py", "-script.pyw"} {
		stem = strings.TrimSuffix(stem, s)
	}
	if eps[stem] {
		return true
	}
	if m := versioned.FindStringSubmatch(stem); m != nil && eps[m[1]] && (m[1] == "pip" || m[1] == "easy_install") {
		return true
	}
	head := data[:min(len(data), 4096)]
	return bytes.Contains(head, launcherMark) && bytes.Contains(head, []byte("sys.exit("))
}

// unfixShebang undoes an installer's rewrite of "#!python" to the
// interpreter's path.
func unfixShebang(data []byte, pr *interp) []byte {
	if !bytes.HasPrefix(data, []byte("#!")) {
		return data
	}
	line, rest, _ := bytes.Cut(data, []byte("\n"))
	words := strings.Fields(string(line[2:]))
	if len(words) == 0 {
		return data
	}
	exe := words[0]
	if exe != pr.Executable && exe != pr.RealExe &&
		!(pythonName.MatchString(filepath.Base(exe)) && filepath.Dir(exe) == pr.path("scripts")) {
		return data
	}
	out := []byte("#!python")
	if bytes.HasSuffix(line, []byte("\r")) {
		out = append(out, '\r')
	}
	if len(rest) > 0 || bytes.Contains(data, []byte("\n")) {
		out = append(out, '\n')
		out = append(out, rest...)
	}
	return out
}

// archive writes the members and a fresh RECORD as a reproducible zip.
func archive(members map[string]member, infoName string) ([]byte, int, error) {
	record := infoName + "/RECORD"
	names := make([]string, 0, len(members)+1)
	for n := range members {
		names = append(names, n)
	}
	inInfo := func(n string) bool { return strings.HasPrefix(n, infoName+"/") }
	sort.Slice(names, func(i, j int) bool {
		if a, b := inInfo(names[i]), inInfo(names[j]); a != b {
			return b
		}
		return names[i] < names[j]
	})
	var rows []distinfo.RecordEntry
	for _, n := range names {
		sum := sha256.Sum256(members[n].data)
		rows = append(rows, distinfo.RecordEntry{Path: n, Hash: distinfo.FormatRecordHash("sha256", sum[:]), Size: int64(len(members[n].data))})
	}
	rows = append(rows, distinfo.RecordEntry{Path: record, Size: -1})
	members[record] = member{distinfo.FormatRecord(rows), 0o644}
	names = append(names, record)

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, 6) })
	for _, n := range names {
		h := &zip.FileHeader{Name: n, Method: zip.Deflate, Modified: zipTime}
		h.SetMode(members[n].mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, 0, err
		}
		if _, err := w.Write(members[n].data); err != nil {
			return nil, 0, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, 0, err
	}
	return buf.Bytes(), len(names), nil
}
