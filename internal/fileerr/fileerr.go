// Package fileerr owns the one error type for a problem at a place in a
// file the user wrote (requirements files, pyproject.toml, pylock.toml):
// it reads "FILE:LINE:COL: message", the form compilers and editors
// understand. It is a leaf of its own, not part of project or reqfile,
// because reqfile, project, pylock and installer all report such errors
// and none of them may import the others for it.
//
// Rules it enforces:
//   - Lines and columns are 1-based; a column counts bytes from the start
//     of the line. An unknown column (0) prints FILE:LINE: message, an
//     unknown line FILE: message.
//   - The cause stays reachable through errors.Is and errors.As.
package fileerr

import (
	"bytes"
	"errors"
	"fmt"
)

// Error is a problem at a place in a file.
type Error struct {
	Path      string
	Line, Col int // 1-based; 0 when unknown
	Err       error
}

func (e *Error) Error() string {
	switch {
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %v", e.Path, e.Line, e.Col, e.Err)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// New is the error msg at line:col of path.
func New(path string, line, col int, msg string) *Error {
	return &Error{Path: path, Line: line, Col: col, Err: errors.New(msg)}
}

// Errorf is the error fmt.Errorf(format, args...) at line:col of path.
func Errorf(path string, line, col int, format string, args ...any) *Error {
	return &Error{Path: path, Line: line, Col: col, Err: fmt.Errorf(format, args...)}
}

// Position is the line and column of byte offset off in data.
func Position(data []byte, off int) (line, col int) {
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	col = off - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}
