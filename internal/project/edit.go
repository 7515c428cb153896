package project

// Editing pyproject.toml in place.
//
// Rules: an edit changes the bytes of exactly one array (the dependencies
// of [project], one extra of [project.optional-dependencies] or one group of
// [dependency-groups]), or inserts one new key (after the last key of the
// table that should hold it, else as a new table at the end of the file);
// every other byte stays as it was. The array keeps its style: one entry per
// line (same indentation, trailing comma or not) or inline (same separator).
// The result is parsed again and the edited array checked before it is
// returned, so an edit never produces a file that does not parse.

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/pkginstall/pkginstall/internal/fileerr"
	"github.com/pkginstall/pkginstall/internal/pep508"
)

// Where names the array of requirements an edit applies to.
type Where struct {
	Group    string // a PEP 735 dependency group; "" for none
	Optional string // an extra of [project.optional-dependencies]; "" for none
	// Editable is [tool.pkginstall] editable: the names of the local
	// projects installed editable (a list of names, edited the same way).
	Editable bool
}

// path returns the TOML key path of the array.
func (w Where) path() []string {
	switch {
	case w.Editable:
		return []string{"tool", "pkginstall", "editable"}
	case w.Group != "":
		return []string{"dependency-groups", w.Group}
	case w.Optional != "":
		return []string{"project", "optional-dependencies", w.Optional}
	}
	return []string{"project", "dependencies"}
}

// String names the array for messages.
func (w Where) String() string {
	switch {
	case w.Editable:
		return "[tool.pkginstall] editable"
	case w.Group != "":
		return fmt.Sprintf("[dependency-groups] %s", w.Group)
	case w.Optional != "":
		return fmt.Sprintf("[project.optional-dependencies] %s", w.Optional)
	}
	return "[project] dependencies"
}

// NewPyproject returns a minimal valid pyproject.toml for a project called
// name (normalised) needing requires-python (e.g. ">=3.11"), with an empty
// dependencies array.
func NewPyproject(name, requiresPython string) []byte {
	var b strings.Builder
	b.WriteString("[project]\n")
	fmt.Fprintf(&b, "name = %s\n", TOMLString(ProjectName(name)))
	b.WriteString("version = \"0.1.0\"\n")
	if requiresPython != "" {
		fmt.Fprintf(&b, "requires-python = %s\n", TOMLString(requiresPython))
	}
	b.WriteString("dependencies = []\n")
	return []byte(b.String())
}

var nameJunk = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// ProjectName turns a directory name into a valid normalised project name
// ("My Project" -> "my-project"); "project" when nothing is left.
func ProjectName(dir string) string {
	s := strings.Trim(nameJunk.ReplaceAllString(dir, "-"), "-._")
	if s == "" {
		return "project"
	}
	return pep508.NormalizeName(s)
}

// AddRequirement records req (a PEP 508 string) in the array w of the
// pyproject.toml data (path names the file in errors). An entry for the
// same normalised name with the same marker is replaced in place; others
// with that name and marker are removed; otherwise req is appended. The
// array, its table or the file's tables are created as needed.
func AddRequirement(path string, data []byte, w Where, req string) ([]byte, error) {
	r, err := pep508.ParseRequirement(req)
	if err != nil {
		return nil, fmt.Errorf("invalid requirement %q: %w", req, err)
	}
	name, marker := pep508.NormalizeName(r.Name), r.Marker.String()
	same := func(s string) bool {
		o, err := pep508.ParseRequirement(s)
		return err == nil && pep508.NormalizeName(o.Name) == name && o.Marker.String() == marker
	}
	return edit(path, data, w, req, same)
}

// RemoveRequirement removes every entry of the array w naming the
// distribution name (any spelling, any marker). removed is false, and out
// is data unchanged, when there was none.
func RemoveRequirement(path string, data []byte, w Where, name string) (out []byte, removed bool, err error) {
	name = pep508.NormalizeName(name)
	same := func(s string) bool {
		o, err := pep508.ParseRequirement(s)
		return err == nil && pep508.NormalizeName(o.Name) == name
	}
	out, err = edit(path, data, w, "", same)
	if err != nil {
		return nil, false, err
	}
	return out, string(out) != string(data), nil
}

// Requirements returns the string entries of the array w ("" entries for
// values that are not strings); ok is false when the array does not exist.
func Requirements(path string, data []byte, w Where) (reqs []string, ok bool, err error) {
	doc, err := scan(path, data, w.path())
	if err != nil {
		return nil, false, err
	}
	if doc.array == nil {
		return nil, false, nil
	}
	for _, e := range doc.array.elems {
		reqs = append(reqs, e.value)
	}
	return reqs, true, nil
}

// element is one value of an array: its byte span and, for a string, its value.
type element struct {
	start, end int
	isString   bool
	value      string
}

// arrayInfo is the array being edited.
type arrayInfo struct {
	open, close int // offsets of '[' and ']'
	elems       []element
}

// document is what scan learned about the file.
type document struct {
	data  []byte
	array *arrayInfo
	// insertAt is where a new key for the array goes (-1: append a table at
	// the end); keyPrefix is the dotted key prefix to write before the last
	// path element there.
	insertAt  int
	keyPrefix []string
}

func positionError(path string, p *unstable.Parser, err error) error {
	var pe *unstable.ParserError
	if errors.As(err, &pe) && pe.Highlight != nil {
		sh := p.Shape(p.Range(pe.Highlight))
		return fileerr.New(path, sh.Start.Line, sh.Start.Column, pe.Message)
	}
	return fileerr.New(path, 0, 0, err.Error())
}

// scan parses data and locates the array at target (a key path) and where
// a missing one would be inserted.
func scan(path string, data []byte, target []string) (*document, error) {
	// The full decoder first: it checks everything (duplicate keys, table
	// redefinitions) that the expression parser alone does not.
	var whole map[string]any
	if err := Decode(path, data, &whole); err != nil {
		return nil, err
	}
	doc := &document{data: data, insertAt: -1}
	p := &unstable.Parser{}
	p.Reset(data)
	var table []string
	tableIsArray := false
	parent := target[:len(target)-1]
	bestDepth := -1 // how much of parent the chosen insertion table covers
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = keyPath(e.Key())
			tableIsArray = e.Kind == unstable.ArrayTable
			if !tableIsArray && slices.Equal(table, parent) && bestDepth < len(parent) {
				doc.insertAt = lineEnd(data, lastKeyEnd(p, e.Key()))
				doc.keyPrefix = nil
				bestDepth = len(parent)
			}
		case unstable.KeyValue:
			if tableIsArray {
				continue
			}
			full := append(slices.Clone(table), keyPath(e.Key())...)
			kvEnd := int(e.Raw.Offset + e.Raw.Length)
			if slices.Equal(full, target) {
				v := e.Value()
				if v.Kind != unstable.Array {
					sh := p.Shape(e.Raw)
					return nil, fileerr.New(path, sh.Start.Line, sh.Start.Column, fmt.Sprintf("%s must be an array of strings, not %s", strings.Join(target, "."), strings.ToLower(v.Kind.String())))
				}
				arr, err := arraySpan(p, e, data)
				if err != nil {
					return nil, fileerr.New(path, 0, 0, err.Error())
				}
				doc.array = arr
				continue
			}
			// A sibling key in the table that holds the array: insert after
			// the last one, with the same dotted prefix.
			if len(full) == len(target) && slices.Equal(full[:len(parent)], parent) && len(table) <= len(parent) && slices.Equal(parent[:len(table)], table) {
				if len(table) >= bestDepth {
					bestDepth = len(table)
					doc.insertAt = lineEnd(data, kvEnd)
					doc.keyPrefix = slices.Clone(parent[len(table):])
				}
			}
		}
	}
	if err := p.Error(); err != nil {
		return nil, positionError(path, p, err)
	}
	return doc, nil
}

func keyPath(it unstable.Iterator) []string {
	var out []string
	for it.Next() {
		out = append(out, string(it.Node().Data))
	}
	return out
}

func lastKeyEnd(p *unstable.Parser, it unstable.Iterator) int {
	end := 0
	for it.Next() {
		r := it.Node().Raw
		end = int(r.Offset + r.Length)
	}
	return end
}

// lineEnd returns the offset just after the newline that ends the line
// holding offset i (len(data) when the line is the last).
func lineEnd(data []byte, i int) int {
	for ; i < len(data); i++ {
		if data[i] == '\n' {
			return i + 1
		}
	}
	return len(data)
}

// arraySpan finds the bytes of the array value of the key/value e and the
// span of each element.
func arraySpan(p *unstable.Parser, e *unstable.Node, data []byte) (*arrayInfo, error) {
	kvEnd := int(e.Raw.Offset + e.Raw.Length)
	i := lastKeyEnd(p, e.Key())
	for i < len(data) && (data[i] == ' ' || data[i] == '\t') {
		i++
	}
	if i >= len(data) || data[i] != '=' {
		return nil, errors.New("cannot find the array's '='")
	}
	i++
	for i < len(data) && (data[i] == ' ' || data[i] == '\t') {
		i++
	}
	if i >= kvEnd || data[i] != '[' || data[kvEnd-1] != ']' {
		return nil, errors.New("cannot find the array's brackets")
	}
	arr := &arrayInfo{open: i, close: kvEnd - 1}
	spans, err := scanElements(data, i+1, kvEnd-1)
	if err != nil {
		return nil, err
	}
	var vals []*unstable.Node
	it := e.Value().Children()
	for it.Next() {
		if it.Node().Kind != unstable.Comment {
			vals = append(vals, it.Node())
		}
	}
	if len(vals) != len(spans) {
		return nil, fmt.Errorf("array has %d values but %d were found in its text", len(vals), len(spans))
	}
	for k, sp := range spans {
		el := element{start: sp[0], end: sp[1]}
		if vals[k].Kind == unstable.String {
			el.isString = true
			el.value = string(vals[k].Data)
		}
		arr.elems = append(arr.elems, el)
	}
	return arr, nil
}

// scanElements returns the [start, end) spans of the values between
// data[from:to] (the inside of a valid TOML array).
func scanElements(data []byte, from, to int) ([][2]int, error) {
	var spans [][2]int
	i := from
	for i < to {
		c := data[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',':
			i++
		case c == '#':
			for i < to && data[i] != '\n' {
				i++
			}
		default:
			end, err := valueEnd(data, i, to)
			if err != nil {
				return nil, err
			}
			spans = append(spans, [2]int{i, end})
			i = end
		}
	}
	return spans, nil
}

// valueEnd returns the end of the TOML value starting at data[i].
func valueEnd(data []byte, i, to int) (int, error) {
	switch data[i] {
	case '"', '\'':
		return stringEnd(data, i, to)
	case '[', '{':
		depth := 0
		for i < to {
			switch data[i] {
			case '"', '\'':
				end, err := stringEnd(data, i, to)
				if err != nil {
					return 0, err
				}
				i = end
				continue
			case '#':
				for i < to && data[i] != '\n' {
					i++
				}
				continue
			case '[', '{':
				depth++
			case ']', '}':
				depth--
				if depth == 0 {
					return i + 1, nil
				}
			}
			i++
		}
		return 0, errors.New("unbalanced brackets in array")
	}
	for i < to && !strings.ContainsRune(" \t\r\n,#]", rune(data[i])) {
		i++
	}
	return i, nil
}

func stringEnd(data []byte, i, to int) (int, error) {
	q := data[i]
	if i+2 < to && data[i+1] == q && data[i+2] == q {
		// Multi-line string: up to the closing triple quote, plus up to two
		// more quotes, which belong to the content.
		j := i + 3
		for j+2 < to {
			if q == '"' && data[j] == '\\' {
				j += 2
				continue
			}
			if data[j] == q && data[j+1] == q && data[j+2] == q {
				k := j + 3
				for k < to && data[k] == q && k-j < 5 {
					k++
				}
				return k, nil
			}
			j++
		}
		return 0, errors.New("unterminated multi-line string")
	}
	j := i + 1
	for j < to {
		if q == '"' && data[j] == '\\' {
			j += 2
			continue
		}
		if data[j] == q {
			return j + 1, nil
		}
		j++
	}
	return 0, errors.New("unterminated string")
}

// edit replaces (or removes, when req is "") the entries for which same
// holds, or appends req, and checks the result.
func edit(path string, data []byte, w Where, req string, same func(string) bool) ([]byte, error) {
	target := w.path()
	doc, err := scan(path, data, target)
	if err != nil {
		return nil, err
	}
	var out []byte
	var want []string
	if doc.array == nil {
		if req == "" {
			return data, nil
		}
		out = insertArray(data, doc, target, req)
		want = []string{req}
	} else {
		out, want = editArray(data, doc.array, req, same)
	}
	if err := verify(path, out, target, want); err != nil {
		return nil, err
	}
	return out, nil
}

// insertArray adds `key = [req]` where scan said, or a new table.
func insertArray(data []byte, doc *document, target []string, req string) []byte {
	entry := "[\n    " + TOMLString(req) + ",\n]"
	if doc.insertAt >= 0 {
		key := append(slices.Clone(doc.keyPrefix), target[len(target)-1])
		line := joinKey(key) + " = " + entry + "\n"
		at := doc.insertAt
		var b []byte
		b = append(b, data[:at]...)
		if at > 0 && data[at-1] != '\n' {
			b = append(b, newline(data)...)
		}
		b = append(b, withNewline(line, data)...)
		return append(b, data[at:]...)
	}
	parent := target[:len(target)-1]
	var b []byte
	b = append(b, data...)
	nl := newline(data)
	if len(b) > 0 && b[len(b)-1] != '\n' {
		b = append(b, nl...)
	}
	if len(b) > 0 {
		b = append(b, nl...)
	}
	section := "[" + joinKey(parent) + "]\n" + joinKey(target[len(target)-1:]) + " = " + entry + "\n"
	return append(b, withNewline(section, data)...)
}

// newline is the file's line ending.
func newline(data []byte) string {
	if i := strings.IndexByte(string(data), '\n'); i > 0 && data[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

func withNewline(s string, data []byte) string {
	if nl := newline(data); nl != "\n" {
		return strings.ReplaceAll(s, "\n", nl)
	}
	return s
}

// splice replaces data[start:end] with text.
type splice struct {
	start, end int
	text       string
}

// editArray splices the array's text.
func editArray(data []byte, a *arrayInfo, req string, same func(string) bool) ([]byte, []string) {
	inner := string(data[a.open+1 : a.close])
	multiline := strings.Contains(inner, "\n")

	var splices []splice
	var want []string
	replaced := false
	var kept []element
	for _, e := range a.elems {
		if e.isString && same(e.value) {
			if req != "" && !replaced {
				splices = append(splices, splice{e.start, e.end, quoteLike(req, data[e.start])})
				want = append(want, req)
				kept = append(kept, e)
				replaced = true
				continue
			}
			continue
		}
		want = append(want, e.value)
		kept = append(kept, e)
	}
	splices = append(splices, removals(data, a, kept, multiline)...)
	if req != "" && !replaced {
		want = append(want, req)
		splices = append(splices, addition(data, a, req, inner, multiline))
	}
	b := applySplices(data, splices)
	// An array left with nothing but blank space collapses to [].
	if len(want) == 0 && req == "" {
		open := a.open
		end := a.close + 1 + (len(b) - len(data))
		if end <= len(b) && open < end && strings.TrimSpace(string(b[open+1:end-1])) == "" {
			b = append(append(b[:open:open], "[]"...), b[end:]...)
		}
	}
	return b, want
}

// removals are the splices that drop every element of a not in kept, each
// with its separator (and its line, when it stands alone on one).
func removals(data []byte, a *arrayInfo, kept []element, multiline bool) []splice {
	isKept := func(e element) bool {
		for _, k := range kept {
			if k.start == e.start {
				return true
			}
		}
		return false
	}
	lastKept := -1
	for i, e := range a.elems {
		if isKept(e) {
			lastKept = i
		}
	}
	var splices []splice
	for i, e := range a.elems {
		if isKept(e) {
			continue
		}
		if multiline {
			if ls, le, ok := ownLine(data, a, e); ok {
				splices = append(splices, splice{ls, le, ""})
				// The last entry had no trailing comma: neither should the new last.
				if i == len(a.elems)-1 && !hasComma(data, e.end, a.close) && lastKept >= 0 && lastKept < i {
					k := a.elems[lastKept]
					if c := commaAfter(data, k.end, a.close); c >= 0 {
						splices = append(splices, splice{c, c + 1, ""})
					}
				}
				continue
			}
		}
		// Inline: up to the next element, or from the previous one when last.
		if i+1 < len(a.elems) {
			splices = append(splices, splice{e.start, a.elems[i+1].start, ""})
		} else if i > 0 {
			splices = append(splices, splice{a.elems[i-1].end, e.end, ""})
		} else {
			end := e.end
			if c := commaAfter(data, e.end, a.close); c >= 0 {
				end = c + 1
			}
			splices = append(splices, splice{e.start, end, ""})
		}
	}
	return splices
}

// addition is the splice that appends req to the array a, in its style.
func addition(data []byte, a *arrayInfo, req, inner string, multiline bool) splice {
	nl := newline(data)
	switch {
	case len(a.elems) == 0 && strings.TrimSpace(inner) == "":
		return splice{a.open, a.close + 1, "[" + nl + "    " + TOMLString(req) + "," + nl + "]"}
	case len(a.elems) == 0:
		// Only comments inside: add a line before the closing bracket.
		return splice{a.close, a.close, "    " + TOMLString(req) + "," + nl}
	case multiline:
		last := a.elems[len(a.elems)-1]
		indent := indentOf(data, last.start)
		if !isOnOwnLineStart(data, last.start) {
			indent = "    "
		}
		q := quoteLike(req, data[last.start])
		comma := commaAfter(data, last.end, a.close)
		trailing := comma >= 0
		pos := last.end
		tail, lead := "", ","
		if trailing {
			pos = comma + 1
			tail, lead = ",", ""
		}
		if le := lineEnd(data, pos); le <= a.close {
			// A missing comma goes after the last entry, the new line after
			// the end of its line.
			return splice{last.end, le, string(data[last.end:pos]) + lead + string(data[pos:le]) + indent + q + tail + nl}
		}
		// The closing bracket shares the last entry's line.
		return splice{last.end, pos, string(data[last.end:pos]) + lead + nl + indent + q + tail}
	default:
		last := a.elems[len(a.elems)-1]
		sep := ", "
		if len(a.elems) > 1 {
			between := string(data[a.elems[0].end:a.elems[1].start])
			if !strings.Contains(between, " ") {
				sep = ","
			}
		}
		return splice{last.end, last.end, sep + quoteLike(req, data[last.start])}
	}
}

// applySplices applies splices (sorted here) to data; a splice overlapping
// an earlier one is already covered by it.
func applySplices(data []byte, splices []splice) []byte {
	slices.SortStableFunc(splices, func(x, y splice) int { return x.start - y.start })
	var b []byte
	pos := 0
	for _, s := range splices {
		if s.start < pos {
			continue // overlapping removal (already covered)
		}
		b = append(b, data[pos:s.start]...)
		b = append(b, s.text...)
		pos = s.end
	}
	return append(b, data[pos:]...)
}

// ownLine reports whether e stands on lines of its own (only blanks before
// it; a comma, blanks and a comment after), and returns those lines' span.
func ownLine(data []byte, a *arrayInfo, e element) (int, int, bool) {
	ls := e.start
	for ls > a.open+1 && (data[ls-1] == ' ' || data[ls-1] == '\t') {
		ls--
	}
	if data[ls-1] != '\n' {
		return 0, 0, false
	}
	i := e.end
	for i < a.close && (data[i] == ' ' || data[i] == '\t') {
		i++
	}
	if i < a.close && data[i] == ',' {
		i++
	}
	for i < a.close && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r') {
		i++
	}
	if i < a.close && data[i] == '#' {
		for i < a.close && data[i] != '\n' {
			i++
		}
	}
	if i >= a.close || data[i] != '\n' {
		return 0, 0, false
	}
	return ls, i + 1, true
}

func isOnOwnLineStart(data []byte, i int) bool {
	for i > 0 && (data[i-1] == ' ' || data[i-1] == '\t') {
		i--
	}
	return i == 0 || data[i-1] == '\n'
}

func indentOf(data []byte, i int) string {
	j := i
	for j > 0 && (data[j-1] == ' ' || data[j-1] == '\t') {
		j--
	}
	return string(data[j:i])
}

// commaAfter returns the offset of the comma following a value ending at
// i (blanks, newlines and comments may come between), or -1.
func commaAfter(data []byte, i, limit int) int {
	for i < limit {
		switch data[i] {
		case ' ', '\t', '\r', '\n':
			i++
		case '#':
			for i < limit && data[i] != '\n' {
				i++
			}
		case ',':
			return i
		default:
			return -1
		}
	}
	return -1
}

func hasComma(data []byte, i, limit int) bool { return commaAfter(data, i, limit) >= 0 }

// verify parses out and checks that the array at target holds want.
func verify(path string, out []byte, target []string, want []string) error {
	var doc map[string]any
	if err := toml.Unmarshal(out, &doc); err != nil {
		return fmt.Errorf("%s: cannot edit %s automatically (the edit would not parse: %v); edit it by hand", path, strings.Join(target, "."), err)
	}
	var cur any = doc
	for _, k := range target {
		m, ok := cur.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: cannot edit %s automatically; edit it by hand", path, strings.Join(target, "."))
		}
		cur = m[k]
	}
	got, _ := cur.([]any)
	if len(got) != len(want) {
		return fmt.Errorf("%s: cannot edit %s automatically; edit it by hand", path, strings.Join(target, "."))
	}
	for i := range got {
		if s, ok := got[i].(string); ok && s != want[i] {
			return fmt.Errorf("%s: cannot edit %s automatically; edit it by hand", path, strings.Join(target, "."))
		}
	}
	return nil
}

var bareKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func joinKey(parts []string) string {
	out := make([]string, len(parts))
	for i, p := range parts {
		if bareKey.MatchString(p) {
			out[i] = p
		} else {
			out[i] = TOMLString(p)
		}
	}
	return strings.Join(out, ".")
}

// TOMLString writes s as a TOML basic string: the one quoting rule of the
// TOML files pkginstall writes (pyproject.toml edits, pylock.toml).
func TOMLString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// quoteLike quotes s as a literal string when the neighbouring entry is one
// (first byte q) and s can be written so; else as a basic string.
func quoteLike(s string, q byte) string {
	if q == '\'' && !strings.ContainsAny(s, "'\n\r") && !hasControl(s) {
		return "'" + s + "'"
	}
	return TOMLString(s)
}

func hasControl(s string) bool {
	for _, r := range s {
		if (r < 0x20 && r != '\t') || r == 0x7f {
			return true
		}
	}
	return false
}
