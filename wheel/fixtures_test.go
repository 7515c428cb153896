package wheel_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pkginstall/pkginstall/internal/distinfo"
	"github.com/pkginstall/pkginstall/internal/wheeltest"
	"github.com/pkginstall/pkginstall/wheel"
)

const fixtureDir = "../testdata/wheels"

// hostileWant says how each hostile fixture must fail: with Open (the
// default) or only when read (readOnly), matching kind, with every string in
// msgs (which name the member) in the message.
var hostileWant = map[string]struct {
	kind     error
	msgs     []string
	readOnly bool
}{
	"absolute_path":              {wheel.ErrUnsafePath, []string{"/tmp/pkginstall-evil: unsafe path: absolute path"}, false},
	"backslash_path":             {wheel.ErrUnsafePath, []string{`backslash_path\..\evil.py: unsafe path: name contains a backslash`}, false},
	"bad_entry_point":            {wheel.ErrBadMetadata, []string{"bad_entry_point-1.0.dist-info/entry_points.txt: ", `script name "../evil" contains a path separator`}, false},
	"bad_hash":                   {wheel.ErrHashMismatch, []string{"bad_hash/__init__.py: hash mismatch: RECORD says sha256=", ", content has sha256="}, true},
	"case_duplicate":             {wheel.ErrDuplicate, []string{"case_duplicate/mod.py: differs only in case from case_duplicate/Mod.py"}, false},
	"control_char":               {wheel.ErrUnsafePath, []string{`"control_char/\x1b[31mred.py": unsafe path: name contains control character U+001B`}, false},
	"device_member":              {wheel.ErrSpecialFile, []string{"device_member/dev: is a device file"}, false},
	"dotdot_path":                {wheel.ErrUnsafePath, []string{`dotdot_path/../../evil.py: unsafe path: ".." path component`}, false},
	"drive_letter":               {wheel.ErrUnsafePath, []string{"C:/evil.py: unsafe path: starts with a drive letter"}, false},
	"duplicate_name":             {wheel.ErrDuplicate, []string{"duplicate_name/a.py: appears more than once in the archive"}, false},
	"egg_info":                   {wheel.ErrLayout, []string{"other-99.0.egg-info: is .egg-info metadata of another distribution"}, false},
	"egg_info_purelib":           {wheel.ErrLayout, []string{"egg_info_purelib-1.0.data/purelib/other-99.0.egg-info: is .egg-info metadata of another distribution"}, false},
	"extra_record_entry":         {wheel.ErrRecord, []string{"extra_record_entry/ghost.py: is listed in RECORD but is not in the wheel"}, false},
	"fifo_member":                {wheel.ErrSpecialFile, []string{"fifo_member/pipe: is a named pipe (FIFO)"}, false},
	"file_dir_conflict":          {wheel.ErrDuplicate, []string{"file_dir_conflict/x: is a file, but file_dir_conflict/x/y.py is inside it"}, false},
	"huge_declared_size":         {wheel.ErrTooLarge, []string{"huge_declared_size/big.bin: declares 2147483648 bytes, more than the limit of 1073741824"}, false},
	"md5_record":                 {wheel.ErrRecord, []string{"md5_record/__init__.py: RECORD hash uses md5, which is too weak"}, false},
	"missing_metadata":           {wheel.ErrMissing, []string{"missing_metadata-1.0.dist-info/METADATA: is missing"}, false},
	"missing_record":             {wheel.ErrMissing, []string{"missing_record-1.0.dist-info/RECORD: is missing"}, false},
	"missing_record_entry":       {wheel.ErrRecord, []string{"missing_record_entry/__init__.py: is not listed in RECORD"}, false},
	"missing_wheel":              {wheel.ErrMissing, []string{"missing_wheel-1.0.dist-info/WHEEL: is missing"}, false},
	"name_mismatch_dist_info":    {wheel.ErrNameMismatch, []string{"other_project-1.0.dist-info: does not match METADATA's name and version (name-mismatch-dist-info 1.0)"}, false},
	"name_mismatch_metadata":     {wheel.ErrNameMismatch, []string{"name_mismatch_metadata-1.0.dist-info/METADATA: says Name other-project, but the wheel file name says name_mismatch_metadata"}, false},
	"nfd_collision":              {wheel.ErrDuplicate, []string{"differs only in Unicode normalisation (NFC/NFD) or case from"}, false},
	"no_record_size":             {wheel.ErrRecord, []string{"no_record_size/__init__.py: has no size in RECORD"}, false},
	"nul_in_name":                {wheel.ErrUnsafePath, []string{`"nul_in_name/evil\x00.py": unsafe path: name contains a NUL byte`}, false},
	"symlink_member":             {wheel.ErrSpecialFile, []string{"symlink_member/link: is a symbolic link"}, false},
	"total_size":                 {wheel.ErrTooLarge, []string{"total_size/part3.bin: brings the declared total size past the limit of 4294967296 bytes"}, false},
	"two_dist_info":              {wheel.ErrLayout, []string{"2 top-level .dist-info directories (other-1.0.dist-info, two_dist_info-1.0.dist-info), want exactly one"}, false},
	"unknown_data_category":      {wheel.ErrLayout, []string{`unknown_data_category-1.0.data/lib/evil.py: is in unknown .data category "lib"`}, false},
	"version_mismatch_dist_info": {wheel.ErrNameMismatch, []string{"version_mismatch_dist_info-1.1.dist-info: does not match METADATA's name and version (version-mismatch-dist-info 1.0)"}, false},
	"version_mismatch_metadata":  {wheel.ErrNameMismatch, []string{"version_mismatch_metadata-1.0.dist-info/METADATA: says Version 2.0, but the wheel file name says 1.0"}, false},
	"windows_char":               {wheel.ErrUnsafePath, []string{`windows_char/mod.py:evil: unsafe path: name contains ':', which Windows does not allow`}, false},
	"windows_reserved":           {wheel.ErrUnsafePath, []string{`windows_reserved/aux.py: unsafe path: "aux.py" is a reserved device name on Windows`}, false},
	"windows_trailing_dot":       {wheel.ErrUnsafePath, []string{`windows_trailing_dot/__init__.py.: unsafe path: component "__init__.py." ends in a dot or space`}, false},
	"path_too_deep":              {wheel.ErrUnsafePath, []string{`unsafe path: name has 102 components, more than 64`}, false},
	"path_component_too_long":    {wheel.ErrUnsafePath, []string{`unsafe path: a component is 300 bytes long, more than 255`}, false},
	"wheel_version_2":            {wheel.ErrUnsupported, []string{"wheel_version_2-1.0.dist-info/WHEEL: Wheel-Version 2.0 is not supported"}, false},
	"zip_bomb":                   {wheel.ErrSizeMismatch, []string{"zip_bomb/bomb.bin: size mismatch: content is larger than the 1024 bytes"}, true},
}

func TestHostileFixtures(t *testing.T) {
	seen := map[string]bool{}
	for _, fx := range wheeltest.Fixtures() {
		if !fx.Hostile() {
			continue
		}
		base := filepath.Base(fx.Path)
		key := strings.SplitN(base, "-", 2)[0]
		seen[key] = true
		t.Run(key, func(t *testing.T) {
			want, ok := hostileWant[key]
			if !ok {
				t.Fatalf("no expectation for hostile fixture %s", fx.Path)
			}
			w, err := wheel.Open(filepath.Join(fixtureDir, fx.Path))
			if want.readOnly {
				if err != nil {
					t.Fatalf("Open: %v (want success; the problem shows when reading)", err)
				}
				defer w.Close()
				err = w.VerifyAll()
			} else if err == nil {
				w.Close()
				t.Fatalf("Open succeeded, want an error (%s)", fx.Doc)
			}
			if err == nil {
				t.Fatalf("no error, want %v", want.kind)
			}
			var we *wheel.Error
			if !errors.As(err, &we) {
				t.Fatalf("error %T %q is not a *wheel.Error", err, err)
			}
			if we.Wheel != base {
				t.Errorf("Error.Wheel = %q, want %q", we.Wheel, base)
			}
			if !errors.Is(err, want.kind) {
				t.Errorf("error does not match %v:\n%v", want.kind, err)
			}
			msg := err.Error()
			for _, line := range strings.Split(msg, "\n") {
				if !strings.HasPrefix(line, base+": ") {
					t.Errorf("line %q does not start with the wheel's name", line)
				}
			}
			for _, s := range want.msgs {
				if !strings.Contains(msg, s) {
					t.Errorf("error does not contain %q:\n%s", s, msg)
				}
			}
		})
	}
	for key := range hostileWant {
		if !seen[key] {
			t.Errorf("expectation for %s, but there is no such hostile fixture", key)
		}
	}
}

func TestValidFixtures(t *testing.T) {
	for _, fx := range wheeltest.Fixtures() {
		if fx.Hostile() {
			continue
		}
		t.Run(fx.Path, func(t *testing.T) {
			w, err := wheel.Open(filepath.Join(fixtureDir, fx.Path))
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			if err := w.VerifyAll(); err != nil {
				t.Fatal(err)
			}
			if w.Project != fx.Spec.Name || w.Version != fx.Spec.Version {
				t.Errorf("Project, Version = %q, %q; want %q, %q", w.Project, w.Version, fx.Spec.Name, fx.Spec.Version)
			}
			if w.RootIsPurelib == fx.Spec.Platlib {
				t.Errorf("RootIsPurelib = %v, spec Platlib = %v", w.RootIsPurelib, fx.Spec.Platlib)
			}
			// Every member but RECORD is in Files, with the right content.
			members := fx.Spec.Members()
			if len(w.Files) != len(members)-1 {
				t.Errorf("%d files, want %d", len(w.Files), len(members)-1)
			}
			for _, m := range members {
				if strings.HasSuffix(m.Path, "/RECORD") {
					continue
				}
				b, err := w.ReadFile(m.Path)
				if err != nil {
					t.Errorf("ReadFile(%s): %v", m.Path, err)
					continue
				}
				if string(b) != m.Content {
					t.Errorf("ReadFile(%s) = %q, want %q", m.Path, b, m.Content)
				}
			}
		})
	}
}

func TestDemoFixtures(t *testing.T) {
	w, err := wheel.Open(filepath.Join(fixtureDir, "pkginstall_alldata-1.0-py3-none-any.whl"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.DistInfo != "pkginstall_alldata-1.0.dist-info" || w.DataDir != "pkginstall_alldata-1.0.data" {
		t.Errorf("DistInfo, DataDir = %q, %q", w.DistInfo, w.DataDir)
	}
	wantEP := []distinfo.EntryPoint{
		{Name: "alldata-cli", Module: "pkginstall_alldata", Attr: "main", Group: "console_scripts"},
		{Name: "alldata-gui", Module: "pkginstall_alldata", Attr: "gui", Group: "gui_scripts"},
	}
	if len(w.EntryPoints) != len(wantEP) {
		t.Fatalf("EntryPoints = %v, want %v", w.EntryPoints, wantEP)
	}
	for i := range wantEP {
		if w.EntryPoints[i] != wantEP[i] {
			t.Errorf("EntryPoints[%d] = %v, want %v", i, w.EntryPoints[i], wantEP[i])
		}
	}
	if w.Metadata.RequiresPython != ">=3.8" || len(w.Metadata.ProvidesExtra) != 1 || len(w.Metadata.RequiresDist) != 1 {
		t.Errorf("Metadata = %+v", w.Metadata)
	}
	modes := map[string]os.FileMode{}
	for i, f := range w.Files {
		if i > 0 && w.Files[i-1].Name >= f.Name {
			t.Errorf("Files not sorted: %s before %s", w.Files[i-1].Name, f.Name)
		}
		if !strings.HasPrefix(f.Hash, "sha256=") || strings.HasSuffix(f.Hash, "=") {
			t.Errorf("%s: Hash %q", f.Name, f.Hash)
		}
		if f.Executable != (f.Mode == 0o755) {
			t.Errorf("%s: Executable %v, Mode %v", f.Name, f.Executable, f.Mode)
		}
		modes[f.Name] = f.Mode
	}
	if m := modes["pkginstall_alldata-1.0.data/scripts/alldata-binary"]; m != 0o755 {
		t.Errorf("binary script mode %v, want 0755", m)
	}
	if m := modes["pkginstall_alldata/__init__.py"]; m != 0o644 {
		t.Errorf("module mode %v, want 0644", m)
	}

	fw, err := wheel.Open(filepath.Join(fixtureDir, "pkginstall_future-1.0-py3-none-any.whl"))
	if err != nil {
		t.Fatal(err)
	}
	defer fw.Close()
	if fw.WheelVersion != "1.9" || !fw.NewerWheelVersion {
		t.Errorf("WheelVersion %q, NewerWheelVersion %v; want 1.9, true", fw.WheelVersion, fw.NewerWheelVersion)
	}
	if w.NewerWheelVersion {
		t.Errorf("Wheel-Version 1.0 reported as newer")
	}
}

// TestTamperedRead reads a member whose content differs from RECORD.
func TestTamperedRead(t *testing.T) {
	w, err := wheel.Open(filepath.Join(fixtureDir, "hostile/bad_hash-1.0-py3-none-any.whl"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var f wheel.File
	for _, x := range w.Files {
		if x.Name == "bad_hash/__init__.py" {
			f = x
		}
	}
	rc, err := w.Open(f)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	_, err = io.ReadAll(rc)
	var fe *wheel.FileError
	if !errors.As(err, &fe) || fe.Path != f.Name {
		t.Fatalf("err = %v, want a *FileError for %s", err, f.Name)
	}
	var hm *wheel.HashMismatchError
	if !errors.As(err, &hm) {
		t.Fatalf("err = %v, want a *HashMismatchError", err)
	}
	if hm.Want != f.Hash || hm.Got != "sha256=4T34xEr13qHkEkA5ELmcxaSPLMv2imazN01quc75_GU" {
		t.Errorf("Want, Got = %s, %s", hm.Want, hm.Got)
	}
	for _, s := range []string{hm.Want, hm.Got, "bad_hash-1.0-py3-none-any.whl: bad_hash/__init__.py: "} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("message %q does not contain %q", err, s)
		}
	}
	// The error is sticky.
	if _, err2 := rc.Read(make([]byte, 1)); err2 != err {
		t.Errorf("second Read: %v, want the same error", err2)
	}
}

func TestDestination(t *testing.T) {
	w, err := wheel.Open(filepath.Join(fixtureDir, "pkginstall_alldata-1.0-py3-none-any.whl"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for name, want := range map[string][2]string{
		"pkginstall_alldata/__init__.py":                                    {"purelib", "pkginstall_alldata/__init__.py"},
		"pkginstall_alldata-1.0.dist-info/METADATA":                         {"purelib", "pkginstall_alldata-1.0.dist-info/METADATA"},
		"pkginstall_alldata-1.0.data/scripts/alldata-shell":                 {"scripts", "alldata-shell"},
		"pkginstall_alldata-1.0.data/data/share/man/man1/alldata.1":         {"data", "share/man/man1/alldata.1"},
		"pkginstall_alldata-1.0.data/platlib/pkginstall_alldata_platlib.py": {"platlib", "pkginstall_alldata_platlib.py"},
	} {
		if k, r := w.Destination(name); k != want[0] || r != want[1] {
			t.Errorf("Destination(%s) = %s, %s; want %s, %s", name, k, r, want[0], want[1])
		}
	}
	pw, err := wheel.Open(filepath.Join(fixtureDir, "pkginstall_platlib-1.0-1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"))
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	if k, _ := pw.Destination("pkginstall_platlib/__init__.py"); k != "platlib" || pw.RootIsPurelib {
		t.Errorf("Root-Is-Purelib false wheel: Destination key %s", k)
	}
	if pw.Name.Build != "1" || len(pw.Name.Tags) != 2 {
		t.Errorf("Name = %+v", pw.Name)
	}
}
