// Package reqfile parses pip's requirements-file format.
//
// A file is read as UTF-8 (a UTF-8 or UTF-16 byte-order mark is honoured) and
// processed as pip does:
//
//  1. It is split into lines (\n, \r\n, \r and the other line breaks of
//     Python's str.splitlines).
//  2. A line ending in a backslash is joined with the next one; the joined
//     line keeps the number of its first line. A comment line ends a
//     continuation and is never itself continued.
//  3. Comments are removed: a '#' at the start of a line or after
//     whitespace starts a comment ("pkg#frag" is not one). Blank lines are
//     skipped and surrounding whitespace trimmed.
//  4. Environment variables are expanded, only in the form ${NAME} with NAME
//     made of A-Z, 0-9 and '_'; an unset or empty variable is left as is.
//  5. The line is split on spaces: the words before the first word starting
//     with '-' are the requirement, the rest are options (split like a POSIX
//     shell).
//
// A requirement is one of:
//   - a PEP 508 requirement (`name[extras] specifier ; marker`,
//     `name @ URL ; marker`);
//   - a URL of a wheel (http, https or file scheme), optionally followed by
//     "; marker" (a space after the semicolon), the name taken from the wheel
//     file name;
//   - a local path to a .whl file (it contains a path separator, starts with
//     '.' or ends in .whl), optionally with "[extras]" and ";marker";
//     relative paths are kept as written (pip reads them relative to the
//     current directory).
//
// Options on their own line: -r/--requirement FILE and -c/--constraint FILE
// (nested files, relative to the including file; an include cycle is an
// error; -r inside a constraints file reads requirements, as in pip),
// -i/--index-url URL (the last one wins), --extra-index-url URL,
// -f/--find-links PATH|URL (a relative path is taken relative to the file),
// --no-index, --pre, --require-hashes, and --prefer-binary / --only-binary
// (accepted and ignored: only wheels are ever installed). After a
// requirement only --hash=ALGO:HEXDIGEST is allowed (repeatable; ALGO is
// sha256, sha384 or sha512). -e/--editable is an error (editable installs are
// not supported), as is every other option. Constraint lines must name a
// project and cannot have extras.
//
// Every error is an *Error naming the file and line.
package reqfile

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/pkginstall/pkginstall/internal/fileerr"
	"github.com/pkginstall/pkginstall/internal/fsutil"
	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/printable"
)

// Limits on includes: the deepest nesting of -r/-c accepted, and the most
// files read (the same file included twice counts twice). MaxFileSize is the
// largest file read; a file must be a regular file (not a FIFO or a device)
// and text (no NUL byte), so -r /dev/zero or /proc/self/environ is an error
// that quotes nothing.
const (
	MaxDepth    = 32
	MaxFiles    = 1000
	MaxFileSize = 8 << 20
)

// Line is one requirement (or constraint) read from a file.
type Line struct {
	File       string // the file it was read from, as named
	LineNo     int    // 1-based number of its first physical line
	Req        pep508.Requirement
	Hashes     []string // "sha256:<hex>", from --hash, in order
	Constraint bool     // read from a constraints file (-c)
	Path       string   // for a local wheel (a path, or a file: URL): its file-system path
}

// File is the result of parsing a requirements file and its includes.
type File struct {
	Requirements   []Line
	Constraints    []Line
	IndexURL       string // "" unless -i/--index-url was given
	ExtraIndexURLs []string
	FindLinks      []string
	NoIndex        bool
	Pre            bool
	RequireHashes  bool
}

// ErrEditable is the error (wrapped in a *fileerr.Error) for an -e/--editable line.
var ErrEditable = errors.New("editable installs are not supported")

// Parse reads the requirements file at path and the files it includes.
// getenv looks up ${VAR} references; nil means os.Getenv.
func Parse(path string, getenv func(string) string) (*File, error) {
	data, err := fsutil.ReadRegular(path, MaxFileSize)
	if err != nil {
		return nil, &fileerr.Error{Path: path, Err: fmt.Errorf("cannot read requirements file: %w", unwrapPath(err))}
	}
	return ParseBytes(path, data, getenv, readLocal)
}

func readLocal(name string) ([]byte, error) {
	if isRemote(name) {
		return nil, errors.New("remote requirements files are not supported")
	}
	if strings.HasPrefix(strings.ToLower(name), "file:") {
		p, err := fileURLPath(name)
		if err != nil {
			return nil, err
		}
		name = p
	}
	b, err := fsutil.ReadRegular(name, MaxFileSize)
	return b, unwrapPath(err)
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ParseBytes parses data as the requirements file name. Included files are
// named relative to the including file and read with open (nil: includes are
// an error). getenv looks up ${VAR} references; nil means os.Getenv.
func ParseBytes(name string, data []byte, getenv func(string) string, open func(path string) ([]byte, error)) (*File, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	p := &fileParser{getenv: getenv, open: open, out: &File{}}
	if err := p.parse(name, data, false, nil); err != nil {
		return nil, err
	}
	return p.out, nil
}

type fileParser struct {
	getenv func(string) string
	open   func(string) ([]byte, error)
	out    *File
	files  int // files read so far
}

// parse handles one file; stack holds the cleaned names of the files being
// parsed, outermost first.
func (p *fileParser) parse(name string, data []byte, constraint bool, stack []string) error {
	text, err := decode(data)
	if err != nil {
		return &fileerr.Error{Path: name, Err: err}
	}
	stack = append(stack, cleanName(name))
	for _, l := range preprocess(text, p.getenv) {
		if err := p.line(name, l, constraint, stack); err != nil {
			return err
		}
	}
	return nil
}

// decode returns data as text, honouring a UTF-8 or UTF-16 byte-order mark.
func decode(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		le := data[0] == 0xFF
		data = data[2:]
		if len(data)%2 != 0 {
			return "", errors.New("truncated UTF-16 text")
		}
		u := make([]uint16, len(data)/2)
		for i := range u {
			if le {
				u[i] = uint16(data[2*i]) | uint16(data[2*i+1])<<8
			} else {
				u[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
			}
		}
		text := string(utf16.Decode(u))
		if strings.IndexByte(text, 0) >= 0 {
			return "", errors.New("not a text file: it contains a NUL character")
		}
		return text, nil
	}
	if !utf8.Valid(data) {
		return "", errors.New("file is not valid UTF-8")
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return "", errors.New("not a text file: it contains a NUL byte")
	}
	return string(data), nil
}

// logicalLine is a line after joining, comment removal and expansion.
type logicalLine struct {
	no       int
	text     string
	expanded []expansion // the ${VAR} references replaced in text
}

// expansion is one ${NAME} reference and the value it was replaced with.
type expansion struct{ ref, value string }

// unexpand puts the ${NAME} references back into msg, so that an error
// quotes the line as written and never prints a variable's value (it may
// be a password in an index URL).
// minSecret is the shortest ${VAR} value that unexpand puts back.
const minSecret = 4

func (l logicalLine) unexpand(msg string) string {
	for _, e := range l.expanded {
		// A value this short is no secret, and putting it back would
		// rewrite the message's own words and numbers ("64" for V=6).
		if len(e.value) < minSecret {
			continue
		}
		msg = strings.ReplaceAll(msg, e.value, e.ref)
		// The value may also appear escaped inside a quoted string.
		if q := strconv.Quote(e.value); len(q) > 2 {
			msg = strings.ReplaceAll(msg, q[1:len(q)-1], e.ref)
		}
	}
	return msg
}

var (
	commentRE = regexp.MustCompile(`(^|[` + pySpace + `]+)#.*$`)
	envVarRE  = regexp.MustCompile(`\$\{([A-Z0-9_]+)\}`)
)

const pySpace = `\t\n\v\f\r \x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}`

// isComment reports whether a physical line is a comment line (pip's
// COMMENT_RE.match: optional leading whitespace, then '#').
func isComment(line string) bool {
	return strings.HasPrefix(strings.TrimLeftFunc(line, pep508.IsPythonSpace), "#")
}

// preprocess splits, joins, strips comments and expands variables.
func preprocess(text string, getenv func(string) string) []logicalLine {
	var joined []logicalLine
	var cont []string
	first := 0
	for i, line := range splitLines(text) {
		no := i + 1
		if !strings.HasSuffix(line, `\`) || isComment(line) {
			if isComment(line) {
				line = " " + line
			}
			if cont != nil {
				joined = append(joined, logicalLine{no: first, text: strings.Join(append(cont, line), "")})
				cont = nil
			} else {
				joined = append(joined, logicalLine{no: no, text: line})
			}
			continue
		}
		if cont == nil {
			first = no
			cont = []string{}
		}
		cont = append(cont, strings.Trim(line, `\`))
	}
	if cont != nil {
		joined = append(joined, logicalLine{no: first, text: strings.Join(cont, "")})
	}
	out := joined[:0]
	for _, l := range joined {
		l.text = strings.TrimFunc(commentRE.ReplaceAllString(l.text, ""), pep508.IsPythonSpace)
		if l.text == "" {
			continue
		}
		l.text = envVarRE.ReplaceAllStringFunc(l.text, func(m string) string {
			if v := getenv(m[2 : len(m)-1]); v != "" {
				l.expanded = append(l.expanded, expansion{ref: m, value: v})
				return v
			}
			return m
		})
		// Longest values first, so that one that contains another is
		// put back whole.
		slices.SortFunc(l.expanded, func(a, b expansion) int { return len(b.value) - len(a.value) })
		out = append(out, l)
	}
	return out
}

// splitLines splits like Python's str.splitlines.
func splitLines(s string) []string {
	var lines []string
	start := 0
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				lines = append(lines, s[start:i])
				i += 2
				start = i
				continue
			}
		default:
			i += n
			continue
		}
		lines = append(lines, s[start:i])
		i += n
		start = i
	}
	if start < len(s) {
		lines = append(lines, s[start:])
	}
	return lines
}

// line handles one logical line.
func (p *fileParser) line(name string, l logicalLine, constraint bool, stack []string) error {
	// Every error names a column (FILE:LINE:COL): the offending character
	// when known, else where the requirement or the options begin.
	lineStart := 1 + len(l.text) - len(strings.TrimLeft(l.text, " \t"))
	fail := func(col int, format string, args ...any) error {
		if col <= 0 {
			col = lineStart
		}
		err := fmt.Errorf(format, args...)
		if len(l.expanded) > 0 {
			err = errors.New(l.unexpand(err.Error()))
		}
		return &fileerr.Error{Path: name, Line: l.no, Col: col, Err: err}
	}
	req, optStr := breakArgsOptions(l.text)
	optCol := lineStart
	if trimmed := strings.TrimSpace(optStr); trimmed != "" {
		if i := strings.LastIndex(l.text, trimmed); i >= 0 {
			optCol = i + 1
		}
	}
	opts, err := shellSplit(optStr)
	if err != nil {
		return fail(optCol, "cannot split options %s: %v", printable.Quote(optStr), err)
	}
	parsed, err := parseOptions(opts)
	if err != nil {
		return fail(optCol, "%w", err)
	}

	if req != "" {
		for _, o := range parsed {
			if o.name != "hash" {
				return fail(optCol, "option %s cannot follow a requirement (put it on its own line)", o.flag)
			}
		}
		rl, err := parseRequirementLine(req)
		if err != nil {
			var se *pep508.SyntaxError
			if errors.As(err, &se) {
				return fail(se.Column, "%v", err)
			}
			return fail(0, "%v", err)
		}
		rl.File, rl.LineNo, rl.Constraint = name, l.no, constraint
		for _, o := range parsed {
			h, err := parseHash(o.value)
			if err != nil {
				return fail(0, "%v", err)
			}
			rl.Hashes = append(rl.Hashes, h)
		}
		if constraint {
			if rl.Path != "" || rl.Req.Name == "" {
				return fail(1, "a constraint must name a project: %s", printable.Quote(req))
			}
			if len(rl.Req.Extras) > 0 {
				return fail(1, "constraints cannot have extras: %s", printable.Quote(req))
			}
			p.out.Constraints = append(p.out.Constraints, rl)
		} else {
			p.out.Requirements = append(p.out.Requirements, rl)
		}
		return nil
	}

	for _, o := range parsed {
		switch o.name {
		case "hash":
			return fail(0, "--hash must follow a requirement on the same line")
		case "requirement", "constraint":
			if err := p.include(name, l.no, optCol, o.value, o.name == "constraint", stack); err != nil {
				return err
			}
		case "index-url":
			p.out.IndexURL = o.value
		case "extra-index-url":
			p.out.ExtraIndexURLs = append(p.out.ExtraIndexURLs, o.value)
		case "find-links":
			p.out.FindLinks = append(p.out.FindLinks, resolveFindLinks(name, o.value))
		case "no-index":
			p.out.NoIndex = true
		case "pre":
			p.out.Pre = true
		case "require-hashes":
			p.out.RequireHashes = true
		}
	}
	return nil
}

// include parses a nested -r/-c file.
func (p *fileParser) include(parent string, lineNo, col int, target string, constraint bool, stack []string) error {
	fail := func(err error) error { return &fileerr.Error{Path: parent, Line: lineNo, Col: col, Err: err} }
	child := joinInclude(parent, target)
	if slices.Contains(stack, cleanName(child)) {
		return fail(fmt.Errorf("requirements file %s includes itself (%s -> %s)", child, strings.Join(stack, " -> "), cleanName(child)))
	}
	if len(stack) >= MaxDepth {
		return fail(fmt.Errorf("requirements files nested more than %d deep", MaxDepth))
	}
	if p.files++; p.files >= MaxFiles {
		return fail(fmt.Errorf("more than %d requirements files included", MaxFiles))
	}
	if p.open == nil {
		return fail(fmt.Errorf("cannot read requirements file %s: includes are not available", child))
	}
	data, err := p.open(child)
	if err != nil {
		return fail(fmt.Errorf("cannot read requirements file %s: %w", child, err))
	}
	return p.parse(child, data, constraint, stack)
}

// joinInclude names an included file relative to the including one, as pip
// does: a URL join when the parent is a URL, a path join otherwise.
func joinInclude(parent, target string) string {
	if hasScheme(parent) {
		base, err := url.Parse(parent)
		ref, err2 := url.Parse(target)
		if err == nil && err2 == nil {
			return base.ResolveReference(ref).String()
		}
		return target
	}
	if hasScheme(target) || filepath.IsAbs(target) {
		return target
	}
	return filepath.Join(filepath.Dir(parent), target)
}

func cleanName(name string) string {
	if hasScheme(name) {
		return name
	}
	return filepath.Clean(name)
}

// hasScheme reports an http, https or file URL (pip's SCHEME_RE).
func hasScheme(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http:") || strings.HasPrefix(l, "https:") || strings.HasPrefix(l, "file:")
}

func isRemote(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http:") || strings.HasPrefix(l, "https:")
}

// resolveFindLinks makes a relative find-links path relative to the file.
func resolveFindLinks(file, v string) string {
	if strings.Contains(v, "://") || hasScheme(v) || filepath.IsAbs(v) || hasScheme(file) {
		return v
	}
	return filepath.Join(filepath.Dir(file), v)
}

// breakArgsOptions splits a line on spaces into the requirement (words
// before the first word starting with '-') and the options.
func breakArgsOptions(line string) (args, opts string) {
	tokens := strings.Split(line, " ")
	for i, t := range tokens {
		if strings.HasPrefix(t, "-") {
			return strings.Join(tokens[:i], " "), strings.Join(tokens[i:], " ")
		}
	}
	return line, ""
}

// shellSplit splits s into words like Python's shlex.split (POSIX mode,
// with '#' starting a comment).
func shellSplit(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '#' && !inWord:
			return words, nil
		case c == '\\':
			if i+1 >= len(s) {
				return nil, errors.New("no escaped character")
			}
			i++
			cur.WriteByte(s[i])
			inWord = true
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("no closing quotation")
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\\\"$`\n", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New("no closing quotation")
			}
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// option is one parsed option: its canonical long name, the spelling used
// and its value.
type option struct {
	name, flag, value string
}

type optionSpec struct {
	long      string
	short     byte // 0 if none
	takesArg  bool
	supported bool
}

var optionSpecs = []optionSpec{
	{"index-url", 'i', true, true},
	{"extra-index-url", 0, true, true},
	{"no-index", 0, false, true},
	{"constraint", 'c', true, true},
	{"requirement", 'r', true, true},
	{"editable", 'e', true, false},
	{"find-links", 'f', true, true},
	{"no-binary", 0, true, false},
	{"only-binary", 0, true, true},
	{"prefer-binary", 0, false, true},
	{"require-hashes", 0, false, true},
	{"pre", 0, false, true},
	{"trusted-host", 0, true, true},
	{"use-feature", 0, true, false},
	{"no-deps-for", 0, true, false},
	{"global-option", 0, true, false},
	{"hash", 0, true, true},
	{"config-settings", 'C', true, false},
}

// parseOptions interprets option words as pip's optparse parser would.
func parseOptions(words []string) ([]option, error) {
	var out []option
	for i := 0; i < len(words); i++ {
		w := words[i]
		var spec *optionSpec
		var value string
		hasValue := false
		switch {
		case strings.HasPrefix(w, "--") && len(w) > 2:
			name := w[2:]
			if k := strings.IndexByte(name, '='); k >= 0 {
				name, value, hasValue = name[:k], name[k+1:], true
			}
			s, err := matchLong(name)
			if err != nil {
				return nil, err
			}
			spec = s
			if !spec.takesArg && hasValue {
				return nil, fmt.Errorf("option --%s takes no value", spec.long)
			}
		case strings.HasPrefix(w, "-") && len(w) > 1 && w[1] != '-':
			for k := range optionSpecs {
				if optionSpecs[k].short == w[1] {
					spec = &optionSpecs[k]
				}
			}
			if spec == nil {
				return nil, fmt.Errorf("unknown option %s", w[:2])
			}
			if len(w) > 2 {
				value, hasValue = w[2:], true
			}
		default:
			return nil, fmt.Errorf("unexpected argument %s among options", printable.Quote(w))
		}
		if spec.long == "editable" {
			return nil, fmt.Errorf("%w (%s)", ErrEditable, strings.Join(words[i:], " "))
		}
		if !spec.supported {
			return nil, fmt.Errorf("option --%s is not supported", spec.long)
		}
		if spec.takesArg && !hasValue {
			if i+1 >= len(words) {
				return nil, fmt.Errorf("option %s requires a value", w)
			}
			i++
			value = words[i]
		}
		if spec.long == "only-binary" || spec.long == "prefer-binary" {
			continue // only wheels are ever installed
		}
		if spec.long == "trusted-host" {
			// pkginstall takes plain-HTTP indexes (a teacher's serve)
			// without it, and verifies TLS wherever TLS is used.
			continue
		}
		out = append(out, option{name: spec.long, flag: w, value: value})
	}
	return out, nil
}

// matchLong finds a long option by exact name or unique prefix.
func matchLong(name string) (*optionSpec, error) {
	var found *optionSpec
	var matches []string
	for k := range optionSpecs {
		s := &optionSpecs[k]
		if s.long == name {
			return s, nil
		}
		if strings.HasPrefix(s.long, name) {
			found = s
			matches = append(matches, "--"+s.long)
		}
	}
	switch len(matches) {
	case 0:
		return nil, fmt.Errorf("unknown option --%s", name)
	case 1:
		return found, nil
	}
	return nil, fmt.Errorf("ambiguous option --%s (%s)", name, strings.Join(matches, ", "))
}

var hashLen = map[string]int{"sha256": 64, "sha384": 96, "sha512": 128}

// parseHash checks a --hash value "algo:hexdigest".
func parseHash(v string) (string, error) {
	algo, digest, ok := strings.Cut(v, ":")
	if !ok {
		return "", fmt.Errorf("--hash %s must be a hash name and a value, like sha256:abcde…", printable.Quote(v))
	}
	n, known := hashLen[algo]
	if !known {
		return "", fmt.Errorf("--hash %s: allowed hash algorithms are sha256, sha384 and sha512", printable.Quote(v))
	}
	digest = strings.ToLower(digest)
	if len(digest) != n || strings.Trim(digest, "0123456789abcdef") != "" {
		return "", fmt.Errorf("--hash %s: a %s digest is %d hexadecimal digits", printable.Quote(v), algo, n)
	}
	return algo + ":" + digest, nil
}

// parseRequirementLine classifies and parses the requirement part of a line.
func parseRequirementLine(s string) (Line, error) {
	lower := strings.ToLower(s)
	if i := strings.Index(s, "://"); i > 0 && isSchemeName(s[:i]) || strings.HasPrefix(lower, "file:") {
		return parseURLLine(s)
	}
	beforeMarker, markerStr, hasMarker := strings.Cut(s, ";")
	if at := strings.IndexByte(beforeMarker, '@'); at >= 0 && !looksLikePath(beforeMarker[:at]) {
		return parsePEP508(s)
	}
	if looksLikePath(beforeMarker) || strings.HasSuffix(strings.ToLower(strings.TrimSpace(stripExtras(beforeMarker))), ".whl") {
		return parsePathLine(strings.TrimSpace(beforeMarker), markerStr, hasMarker)
	}
	return parsePEP508(s)
}

func isSchemeName(s string) bool {
	if s == "" || !('a' <= s[0]|0x20 && s[0]|0x20 <= 'z') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(isAlnum(c) || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func looksLikePath(s string) bool {
	return strings.ContainsAny(s, `/\`) || strings.HasPrefix(s, ".")
}

func parsePEP508(s string) (Line, error) {
	r, err := pep508.ParseRequirement(s)
	if err != nil {
		return Line{}, err
	}
	l := Line{Req: r}
	if strings.HasPrefix(strings.ToLower(r.URL), "file:") {
		if l.Path, err = fileURLPath(r.URL); err != nil {
			return Line{}, err
		}
	}
	return l, nil
}

var extrasRE = regexp.MustCompile(`^(.+)(\[[^\]]+\])$`)

func stripExtras(p string) string {
	if m := extrasRE.FindStringSubmatch(p); m != nil {
		return m[1]
	}
	return p
}

// parsePathLine handles a local wheel path with optional [extras] and marker.
func parsePathLine(p, markerStr string, hasMarker bool) (Line, error) {
	var l Line
	if m := extrasRE.FindStringSubmatch(p); m != nil {
		r, err := pep508.ParseRequirement("x" + m[2])
		if err != nil {
			return Line{}, fmt.Errorf("invalid extras %s: %w", printable.Quote(m[2]), err)
		}
		p, l.Req.Extras = m[1], r.Extras
	}
	if !strings.HasSuffix(strings.ToLower(p), ".whl") {
		return Line{}, fmt.Errorf("%s is not a wheel: only .whl files can be installed from a path", printable.Quote(p))
	}
	name, err := wheelProject(filepath.Base(filepath.FromSlash(strings.ReplaceAll(p, `\`, "/"))))
	if err != nil {
		return Line{}, err
	}
	l.Req.Name, l.Path = name, p
	return withMarker(l, markerStr, hasMarker)
}

// withMarker sets l's marker from markerStr, when the line has one.
func withMarker(l Line, markerStr string, hasMarker bool) (Line, error) {
	if !hasMarker {
		return l, nil
	}
	m, err := pep508.ParseMarker(strings.TrimSpace(markerStr))
	if err != nil {
		return Line{}, err
	}
	l.Req.Marker = m
	return l, nil
}

// parseURLLine handles a bare wheel URL with an optional "; marker".
func parseURLLine(s string) (Line, error) {
	var l Line
	u, markerStr, hasMarker := strings.Cut(s, "; ")
	u = strings.TrimSpace(u)
	parsed, err := url.Parse(u)
	if err != nil {
		return Line{}, fmt.Errorf("invalid URL %s", printable.Quote(u))
	}
	switch strings.ToLower(parsed.Scheme) {
	case "http", "https", "file":
	default:
		return Line{}, fmt.Errorf("unsupported URL scheme %s in %s (only http, https and file wheels)", printable.Quote(parsed.Scheme), printable.Quote(u))
	}
	base := path.Base(parsed.Path)
	if !strings.HasSuffix(strings.ToLower(base), ".whl") {
		return Line{}, fmt.Errorf("%s is not a wheel: only .whl files can be installed from a URL", printable.Quote(u))
	}
	name, err := wheelProject(base)
	if err != nil {
		return Line{}, err
	}
	l.Req.Name, l.Req.URL = name, u
	if strings.EqualFold(parsed.Scheme, "file") {
		if l.Path, err = fileURLPath(u); err != nil {
			return Line{}, err
		}
	}
	return withMarker(l, markerStr, hasMarker)
}

// fileURLPath converts a file: URL to a local path.
func fileURLPath(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || !strings.EqualFold(u.Scheme, "file") {
		return "", fmt.Errorf("invalid file URL %s", printable.Quote(s))
	}
	if u.Host != "" && u.Host != "localhost" {
		return "", fmt.Errorf("file URL %s names a remote host", printable.Quote(s))
	}
	p := u.Path
	if p == "" {
		p = u.Opaque
	}
	// file:///C:/x -> C:/x
	if len(p) >= 3 && p[0] == '/' && p[2] == ':' && ('a' <= p[1]|0x20 && p[1]|0x20 <= 'z') {
		p = p[1:]
	}
	if p == "" {
		return "", fmt.Errorf("file URL %s has no path", printable.Quote(s))
	}
	return filepath.FromSlash(p), nil
}

// wheelProject returns the project name from a wheel file name
// (name-version[-build]-python-abi-platform.whl).
func wheelProject(base string) (string, error) {
	parts := strings.Split(strings.TrimSuffix(base, base[len(base)-4:]), "-")
	if len(parts) != 5 && len(parts) != 6 {
		return "", fmt.Errorf("invalid wheel file name %s", printable.Quote(base))
	}
	if !pep508.ValidName(parts[0]) {
		return "", fmt.Errorf("invalid project name in wheel file name %s", printable.Quote(base))
	}
	return parts[0], nil
}
