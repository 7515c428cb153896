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
