package pep508

// Partial evaluation of markers: the variables that are known are
// evaluated, the rest is kept.

// Reduce evaluates the comparisons of m whose variables are all in known
// and simplifies: it returns always (m holds whatever the other variables
// are), never (m cannot hold), or the marker that remains. A nil marker is
// always true. A comparison that fails to evaluate is kept.
func (m *Marker) Reduce(known map[string]string) (rest *Marker, always, never bool) {
	if m == nil {
		return nil, true, false
	}
	list, state := reduceList(m.root, known)
	switch state {
	case stateTrue:
		return nil, true, false
	case stateFalse:
		return nil, false, true
	}
	return &Marker{root: list}, false, false
}

type reduceState int

const (
	stateOpen reduceState = iota
	stateTrue
	stateFalse
)

// reduceList reduces an or-of-and-chains list.
func reduceList(list markerList, known map[string]string) (markerList, reduceState) {
	var chains []markerList
	var chain markerList
	chainFalse := false
	anyTrue := false
	flush := func() {
		switch {
		case chainFalse:
		case len(chain) == 0:
			anyTrue = true
		default:
			chains = append(chains, chain)
		}
		chain, chainFalse = nil, false
	}
	for _, e := range list {
		switch v := e.(type) {
		case boolOp:
			if v == "or" {
				flush()
			}
		case markerList:
			sub, st := reduceList(v, known)
			chainFalse = chainFalse || st == stateFalse
			if st == stateOpen {
				chain = appendAnd(chain, sub)
			}
		case *markerItem:
			st := reduceItem(v, known)
			chainFalse = chainFalse || st == stateFalse
			if st == stateOpen {
				chain = appendAnd(chain, v)
			}
		}
	}
	flush()
	if anyTrue {
		return nil, stateTrue
	}
	if len(chains) == 0 {
		return nil, stateFalse
	}
	var out markerList
	for i, c := range chains {
		if i > 0 {
			out = append(out, boolOp("or"))
		}
		out = append(out, c...)
	}
	if len(out) == 1 {
		if sub, ok := out[0].(markerList); ok {
			return sub, stateOpen
		}
	}
	return out, stateOpen
}

// appendAnd adds an atom to an and-chain; a nested list that has an "or"
// stays a group (it prints in parentheses).
func appendAnd(chain markerList, atom any) markerList {
	if len(chain) > 0 {
		chain = append(chain, boolOp("and"))
	}
	return append(chain, atom)
}

// reduceItem evaluates one comparison when its variables are known.
func reduceItem(it *markerItem, known map[string]string) reduceState {
	for _, o := range []operand{it.lhs, it.rhs} {
		if o.variable {
			if _, ok := known[o.value]; !ok {
				return stateOpen
			}
		}
	}
	ok, err := evalItem(it, known)
	switch {
	case err != nil:
		return stateOpen
	case ok:
		return stateTrue
	}
	return stateFalse
}
