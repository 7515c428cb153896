package wheel

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/pep440"
)

// sameVersion reports whether a and b are the same PEP 440 version (so
// "1.0" and "1.0.0" agree), falling back to exact comparison when either
// does not parse.
func sameVersion(a, b string) bool {
	va, errA := pep440.Parse(a)
	vb, errB := pep440.Parse(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return va.Compare(vb) == 0
}

// wheelInfo is the parsed WHEEL file.
type wheelInfo struct {
	version       string
	major, minor  int
	rootIsPurelib bool
	tags          []string
	build         string
}

// parseWheelFile parses the WHEEL file: Wheel-Version "major.minor" and
// Root-Is-Purelib "true" or "false" are required.
func parseWheelFile(b []byte) (wheelInfo, error) {
	hs, _, err := distinfo.ParseHeaders(b)
	if err != nil {
		return wheelInfo{}, err
	}
	var wi wheelInfo
	var haveVersion, havePurelib bool
	for _, h := range hs {
		switch strings.ToLower(h.Name) {
		case "wheel-version":
			if haveVersion {
				return wheelInfo{}, fmt.Errorf("more than one Wheel-Version")
			}
			haveVersion = true
			wi.version = h.Value
			maj, min, ok := strings.Cut(h.Value, ".")
			var err1, err2 error
			wi.major, err1 = strconv.Atoi(maj)
			wi.minor, err2 = strconv.Atoi(min)
			if !ok || err1 != nil || err2 != nil || wi.major < 0 || wi.minor < 0 {
				return wheelInfo{}, fmt.Errorf("Wheel-Version %q is not major.minor", h.Value)
			}
		case "root-is-purelib":
			if havePurelib {
				return wheelInfo{}, fmt.Errorf("more than one Root-Is-Purelib")
			}
			havePurelib = true
			switch strings.ToLower(h.Value) {
			case "true":
				wi.rootIsPurelib = true
			case "false":
			default:
				return wheelInfo{}, fmt.Errorf("Root-Is-Purelib %q is neither true nor false", h.Value)
			}
		case "tag":
			wi.tags = append(wi.tags, h.Value)
		case "build":
			wi.build = h.Value
		}
	}
	if !haveVersion {
		return wheelInfo{}, fmt.Errorf("no Wheel-Version")
	}
	if !havePurelib {
		return wheelInfo{}, fmt.Errorf("no Root-Is-Purelib")
	}
	return wi, nil
}
