package neuronio

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestFixturesRegenerate reruns testdata/make_fixtures.py and requires byte-identical files,
// so the committed fixtures are exactly what the script writes. Skipped without Debian's
// python3 and python3-numpy.
func TestFixturesRegenerate(t *testing.T) {
	py := "/usr/bin/python3"
	if exec.Command(py, "-c", "import numpy").Run() != nil {
		t.Skip("/usr/bin/python3 with numpy not available (apt-get install python3-numpy)")
	}
	dir := t.TempDir()
	out, err := exec.Command(py, "testdata/make_fixtures.py", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("make_fixtures.py: %v\n%s", err, out)
	}
	for _, name := range []string{"small.p", "py3.p", "missing_key.p", "truncated.p",
		"expected.json"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: regenerated file (%d bytes) differs from the committed one (%d bytes)",
				name, len(got), len(want))
		}
	}
}
