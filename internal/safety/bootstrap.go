package safety

import _ "embed"

// Bootstrap is the Python side of SPEC §6 (see bootstrap.py): it defines
// _pkginstall_use(pypackages, target, lib), which checks the three at the
// moment of use and puts lib/ on sys.path by its real path, after the
// standard library, with its .pth files processed as site-packages does;
// and _pkginstall_sitecustomize(setup), which runs setup as a shadowing
// sitecustomize module and then the one it shadows. Launchers, .data
// script trampolines, `run` and the shell hook embed this text, then call
// these functions. It is valid Python 2 syntax and holds no single quote.
//
//go:embed bootstrap.py
var Bootstrap string
