// Package scheme is the destination side of installing a wheel: where every
// file goes in a project's __pypackages__ directory, and every write.
//
// It never opens a zip: a wheel reaches it through the Source interface.
//
// Layout (SPEC §2). The project's __pypackages__ holds one target directory
// per interpreter, named by TargetDirName ("3.11", "3.13t", "pypy3.10" or
// "cp311-linux_x86_64"). A target holds lib/ (purelib and platlib), bin/
// (Scripts/ on Windows), include/<distribution>/ and the wheel's .data/data
// files relative to the target itself. Creating __pypackages__ also writes a
// .gitignore holding "*".
//
// Rules an install enforces before anything in the target changes (SPEC
// §5; those of one wheel before its first byte is staged, those between
// wheels and against the installed distributions before the commit):
//   - every member name is valid UTF-8 without control characters or
//     backslashes, relative and clean (no "." or ".." elements);
//   - .data/<key>/ only for purelib, platlib, scripts, headers and data;
//   - no destination lies in another .dist-info directory or in any
//     .egg-info at the top of lib/ (another distribution's metadata), in a name
//     reserved by pkginstall (".pkginstall*" at the top of the target),
//     or is both a file and a directory of the plan;
//   - no two files of one run map to one destination, and no destination is
//     a file another installed distribution's RECORD claims: such a
//     collision is refused with a *ConflictError (pip warns and
//     overwrites) unless InstallOptions.Overwrite is set, which turns it
//     into a warning;
//   - entry points name a module and an attribute made of identifiers.
//
// Every write goes through an os.Root opened on the target directory, or
// through a directory handle opened by it and then used only for single
// path elements (openat, mkdirat, renameat, linkat, never following a
// symlink at the last element), so no name and no symlink planted in the
// target can make a write land outside it.
//
// Transactions (SPEC §5 "all or nothing per run"). A Txn stages each wheel
// as it becomes ready (Stage; the caller still fetches the others), then
// checks the run and commits it at once (Commit); InstallAll is a Txn
// whose wheels are all ready (in symlink mode, which plans each symlink
// against the whole run, Commit stages them all). Files are written into
// <target>/.pkginstall-staging/<id>/ by a bounded pool of workers shared
// by every wheel of the run, each staging directory created once. Nothing
// visible changes until every file of every wheel of the run is staged
// and verified. Content is hashed
// at most once: a file kept as the wheel has it gets the wheel's RECORD
// hash, which a VerifyingSource checked while it was read (other sources
// are checked here in the same pass); rewritten and generated files are
// hashed as written. A LinkSource (an unpacked, verified wheel tree of the
// cache) is cloned, hard-linked or copied into staging instead (see
// LinkMode; LinkSymlink, opt-in, links whole top-level packages of lib/
// instead: see symlink.go); files pkginstall rewrites are always written fresh, and no
// operation writes into an installed file in place. The commit then
// writes <target>/.pkginstall-journal.json (atomically, by rename),
// removes the files of the replaced distributions, renames staged entries
// into place: a directory that does not exist in the target and receives
// files of one distribution only moves with one rename, anything else file
// by file; each .dist-info comes last and its RECORD last of all. It then
// cleans up and removes the journal. Recover, which every Install and
// Uninstall runs first, rolls a journal forward (its steps are idempotent;
// a directory found in place is merged into) or, when there is no
// journal, deletes stale staging directories: each distribution is either
// as it was or fully installed. This holds against a crash or kill of the
// process; against power loss only as far as the file system orders
// writes (staged files are not fsynced one by one; the journal is).
//
// Callers serialise runs on one __pypackages__ with Lock; Install,
// InstallAll, Uninstall and Recover do not lock themselves.
//
// Upgrades and uninstalls remove exactly the files listed in the old
// RECORD that lie inside the target (plus the __pycache__ byte code of
// removed .py files), never a file another distribution's RECORD claims,
// never anything outside the target, and every .dist-info of the project;
// then they remove directories left empty.
//
// Console and GUI scripts are self-locating launchers: see WriteLauncher.
// On Windows each is NAME.exe, a copy of the C launcher in launcher/ with a
// trailer naming the interpreter and NAME-script.py(w) (WindowsLauncher);
// "#!python" .data scripts get one too.
package scheme
