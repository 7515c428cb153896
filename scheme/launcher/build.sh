#!/bin/sh
# Regenerates console.exe and gui.exe from launcher.c (go generate ./scheme).
# Needs Debian's gcc-mingw-w64-x86-64 (x86_64-w64-mingw32-gcc 12); the
# output is byte-for-byte reproducible (no timestamp, no build id, no CRT):
# scheme's TestLauncherReproducible rebuilds and compares when the compiler
# is installed.
set -eu
cd "$(dirname "$0")"
CC=${CC:-x86_64-w64-mingw32-gcc}
for kind in console windows; do
	out=$kind.exe
	[ "$kind" = windows ] && out=gui.exe
	"$CC" -Os -s -nostdlib -ffreestanding -fno-asynchronous-unwind-tables \
		-fno-ident -fno-stack-protector -mno-stack-arg-probe \
		-Wall -Wextra -Werror \
		-m"$kind" -e start \
		-Wl,--no-insert-timestamp -Wl,--build-id=none -Wl,--gc-sections \
		-o "${OUT:-.}/$out" launcher.c -lkernel32
done
