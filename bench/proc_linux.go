package main

import "syscall"

// mountTmpfs mounts a tmpfs at dir (root only).
func mountTmpfs(dir string) error {
	if syscall.Geteuid() != 0 {
		return errNotRoot
	}
	return syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=50%,mode=0755")
}

// unmount unmounts dir.
func unmount(dir string) error { return syscall.Unmount(dir, 0) }
