package pep508

import (
	"fmt"
	"strings"

	"github.com/pkginstall/pkginstall/internal/printable"
)

// SyntaxError reports input that is not a valid requirement or marker.
type SyntaxError struct {
	Kind   string // "requirement" or "marker"
	Input  string
	Column int    // 1-based character column where the problem starts
	Msg    string // what was expected or what is wrong
	Err    error  // an underlying error (an invalid specifier), if any
}

func (e *SyntaxError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid %s %s: %s", e.Kind, printable.Quote(e.Input), e.Msg)
	if e.Column > 0 {
		fmt.Fprintf(&b, " at column %d", e.Column)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

func (e *SyntaxError) Unwrap() error { return e.Err }

// UndefinedNameError reports a marker variable that the evaluation
// environment does not define (packaging's UndefinedEnvironmentName).
type UndefinedNameError struct {
	Name string
}

func (e *UndefinedNameError) Error() string {
	return fmt.Sprintf("marker variable %q is not defined in the evaluation environment", e.Name)
}

// UndefinedComparisonError reports a comparison that has no meaning on the
// given values, such as ~= on strings that are not versions (packaging's
// UndefinedComparison).
type UndefinedComparisonError struct {
	Op, LHS, RHS string
}

func (e *UndefinedComparisonError) Error() string {
	return fmt.Sprintf("undefined comparison %q between %q and %q", e.Op, e.LHS, e.RHS)
}
