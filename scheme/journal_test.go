package scheme

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var errCrash = errors.New("simulated crash")

// TestRecoverAfterCrash stops an upgrade after each rename in turn, as a
// kill would, and checks that Recover finishes it.
func TestRecoverAfterCrash(t *testing.T) {
	info := testInfo()
	v1 := fooWheel("1.0")
	v2 := fooWheel("2.0")
	v2.files = append(v2.files[:1], memFile{name: "foo/new.py", data: "new\n"})
	// Reference result: an uninterrupted upgrade.
	ref := newProject(t, info)
	mustInstall(t, ref, info, v1, InstallOptions{})
	mustInstall(t, ref, info, v2, InstallOptions{})
	want := tree(t, ref.Target)

	for n := 1; ; n++ {
		p := newProject(t, info)
		mustInstall(t, p, info, v1, InstallOptions{})
		hook := func(k int) error {
			if k == n {
				return errCrash
			}
			return nil
		}
		_, err := Install(context.Background(), p, info, v2, InstallOptions{testHookAfterRename: hook})
		if err == nil {
			if n == 1 {
				t.Fatal("the hook never ran")
			}
			break // n is past the last rename
		}
		if !errors.Is(err, errCrash) {
			t.Fatalf("crash after rename %d: %v", n, err)
		}
		if left, _ := Leftovers(p); len(left) < 2 {
			t.Errorf("crash after rename %d: leftovers %v, want the journal and staging", n, left)
		}
		if err := Recover(p); err != nil {
			t.Fatalf("Recover after rename %d: %v", n, err)
		}
		if got := tree(t, p.Target); !equalLines(got, want) {
			t.Errorf("after crash at rename %d and Recover:\n%s\nwant:\n%s", n, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		d := findDist(t, p, "foo-bar")
		if d == nil || d.Version != "2.0" {
			t.Fatalf("after crash at rename %d: %+v", n, d)
		}
		if probs := d.Verify(); len(probs) != 0 {
			t.Errorf("after crash at rename %d: %v", n, probs)
		}
		// Recovering twice changes nothing.
		if err := Recover(p); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRecoverRunsBeforeInstall(t *testing.T) {
	info := testInfo()
	p := newProject(t, info)
	mustInstall(t, p, info, fooWheel("1.0"), InstallOptions{})
	_, err := Install(context.Background(), p, info, fooWheel("2.0"), InstallOptions{testHookAfterRename: func(int) error { return errCrash }})
	if !errors.Is(err, errCrash) {
		t.Fatal(err)
	}
	// The next run finishes the upgrade first, then installs.
	mustInstall(t, p, info, &memSource{project: "z", version: "1"}, InstallOptions{})
	if d := findDist(t, p, "foo-bar"); d == nil || d.Version != "2.0" || len(d.Verify()) != 0 {
		t.Errorf("foo after recovery: %+v", d)
	}
	if left, _ := Leftovers(p); len(left) != 0 {
		t.Errorf("leftovers: %v", left)
	}
}

func TestRecoverRemovesStaleStaging(t *testing.T) {
	info := testInfo()
	p := newProject(t, info)
	mustInstall(t, p, info, fooWheel("1.0"), InstallOptions{})
	before := tree(t, p.Target)
	// A run killed while staging: files in staging, no journal.
	stale := filepath.Join(p.Target, StagingDir, "0123456789abcdef", "0", "lib", "foo")
	os.MkdirAll(stale, 0o755)
	os.WriteFile(filepath.Join(stale, "__init__.py"), []byte("half"), 0o644)
	os.WriteFile(filepath.Join(p.Target, journalTmp), []byte("{"), 0o644)
	if left, _ := Leftovers(p); len(left) != 2 {
		t.Errorf("Leftovers = %v", left)
	}
	if err := Recover(p); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, p.Target); !equalLines(got, before) {
		t.Errorf("Recover changed installed files:\n%v\n%v", got, before)
	}
}

func TestRecoverRefusesDamagedJournal(t *testing.T) {
	info := testInfo()
	p := newProject(t, info)
	if err := CreateTarget(p); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(p.Target, JournalName), []byte(`{"version":1,"dists":[{"project":"x","remove":["../../etc/passwd"]}]}`), 0o644)
	if err := Recover(p); err == nil || !strings.Contains(err.Error(), "not a clean relative path") {
		t.Errorf("Recover with a hostile journal: %v", err)
	}
	if _, err := Install(context.Background(), p, info, fooWheel("1"), InstallOptions{}); err == nil {
		t.Error("Install ran over a damaged journal")
	}
}

func TestUninstallCrashRecovers(t *testing.T) {
	info := testInfo()
	p := newProject(t, info)
	mustInstall(t, p, info, fooWheel("1.0"), InstallOptions{})
	// Simulate a kill right after the journal was written: write it by hand.
	dists, err := List(p)
	if err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(p.Target)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	remove, _ := removalSet(root, []*Dist{&dists[0]}, nil, nil)
	j := &journal{Version: 1, ID: "x", Dists: []journalDist{{Project: "Foo.Bar", Remove: remove}}}
	if err := writeJournal(root, j); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(p.Lib, "foo", "pure.py")) // part of the removal happened
	if err := Recover(p); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, p.Target); !equalLines(got, []string{"bin/", "include/", "lib/"}) {
		t.Errorf("after recovered uninstall: %v", got)
	}
}

func TestParseJournal(t *testing.T) {
	good := &journal{Version: 1, ID: "ab", Staging: StagingDir + "/ab", Dists: []journalDist{
		{Project: "foo", Version: "1", Staged: StagingDir + "/ab/0", Remove: []string{"lib/old.py"}, Add: []string{"lib/foo.py", "lib/foo-1.dist-info/RECORD"}},
		{Project: "bar", Remove: []string{"bin/bar"}},
	}}
	b, _ := json.Marshal(good)
	j, err := parseJournal(b)
	if err != nil || !reflect.DeepEqual(j, good) {
		t.Fatalf("parseJournal round trip: %+v, %v", j, err)
	}
	bad := []string{
		``,
		`{}`,
		`{"version":2,"dists":[]}`,
		`{"version":1,"dists":[]} {}`,
		`{"version":1,"unknown":1,"dists":[]}`,
		`{"version":1,"staging":"elsewhere/x","dists":[]}`,
		`{"version":1,"staging":".pkginstall-staging/x","dists":[{"project":"a","staged":"lib","add":["a"]}]}`,
		`{"version":1,"dists":[{"project":"a","add":["a"]}]}`,
		`{"version":1,"dists":[{"project":"a","remove":["/etc/passwd"]}]}`,
		`{"version":1,"dists":[{"project":"a","remove":[".pkginstall-journal.json"]}]}`,
		`{"version":1,"staging":".pkginstall-staging/x","dists":[{"project":"a","staged":".pkginstall-staging/x/0","add":["lib/a"]},{"project":"b","remove":["lib/a"]}]}`,
	}
	for _, s := range bad {
		if _, err := parseJournal([]byte(s)); err == nil {
			t.Errorf("parseJournal(%s) succeeded", s)
		}
	}
}

func FuzzParseJournal(f *testing.F) {
	f.Add([]byte(`{"version":1,"id":"ab","staging":".pkginstall-staging/ab","dists":[{"project":"foo","staged":".pkginstall-staging/ab/0","remove":["lib/old.py"],"add":["lib/foo.py"]}]}`))
	f.Add([]byte(`{"version":1,"dists":[{"project":"a","remove":["../x"]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		j, err := parseJournal(b)
		if err != nil {
			return
		}
		out, err := json.Marshal(j)
		if err != nil {
			t.Fatal(err)
		}
		j2, err := parseJournal(out)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
		if !reflect.DeepEqual(j, j2) {
			t.Fatalf("round trip changed %+v to %+v", j, j2)
		}
	})
}

func TestRecordPaths(t *testing.T) {
	for _, tt := range []struct{ rec, target string }{
		{"foo/a.py", "lib/foo/a.py"},
		{"../bin/x", "bin/x"},
		{"../share/man/x.1", "share/man/x.1"},
		{"../include/Foo/x.h", "include/Foo/x.h"},
	} {
		got, err := recordToTarget("lib", tt.rec)
		if err != nil || got != tt.target {
			t.Errorf("recordToTarget(%q) = %q, %v", tt.rec, got, err)
		}
		if back := targetToRecord("lib", tt.target); back != tt.rec {
			t.Errorf("targetToRecord(%q) = %q, want %q", tt.target, back, tt.rec)
		}
	}
	for _, bad := range []string{"../../x", "/etc/passwd", `C:\x`, "..", "../..", `a\b`, ""} {
		if got, err := recordToTarget("lib", bad); err == nil {
			t.Errorf("recordToTarget(%q) = %q, want an error", bad, got)
		}
	}
}
