package layout

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMkdirAllTagsNewRoot(t *testing.T) {
	root := filepath.Join(t.TempDir(), "a", "cache")
	if err := MkdirAll(root, filepath.Join(root, PagesBucket, "ab")); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, TagName))
	if err != nil || !strings.HasPrefix(string(b), TagSignature+"\n") {
		t.Fatalf("tag: %q %v", b, err)
	}
	if exists, err := Check(root); !exists || err != nil {
		t.Fatalf("Check: %v %v", exists, err)
	}
}

func TestMkdirAllAdoptsOldCacheOnly(t *testing.T) {
	old := t.TempDir()
	if err := os.Mkdir(filepath.Join(old, WheelsBucket), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := MkdirAll(old, filepath.Join(old, UnpackedBucket)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(old, TagName)); err != nil {
		t.Errorf("an old cache was not adopted: %v", err)
	}
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, ".bashrc"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := MkdirAll(home, filepath.Join(home, UnpackedBucket)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(home, TagName)); err == nil {
		t.Error("a foreign directory was tagged")
	}
	if _, err := Check(home); err == nil || !strings.Contains(err.Error(), ".bashrc") {
		t.Errorf("Check of a foreign directory: %v", err)
	}
}

func TestCheckMissingRoot(t *testing.T) {
	if exists, err := Check(filepath.Join(t.TempDir(), "none")); exists || err != nil {
		t.Fatalf("Check: %v %v", exists, err)
	}
}

// Every path is inside a known bucket.
func TestPathsInBuckets(t *testing.T) {
	sha := strings.Repeat("ab", 32)
	for _, p := range []string{
		PageFile("r", "https://x/simple/a/"), ParsedPageFile("r", "https://x/simple/a/"), MetadataBySource("r", "k"),
		WheelFile("r", sha, "a.whl"), WheelSHAByURL("r", "u"), WheelTempDir("r"), TreeDir("r", sha),
		InterpreterFile("r", "k"),
	} {
		rel, _ := filepath.Rel("r", p)
		if b, _, _ := strings.Cut(filepath.ToSlash(rel), "/"); !IsBucket(b) {
			t.Errorf("%s is not in a bucket", p)
		}
	}
}
