package installer

import (
	"testing"

	"github.com/pkginstall/pkginstall/internal/pep508"
)

// markerOf must hold in exactly the environments of the set.
func TestMarkerOfHoldsExactly(t *testing.T) {
	envs, err := Environments(">=3.8", nil)
	if err != nil {
		t.Fatal(err)
	}
	sets := map[string]func(Environment) bool{
		"old pythons":       func(e Environment) bool { return e.Minor < 10 },
		"windows":           func(e Environment) bool { return UniversalPlatforms[e.Platform].System == "win32" },
		"mac arm or <3.9":   func(e Environment) bool { return e.Platform == 3 || e.Minor < 9 },
		"linux x86 middle":  func(e Environment) bool { return e.Platform == 0 && e.Minor >= 10 && e.Minor < 12 },
		"holes in versions": func(e Environment) bool { return e.Minor == 8 || e.Minor == 11 || e.Minor == 14 },
		"all":               func(Environment) bool { return true },
	}
	for name, in := range sets {
		set := envSet{}
		for i, e := range envs {
			if in(e) {
				set[i] = true
			}
		}
		s := markerOf(set, envs)
		var m *pep508.Marker
		if s != "" {
			if m, err = pep508.ParseMarker(s); err != nil {
				t.Fatalf("%s: %q: %v", name, s, err)
			}
		}
		for i, e := range envs {
			env := e.Python.MarkerEnv()
			ok, err := m.Evaluate(env)
			if err != nil || ok != set[i] {
				t.Errorf("%s: marker %q in %s = %v (%v), want %v", name, s, e.Label(), ok, err, set[i])
			}
		}
	}
}

func TestMarkerOfShapes(t *testing.T) {
	envs, err := Environments(">=3.8", nil)
	if err != nil {
		t.Fatal(err)
	}
	pick := func(in func(Environment) bool) envSet {
		s := envSet{}
		for i, e := range envs {
			if in(e) {
				s[i] = true
			}
		}
		return s
	}
	for _, tc := range []struct {
		set  envSet
		want string
	}{
		{pick(func(e Environment) bool { return e.Minor < 11 }), "python_version < '3.11'"},
		{pick(func(e Environment) bool { return e.Minor >= 10 }), "python_version >= '3.10'"},
		{pick(func(e Environment) bool { return UniversalPlatforms[e.Platform].System == "darwin" }), "sys_platform == 'darwin'"},
		{pick(func(e Environment) bool { return e.Platform == 4 }), "sys_platform == 'win32' and platform_machine == 'AMD64'"},
		{pick(func(e Environment) bool { return e.Platform == 4 && e.Minor < 9 }), "sys_platform == 'win32' and platform_machine == 'AMD64' and python_version < '3.9'"},
	} {
		if got := markerOf(tc.set, envs); got != tc.want {
			t.Errorf("markerOf = %q, want %q", got, tc.want)
		}
	}
}

func TestEnvironmentsNarrow(t *testing.T) {
	m, _ := pep508.ParseMarker("sys_platform == 'linux' and python_version >= '3.12'")
	envs, err := Environments(">=3.9", []*pep508.Marker{m})
	if err != nil {
		t.Fatal(err)
	}
	// linux x86_64 and aarch64 x 3.12, 3.13, 3.14
	if len(envs) != 6 {
		t.Errorf("%d environments, want 6", len(envs))
	}
	for _, e := range envs {
		if UniversalPlatforms[e.Platform].System != "linux" || e.Minor < 12 {
			t.Errorf("unexpected %s", e.Label())
		}
	}
	if _, err := Environments(">=4", nil); err == nil {
		t.Error("requires-python >=4: no error")
	}
}

func TestEntryMarker(t *testing.T) {
	envs, _ := Environments(">=3.8", nil)
	all, old := envSet{}, envSet{}
	for i, e := range envs {
		all[i] = true
		if e.Minor < 10 {
			old[i] = true
		}
	}
	for _, tc := range []struct {
		reasons map[string]envSet
		want    string
	}{
		{map[string]envSet{"": all, "group:dev": all}, ""},
		{map[string]envSet{"group:dev": all}, "'dev' in dependency_groups"},
		{map[string]envSet{"group:dev": all, "extra:web": all}, "'web' in extras or 'dev' in dependency_groups"},
		{map[string]envSet{"": old, "group:dev": all}, "python_version < '3.10' or ('dev' in dependency_groups and python_version >= '3.10')"},
	} {
		if got := entryMarker(tc.reasons, envs); got != tc.want {
			t.Errorf("entryMarker = %q, want %q", got, tc.want)
		}
	}
}
