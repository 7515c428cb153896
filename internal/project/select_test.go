package project

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestSelect(t *testing.T) {
	extras, groups, defaults := []string{"socks", "web"}, []string{"dev", "docs", "test"}, []string{"dev"}
	for _, tc := range []struct {
		o    SelectOptions
		want Selection
	}{
		{SelectOptions{}, Selection{Groups: []string{"dev"}}},
		{SelectOptions{NoDev: true}, Selection{}},
		{SelectOptions{NoDefaultGroups: true}, Selection{}},
		{SelectOptions{Groups: []string{"Test"}}, Selection{Groups: []string{"dev", "test"}}},
		{SelectOptions{OnlyGroups: []string{"docs"}}, Selection{Groups: []string{"docs"}, NoProject: true}},
		{SelectOptions{AllGroups: true, NoDev: true}, Selection{Groups: []string{"docs", "test"}}},
		{SelectOptions{Extras: []string{"web"}}, Selection{Groups: []string{"dev"}, Extras: []string{"web"}}},
		{SelectOptions{AllExtras: true}, Selection{Groups: []string{"dev"}, Extras: []string{"socks", "web"}}},
	} {
		got, err := Select(tc.o, extras, groups, defaults)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Select(%+v) = %+v, %v; want %+v", tc.o, got, err, tc.want)
		}
	}
	if _, err := Select(SelectOptions{Groups: []string{"nope"}}, extras, groups, defaults); err == nil {
		t.Error("an unknown group: no error")
	}
	if _, err := Select(SelectOptions{Extras: []string{"nope"}}, extras, groups, defaults); err == nil {
		t.Error("an unknown extra: no error")
	}
}

func TestPythonVersionFile(t *testing.T) {
	dir := t.TempDir()
	if v, err := ReadPythonVersion(dir); v != "" || err != nil {
		t.Fatalf("no file: %q, %v", v, err)
	}
	os.WriteFile(filepath.Join(dir, PythonVersionFile), []byte("# comment\n\n 3.12 \n3.11\n"), 0o644)
	if v, _ := ReadPythonVersion(dir); v != "3.12" {
		t.Errorf("read %q, want 3.12", v)
	}
	if wrote, err := WritePythonVersion(dir, "3.12"); wrote || err != nil {
		t.Errorf("same request rewritten: %v, %v", wrote, err)
	}
	if wrote, err := WritePythonVersion(dir, "3.13"); !wrote || err != nil {
		t.Errorf("new request not written: %v, %v", wrote, err)
	}
	if v, _ := ReadPythonVersion(dir); v != "3.13" {
		t.Errorf("read %q, want 3.13", v)
	}
}
