package pep508

import "testing"

func TestReduce(t *testing.T) {
	known := map[string]string{"extras": "socks", "dependency_groups": "dev,test"}
	for _, tc := range []struct {
		in, want     string
		always, nevr bool
	}{
		{in: `'dev' in dependency_groups`, always: true},
		{in: `'docs' in dependency_groups`, nevr: true},
		{in: `'dev' in dependency_groups and sys_platform == 'win32'`, want: `sys_platform == "win32"`},
		{in: `python_version < '3.10' or ('docs' in dependency_groups and sys_platform == 'win32')`, want: `python_version < "3.10"`},
		{in: `python_version < '3.10' or ('socks' in extras and sys_platform == 'win32')`, want: `python_version < "3.10" or sys_platform == "win32"`},
		{in: `(sys_platform == 'linux' or sys_platform == 'darwin') and 'web' in extras`, nevr: true},
		{in: `(sys_platform == 'linux' or sys_platform == 'darwin') and 'socks' in extras`, want: `sys_platform == "linux" or sys_platform == "darwin"`},
		{in: `'socks' in extras and (sys_platform == 'linux' or sys_platform == 'darwin') and python_version >= '3.9'`, want: `(sys_platform == "linux" or sys_platform == "darwin") and python_version >= "3.9"`},
		{in: `python_version >= '3.9'`, want: `python_version >= "3.9"`},
	} {
		m, err := ParseMarker(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		rest, always, never := m.Reduce(known)
		if always != tc.always || never != tc.nevr || rest.String() != tc.want {
			t.Errorf("Reduce(%s) = %q, %v, %v; want %q, %v, %v", tc.in, rest.String(), always, never, tc.want, tc.always, tc.nevr)
		}
	}
}

// FuzzReduce: a reduced marker evaluates as the whole marker does, in an
// environment that agrees with what Reduce knew.
func FuzzReduce(f *testing.F) {
	for _, s := range []string{
		`'dev' in dependency_groups and sys_platform == 'win32'`,
		`python_version < '3.10' or ('socks' in extras and sys_platform == 'win32')`,
		`(sys_platform == 'linux' or 'x' in extras) and ('dev' in dependency_groups or python_version >= '3.9')`,
		`extra == 'web'`,
	} {
		f.Add(s)
	}
	known := map[string]string{"extras": "socks,x", "dependency_groups": "dev"}
	full := map[string]string{
		"extras": "socks,x", "dependency_groups": "dev", "extra": "",
		"sys_platform": "linux", "python_version": "3.11", "python_full_version": "3.11.7",
		"platform_machine": "x86_64", "os_name": "posix", "platform_system": "Linux",
		"implementation_name": "cpython", "platform_python_implementation": "CPython",
		"platform_release": "", "platform_version": "", "implementation_version": "3.11.7",
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMarker(s)
		if err != nil {
			return
		}
		whole, err := m.Evaluate(full)
		if err != nil {
			return
		}
		rest, always, never := m.Reduce(known)
		if always && never {
			t.Fatalf("%q: both always and never", s)
		}
		got := always
		if !always && !never {
			r, err := ParseMarker(rest.String())
			if err != nil {
				t.Fatalf("%q reduced to %q, which does not parse: %v", s, rest.String(), err)
			}
			if got, err = r.Evaluate(full); err != nil {
				t.Fatalf("%q reduced to %q: %v", s, rest.String(), err)
			}
		}
		if got != whole {
			t.Fatalf("%q = %v, reduced (%q, always %v, never %v) = %v", s, whole, rest.String(), always, never, got)
		}
	})
}
