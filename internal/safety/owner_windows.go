//go:build windows

package safety

import (
	"fmt"
	"io/fs"
	"unsafe"

	"golang.org/x/sys/windows"
)

// hasOwners is true: NTFS files have an owner SID and an access list.
const hasOwners = true

// owner reports path (a directory, or a link itself when link) owned by
// another account than the user, SYSTEM or Administrators.
func (a *auditor) owner(path string, _ fs.FileInfo, link bool) {
	sd, err := securityOf(path, link)
	if err != nil {
		a.cannot(path, err)
		return
	}
	owner, _, err := sd.Owner()
	if err != nil || owner == nil {
		a.cannot(path, fmt.Errorf("no owner: %v", err))
		return
	}
	me, err := currentUser()
	if err != nil {
		a.cannot(path, err)
		return
	}
	if f, bad := ownerFinding(path, owner, me, link); bad {
		a.add(f)
	}
}

// writable reports the directory r writable by Everyone, Authenticated
// Users or Users (or with no access list at all, which grants everyone
// everything).
func (a *auditor) writable(r string, _ fs.FileInfo) {
	sd, err := securityOf(r, false)
	if err != nil {
		a.cannot(r, err)
		return
	}
	dacl, _, err := sd.DACL()
	if err != nil && err != windows.ERROR_OBJECT_NOT_FOUND {
		a.cannot(r, err)
		return
	}
	for _, f := range daclFindings(r, dacl) {
		a.add(f)
	}
}

// securityOf reads the owner and access list of path (of the link itself,
// not its target, when link).
func securityOf(path string, link bool) (*windows.SECURITY_DESCRIPTOR, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	flags := uint32(windows.FILE_FLAG_BACKUP_SEMANTICS)
	if link {
		flags |= windows.FILE_FLAG_OPEN_REPARSE_POINT
	}
	h, err := windows.CreateFile(p, windows.READ_CONTROL,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE, nil, windows.OPEN_EXISTING, flags, 0)
	if err != nil {
		return nil, err
	}
	defer windows.CloseHandle(h)
	return windows.GetSecurityInfo(h, windows.SE_FILE_OBJECT, windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
}

// currentUser is the SID of the account this process runs as.
func currentUser() (*windows.SID, error) {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, fmt.Errorf("who am I: %w", err)
	}
	return u.User.Sid, nil
}

// ownerFinding is the finding for path owned by owner when that is not me,
// SYSTEM or Administrators.
func ownerFinding(path string, owner, me *windows.SID, link bool) (Finding, bool) {
	if owner.Equals(me) || owner.IsWellKnown(windows.WinLocalSystemSid) || owner.IsWellKnown(windows.WinBuiltinAdministratorsSid) {
		return Finding{}, false
	}
	fix := "takeown /f " + WindowsArg(path) + " /r /d y (if you trust its content; otherwise delete it and reinstall)"
	if link {
		fix = "delete it (or takeown /f " + WindowsArg(path) + " if you trust where it points)"
	}
	return Finding{Kind: OtherOwner, Path: path,
		Reason: fmt.Sprintf("is owned by %s, not by you (%s), SYSTEM or Administrators", account(owner), account(me)),
		Fix:    fix}, true
}

// fileDeleteChild is FILE_DELETE_CHILD (winnt.h), which x/sys/windows lacks.
const fileDeleteChild = 0x40

// daclFindings lists the broad groups the access list dacl lets write
// into r (an allow entry with a write right that applies to r itself).
func daclFindings(r string, dacl *windows.ACL) []Finding {
	if dacl == nil {
		return []Finding{{Kind: OthersWrite, Path: r, Reason: "has no access list, so everyone may write into it",
			Fix: "icacls " + WindowsArg(r) + " /reset"}}
	}
	var out []Finding
	seen := map[string]bool{}
	for i := range uint32(dacl.AceCount) {
		var ace *windows.ACCESS_ALLOWED_ACE
		if windows.GetAce(dacl, i, &ace) != nil {
			continue
		}
		if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE || ace.Header.AceFlags&windows.INHERIT_ONLY_ACE != 0 ||
			ace.Mask&writeRights == 0 {
			continue
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
		for _, g := range broadGroups {
			if sid.IsWellKnown(g.sid) && !seen[g.name] {
				seen[g.name] = true
				out = append(out, Finding{Kind: OthersWrite, Path: r,
					Reason: "is writable by " + g.name,
					Fix:    "icacls " + WindowsArg(r) + " /inheritance:d && icacls " + WindowsArg(r) + " /remove:g *" + g.sddl})
			}
		}
	}
	return out
}

// broadGroups are the groups every other user is in.
var broadGroups = []struct {
	sid        windows.WELL_KNOWN_SID_TYPE
	name, sddl string
}{
	{windows.WinWorldSid, "Everyone", "S-1-1-0"},
	{windows.WinAuthenticatedUserSid, "Authenticated Users", "S-1-5-11"},
	{windows.WinBuiltinUsersSid, "Users", "S-1-5-32-545"},
}

// account names sid as DOMAIN\name (SID), or its SID alone.
func account(sid *windows.SID) string {
	name, domain, _, err := sid.LookupAccount("")
	if err != nil || name == "" {
		return sid.String()
	}
	if domain != "" {
		name = domain + `\` + name
	}
	return name + " (" + sid.String() + ")"
}
