package pylock

import (
	"strings"
	"testing"

	"github.com/pkginstall/pkginstall/internal/pep508"
	"github.com/pkginstall/pkginstall/internal/project"
	"github.com/pkginstall/pkginstall/internal/python"
)

func rootReqs(t *testing.T, data string) []pep508.Requirement {
	t.Helper()
	pp, err := project.Parse("pyproject.toml", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	r, err := project.ReadRoots([]byte(data), pp)
	if err != nil {
		t.Fatal(err)
	}
	var out []pep508.Requirement
	for _, q := range r.Reqs {
		out = append(out, q.Req)
	}
	return out
}

func TestLockProblems(t *testing.T) {
	reqs := rootReqs(t, "[project]\ndependencies = [\"a>=2\", \"b; python_version < '3'\"]\n")
	py := &python.Info{Version: "3.11.7", Implementation: "cpython", Platform: "linux-x86_64",
		Markers: map[string]string{"python_version": "3.11", "python_full_version": "3.11.7", "implementation_name": "cpython"}}
	for _, tt := range []struct {
		name string
		lock *Lock
		want []string // substrings, one per problem
	}{
		{"a satisfying lock of another tool",
			&Lock{LockVersion: "1.0", CreatedBy: "other", Packages: []Package{{Name: "A", Version: "2.1"}}}, nil},
		{"old lock",
			&Lock{LockVersion: "1.0", CreatedBy: "other", Packages: []Package{{Name: "a", Version: "1.0"}}},
			[]string{"requires a>=2, but the lock has a 1.0"}},
		{"our lock with other requirements",
			&Lock{LockVersion: "1.0", CreatedBy: "pkginstall", Requirements: []string{"a>=1"}, Packages: []Package{{Name: "a", Version: "2.1"}}},
			[]string{"now requires a>=2, and the lock was made for a>=1", `requires b; python_version < "3", which the lock was not made for`}},
		{"other environment",
			&Lock{LockVersion: "1.0", CreatedBy: "x", Environments: []string{"python_version == '3.12'"}, Packages: []Package{{Name: "a", Version: "2.1"}}},
			[]string{"other environments"}},
		{"dropped requirement",
			&Lock{LockVersion: "1.0", CreatedBy: "pkginstall", Requirements: []string{"a>=2", `b; python_version < "3"`, "c"}, Packages: []Package{{Name: "a", Version: "2.1"}}},
			[]string{"no longer requires c"}},
		{"missing package",
			&Lock{LockVersion: "1.0", CreatedBy: "other"},
			[]string{"a>=2 is not in the lock"}},
		{"requires-python",
			&Lock{LockVersion: "1.0", CreatedBy: "other", RequiresPython: ">=3.12", Packages: []Package{{Name: "a", Version: "2.1"}}},
			[]string{"the lock requires Python >=3.12"}},
	} {
		p := tt.lock.Problems(reqs, py)
		if len(p) != len(tt.want) {
			t.Errorf("%s: problems %q, want %d", tt.name, p, len(tt.want))
			continue
		}
		for i, w := range tt.want {
			if !strings.Contains(p[i], w) {
				t.Errorf("%s: problem %d = %q, want %q in it", tt.name, i, p[i], w)
			}
		}
	}
}

// A lock for one interpreter (as pkginstall wrote them before the universal
// lock) admits that interpreter only.
func TestAdmitsEnvironments(t *testing.T) {
	py := &python.Info{Markers: map[string]string{"implementation_name": "cpython", "python_version": "3.11"}}
	l := &Lock{Environments: []string{"implementation_name == 'cpython' and python_version == '3.11'"}}
	if ok, why := l.Admits(py); !ok {
		t.Errorf("a lock made for the interpreter does not admit it: %s", why)
	}
	other := &python.Info{Version: "3.12.1", Markers: map[string]string{"implementation_name": "cpython", "python_version": "3.12"}}
	if ok, _ := l.Admits(other); ok {
		t.Error("a lock made for 3.11 admits 3.12")
	}
}
