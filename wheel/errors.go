package wheel

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kinds of problem. Every problem in an [*Error], and the error a member
// reader returns, matches one of these with [errors.Is], so callers (and
// tests) can tell a hostile path from a bad hash without parsing messages.
var (
	ErrUnsafePath    = errors.New("unsafe path")                 // absolute, "..", backslash, control characters, ...
	ErrDuplicate     = errors.New("duplicate member")            // same name, or same name but for case
	ErrSpecialFile   = errors.New("not a regular file")          // symlink, device, FIFO, socket
	ErrTooLarge      = errors.New("too large")                   // a limit below was passed
	ErrRecord        = errors.New("record mismatch")             // RECORD and the archive disagree
	ErrHashMismatch  = errors.New("hash mismatch")               // content differs from RECORD
	ErrSizeMismatch  = errors.New("size mismatch")               // content length differs from RECORD
	ErrNameMismatch  = errors.New("name or version mismatch")    // file name, .dist-info, METADATA disagree
	ErrMissing       = errors.New("missing required file")       // no METADATA, WHEEL, RECORD, .dist-info
	ErrBadMetadata   = errors.New("invalid metadata")            // a dist-info file does not parse
	ErrUnsupported   = errors.New("unsupported")                 // Wheel-Version 2, zip method, encryption
	ErrInvalidFormat = errors.New("invalid zip archive")         // the zip itself is damaged
	ErrLayout        = errors.New("invalid wheel layout")        // files outside the .data categories, ...
	ErrNotFound      = errors.New("no such member in the wheel") // Wheel.Open / ReadFile of an unknown name
)

// Error is what [Open] returns when a wheel fails validation: every problem
// found, in a stable order. Problems are usually [*FileError] values.
type Error struct {
	Wheel    string  // the wheel's file name
	Problems []error // at least one
}

// Error returns one line per problem, each prefixed with the wheel's name.
func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Wheel)
		b.WriteString(": ")
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap returns the problems, so that errors.Is and errors.As look into them.
func (e *Error) Unwrap() []error { return e.Problems }

// FileError is a problem with one member of a wheel (or one RECORD entry).
type FileError struct {
	Wheel string // the wheel's file name; empty inside an [*Error], which names it once
	Path  string // the member's name as stored in the archive (or RECORD)
	Err   error
}

// Error returns "wheel: path: problem", quoting the path when it holds
// characters that would garble a terminal.
func (e *FileError) Error() string {
	s := QuotePath(e.Path) + ": " + e.Err.Error()
	if e.Wheel != "" {
		s = e.Wheel + ": " + s
	}
	return s
}

// Unwrap returns the underlying problem.
func (e *FileError) Unwrap() error { return e.Err }

// HashMismatchError reports content whose digest differs from RECORD. It
// matches [ErrHashMismatch].
type HashMismatchError struct {
	Want string // from RECORD, "sha256=<urlsafe-b64>"
	Got  string // of the bytes read, same algorithm and encoding
}

func (e *HashMismatchError) Error() string {
	return fmt.Sprintf("hash mismatch: RECORD says %s, content has %s (the wheel is corrupt or was tampered with)", e.Want, e.Got)
}

// Is reports whether target is [ErrHashMismatch].
func (e *HashMismatchError) Is(target error) bool { return target == ErrHashMismatch }

// problem is a message that matches a kind.
type problem struct {
	kind error
	msg  string
}

func (p *problem) Error() string        { return p.msg }
func (p *problem) Is(target error) bool { return target == p.kind }

func newProblem(kind error, format string, args ...any) error {
	return &problem{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// QuotePath returns p as is when it is printable UTF-8 without spaces at its
// ends, and Go-quoted otherwise, so that a hostile name cannot hide in an
// error message.
func QuotePath(p string) string {
	if p == "" || !utf8.ValidString(p) || strings.TrimSpace(p) != p || strings.ContainsRune(p, '"') {
		return strconv.Quote(p)
	}
	for _, r := range p {
		if !unicode.IsPrint(r) && r != ' ' {
			return strconv.Quote(p)
		}
	}
	return p
}
