package layers

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/pkginstall/pkginstall"

var update = flag.Bool("update", false, "rewrite DESIGN.md's imports block from the module")

// readLayers reads the "layers" block of DESIGN.md: lines of a layer
// number followed by package paths relative to the module root.
func readLayers(t *testing.T, path string) map[string]int {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	layers := map[string]int{}
	in := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case !in && line == "```layers":
			in = true
			continue
		case !in:
			continue
		case line == "```":
			in = false
			continue
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		}
		f := strings.Fields(line)
		rank, err := strconv.Atoi(strings.TrimSuffix(f[0], ":"))
		if err != nil || len(f) < 2 {
			t.Fatalf("%s:%d: want 'N: pkg pkg…', got %q", path, n, line)
		}
		for _, p := range f[1:] {
			if old, dup := layers[p]; dup {
				t.Fatalf("%s:%d: %s is in layers %d and %d", path, n, p, old, rank)
			}
			layers[p] = rank
		}
	}
	if len(layers) == 0 {
		t.Fatalf("%s has no ```layers block", path)
	}
	return layers
}

// imports lists the module's packages and their imports of other module
// packages (production code only: tests may import test helpers).
func imports(t *testing.T, root string) map[string][]string {
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...")
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	graph := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg := rel(f[0])
		graph[pkg] = nil
		for _, imp := range f[1:] {
			if r := rel(imp); r != "" && strings.HasPrefix(imp, module) {
				graph[pkg] = append(graph[pkg], r)
			}
		}
	}
	return graph
}

func rel(importPath string) string {
	if importPath == module {
		return "."
	}
	return strings.TrimPrefix(importPath, module+"/")
}

func TestImportsFollowDesignLayers(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	layers := readLayers(t, filepath.Join(root, "DESIGN.md"))
	graph := imports(t, root)
	var problems []string
	for pkg, deps := range graph {
		rank, ok := layers[pkg]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s is in no layer of DESIGN.md: place it", pkg))
			continue
		}
		for _, d := range deps {
			dr, ok := layers[d]
			if ok && dr >= rank {
				problems = append(problems, fmt.Sprintf("%s (layer %d) imports %s (layer %d): an import may only go down", pkg, rank, d, dr))
			}
		}
	}
	for pkg := range layers {
		if _, ok := graph[pkg]; !ok {
			problems = append(problems, fmt.Sprintf("DESIGN.md places %s, which is not a package of the module", pkg))
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

// TestImportListing keeps DESIGN.md's "imports" block (who imports whom)
// equal to the module's import graph; -update rewrites it.
func TestImportListing(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, "DESIGN.md")
	layers := readLayers(t, path)
	want := listing(imports(t, root), layers)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const open = "```imports\n"
	i := bytes.Index(data, []byte(open))
	if i < 0 {
		t.Fatalf("%s has no ```imports block", path)
	}
	j := bytes.Index(data[i+len(open):], []byte("```"))
	if j < 0 {
		t.Fatalf("%s: the imports block does not end", path)
	}
	got := string(data[i+len(open) : i+len(open)+j])
	if got == want {
		return
	}
	if *update {
		out := append(append(append([]byte{}, data[:i+len(open)]...), want...), data[i+len(open)+j:]...)
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("DESIGN.md's imports block is not the module's import graph; run: go test ./internal/layers -run TestImportListing -update\nwant:\n%s", want)
}

// listing renders the graph highest layer first, each package's imports
// highest layer first, wrapped at 100 columns.
func listing(graph map[string][]string, layers map[string]int) string {
	order := func(xs []string) {
		sort.Slice(xs, func(a, b int) bool {
			if layers[xs[a]] != layers[xs[b]] {
				return layers[xs[a]] > layers[xs[b]]
			}
			return xs[a] < xs[b]
		})
	}
	var pkgs []string
	for p, deps := range graph {
		if len(deps) > 0 {
			pkgs = append(pkgs, p)
		}
	}
	order(pkgs)
	var b strings.Builder
	for _, p := range pkgs {
		deps := append([]string(nil), graph[p]...)
		order(deps)
		line := fmt.Sprintf("%-18s ->", p)
		indent := strings.Repeat(" ", len(line)+1)
		for k, d := range deps {
			item := " " + d
			if k < len(deps)-1 {
				item += ","
			}
			if len(line)+len(item) > 100 {
				b.WriteString(line + "\n")
				line = indent[:len(indent)-1]
			}
			line += item
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}
