// Package redact keeps credentials written in URLs out of everything
// pkginstall prints or writes. It owns the rule:
//
//   - A URL's userinfo (user:password@) is needed only for the request
//     itself, in memory. Every URL written to a file (pyproject.toml unless
//     the user asks, pylock.toml, direct_url.json, --report, caches) has it
//     removed: Strip. PEP 610 requires this for direct_url.json.
//   - Every URL printed (messages, errors, logs) shows "***" in its place,
//     so the reader can tell that credentials were there: URL.
//   - A requirement's text ("name @ URL ; marker") is handled the same way
//     through its URL: StripRequirement and Requirement.
//   - Text, for a whole message, shows as "***" the userinfo of every URL
//     in it: the last guard before anything reaches a terminal or a log.
//   - Text that does not parse as a URL is still cut before an "@" in its
//     authority: a credential never leaks because a URL is malformed.
package redact

import (
	"net/url"
	"regexp"
	"strings"
)

// Strip returns rawURL without its userinfo.
func Strip(rawURL string) string { return replace(rawURL, "") }

// URL returns rawURL with its userinfo shown as "***".
func URL(rawURL string) string { return replace(rawURL, "***@") }

// HasUserinfo reports whether rawURL carries a user name or password.
func HasUserinfo(rawURL string) bool { return Strip(rawURL) != rawURL }

func replace(rawURL, with string) string {
	i := strings.Index(rawURL, "://")
	if i <= 0 || !isScheme(rawURL[:i]) {
		return rawURL
	}
	if u, err := url.Parse(rawURL); err == nil && u.Host != "" {
		if u.User == nil {
			return rawURL
		}
		c := *u
		c.User = nil
		if with == "" {
			return c.String()
		}
		// url.URL would escape "*": render a plain placeholder, then
		// swap it (the first "//x@" is the authority, as Host is set).
		c.User = url.User("x")
		return strings.Replace(c.String(), "//x@", "//"+with, 1)
	}
	rest := rawURL[i+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
		return rawURL[:i+3] + with + rest[at+1:]
	}
	return rawURL
}

// isScheme reports an RFC 3986 scheme: a letter, then letters, digits,
// '+', '-' or '.'.
func isScheme(s string) bool {
	for i, c := range []byte(s) {
		letter := c|0x20 >= 'a' && c|0x20 <= 'z'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return s != ""
}

// StripRequirement returns a requirement's text with the userinfo of its
// URL removed; Requirement shows it as "***". Text without " @ " or
// without credentials is returned as it is.
func StripRequirement(req string) string { return replaceInRequirement(req, Strip) }

// Requirement is StripRequirement for printing: the userinfo becomes "***".
func Requirement(req string) string { return replaceInRequirement(req, URL) }

func replaceInRequirement(req string, f func(string) string) string {
	at := strings.Index(req, "@")
	if at < 0 {
		return req
	}
	// The URL runs from after "@" (and spaces) to the first space or ";"
	// (PEP 508: a marker after a URL needs a space before ";").
	start := at + 1
	for start < len(req) && req[start] == ' ' {
		start++
	}
	end := start
	for end < len(req) && req[end] != ' ' && req[end] != '\t' {
		end++
	}
	if !strings.Contains(req[start:end], "://") {
		return req
	}
	return req[:start] + f(req[start:end]) + req[end:]
}

// userinfoRE matches a URL's scheme and userinfo inside free text: the
// userinfo ends at the last "@" before the path, and holds no space, quote
// or slash.
var userinfoRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\s"'<>@]*(?:@[^/?#\s"'<>@]*)*@`)

// Text shows as "***" the userinfo of every URL in s.
func Text(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	return userinfoRE.ReplaceAllString(s, "${1}***@")
}
