package workflow

import "github.com/pkginstall/pkginstall/internal/installer"

// selfDir is the project folder that sync and install with no
// requirements install editable (the project itself, as uv sync and
// pip install -e . do), or "" when the project is not a package
// (project.IsPackage) or noProject (--no-project) says not to.
func selfDir(t *Target, noProject bool) string {
	if noProject || t.Pyproject == nil || !t.Pyproject.IsPackage(t.Root) {
		return ""
	}
	return t.Root
}

// selfInstaller sets up in to install a lock: in's index reads no
// project page, so build environments (of the project itself, and of
// locked sdists and folders) come from the configured index, asked only
// when something is built. It returns the project's folder to install
// editable after the lock, or "".
func selfInstaller(in *installer.Installer, t *Target, env Env, noProject bool) (string, error) {
	var err error
	in.BuildIndex, err = env.newIndex(t)
	return selfDir(t, noProject), err
}

// selfReq is the requirement of the project itself, editable.
func selfReq(dir string) installer.Req {
	return installer.Req{Dir: dir, Editable: true, Origin: "the project (" + DisplayPath(dir) + ")"}
}

// hasSource reports whether req builds a source tree (never the no-op
// shortcut: the tree may have changed).
func hasSource(req *installer.Request) bool {
	for _, r := range req.Reqs {
		if r.Dir != "" {
			return true
		}
	}
	return false
}
