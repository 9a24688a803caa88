package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteReplaces checks that Write creates a file, replaces it, and leaves no
// temporary file behind.
func TestWriteReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.json")
	for _, content := range []string{"first", "second"} {
		if err := Write(path, []byte(content)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != content {
			t.Errorf("after writing %q the file holds %q", content, got)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != Mode {
			t.Errorf("file mode %v (%v), want %v", fi.Mode().Perm(), err, os.FileMode(Mode))
		}
	}
	assertNoTemps(t, dir)
}

// TestCreateKeepsExisting checks that Create writes a new file once and then reports
// written=false without touching it.
func TestCreateKeepsExisting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.json")
	for i, want := range []bool{true, false} {
		written, err := Create(path, []byte{byte('a' + i)})
		if err != nil {
			t.Fatal(err)
		}
		if written != want {
			t.Errorf("call %d: written = %v, want %v", i, written, want)
		}
	}
	if got, _ := os.ReadFile(path); string(got) != "a" {
		t.Errorf("file holds %q, want the first content %q", got, "a")
	}
	assertNoTemps(t, dir)
}

// TestMissingDirectory checks that the error names the file.
func TestMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "x.json")
	err := Write(path, []byte("x"))
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("error %v, want one naming %s", err, path)
	}
}

func assertNoTemps(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), TempPrefix) {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}
