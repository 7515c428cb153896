#!/usr/bin/env bash
# The Windows tests under wine (issue 14), called by .ci/run. Needs
# wine64 and gcc-mingw-w64-x86-64 (Debian); .ci/run installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
WINE=$(command -v wine64 || echo /usr/lib/wine/wine64)
work=$(mktemp -d)
WINESERVER=$(command -v wineserver || echo /usr/lib/wine/wineserver)
trap 'WINEPREFIX=$work/prefix "$WINESERVER" -k 2>/dev/null || true; rm -rf "$work"' EXIT
export WINEPREFIX=$work/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
"$WINE" wineboot -i >/dev/null 2>&1 || true
# Go 1.26 needs ProcessPrng from bcryptprimitives.dll, which wine 8.0 lacks.
x86_64-w64-mingw32-gcc -O2 -shared -s -o "$work/bcryptprimitives.dll" \
	.ci/wine/bcryptprimitives.c .ci/wine/bcryptprimitives.def
cp "$work/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"

# The Windows build of the tests of the packages with OS-specific code;
# -test.run picks the tests of those files where the rest of a package's
# tests assume Unix (modes, symlinks, a real python3).
while read -r pkg run; do
	echo "-- wine: $pkg ${run:+(-test.run $run)}"
	bin=$work/$(basename "$pkg").test.exe
	GOOS=windows GOARCH=amd64 go test -c -o "$bin" "./$pkg"
	(cd "$work" && "$WINE" "$bin" ${run:+-test.run "$run"} -test.v 2>&1 | grep -E '^(--- |PASS|FAIL|ok|panic)' ; exit "${PIPESTATUS[0]}")
done <<'LIST'
internal/safety
internal/python PyList|StoreStub|Registry|PyenvWin
internal/fsutil Lock|ReadRegular$
bench SysWindows
internal/procgroup
LIST

# End to end: launchers installed for a stand-in python.exe, run by wine
# (scheme), and the Windows pkginstall.exe installing a wheel, its launchers
# run, doctor and run refusing an unsafe __pypackages__ (cmd/pkginstall).
echo "-- wine: scheme launchers, pkginstall.exe end to end"
PKGINSTALL_WINE=$WINE go test -p 1 -count=1 -run 'UnderWine|LauncherReproducible' -v ./scheme ./cmd/pkginstall 2>&1 |
	grep -E '^(--- |PASS|FAIL|ok|panic|\s+win[a-z_]*test\.go|\s+)' | cut -c1-400
