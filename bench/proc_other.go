//go:build !linux

package main

// mountTmpfs is Linux-only here.
func mountTmpfs(string) error { return errNotRoot }

func unmount(string) error { return nil }
