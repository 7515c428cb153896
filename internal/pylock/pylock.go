// Package pylock reads and writes PEP 751 lock files (pylock.toml), and
// decides which packages an install takes (package markers evaluated with
// the selected extras and dependency groups as PEP 751's set-valued
// variables; with --only-group, only what the groups' requirements reach)
// and whether a lock is stale (its recorded inputs differ: requirements by
// array, requires-python, environments, default-groups, index), which does
// not depend on the interpreter.
//
// Rules it enforces when reading: the file is TOML; lock-version is "1.x"
// (a newer major version is refused); created-by and packages are present;
// every package has a valid name; every wheel has a url or a path, and a
// sha256 in hashes. Packages locked as a VCS checkout, a directory or an
// archive are read but installers refuse them (Package.Source says which);
// an sdist ([packages.sdist], Package.SdistFile) is built where no wheel
// fits. Every error names FILE:LINE:COL (the
// position of the package or key at fault when the TOML itself is fine).
//
// Writing: keys in the specification's order, packages sorted by name,
// wheels sorted by file name, one inline table per wheel; the output parses
// back to the same Lock.
package pylock

import (
	"errors"
	"fmt"
	"github.com/pkginstall/pkginstall/internal/fileerr"
	"github.com/pkginstall/pkginstall/internal/fsutil"
	"github.com/pkginstall/pkginstall/internal/project"
	"github.com/pkginstall/pkginstall/internal/redact"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// FileName is the lock file's name in a project root.
const FileName = "pylock.toml"

// Version is the lock-version written.
const Version = "1.0"

// CreatedBy is the created-by written.
const CreatedBy = "pkginstall"

// Lock is a pylock.toml.
type Lock struct {
	LockVersion      string    `toml:"lock-version"`
	Environments     []string  `toml:"environments,omitempty"`
	RequiresPython   string    `toml:"requires-python,omitempty"`
	Extras           []string  `toml:"extras,omitempty"`
	DependencyGroups []string  `toml:"dependency-groups,omitempty"`
	DefaultGroups    []string  `toml:"default-groups,omitempty"`
	CreatedBy        string    `toml:"created-by"`
	Packages         []Package `toml:"packages"`
	// Requirements is [tool.pkginstall] requirements: the requirements
	// the lock was resolved for, so `lock --check` can tell a changed
	// pyproject.toml.
	Requirements []string `toml:"-"`
	// Inputs is [tool.pkginstall] inputs: every other input the lock was
	// made from, one "what: value" line each (each root with the array it
	// is in, environments, required-environments, default-groups, index),
	// so `lock --check` can say which changed.
	Inputs []string `toml:"-"`

	Tool map[string]any `toml:"tool,omitempty"`
}

// Package is one [[packages]] entry.
type Package struct {
	Name           string       `toml:"name"`
	Version        string       `toml:"version,omitempty"`
	Marker         string       `toml:"marker,omitempty"`
	RequiresPython string       `toml:"requires-python,omitempty"`
	Dependencies   []Dependency `toml:"dependencies,omitempty"`
	Index          string       `toml:"index,omitempty"`
	Wheels         []Wheel      `toml:"wheels,omitempty"`

	VCS       map[string]any `toml:"vcs,omitempty"`
	Directory map[string]any `toml:"directory,omitempty"`
	Archive   map[string]any `toml:"archive,omitempty"`
	Sdist     map[string]any `toml:"sdist,omitempty"`

	// Line and Col are where the package is in the file read (0 when written).
	Line, Col int `toml:"-"`
}

// Dependency identifies another package of the lock.
type Dependency struct {
	Name    string `toml:"name"`
	Version string `toml:"version,omitempty"`
}

// Wheel is one entry of a package's wheels.
type Wheel struct {
	Name   string            `toml:"name,omitempty"`
	URL    string            `toml:"url,omitempty"`
	Path   string            `toml:"path,omitempty"`
	Size   int64             `toml:"size,omitempty"`
	Hashes map[string]string `toml:"hashes"`
}

// SHA256 is the wheel's sha256 (lower-case hex), "" when absent.
func (w Wheel) SHA256() string { return strings.ToLower(w.Hashes["sha256"]) }

// FileName is the wheel's file name: name, else the last part of url or path.
func (w Wheel) FileName() string {
	if w.Name != "" {
		return w.Name
	}
	return w.location()
}

// location is the base name of the wheel's url (without query or fragment,
// unescaped) or path; "" when it has neither.
func (w Wheel) location() string {
	if w.URL != "" {
		u := w.URL
		if i := strings.IndexAny(u, "?#"); i >= 0 {
			u = u[:i]
		}
		base := path.Base(u)
		if un, err := url.PathUnescape(base); err == nil {
			base = un
		}
		return base
	}
	if w.Path != "" {
		return path.Base(filepath.ToSlash(w.Path))
	}
	return ""
}

// Source says how the package is locked when it is not by wheels only:
// "sdist", "vcs", "directory" or "archive"; "" when it has wheels.
func (p Package) Source() string {
	switch {
	case len(p.Wheels) > 0:
		return ""
	case p.VCS != nil:
		return "vcs"
	case p.Directory != nil:
		return "directory"
	case p.Archive != nil:
		return "archive"
	case p.Sdist != nil:
		return "sdist"
	}
	return "nothing"
}

// SdistFile is the package's [packages.sdist] as a file entry (name, url
// or path, size, hashes: the fields PEP 751 gives an sdist and a wheel
// alike); false when it has none.
func (p Package) SdistFile() (Wheel, bool) {
	if p.Sdist == nil {
		return Wheel{}, false
	}
	var w Wheel
	w.Name, _ = p.Sdist["name"].(string)
	w.URL, _ = p.Sdist["url"].(string)
	w.Path, _ = p.Sdist["path"].(string)
	switch n := p.Sdist["size"].(type) {
	case int64:
		w.Size = n
	case float64:
		w.Size = int64(n)
	}
	w.Hashes = map[string]string{}
	switch hs := p.Sdist["hashes"].(type) {
	case map[string]any: // read from a file
		for k, v := range hs {
			if s, ok := v.(string); ok {
				w.Hashes[k] = s
			}
		}
	case map[string]string: // made by SdistEntry
		for k, v := range hs {
			w.Hashes[k] = v
		}
	}
	return w, true
}

// SdistEntry is the [packages.sdist] table of an sdist file.
func SdistEntry(w Wheel) map[string]any {
	m := map[string]any{"name": w.Name, "size": w.Size, "hashes": w.Hashes}
	if w.URL != "" {
		m["url"] = w.URL
	} else {
		m["path"] = w.Path
	}
	return m
}

// ReadFile reads and checks a lock file.
func ReadFile(name string) (*Lock, error) {
	data, err := fsutil.ReadRegular(name, MaxFileSize)
	if err != nil {
		return nil, err
	}
	return Parse(name, data)
}

// MaxFileSize is the largest lock file read (a lock of thousands of
// packages with many wheels each is a few MiB).
const MaxFileSize = 64 << 20

var validName = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9._-]*[a-z0-9])?$`)

var hexSHA256 = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

// Parse reads a lock file's data; name is used in errors.
func Parse(name string, data []byte) (*Lock, error) {
	var l Lock
	dec := toml.NewDecoder(strings.NewReader(string(data)))
	if err := dec.Decode(&l); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, col := de.Position()
			return nil, fileerr.New(name, line, col, project.DecodeErrorMessage(de))
		}
		return nil, fileerr.New(name, 0, 0, err.Error())
	}
	pos := positions(data)
	at := func(key string, msg string, args ...any) error {
		p := pos.keys[key]
		return fileerr.Errorf(name, p[0], p[1], msg, args...)
	}
	if l.LockVersion == "" {
		return nil, fileerr.New(name, 1, 1, "lock-version is missing")
	}
	major, _, _ := strings.Cut(l.LockVersion, ".")
	if major != "1" {
		return nil, at("lock-version", "lock-version %q is not supported (this pkginstall reads 1.x)", l.LockVersion)
	}
	if l.CreatedBy == "" {
		return nil, fileerr.New(name, 1, 1, "created-by is missing")
	}
	if tool, ok := l.Tool["pkginstall"].(map[string]any); ok {
		l.Requirements = stringsOf(tool["requirements"])
		l.Inputs = stringsOf(tool["inputs"])
	}
	for i := range l.Packages {
		p := &l.Packages[i]
		if i < len(pos.packages) {
			p.Line, p.Col = pos.packages[i][0], pos.packages[i][1]
		} else {
			p.Line, p.Col = pos.keys["packages"][0], pos.keys["packages"][1]
		}
		bad := func(msg string, args ...any) error {
			return fileerr.Errorf(name, p.Line, p.Col, msg, args...)
		}
		if !validName.MatchString(p.Name) {
			return nil, bad("package %d: invalid name %q", i+1, p.Name)
		}
		for j, w := range p.Wheels {
			if w.URL == "" && w.Path == "" {
				return nil, bad("package %s: wheel %d has neither url nor path", p.Name, j+1)
			}
			if len(w.Hashes) == 0 {
				return nil, bad("package %s: wheel %s has no hashes", p.Name, w.FileName())
			}
			if !hexSHA256.MatchString(w.SHA256()) {
				return nil, bad("package %s: wheel %s has no valid sha256 hash (pkginstall verifies wheels by sha256)", p.Name, w.FileName())
			}
			if !strings.HasSuffix(strings.ToLower(w.FileName()), ".whl") {
				return nil, bad("package %s: wheel %s: the file name does not end in .whl", p.Name, w.FileName())
			}
			// The file a wheel entry names is the file it points at: a
			// url or path to something else (file:///etc/shadow) is
			// refused before anything reads it.
			if loc := w.location(); w.Name != "" && loc != "" && loc != w.Name {
				return nil, bad("package %s: wheel %s: its url or path names another file, %s", p.Name, w.Name, loc)
			}
		}
	}
	return &l, nil
}

// stringsOf are the strings of a TOML array (nil when v is not one).
func stringsOf(v any) []string {
	arr, ok := v.([]any)
	if !ok {
		return nil
	}
	out := []string{}
	for _, x := range arr {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// positions finds the line and column of top-level keys and of each
// [[packages]] header.
type posInfo struct {
	keys     map[string][2]int
	packages [][2]int
}

func positions(data []byte) posInfo {
	info := posInfo{keys: map[string][2]int{}}
	p := &unstable.Parser{}
	p.Reset(data)
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = nil
			it := e.Key()
			var first *unstable.Node
			for it.Next() {
				if first == nil {
					first = it.Node()
				}
				table = append(table, string(it.Node().Data))
			}
			if e.Kind == unstable.ArrayTable && len(table) == 1 && table[0] == "packages" && first != nil {
				sh := p.Shape(first.Raw)
				info.packages = append(info.packages, [2]int{sh.Start.Line, sh.Start.Column})
			}
		case unstable.KeyValue:
			if len(table) == 0 {
				it := e.Key()
				if it.Next() {
					k := it.Node()
					sh := p.Shape(k.Raw)
					info.keys[string(k.Data)] = [2]int{sh.Start.Line, sh.Start.Column}
				}
			}
		}
	}
	return info
}

// Marshal writes l as TOML.
func Marshal(l *Lock) []byte {
	var b strings.Builder
	kv := func(k, v string) { fmt.Fprintf(&b, "%s = %s\n", k, v) }
	kv("lock-version", project.TOMLString(l.LockVersion))
	if len(l.Environments) > 0 {
		kv("environments", list(l.Environments))
	}
	if l.RequiresPython != "" {
		kv("requires-python", project.TOMLString(l.RequiresPython))
	}
	if len(l.Extras) > 0 {
		kv("extras", list(l.Extras))
	}
	if len(l.DependencyGroups) > 0 {
		kv("dependency-groups", list(l.DependencyGroups))
	}
	if len(l.DefaultGroups) > 0 {
		kv("default-groups", list(l.DefaultGroups))
	}
	kv("created-by", project.TOMLString(l.CreatedBy))
	if len(l.Packages) == 0 {
		kv("packages", "[]") // required, even when empty
	}
	pkgs := append([]Package(nil), l.Packages...)
	sort.SliceStable(pkgs, func(i, j int) bool { return pkgs[i].Name < pkgs[j].Name })
	for _, p := range pkgs {
		writePackage(&b, p)
	}
	if len(l.Requirements) > 0 || len(l.Inputs) > 0 {
		b.WriteString("\n[tool.pkginstall]\n")
		b.WriteString("# What this lock was resolved for (pkginstall lock --check compares them).\n")
		for _, k := range []struct {
			key  string
			vals []string
		}{{"requirements", l.Requirements}, {"inputs", l.Inputs}} {
			if len(k.vals) == 0 {
				continue
			}
			b.WriteString(k.key + " = [\n")
			for _, r := range k.vals {
				// A requirement's URL may carry credentials: never written.
				b.WriteString("    " + project.TOMLString(redact.StripRequirement(r)) + ",\n")
			}
			b.WriteString("]\n")
		}
	}
	return []byte(b.String())
}

// writePackage writes one [[packages]] table.
func writePackage(b *strings.Builder, p Package) {
	kv := func(k, v string) { fmt.Fprintf(b, "%s = %s\n", k, v) }
	b.WriteString("\n[[packages]]\n")
	kv("name", project.TOMLString(p.Name))
	if p.Version != "" {
		kv("version", project.TOMLString(p.Version))
	}
	if p.Marker != "" {
		kv("marker", project.TOMLString(p.Marker))
	}
	if p.RequiresPython != "" {
		kv("requires-python", project.TOMLString(p.RequiresPython))
	}
	if len(p.Dependencies) > 0 {
		deps := append([]Dependency(nil), p.Dependencies...)
		sort.SliceStable(deps, func(i, j int) bool {
			return deps[i].Name < deps[j].Name || deps[i].Name == deps[j].Name && deps[i].Version < deps[j].Version
		})
		var parts []string
		for _, d := range deps {
			s := "{name = " + project.TOMLString(d.Name)
			if d.Version != "" {
				s += ", version = " + project.TOMLString(d.Version)
			}
			parts = append(parts, s+"}")
		}
		kv("dependencies", "["+strings.Join(parts, ", ")+"]")
	}
	if p.Index != "" {
		kv("index", project.TOMLString(p.Index))
	}
	if path, ok := p.Directory["path"].(string); ok {
		t := "{path = " + project.TOMLString(path)
		if e, _ := p.Directory["editable"].(bool); e {
			t += ", editable = true"
		}
		kv("directory", t+"}")
	}
	if sd, ok := p.SdistFile(); ok {
		kv("sdist", fileTable(sd))
	}
	if len(p.Wheels) > 0 {
		ws := append([]Wheel(nil), p.Wheels...)
		sort.SliceStable(ws, func(i, j int) bool { return ws[i].FileName() < ws[j].FileName() })
		b.WriteString("wheels = [\n")
		for _, w := range ws {
			b.WriteString("    " + fileTable(w) + ",\n")
		}
		b.WriteString("]\n")
	}
}

// fileTable is the inline table of a wheel or an sdist.
func fileTable(w Wheel) string {
	var parts []string
	if w.Name != "" {
		parts = append(parts, "name = "+project.TOMLString(w.Name))
	}
	if w.URL != "" {
		parts = append(parts, "url = "+project.TOMLString(w.URL))
	}
	if w.Path != "" {
		parts = append(parts, "path = "+project.TOMLString(w.Path))
	}
	if w.Size > 0 {
		parts = append(parts, "size = "+strconv.FormatInt(w.Size, 10))
	}
	algs := make([]string, 0, len(w.Hashes))
	for a := range w.Hashes {
		algs = append(algs, a)
	}
	sort.Strings(algs)
	var hs []string
	for _, a := range algs {
		hs = append(hs, key(a)+" = "+project.TOMLString(w.Hashes[a]))
	}
	parts = append(parts, "hashes = {"+strings.Join(hs, ", ")+"}")
	return "{" + strings.Join(parts, ", ") + "}"
}

// WriteFile writes l to name atomically, through a symlink to its target
// and keeping the permissions of the lock it replaces (fsutil.WriteFile).
func WriteFile(name string, l *Lock) error {
	return fsutil.WriteFile(name, Marshal(l), fsutil.KeepPerm)
}

var bareKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func key(s string) string {
	if bareKey.MatchString(s) {
		return s
	}
	return project.TOMLString(s)
}

func list(xs []string) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = project.TOMLString(x)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
