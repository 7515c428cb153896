package pep508

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pkginstall/pkginstall/internal/pep440"
)

// Requirement is a parsed PEP 508 dependency specifier.
type Requirement struct {
	Name      string   // as written; see NormalizeName
	Extras    []string // as written, deduplicated and sorted
	Specifier pep440.SpecifierSet
	URL       string // "" unless "name @ URL"
	Marker    *Marker
}

// ParseRequirement parses a PEP 508 requirement such as
// `requests[socks] >=2.8, <3 ; python_version >= "3.8"` or
// `pkg @ https://example.com/pkg-1.0-py3-none-any.whl`.
func ParseRequirement(s string) (Requirement, error) {
	p := &parser{scanner: scanner{src: s}, kind: "requirement"}
	if !utf8.ValidString(s) {
		return Requirement{}, p.fail(0, "not valid UTF-8")
	}
	var r Requirement
	p.skipWS()
	n := p.identifier()
	if n < 0 {
		return Requirement{}, p.fail(p.pos, "expected package name at the start of dependency specifier")
	}
	r.Name = p.src[p.pos : p.pos+n]
	p.pos += n
	p.skipWS()

	extras, err := p.extras()
	if err != nil {
		return Requirement{}, err
	}
	slices.Sort(extras)
	r.Extras = slices.Compact(extras)
	p.skipWS()

	if err := p.details(&r); err != nil {
		return Requirement{}, err
	}
	if !p.atEnd() {
		return Requirement{}, p.fail(p.pos, "expected end of dependency specifier")
	}
	return r, nil
}

// extras parses an optional "[a, b]".
func (p *parser) extras() ([]string, error) {
	if p.char('[') < 0 {
		return nil, nil
	}
	open := p.pos
	p.pos++
	p.skipWS()
	var extras []string
	if n := p.identifier(); n > 0 {
		extras = append(extras, p.src[p.pos:p.pos+n])
		p.pos += n
		for {
			p.skipWS()
			if p.identifier() > 0 {
				return nil, p.fail(p.pos, "expected comma between extra names")
			}
			if p.char(',') < 0 {
				break
			}
			p.pos++
			p.skipWS()
			n := p.identifier()
			if n < 0 {
				return nil, p.fail(p.pos, "expected extra name after comma")
			}
			extras = append(extras, p.src[p.pos:p.pos+n])
			p.pos += n
		}
	}
	p.skipWS()
	if p.char(']') < 0 {
		return nil, p.fail(open, "expected matching ']' for '[', after extras")
	}
	p.pos++
	return extras, nil
}

// details parses "@ URL [marker]" or "specifier [marker]".
func (p *parser) details(r *Requirement) error {
	if p.char('@') > 0 {
		p.pos++
		p.skipWS()
		urlStart := p.pos
		n := p.url()
		if n < 0 {
			return p.fail(p.pos, "expected URL after @")
		}
		r.URL = p.src[p.pos : p.pos+n]
		p.pos += n
		if p.atEnd() {
			return nil
		}
		if p.ws() < 0 {
			return p.fail(p.pos, "expected whitespace after URL")
		}
		p.skipWS()
		if p.atEnd() {
			return nil
		}
		return p.requirementMarker(r, urlStart, "semicolon (after URL and whitespace)")
	}
	specStart := p.pos
	spec, err := p.specifierSet()
	if err != nil {
		return err
	}
	set, err := pep440.ParseSpecifierSet(spec)
	if err != nil {
		return &SyntaxError{Kind: p.kind, Input: p.src, Column: column(p.src, specStart), Msg: "invalid version specifier", Err: err}
	}
	r.Specifier = set
	p.skipWS()
	if p.atEnd() {
		return nil
	}
	expected := "semicolon (after name with no version specifier)"
	if spec != "" {
		expected = "comma (within version specifier), semicolon (after version specifier)"
	}
	return p.requirementMarker(r, specStart, expected)
}

// requirementMarker parses "; marker".
func (p *parser) requirementMarker(r *Requirement, spanStart int, expected string) error {
	if p.char(';') < 0 {
		return p.fail(spanStart, "expected "+expected+" or end")
	}
	p.pos++
	list, err := p.marker()
	if err != nil {
		return err
	}
	p.skipWS()
	r.Marker = &Marker{root: normalizeExtras(list)}
	return nil
}

// specifier parses a specifier set, bare or in parentheses, and returns its
// clauses joined by commas, each as operator followed by version.
func (p *parser) specifierSet() (string, error) {
	open := -1
	if p.char('(') > 0 {
		open = p.pos
		p.pos++
	}
	p.skipWS()
	var clauses []string
	for {
		n := p.scanner.specifier()
		if n < 0 {
			break
		}
		start := p.pos
		tok := p.src[p.pos : p.pos+n]
		p.pos += n
		if strings.HasPrefix(p.src[p.pos:], ".*") {
			if strings.HasPrefix(tok, "==") || strings.HasPrefix(tok, "!=") {
				return "", p.fail(start, ".* suffix cannot be used after pre-release, post-release, developmental release, or local version labels")
			}
			return "", p.fail(start, ".* suffix can only be used with `==` or `!=` operators")
		}
		if p.localLabel() {
			return "", p.fail(start, "local version label can only be used with `==` or `!=` operators")
		}
		clauses = append(clauses, splitClause(tok))
		p.skipWS()
		if p.char(',') < 0 {
			break
		}
		p.pos++
		p.skipWS()
	}
	p.skipWS()
	if open >= 0 {
		if p.char(')') < 0 {
			return "", p.fail(open, "expected matching ')' for '(', after version specifier")
		}
		p.pos++
	}
	return strings.Join(clauses, ","), nil
}

// splitClause rewrites a specifier token as operator+version without the
// whitespace the grammar allows between them.
func splitClause(tok string) string {
	n := 1
	switch {
	case strings.HasPrefix(tok, "==="):
		n = 3
	case len(tok) >= 2 && tok[1] == '=':
		n = 2
	}
	return tok[:n] + strings.TrimFunc(tok[n:], IsPythonSpace)
}

// String returns the canonical form, as packaging prints it:
// name[extras]specifier, or "name[extras] @ URL", then "; marker" (after a
// URL, " ; marker").
func (r Requirement) String() string {
	var b strings.Builder
	b.WriteString(r.Name)
	if len(r.Extras) > 0 {
		b.WriteString("[" + strings.Join(r.Extras, ",") + "]")
	}
	b.WriteString(r.Specifier.String())
	if r.URL != "" {
		b.WriteString(" @ " + r.URL)
		if r.Marker != nil {
			b.WriteString(" ")
		}
	}
	if r.Marker != nil {
		b.WriteString("; " + r.Marker.String())
	}
	return b.String()
}

// EvaluateMarker reports whether the requirement applies in env when the
// given extras are requested: true without a marker; with extras, true when
// the marker holds for any one of them as "extra".
func (r Requirement) EvaluateMarker(env map[string]string, extras ...string) (bool, error) {
	if r.Marker == nil {
		return true, nil
	}
	if len(extras) == 0 {
		return r.Marker.Evaluate(env)
	}
	e := make(map[string]string, len(env)+1)
	for k, v := range env {
		e[k] = v
	}
	for _, x := range extras {
		e["extra"] = x
		ok, err := r.Marker.Evaluate(e)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}
