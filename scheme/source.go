package scheme

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/pkginstall/pkginstall/internal/distinfo"
)

// Source is a wheel as the destination sees it. wheel.Wheel is adapted to
// it by the caller. Open must be safe for concurrent use on different
// files, and its reader must fail at EOF when the content does not match
// the file's Size or Hash.
type Source interface {
	Project() string     // METADATA Name, e.g. "Foo-Bar"
	Version() string     // METADATA Version
	DistInfo() string    // "foo_bar-1.0.dist-info"
	DataDir() string     // "foo_bar-1.0.data"
	RootIsPurelib() bool // WHEEL Root-Is-Purelib (lib/ either way here)
	Files() []SourceFile // every member except directories
	EntryPoints() []EntryPoint
	Open(name string) (io.ReadCloser, error)
}

// SourceFile is one member of a wheel.
type SourceFile struct {
	Name string      // slash-separated member name
	Size int64       // uncompressed size; negative when unknown
	Hash string      // "sha256=<urlsafe base64, no padding>" from RECORD
	Mode os.FileMode // any execute bit makes the installed file executable
}

// EntryPoint is one entry of entry_points.txt (distinfo owns the format);
// groups other than console_scripts and gui_scripts are ignored.
type EntryPoint = distinfo.EntryPoint

// Entry-point groups that produce scripts.
const (
	GroupConsole = distinfo.ConsoleScripts
	GroupGUI     = distinfo.GUIScripts
)

// validName checks a slash-separated relative name: valid UTF-8, no control
// characters or backslashes, no leading or trailing slash, no empty, "." or
// ".." element.
func validName(name string) error {
	if !utf8.ValidString(name) {
		return errors.New("not valid UTF-8")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return fmt.Errorf("control character %U", r)
		}
	}
	if strings.Contains(name, `\`) {
		return errors.New("backslash in name")
	}
	if !fs.ValidPath(name) || name == "." {
		return errors.New("not a clean relative path")
	}
	return nil
}
