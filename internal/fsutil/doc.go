// Package fsutil owns pkginstall's file-system primitives: the one atomic
// write, the one file lock, the one way to read a file the user names and
// the one removal of a tree with read-only directories. Every package that replaces a file or
// serialises processes calls it; none writes its own.
//
// Rules it enforces:
//   - An atomic write (WriteFile, Write, WriteIfChanged) writes a temporary
//     file with a unique name (os.CreateTemp) in the destination's own
//     directory, syncs it to disk, gives it its mode and renames it over the
//     destination: a reader sees the old file or the new one, never a part,
//     and two writers never share a temporary file. On any error the
//     temporary file is removed and the destination is untouched.
//   - A destination that is a symbolic link is written through: the file at
//     the end of the chain of links is replaced and every link stays a link
//     (a symlinked pyproject.toml or pylock.toml keeps pointing where it
//     did). A dangling link gets its target created.
//   - The mode of the written file is the perm argument; KeepPerm keeps the
//     permission bits of the file being replaced (0644 for a new one), for
//     files the user owns and may have restricted.
//   - A lock (Lock, TryLock) is an exclusive advisory lock held on an open
//     file: flock(2) on Unix, LockFileEx on Windows (github.com/gofrs/flock),
//     so it is released by the kernel when the process dies and never needs
//     cleaning up. The lock file is created when missing. On Unix a
//     directory can be locked itself, which creates nothing; Windows cannot
//     lock a directory, so there the lock is taken on DirLockName inside it.
//     A waiting Lock calls onWait once (so the caller can say whom it waits
//     for) and gives up when its context is done.
//   - A file the user names for reading (a requirements, constraints or lock
//     file, a local wheel) is read with OpenRegular or ReadRegular: only a
//     regular file is accepted, the open never blocks (a FIFO is refused,
//     not waited on), and ReadRegular's size limit holds while reading.
//   - RemoveAll removes a tree whose directories may be read-only (0555),
//     making them writable first when a plain removal fails.
package fsutil
