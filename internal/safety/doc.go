// Package safety owns SPEC §6, the rule that decides whether a project's
// __pypackages__ may go on sys.path, in both languages it is written in:
//
//   - Audit (Go) walks __pypackages__, its target, lib/ and bin/ and returns
//     every finding at once: doctor shows them all, `run` and every command
//     that installs refuse on any (Check, CheckTarget), and the shell hook's
//     own directory is checked with it (CheckDir).
//   - Bootstrap (Python) is the one piece of Python that puts a project's
//     lib/ on sys.path, at the moment of use: console and GUI launchers,
//     .data script trampolines, `run` and the shell hook all embed it.
//
// The rule, the same on both sides: a directory qualifies when it is owned
// by the current user or root and is not writable by others
// (group-writable is fine: many systems use umask 002). Every symbolic link
// met on the way, from __pypackages__ down and inside every link's target,
// must be owned by the user or root too (a link's own mode means nothing on
// Linux, so only its owner is checked). Paths are used by their real path,
// so a link swapped after the check is not followed. A directory that does
// not exist is safe: there is nothing in it to import, and the bootstrap
// adds only directories that exist. Modes are shown as full octal, sticky
// and setgid bits included (1777, not 0777).
//
// On Windows the same rule in Windows terms (owner_windows.go and the
// bootstrap's Windows path, through ctypes): the owner SID must be the
// user, SYSTEM or Administrators, and the access list must give Everyone,
// Authenticated Users and Users no write right (writeRights) that applies
// to the directory itself; a link is checked by its own owner. Elsewhere
// (plan9, wasip1) only the kind of file is checked.
//
// The package imports nothing of the project: scheme (launchers), hook and
// cli build on it.
package safety
