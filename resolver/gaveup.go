package resolver

import (
	"fmt"
	"slices"
	"strings"
)

// GaveUpError reports that Solve stopped after its bound on work
// (Options.MaxSteps) without finding a solution or proving there is none.
type GaveUpError struct {
	Steps int
	// Conflicting are the packages whose choices were undone most often,
	// most first (at most five).
	Conflicting []string
}

func (e *GaveUpError) Error() string {
	msg := fmt.Sprintf("gave up after %d steps: no solution found and none ruled out", e.Steps)
	if len(e.Conflicting) > 0 {
		msg += "; the choices that kept conflicting were for " + strings.Join(e.Conflicting, ", ") +
			" (narrowing their allowed versions, for example with a constraint, may help)"
	}
	return msg
}

func (s *solver) gaveUp() error {
	var sts []*pkgState
	for _, st := range s.order {
		if st.conflicts > 0 && st.name != rootPkg {
			sts = append(sts, st)
		}
	}
	slices.SortStableFunc(sts, func(a, b *pkgState) int { return b.conflicts - a.conflicts })
	e := &GaveUpError{Steps: s.steps}
	for i, st := range sts {
		if i == 5 {
			break
		}
		e.Conflicting = append(e.Conflicting, st.name)
	}
	return e
}
