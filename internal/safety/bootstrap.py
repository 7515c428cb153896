# pkginstall bootstrap (SPEC 6): the one piece of Python that puts a
# project lib/ on sys.path. Console and GUI launchers, .data script
# trampolines, `pkginstall run` and the shell hook all embed this text.
# _pkginstall_use checks __pypackages__, the target and lib/ at the moment
# of use: each must be owned by you or root and not writable by other
# users, and so must every symbolic link met on the way (by its own owner);
# lib/ goes on sys.path by its real path, after the standard library where
# site-packages goes, and its .pth files are processed as site-packages
# does. Rules for this text: valid Python 2 syntax (the hook is read by
# every Python on the machine) and no single quote (a trampoline passes it
# to python -c as one single-quoted shell word).
import os
import sys

_PKGINSTALL_MAX_LINKS = 40


def _pkginstall_sh(s):
    """s quoted for a POSIX shell when it needs it (as safety.ShellArg)."""
    ok = "/.-_=:+,0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    if s and not [c for c in s if c not in ok]:
        return s
    q = chr(39)
    return q + s.replace(q, q + "\\" + q + q) + q


def _pkginstall_fault(path, st, link):
    """Why path (its lstat when link, else its stat) may not be used, or None."""
    uid = os.getuid()
    if st.st_uid not in (uid, 0):
        if link:
            fix = ("chown -h %d %s (if you trust where it points; otherwise delete it)"
                   % (uid, _pkginstall_sh(path)))
        else:
            fix = ("chown -R %d %s (if you trust its content; otherwise delete it and reinstall)"
                   % (uid, _pkginstall_sh(path)))
        return ("%s is owned by uid %d, not by you (uid %d) or root; fix it with: %s"
                % (path, st.st_uid, uid, fix))
    if not link and st.st_mode & 0o002:
        return ("%s is writable by other users (mode %04o); fix it with: chmod o-w %s"
                % (path, st.st_mode & 0o7777, _pkginstall_sh(path)))
    return None


def _pkginstall_step(parent, name, faults, hops):
    """The real path of parent/name (parent being real), checking the owner
    of every symbolic link met, in name and inside the targets of links."""
    import stat
    p = os.path.join(parent, name)
    st = os.lstat(p)
    if not stat.S_ISLNK(st.st_mode):
        return p
    hops[0] += 1
    if hops[0] > _PKGINSTALL_MAX_LINKS:
        import errno
        raise OSError(errno.ELOOP, "too many levels of symbolic links")
    why = _pkginstall_fault(p, st, True)
    if why is not None:
        faults.append(why)
    target = os.readlink(p)
    cur = parent
    if os.path.isabs(target):
        cur = os.sep
    for e in target.split(os.sep):
        if e in ("", "."):
            continue
        if e == "..":
            cur = os.path.dirname(cur)
        else:
            cur = _pkginstall_step(cur, e, faults, hops)
    return cur


def _pkginstall_real(dirs):
    """(real paths, faults) for dirs, each inside the one before it.

    The real paths stop at the first directory that does not exist, or at
    the first that cannot be used.
    """
    import errno
    import stat
    faults = []
    hops = [0]
    parent = os.path.realpath(os.path.dirname(dirs[0]))
    reals = []
    for d in dirs:
        try:
            real = _pkginstall_step(parent, os.path.basename(d), faults, hops)
            st = os.stat(real)
        except OSError as e:
            if e.errno != errno.ENOENT:
                faults.append("%s cannot be inspected: %s; fix it with: check the path and its permissions"
                              % (d, e.strerror))
            break
        if not stat.S_ISDIR(st.st_mode):
            faults.append("%s is not a directory; fix it with: move it away; pkginstall recreates the directory" % (d,))
            break
        why = _pkginstall_fault(real, st, False)
        if why is not None:
            faults.append(why)
        reals.append(real)
        parent = real
    return reals, faults


def _pkginstall_win_sd(path, link):
    """(owner SID, DACL, me, keep) of path, or raises OSError (Windows)."""
    import ctypes
    from ctypes import wintypes
    k32 = ctypes.WinDLL("kernel32", use_last_error=True)
    adv = ctypes.WinDLL("advapi32", use_last_error=True)
    k32.CreateFileW.restype = wintypes.HANDLE
    k32.CreateFileW.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, wintypes.DWORD, ctypes.c_void_p,
                                wintypes.DWORD, wintypes.DWORD, wintypes.HANDLE]
    flags = 0x02000000  # FILE_FLAG_BACKUP_SEMANTICS
    if link:
        flags |= 0x00200000  # FILE_FLAG_OPEN_REPARSE_POINT
    h = k32.CreateFileW(path, 0x00020000, 7, None, 3, flags, None)  # READ_CONTROL, share all, OPEN_EXISTING
    if h is None or h == ctypes.c_void_p(-1).value:
        raise ctypes.WinError(ctypes.get_last_error())
    owner, dacl, sd = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
    adv.GetSecurityInfo.argtypes = [wintypes.HANDLE, ctypes.c_int, wintypes.DWORD, ctypes.c_void_p,
                                    ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    rc = adv.GetSecurityInfo(h, 1, 5, ctypes.byref(owner), None, ctypes.byref(dacl), None, ctypes.byref(sd))
    k32.CloseHandle(wintypes.HANDLE(h))
    if rc != 0:
        raise ctypes.WinError(rc)
    tok = wintypes.HANDLE()
    adv.OpenProcessToken.argtypes = [wintypes.HANDLE, wintypes.DWORD, ctypes.c_void_p]
    k32.GetCurrentProcess.restype = wintypes.HANDLE
    if not adv.OpenProcessToken(k32.GetCurrentProcess(), 8, ctypes.byref(tok)):  # TOKEN_QUERY
        raise ctypes.WinError(ctypes.get_last_error())
    buf = ctypes.create_string_buffer(256)
    n = wintypes.DWORD()
    adv.GetTokenInformation.argtypes = [wintypes.HANDLE, ctypes.c_int, ctypes.c_void_p, wintypes.DWORD, ctypes.c_void_p]
    ok = adv.GetTokenInformation(tok, 1, buf, 256, ctypes.byref(n))  # TokenUser
    k32.CloseHandle(tok)
    if not ok:
        raise ctypes.WinError(ctypes.get_last_error())
    me = ctypes.c_void_p.from_buffer(buf).value
    return owner.value, dacl.value, me, (buf, sd)


def _pkginstall_win_name(sid):
    """DOMAIN\\name (SID) of a SID pointer, as safety.account does."""
    import ctypes
    from ctypes import wintypes
    adv = ctypes.WinDLL("advapi32", use_last_error=True)
    s = wintypes.LPWSTR()
    adv.ConvertSidToStringSidW.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    text = "?"
    if adv.ConvertSidToStringSidW(sid, ctypes.byref(s)):
        text = s.value
        ctypes.WinDLL("kernel32").LocalFree(s)
    name, dom = ctypes.create_unicode_buffer(256), ctypes.create_unicode_buffer(256)
    nn, dn, use = wintypes.DWORD(256), wintypes.DWORD(256), wintypes.DWORD()
    adv.LookupAccountSidW.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                                      ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    if not adv.LookupAccountSidW(None, sid, name, ctypes.byref(nn), dom, ctypes.byref(dn), ctypes.byref(use)) or not name.value:
        return text
    full = name.value
    if dom.value:
        full = dom.value + "\\" + full
    return "%s (%s)" % (full, text)


def _pkginstall_win_q(s):
    """s quoted for cmd.exe when it needs it (as safety.WindowsArg)."""
    if s and not [c for c in s if c in " \t&()[]{}^=;!+,`~%" or c == chr(39)]:
        return s
    return "\"" + s + "\""


def _pkginstall_win_fault(path, link):
    """SPEC 6 in Windows terms: owned by you, SYSTEM or Administrators;
    not writable by Everyone, Authenticated Users or Users (for a link, only
    its owner). Returns the reasons, as safety.Audit words them."""
    import ctypes
    adv = ctypes.WinDLL("advapi32", use_last_error=True)
    owner, dacl, me, keep = _pkginstall_win_sd(path, link)
    adv.EqualSid.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    adv.IsWellKnownSid.argtypes = [ctypes.c_void_p, ctypes.c_int]
    faults = []
    if not (adv.EqualSid(owner, me) or adv.IsWellKnownSid(owner, 22) or adv.IsWellKnownSid(owner, 26)):
        if link:
            fix = "delete it (or takeown /f %s if you trust where it points)" % (_pkginstall_win_q(path),)
        else:
            fix = ("takeown /f %s /r /d y (if you trust its content; otherwise delete it and reinstall)"
                   % (_pkginstall_win_q(path),))
        faults.append("%s is owned by %s, not by you (%s), SYSTEM or Administrators; fix it with: %s"
                      % (path, _pkginstall_win_name(owner), _pkginstall_win_name(me), fix))
    if link:
        return faults
    q = _pkginstall_win_q(path)
    if not dacl:
        faults.append("%s has no access list, so everyone may write into it; fix it with: icacls %s /reset" % (path, q))
        return faults
    count = ctypes.c_uint16.from_address(dacl + 4).value
    adv.GetAce.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_void_p]
    seen = set()
    for i in range(count):
        ace = ctypes.c_void_p()
        if not adv.GetAce(dacl, i, ctypes.byref(ace)):
            continue
        kind, flags = ctypes.c_uint8.from_address(ace.value).value, ctypes.c_uint8.from_address(ace.value + 1).value
        mask = ctypes.c_uint32.from_address(ace.value + 4).value
        # ACCESS_ALLOWED_ACE_TYPE, not INHERIT_ONLY_ACE, a write right
        # (safety.writeRights).
        if kind != 0 or flags & 8 or not mask & 0x500D0046:
            continue
        for wk, name, sddl in ((1, "Everyone", "S-1-1-0"), (17, "Authenticated Users", "S-1-5-11"),
                               (27, "Users", "S-1-5-32-545")):
            if name not in seen and adv.IsWellKnownSid(ace.value + 8, wk):
                seen.add(name)
                faults.append("%s is writable by %s; fix it with: icacls %s /inheritance:d && icacls %s /remove:g *%s"
                              % (path, name, q, q, sddl))
    return faults


def _pkginstall_win_real(dirs):
    """(real paths, faults) for dirs on Windows, as _pkginstall_real: every
    link on the lexical path is checked by its owner, every directory by its
    real path."""
    faults = []
    reals = []
    for d in dirs:
        try:
            if os.path.islink(d):
                faults.extend(_pkginstall_win_fault(d, True))
            if not os.path.exists(d):
                break
            real = os.path.realpath(d)
            if not os.path.isdir(real):
                faults.append("%s is not a directory; fix it with: move it away; pkginstall recreates the directory" % (d,))
                break
            faults.extend(_pkginstall_win_fault(real, False))
        except (OSError, ValueError) as e:
            faults.append("%s cannot be inspected: %s; fix it with: check the path and its permissions" % (d, e))
            break
        reals.append(real)
    return reals, faults



def _pkginstall_addsitedir(lib):
    """Put lib where site-packages goes: after the standard library, just
    before the first site-packages entry, and process its .pth files as
    site.addsitedir does, their entries right after lib."""
    import site
    try:
        sitedirs = set(site.getsitepackages())
    except AttributeError:
        sitedirs = set()
    if getattr(site, "ENABLE_USER_SITE", False):
        try:
            sitedirs.add(site.getusersitepackages())
        except Exception:
            pass
    pos = len(sys.path)
    for i, p in enumerate(sys.path):
        if p in sitedirs or os.path.basename(p) in ("site-packages", "dist-packages"):
            pos = i
            break
    sys.path.insert(pos, lib)
    before = list(sys.path)
    known = set(os.path.normcase(os.path.abspath(p)) for p in sys.path if p)
    site.addsitedir(lib, known)
    if sys.path[:len(before)] == before:
        added = sys.path[len(before):]
        del sys.path[len(before):]
        sys.path[pos + 1:pos + 1] = added


def _pkginstall_use(pypackages, target, lib):
    """Check pypackages, target and lib and put lib on sys.path.

    Returns the list of reasons to refuse ([] when lib was added, or when
    there is nothing to add because a directory does not exist).
    """
    if hasattr(os, "getuid"):
        reals, faults = _pkginstall_real([pypackages, target, lib])
        if faults:
            return faults
        if len(reals) < 3:
            return []
        lib = reals[2]
    elif os.name == "nt":
        reals, faults = _pkginstall_win_real([pypackages, target, lib])
        if faults:
            return faults
        if len(reals) < 3:
            return []
        lib = reals[2]
    else:
        # Elsewhere only the kind of file is checked (as the Go side does).
        lib = os.path.realpath(lib)
        if not os.path.isdir(lib):
            return []
    if lib not in sys.path:
        _pkginstall_addsitedir(lib)
    return []


def _pkginstall_warn(msg):
    try:
        sys.stderr.write("warning: pkginstall: %s\n" % (msg,))
    except Exception:
        pass


def _pkginstall_sitecustomize(setup):
    """Run setup() as a sitecustomize module does, then the sitecustomize
    this file shadows, if any.

    The directory of this file was only a way in: it is taken off sys.path.
    The shadowed sitecustomize is looked up before setup() adds lib/ (a
    package must not be able to install one).
    """
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    spec = None
    try:
        import importlib.machinery
        spec = importlib.machinery.PathFinder.find_spec("sitecustomize", sys.path)
    except Exception:
        pass
    if setup is not None:
        try:
            setup()
        except Exception as e:
            _pkginstall_warn("bootstrap failed: %r" % (e,))
    if spec is not None and spec.loader is not None:
        try:
            # importlib.util costs milliseconds at every start-up; the
            # function lives, loaded already, in importlib._bootstrap.
            from importlib._bootstrap import module_from_spec
        except ImportError:
            from importlib.util import module_from_spec
        mod = module_from_spec(spec)
        # Keep this module registered while the other one runs: the import
        # machinery looks sitecustomize up in sys.modules when it is done.
        try:
            spec.loader.exec_module(mod)
        except Exception as e:
            _pkginstall_warn("error in %s: %r" % (spec.origin, e))
        else:
            sys.modules["sitecustomize"] = mod
