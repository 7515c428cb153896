// Package workflow is pkginstall's application layer: the commands' work
// (install, with requirements or of the project; add; remove; lock; sync;
// download; uninstall), each a function taking a context, the target, its
// options and a Reporter, and returning results. It never prints: progress,
// warnings and events go through the Reporter, results come back to the
// caller (internal/cli), which renders them.
//
// Rules it owns:
//   - The install transaction exists once (transaction.run): stat the
//     target, take its lock, finish or undo an interrupted run, plan,
//     prepare every wheel, write the project's files, apply, uninstall what
//     a sync removes, clean up a target this run created when the apply
//     fails, and write or forget the no-op manifest, holding the target
//     lock from recovery until the manifest is written. Every install
//     (requirements, the project, sync, add, remove) goes through it and
//     gets every option (link mode, byte-compiling, overwrite on
//     --reinstall, the conflict hint).
//   - Nothing in the target changes before every wheel is ready; removals
//     are reported only after they happened.
//   - Commands that rewrite pyproject.toml or pylock.toml hold the
//     project's lock for their whole run.
//   - A lock is re-resolved only when it does not satisfy pyproject.toml
//     (pylock.Lock.Problems); unless upgrading, re-locking keeps the
//     previous lock's versions when the new requirements allow them.
//   - Installing a lock never reads an index page: wheels come from the
//     lock's URLs and paths, checked against its hashes.
package workflow
