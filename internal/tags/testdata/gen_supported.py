"""Generates testdata/supported/*.txt: the tag order of packaging.tags for
synthetic interpreters, using the packaging vendored by pip (>= 21.3).

Run from internal/tags/testdata with a Python that has pip:
    python3 gen_supported.py

packaging is driven through its public functions with explicit versions,
ABIs and platforms; the Linux platform list is built by _linux_platforms
with the glibc/musl probes replaced. Two known differences from the newest
packaging are applied here so the files state the order we implement:
"fat32" is "fat3" (packaging 26.3 fix) and free-threaded builds get abi3t
tags (packaging 26.1); see supported_test.go.
"""
import sys
import sysconfig

from pip._vendor.packaging import _manylinux, _musllinux, tags


def linux(plat, glibc=None, musl=None, is_32bit=False):
    sysconfig.get_platform = lambda: plat
    _manylinux._have_compatible_abi = lambda *a: True
    _manylinux._get_glibc_version = lambda: glibc or (-1, -1)
    _musllinux._get_musl_version = lambda exe: (
        _musllinux._MuslVersion(*musl) if musl else None)
    return list(tags._linux_platforms(is_32bit=is_32bit))


def mac(version, arch):
    return [p.replace("fat32", "fat3") for p in tags.mac_platforms(version, arch)]


def cpython(pyver, abis, plats, threaded=False):
    out = list(tags.cpython_tags(pyver, abis, plats))
    if threaded:
        # packaging >= 26.1: abi3t right after the ABI tags, and for older
        # minors in place of abi3.
        interp = "cp%d%d" % pyver
        n = len(abis) * len(plats)
        out = out[:n] + [tags.Tag(interp, "abi3t", p) for p in plats] + out[n:]
        for minor in range(pyver[1] - 1, 1, -1):
            out += [tags.Tag("cp%d%d" % (pyver[0], minor), "abi3t", p) for p in plats]
    return out + list(tags.compatible_tags(pyver, "cp%d%d" % pyver, plats))


def generic(pyver, interp, abis, plats, compat_interp):
    return list(tags.generic_tags(interp, abis, plats)) + list(
        tags.compatible_tags(pyver, compat_interp, plats))


CASES = {
    "cp311-linux-x86_64-glibc2.36": lambda: cpython((3, 11), ["cp311"], linux("linux-x86_64", glibc=(2, 36))),
    "cp313t-linux-aarch64-glibc2.28": lambda: cpython((3, 13), ["cp313t"], linux("linux-aarch64", glibc=(2, 28)), threaded=True),
    "cp312d-linux-x86_64-glibc2.17": lambda: cpython((3, 12), ["cp312d", "cp312"], linux("linux-x86_64", glibc=(2, 17))),
    "cp37m-linux-i686-glibc2.12": lambda: cpython((3, 7), ["cp37m"], linux("linux-x86_64", glibc=(2, 12), is_32bit=True)),
    "cp312-linux-x86_64-musl1.2": lambda: cpython((3, 12), ["cp312"], linux("linux-x86_64", musl=(1, 2))),
    "cp310-linux-armv8l-glibc2.31": lambda: cpython((3, 10), ["cp310"], linux("linux-aarch64", glibc=(2, 31), is_32bit=True)),
    "cp312-macos-14.2-arm64": lambda: cpython((3, 12), ["cp312"], mac((14, 2), "arm64")),
    "cp39-macos-10.15-x86_64": lambda: cpython((3, 9), ["cp39"], mac((10, 15), "x86_64")),
    "cp311-macos-12.6-x86_64": lambda: cpython((3, 11), ["cp311"], mac((12, 6), "x86_64")),
    "cp312-windows-amd64": lambda: cpython((3, 12), ["cp312"], ["win_amd64"]),
    "cp311-windows-win32": lambda: cpython((3, 11), ["cp311"], ["win32"]),
    "pp310-linux-x86_64-glibc2.35": lambda: generic((3, 10), "pp310", ["pypy310_pp73"], linux("linux-x86_64", glibc=(2, 35)), "pp3"),
}

for name, gen in CASES.items():
    with open("supported/%s.txt" % name, "w") as f:
        f.write("".join(str(t) + "\n" for t in gen()))
