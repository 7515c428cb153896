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

// selfInstaller sets up in to install the project itself after a lock
// (in's index reads no project page, so the project's build environment
// comes from the configured index) and returns its folder, or "".
func selfInstaller(in *installer.Installer, t *Target, env Env, noProject bool) (string, error) {
	dir := selfDir(t, noProject)
	if dir == "" {
		return "", nil
	}
	var err error
	in.BuildIndex, err = env.newIndex(t)
	return dir, err
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
