# The PEP 517 driver of pkginstall: run by the target interpreter with -I -S,
# in the source tree, with only the build environment on its path. It calls
# one hook of the backend and writes its answer as JSON to a file.
import importlib
import json
import os
import site
import sys


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        req = json.load(f)
    for p in req["paths"]:
        site.addsitedir(p)
    backend_path = [os.path.abspath(p) for p in req["backend_path"]]
    sys.path[:0] = backend_path
    mod_name, _, attr = req["backend"].partition(":")
    backend = importlib.import_module(mod_name.strip())
    if backend_path:
        # PEP 517: an in-tree backend must come from backend-path.
        where = os.path.abspath(getattr(backend, "__file__", "") or "")
        if not any(where == p or where.startswith(p + os.sep) for p in backend_path):
            raise SystemExit("backend %s is not loaded from backend-path (%s)" % (req["backend"], where))
    for a in filter(None, attr.strip().split(".")):
        backend = getattr(backend, a)
    hook = getattr(backend, req["hook"], None)
    if hook is None:
        result = {"missing": True}
    else:
        result = {"value": hook(*req["args"])}
    with open(req["out"], "w", encoding="utf-8") as f:
        json.dump(result, f)


main()
