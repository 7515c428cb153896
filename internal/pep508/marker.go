package pep508

import (
	"strings"
	"unicode/utf8"

	"github.com/pkginstall/pkginstall/internal/pep440"
)

// Marker is a parsed environment marker. The zero value and nil are not
// valid markers; a nil *Marker evaluates to true and prints as "".
type Marker struct {
	root markerList
}

// markerList is a sequence of atoms separated by "and"/"or": its elements
// are markerList (a parenthesised group), *markerItem or boolOp.
type markerList []any

type boolOp string

// operand is one side of a comparison: a variable name or a string value.
type operand struct {
	variable bool
	value    string
}

type markerItem struct {
	lhs, rhs operand
	op       string
}

// versionKeys are the variables compared as PEP 440 versions when the
// comparison forms a valid specifier.
var versionKeys = map[string]bool{
	"implementation_version": true,
	"platform_release":       true,
	"python_full_version":    true,
	"python_version":         true,
}

// setKeys are the variables whose value is a set of names.
var setKeys = map[string]bool{"extras": true, "dependency_groups": true}

// ParseMarker parses an environment marker expression.
func ParseMarker(s string) (*Marker, error) {
	p := &parser{scanner: scanner{src: s}, kind: "marker"}
	if !utf8.ValidString(s) {
		return nil, p.fail(0, "not valid UTF-8")
	}
	list, err := p.marker()
	if err != nil {
		return nil, err
	}
	if !p.atEnd() {
		return nil, p.fail(p.pos, "expected end of marker expression")
	}
	return &Marker{root: normalizeExtras(list)}, nil
}

type parser struct {
	scanner
	kind string
}

func (p *parser) fail(pos int, msg string) error {
	return &SyntaxError{Kind: p.kind, Input: p.src, Column: column(p.src, pos), Msg: msg}
}

// marker parses marker_atom (BOOLOP marker_atom)*.
func (p *parser) marker() (markerList, error) {
	atom, err := p.atom()
	if err != nil {
		return nil, err
	}
	list := markerList{atom}
	for {
		n := p.keyword("or", "and")
		if n < 0 {
			return list, nil
		}
		op := boolOp(p.src[p.pos : p.pos+n])
		p.pos += n
		atom, err := p.atom()
		if err != nil {
			return nil, err
		}
		list = append(list, op, atom)
	}
}

// atom parses a parenthesised marker or a single comparison, with optional
// whitespace around it.
func (p *parser) atom() (any, error) {
	p.skipWS()
	var atom any
	if p.char('(') > 0 {
		open := p.pos
		p.pos++
		p.skipWS()
		inner, err := p.marker()
		if err != nil {
			return nil, err
		}
		p.skipWS()
		if p.char(')') < 0 {
			return nil, p.fail(open, "expected matching ')' for '(', after marker expression")
		}
		p.pos++
		atom = inner
	} else {
		item, err := p.item()
		if err != nil {
			return nil, err
		}
		atom = item
	}
	p.skipWS()
	return atom, nil
}

func (p *parser) item() (*markerItem, error) {
	p.skipWS()
	lhs, err := p.operand()
	if err != nil {
		return nil, err
	}
	p.skipWS()
	op, err := p.operator()
	if err != nil {
		return nil, err
	}
	p.skipWS()
	rhs, err := p.operand()
	if err != nil {
		return nil, err
	}
	p.skipWS()
	return &markerItem{lhs: lhs, op: op, rhs: rhs}, nil
}

func (p *parser) operand() (operand, error) {
	if n := p.variable(); n > 0 {
		name := strings.ReplaceAll(p.src[p.pos:p.pos+n], ".", "_")
		p.pos += n
		if name == "python_implementation" {
			name = "platform_python_implementation"
		}
		return operand{variable: true, value: name}, nil
	}
	if n := p.quoted(); n > 0 {
		start := p.pos
		v, err := decodePyString(p.src[p.pos : p.pos+n])
		if err != nil {
			return operand{}, p.fail(start, "invalid quoted string ("+err.Error()+")")
		}
		p.pos += n
		return operand{value: v}, nil
	}
	return operand{}, p.fail(p.pos, "expected a marker variable or quoted string")
}

func (p *parser) operator() (string, error) {
	if n := p.keyword("in"); n > 0 {
		p.pos += n
		return "in", nil
	}
	if n := p.keyword("not"); n > 0 {
		p.pos += n
		if p.ws() < 0 {
			return "", p.fail(p.pos, "expected whitespace after 'not'")
		}
		p.skipWS()
		n := p.keyword("in")
		if n < 0 {
			return "", p.fail(p.pos, "expected 'in' after 'not'")
		}
		p.pos += n
		return "not in", nil
	}
	if n := p.op(); n > 0 {
		op := p.src[p.pos : p.pos+n]
		p.pos += n
		return op, nil
	}
	return "", p.fail(p.pos, "expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in")
}

// normalizeExtras normalises (PEP 685) the string compared with "extra".
func normalizeExtras(list markerList) markerList {
	for _, e := range list {
		switch v := e.(type) {
		case markerList:
			normalizeExtras(v)
		case *markerItem:
			if v.lhs.variable && v.lhs.value == "extra" && !v.rhs.variable {
				v.rhs.value = NormalizeName(v.rhs.value)
			} else if v.rhs.variable && v.rhs.value == "extra" && !v.lhs.variable {
				v.lhs.value = NormalizeName(v.lhs.value)
			}
		}
	}
	return list
}

// String returns the canonical form, as packaging prints it: single spaces
// around operators and "and"/"or", values in double quotes, variables in
// their modern spelling, and parentheses only around nested groups.
func (m *Marker) String() string {
	if m == nil {
		return ""
	}
	return formatMarker(m.root, true)
}

func formatMarker(e any, first bool) string {
	switch v := e.(type) {
	case markerList:
		if len(v) == 1 {
			return formatMarker(v[0], true)
		}
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = formatMarker(x, false)
		}
		if first {
			return strings.Join(parts, " ")
		}
		return "(" + strings.Join(parts, " ") + ")"
	case *markerItem:
		return v.lhs.String() + " " + v.op + " " + v.rhs.String()
	case boolOp:
		return string(v)
	}
	return ""
}

func (o operand) String() string {
	if o.variable {
		return o.value
	}
	return quotePyString(o.value)
}

// Evaluate evaluates the marker in env, which maps PEP 508 variable names to
// their values (see the package documentation for the rules). A nil marker
// is true.
func (m *Marker) Evaluate(env map[string]string) (bool, error) {
	if m == nil {
		return true, nil
	}
	return evalList(m.root, env)
}

func evalList(list markerList, env map[string]string) (bool, error) {
	anyGroup, all := false, true
	for _, e := range list {
		switch v := e.(type) {
		case markerList:
			ok, err := evalList(v, env)
			if err != nil {
				return false, err
			}
			all = all && ok
		case *markerItem:
			ok, err := evalItem(v, env)
			if err != nil {
				return false, err
			}
			all = all && ok
		case boolOp:
			if v == "or" {
				anyGroup = anyGroup || all
				all = true
			}
		}
	}
	return anyGroup || all, nil
}

func lookup(env map[string]string, key string) (string, error) {
	v, ok := env[key]
	switch key {
	case "extra":
		if !ok || v == "" {
			return "", nil
		}
		return NormalizeName(v), nil
	case "python_full_version":
		if ok && strings.HasSuffix(v, "+") {
			v += "local"
		}
	}
	if !ok {
		return "", &UndefinedNameError{Name: key}
	}
	return v, nil
}

func evalItem(it *markerItem, env map[string]string) (bool, error) {
	var key, lhs, rhs string
	var err error
	if it.lhs.variable {
		key = it.lhs.value
		if lhs, err = lookup(env, key); err != nil {
			return false, err
		}
		rhs = it.rhs.value
		if setKeys[key] {
			return false, &UndefinedComparisonError{Op: it.op, LHS: lhs, RHS: rhs}
		}
	} else {
		lhs = it.lhs.value
		key = it.rhs.value
		if rhs, err = lookup(env, key); err != nil {
			return false, err
		}
	}
	if setKeys[key] {
		return evalSet(it.op, lhs, rhs)
	}
	return evalOp(lhs, it.op, rhs, key)
}

// evalSet compares a name with a set-valued variable (extras,
// dependency_groups), given as a comma-separated list.
func evalSet(op, lhs, rhs string) (bool, error) {
	name := NormalizeName(lhs)
	found := false
	for _, e := range strings.Split(rhs, ",") {
		if e = strings.TrimSpace(e); e != "" && NormalizeName(e) == name {
			found = true
		}
	}
	switch op {
	case "in":
		return found, nil
	case "not in":
		return !found, nil
	case "!=":
		return true, nil
	case "==", "<=", ">=", "<", ">":
		return false, nil
	}
	return false, &UndefinedComparisonError{Op: op, LHS: lhs, RHS: rhs}
}

// evalOp compares lhs with rhs; key is the variable involved.
func evalOp(lhs, op, rhs, key string) (bool, error) {
	if versionKeys[key] {
		if ok, valid := versionContains(op, rhs, lhs); valid {
			return ok, nil
		}
	}
	switch op {
	case "in":
		return strings.Contains(rhs, lhs), nil
	case "not in":
		return !strings.Contains(rhs, lhs), nil
	case "==", "<=", ">=":
		return lhs == rhs, nil
	case "!=":
		return lhs != rhs, nil
	case "<", ">":
		return false, nil
	}
	return false, &UndefinedComparisonError{Op: op, LHS: lhs, RHS: rhs}
}

// versionContains tests whether version v satisfies the single specifier
// op+spec, with pre-releases allowed. valid is false when op+spec is not a
// valid specifier.
func versionContains(op, spec, v string) (ok, valid bool) {
	clause := op + spec
	if !specifierFull.MatchString(clause) {
		return false, false
	}
	clause = op + strings.TrimFunc(spec, IsPythonSpace)
	set, err := pep440.ParseSpecifierSet(clause)
	if err != nil {
		return false, false
	}
	ver, err := pep440.Parse(strings.TrimFunc(v, IsPythonSpace))
	if err != nil {
		// Not a version: only arbitrary equality can match.
		return op == "===" && strings.EqualFold(v, strings.TrimFunc(spec, IsPythonSpace)), true
	}
	return set.Contains(ver, true), true
}
