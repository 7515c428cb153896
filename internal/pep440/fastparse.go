package pep440

// parseCanonical is Parse's fast path for a version already in canonical
// form, which is how indexes, wheel file names and most specifiers spell
// versions:
//
//	[E!]R(.R)*[{a|b|rc}N][.postN][.devN][+L(.L)*]
//
// where every number is ASCII digits without leading zeros, the epoch E is
// not 0, and the local segments L are lower-case letters and digits (an
// all-digit segment without leading zeros). It validates s and builds the
// key in a single pass into a stack buffer, then makes the one allocation
// Parse needs. It reports false for anything else (whitespace, "v", upper
// case, alternative spellings, implicit numbers, leading zeros, ...), which
// the general path then handles.
//
// Invariant, checked by TestFastPathAgrees and FuzzFastPathAgrees: when it
// reports true, the general path accepts s too and returns an identical
// Version (so s is its own canonical form).
func parseCanonical(s string) (Version, bool) {
	var v Version
	var arr [96]byte // s then the key; fits versions up to about 28 bytes, longer ones grow
	buf := append(arr[:0], s...)
	buf, i, ok := appendCanonRelease(buf, s)
	if !ok {
		return v, false
	}
	if buf, i, ok = appendCanonSuffixes(buf, s, i, &v); !ok {
		return v, false
	}
	if i < len(s) && s[i] == '+' {
		v.flags |= flagLocal
		if buf, i, ok = appendCanonLocal(buf, s, i); !ok {
			return v, false
		}
	}
	if i != len(s) {
		return Version{}, false
	}
	all := string(buf)
	v.s, v.key = all[:len(s)], all[len(s):]
	return v, true
}

// appendCanonRelease appends the key of the epoch and release of s (which
// buf already holds, the key follows it) and returns where they end. The
// key starts with the epoch number, then each release number after a 1,
// then 0; trailing zero release numbers are left out (keep is the end of
// the last non-zero one). The first number is taken as release after a
// zero epoch; if a "!" follows, it was the epoch and moves down.
func appendCanonRelease(buf []byte, s string) ([]byte, int, bool) {
	sLen := len(s)
	buf = append(buf, 0, 1)
	buf, i, ok := appendCanonNum(buf, s, 0)
	if !ok {
		return buf, 0, false
	}
	keep := len(buf)
	if buf[sLen+2] == 0 {
		keep = sLen + 1
	}
	if i < len(s) && s[i] == '!' {
		if buf[sLen+2] == 0 {
			return buf, 0, false // the canonical form omits a zero epoch
		}
		copy(buf[sLen:], buf[sLen+2:])
		buf = append(buf[:len(buf)-2], 1)
		keep = len(buf) - 1
		if buf, i, ok = appendCanonNum(buf, s, i+1); !ok {
			return buf, 0, false
		}
		if buf[len(buf)-1] != 0 {
			keep = len(buf)
		}
	}
	for i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]) {
		buf = append(buf, 1)
		if buf, i, ok = appendCanonNum(buf, s, i+1); !ok {
			return buf, 0, false
		}
		if buf[len(buf)-1] != 0 {
			keep = len(buf)
		}
	}
	return append(buf[:keep], 0), i, true
}

// appendCanonSuffixes appends the key of the pre-, post- and development
// release parts at s[i:], sets their flags and bounds in v, and returns
// where they end.
func appendCanonSuffixes(buf []byte, s string, i int, v *Version) ([]byte, int, bool) {
	sLen := len(s)
	ok := false
	// Pre-release: 1, letter, number; or 2 for none, which becomes 0 below
	// for a dev release without pre or post, so that it sorts first.
	preAt := len(buf)
	if i < len(s) {
		if c := s[i]; c == 'a' || c == 'b' || (c == 'r' && i+1 < len(s) && s[i+1] == 'c') {
			buf = append(buf, 1, c)
			if i++; c == 'r' {
				i++
			}
			if buf, i, ok = appendCanonNum(buf, s, i); !ok {
				return buf, 0, false
			}
			v.flags |= flagPre
		}
	}
	if v.flags&flagPre == 0 {
		buf = append(buf, 2)
	}
	v.preEnd = int32(len(buf) - sLen)

	// Post-release: 1, number; or 0 for none.
	if hasWord(s, i, ".post") {
		buf = append(buf, 1)
		if buf, i, ok = appendCanonNum(buf, s, i+len(".post")); !ok {
			return buf, 0, false
		}
		v.flags |= flagPost
	} else {
		buf = append(buf, 0)
	}

	// Development release: 1, number; or 2 for none.
	if hasWord(s, i, ".dev") {
		buf = append(buf, 1)
		if buf, i, ok = appendCanonNum(buf, s, i+len(".dev")); !ok {
			return buf, 0, false
		}
		if v.flags&(flagPre|flagPost) == 0 {
			buf[preAt] = 0
		}
		v.flags |= flagDev
	} else {
		buf = append(buf, 2)
	}
	v.devEnd = int32(len(buf) - sLen)
	return buf, i, true
}

// appendCanonLocal appends the key of the local label at s[i:] (s[i] is
// '+'): 1, then per segment 1 text 0 or 2 number, then 0.
func appendCanonLocal(buf []byte, s string, i int) ([]byte, int, bool) {
	ok := false
	buf = append(buf, 1)
	for {
		i++ // past '+' or '.'
		j := i
		num := true
		for ; j < len(s); j++ {
			c := s[j]
			if isDigit(c) {
				continue
			}
			if c < 'a' || c > 'z' {
				break
			}
			num = false
		}
		switch {
		case j == i:
			return buf, 0, false
		case num:
			buf = append(buf, 2)
			if buf, j, ok = appendCanonNum(buf, s, i); !ok {
				return buf, 0, false
			}
		default:
			buf = append(buf, 1)
			buf = append(buf, s[i:j]...)
			buf = append(buf, 0)
		}
		i = j
		if i < len(s) && s[i] == '.' {
			continue
		}
		break
	}
	return append(buf, 0), i, true
}

// appendCanonNum reads the number at s[i:], appends appendNum's encoding
// of it and returns the end of the number. It reports false unless the
// number is canonical: at least one digit and no leading zero.
func appendCanonNum(b []byte, s string, i int) ([]byte, int, bool) {
	at, st := len(b), i
	b = append(b, 0)
	for i < len(s) && isDigit(s[i]) {
		b = append(b, s[i])
		i++
	}
	switch n := i - st; {
	case n == 1 && s[st] == '0':
		return b[:at+1], i, true // zero: no digits
	case n == 0 || s[st] == '0':
		return b, i, false
	case n >= 0xff:
		return appendNum(b[:at], s[st:i]), i, true // long form
	default:
		b[at] = byte(n)
		return b, i, true
	}
}

// hasWord reports whether s[i:] starts with word (exact case).
func hasWord(s string, i int, word string) bool {
	return len(s)-i >= len(word) && s[i:i+len(word)] == word
}
