package project

import (
	"path/filepath"
	"strings"

	"github.com/pkginstall/pkginstall/internal/pep508"
)

// RootVariable is the variable a local reference starts with, as PDM
// writes it: "name @ file:///${PROJECT_ROOT}/libs/name" is the folder
// libs/name beside pyproject.toml, wherever the project is checked out.
const RootVariable = "${PROJECT_ROOT}"

// LocalReference is the PEP 508 URL of the folder dir (absolute) for the
// project at root: relative to ${PROJECT_ROOT}, with forward slashes.
func LocalReference(root, dir string) string {
	rel, err := filepath.Rel(root, dir)
	if err != nil {
		return "file://" + filepath.ToSlash(dir)
	}
	if rel == "." {
		return "file:///" + RootVariable
	}
	return "file:///" + RootVariable + "/" + filepath.ToSlash(rel)
}

// ExpandRoot replaces ${PROJECT_ROOT} in a file:// URL with root; other
// URLs come back as they are.
func ExpandRoot(url, root string) string {
	for _, prefix := range []string{"file:///" + RootVariable, "file://" + RootVariable} {
		if rest, ok := strings.CutPrefix(url, prefix); ok {
			return "file://" + filepath.ToSlash(filepath.Join(root, filepath.FromSlash(rest)))
		}
	}
	return url
}

// IsEditable reports whether [tool.pkginstall] editable names the local
// project name.
func (p *Pyproject) IsEditable(name string) bool {
	for _, n := range p.Tool.Pkginstall.Editable {
		if pep508.NormalizeName(n) == pep508.NormalizeName(name) {
			return true
		}
	}
	return false
}
