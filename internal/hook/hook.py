# pkginstall shell hook (PEP 582 emulation), written by `pkginstall shell-init`.
#
# Python imports this file at start-up because its directory is on
# PYTHONPATH. It puts the lib/ directory of the project's __pypackages__ on
# sys.path, just before site-packages, and then runs the sitecustomize it
# shadows, if any. The project is found from:
#   - the script's own real location for `python script.py`;
#   - the working directory for the interactive prompt, -c, -m and stdin.
# It adds nothing under -I (which also ignores PYTHONPATH), -P or
# PYTHONSAFEPATH, with PKGINSTALL_HOOK=0, on Python older than 3.7 (3.5
# and 3.6 still run the sitecustomize it shadows; Python 2 ignores this
# file), and for a __pypackages__ that is not owned by you (or root) or is
# writable by other users (a warning says why). This file must stay valid
# Python 2 syntax: every Python on the machine reads it.
# @BOOTSTRAP@ (safety.Bootstrap: _pkginstall_use, _pkginstall_sitecustomize)

_PKGINSTALL_MAX_DEPTH = 8
_PKGINSTALL_SHORT = {"cpython": "cp", "pypy": "pp", "ironpython": "ip", "jython": "jy"}


def _pkginstall_anchor():
    """The directory whose project counts, or None."""
    argv = getattr(sys, "argv", None)
    if not argv:
        return None
    first = argv[0]
    try:
        if first in ("", "-", "-c", "-m"):
            # The interactive prompt, stdin, -c and -m: the working directory.
            return os.getcwd()
        # A script (or a directory or zip file with __main__.py): its own
        # project, never the working directory's.
        path = os.path.realpath(os.path.abspath(first))
    except OSError:
        return None  # the working directory is gone
    if os.path.isdir(path):
        return path
    return os.path.dirname(path)


def _pkginstall_find(start):
    """The __pypackages__ of the project holding start, or None.

    As `pkginstall` finds the project root: the nearest of start and its
    ancestors (at most _PKGINSTALL_MAX_DEPTH levels up) that holds
    __pypackages__ or pyproject.toml.
    """
    d = start
    for _ in range(_PKGINSTALL_MAX_DEPTH + 1):
        pp = os.path.join(d, "__pypackages__")
        if os.path.isdir(pp):
            return pp
        if os.path.exists(os.path.join(d, "pyproject.toml")):
            return None
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    return None


def _pkginstall_threaded():
    if "t" in getattr(sys, "abiflags", ""):
        return True
    if sys.version_info >= (3, 13):
        import sysconfig
        return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    return False


def _pkginstall_version_name():
    """The version-layout target name: 3.11, 3.13t, pypy3.10."""
    impl = sys.implementation.name.lower()
    name = "%d.%d" % sys.version_info[:2]
    if _pkginstall_threaded():
        name += "t"
    if impl != "cpython":
        name = impl + name
    return name


def _pkginstall_platform_name():
    """The platform-layout target name: cp311-linux_x86_64."""
    import sysconfig
    impl = sys.implementation.name.lower()
    abi = getattr(sys, "abiflags", "")
    if _pkginstall_threaded() and "t" not in abi:
        abi += "t"
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return "%s%d%d%s-%s" % (_PKGINSTALL_SHORT.get(impl, impl),
                            sys.version_info[0], sys.version_info[1], abi, plat)


def _pkginstall_setup():
    if sys.flags.isolated or getattr(sys.flags, "safe_path", False):
        return
    if sys.prefix != getattr(sys, "base_prefix", sys.prefix):
        return  # an active virtual environment takes precedence (SPEC 6)
    anchor = _pkginstall_anchor()
    if anchor is None:
        return
    pp = _pkginstall_find(anchor)
    if pp is None:
        return
    target = os.path.join(pp, _pkginstall_version_name())
    if not os.path.isdir(target):
        target = os.path.join(pp, _pkginstall_platform_name())
        if not os.path.isdir(target):
            return
    for why in _pkginstall_use(pp, target, os.path.join(target, "lib")):
        _pkginstall_warn("not using %s: %s" % (pp, why))


def _pkginstall_main():
    setup = None
    if sys.version_info >= (3, 7) and os.environ.get("PKGINSTALL_HOOK", "1") != "0":
        setup = _pkginstall_setup
    _pkginstall_sitecustomize(setup)


if sys.version_info >= (3, 5):
    # 3.5 and 3.6 only chain (sys.argv is not set yet when this runs).
    _pkginstall_main()
