//go:build windows

package safety

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pkginstall/pkginstall/internal/wintest"
	"golang.org/x/sys/windows"
)

// These run under wine in CI (.ci/run) and on real Windows.

// winTree makes project\__pypackages__\3.11\{lib,Scripts}.
func winTree(t *testing.T) []string {
	t.Helper()
	pp := filepath.Join(wintest.TempDir(t), "proj", "__pypackages__")
	dirs := []string{pp, filepath.Join(pp, "3.11"), filepath.Join(pp, "3.11", "lib"), filepath.Join(pp, "3.11", "Scripts")}
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dirs
}

// grant gives sid the rights mask on dir, replacing its access list with
// one entry for the owner and one for sid.
func grant(t *testing.T, dir string, sid *windows.SID, mask windows.ACCESS_MASK) {
	t.Helper()
	me, err := currentUser()
	if err != nil {
		t.Fatal(err)
	}
	acl, err := windows.ACLFromEntries([]windows.EXPLICIT_ACCESS{
		{AccessPermissions: windows.GENERIC_ALL, AccessMode: windows.GRANT_ACCESS,
			Trustee: windows.TRUSTEE{TrusteeForm: windows.TRUSTEE_IS_SID, TrusteeValue: windows.TrusteeValueFromSID(me)}},
		{AccessPermissions: mask, AccessMode: windows.GRANT_ACCESS,
			Trustee: windows.TRUSTEE{TrusteeForm: windows.TRUSTEE_IS_SID, TrusteeValue: windows.TrusteeValueFromSID(sid)}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := windows.SetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, acl, nil); err != nil {
		t.Fatal(err)
	}
}

// acl is an access list with one allow entry for the well-known group k.
func acl(t *testing.T, k windows.WELL_KNOWN_SID_TYPE, mask windows.ACCESS_MASK, inherit uint32) *windows.ACL {
	t.Helper()
	a, err := windows.ACLFromEntries([]windows.EXPLICIT_ACCESS{{AccessPermissions: mask, AccessMode: windows.GRANT_ACCESS, Inheritance: inherit,
		Trustee: windows.TRUSTEE{TrusteeForm: windows.TRUSTEE_IS_SID, TrusteeValue: windows.TrusteeValueFromSID(wellKnown(t, k))}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func wellKnown(t *testing.T, k windows.WELL_KNOWN_SID_TYPE) *windows.SID {
	t.Helper()
	s, err := windows.CreateWellKnownSid(k)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A fresh tree is fine; a directory Everyone (or Users, or Authenticated
// Users) may write into is refused, with the group named; read access for
// them is fine.
func TestAuditWindowsACL(t *testing.T) {
	dirs := winTree(t)
	if f := Audit(dirs...); len(f) != 0 {
		t.Fatalf("fresh tree: %q", f)
	}
	// On disk: wine keeps only what Unix modes can say, so Everyone.
	everyone := wellKnown(t, windows.WinWorldSid)
	for i, d := range dirs {
		grant(t, d, everyone, windows.GENERIC_READ|windows.GENERIC_EXECUTE)
		if f := Audit(dirs...); len(f) != 0 {
			t.Errorf("Everyone may read %s: %q", d, f)
		}
		grant(t, d, everyone, windows.FILE_WRITE_DATA|windows.SYNCHRONIZE)
		f := Audit(dirs...)
		if len(f) != 1 || f[0].Kind != OthersWrite || f[0].Path != d || !strings.Contains(f[0].String(), " is writable by Everyone; fix it with: icacls ") {
			t.Errorf("Everyone may write into dirs[%d]: %q", i, f)
		}
		if err := Check(dirs...); err == nil {
			t.Errorf("Check passed with %s writable by Everyone", d)
		}
		grant(t, d, wellKnown(t, windows.WinLocalSystemSid), windows.GENERIC_ALL)
	}
	// In memory: every broad group, every write right, inherit-only
	// entries ignored.
	for _, g := range broadGroups {
		for _, mask := range []windows.ACCESS_MASK{windows.FILE_WRITE_DATA, windows.FILE_APPEND_DATA, fileDeleteChild, windows.DELETE, windows.WRITE_DAC, windows.WRITE_OWNER, windows.GENERIC_WRITE, windows.GENERIC_ALL} {
			f := daclFindings(`C:\p`, acl(t, g.sid, mask, windows.NO_INHERITANCE))
			if len(f) != 1 || f[0].Reason != "is writable by "+g.name || !strings.HasSuffix(f[0].Fix, " /remove:g *"+g.sddl) {
				t.Errorf("%s with %#x: %q", g.name, mask, f)
			}
		}
		if f := daclFindings(`C:\p`, acl(t, g.sid, windows.GENERIC_READ, windows.NO_INHERITANCE)); len(f) != 0 {
			t.Errorf("%s may read: %q", g.name, f)
		}
		if f := daclFindings(`C:\p`, acl(t, g.sid, windows.GENERIC_ALL, windows.INHERIT_ONLY|windows.SUB_CONTAINERS_AND_OBJECTS_INHERIT)); len(f) != 0 {
			t.Errorf("%s inherit-only: %q", g.name, f)
		}
	}
	if f := Audit(dirs...); len(f) != 0 {
		t.Errorf("SYSTEM with full access: %q", f)
	}
	if f := daclFindings(`C:\x`, nil); len(f) != 1 || !strings.Contains(f[0].Reason, "no access list") {
		t.Errorf("NULL DACL: %q", f)
	}
}

// The owner rule: you, SYSTEM and Administrators are fine; any other
// account is refused, for a directory and for a link.
func TestOwnerFindingWindows(t *testing.T) {
	me, err := currentUser()
	if err != nil {
		t.Fatal(err)
	}
	other, err := windows.StringToSid("S-1-5-21-1-2-3-4242")
	if err != nil {
		t.Fatal(err)
	}
	for _, ok := range []*windows.SID{me, wellKnown(t, windows.WinLocalSystemSid), wellKnown(t, windows.WinBuiltinAdministratorsSid)} {
		if f, bad := ownerFinding(`C:\p\__pypackages__`, ok, me, false); bad {
			t.Errorf("owner %s refused: %v", ok, f)
		}
	}
	for _, bad := range []*windows.SID{other, wellKnown(t, windows.WinWorldSid), wellKnown(t, windows.WinBuiltinUsersSid)} {
		f, refused := ownerFinding(`C:\p q\__pypackages__`, bad, me, false)
		if !refused || f.Kind != OtherOwner || !strings.Contains(f.Reason, bad.String()) || !strings.Contains(f.Fix, `takeown /f "C:\p q\__pypackages__" /r`) {
			t.Errorf("owner %s: %v %v", bad, refused, f)
		}
		if f, _ := ownerFinding(`C:\p\link`, bad, me, true); !strings.HasPrefix(f.Fix, "delete it") {
			t.Errorf("link owned by %s: fix %q", bad, f.Fix)
		}
	}
	// The real directory of this test is owned by the user running it.
	dirs := winTree(t)
	a := &auditor{seen: map[string]bool{}}
	fi, _ := os.Stat(dirs[0])
	a.owner(dirs[0], fi, false)
	if len(a.found) != 0 {
		t.Errorf("own directory: %q", a.found)
	}
}

// A file where a directory belongs; a missing project.
func TestAuditWindowsKinds(t *testing.T) {
	dirs := winTree(t)
	os.Remove(dirs[2])
	os.WriteFile(dirs[2], nil, 0o644)
	if f := Audit(dirs...); len(f) != 1 || f[0].Kind != NotDir {
		t.Errorf("file as lib: %q", f)
	}
	pp := filepath.Join(wintest.TempDir(t), "new", "__pypackages__")
	if f := Audit(pp, filepath.Join(pp, "3.11")); len(f) != 0 {
		t.Errorf("missing project: %q", f)
	}
}

// writeRights, written as a number for the bootstrap, is the named rights.
func TestWriteRightsValue(t *testing.T) {
	named := windows.FILE_WRITE_DATA | windows.FILE_APPEND_DATA | fileDeleteChild |
		windows.DELETE | windows.WRITE_DAC | windows.WRITE_OWNER | windows.GENERIC_WRITE | windows.GENERIC_ALL
	if named != writeRights {
		t.Errorf("writeRights = %#x, the rights it names are %#x", writeRights, named)
	}
}
