package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunSmokeNotebooks runs nbrun end to end on the two smoke notebooks: ok.ipynb (a Go
// cell using the local data package, stderr with exit 0, one chart) passes; bad.ipynb (a
// panic, a compile error and os.Exit(3), then a good cell) fails with all three named.
// It needs the gonb kernel, Jupyter and Chromium (.ci/install) and takes about 15 s.
func TestRunSmokeNotebooks(t *testing.T) {
	if testing.Short() {
		t.Skip("executes notebooks; skipped with -short")
	}
	needTool(t, "chromium")
	needTool(t, "/usr/bin/jupyter")
	needTool(t, "goimports")
	if findKernel("gonb") == "" {
		needTool(t, "gonb-kernel-not-installed") // skips, or fails under ELM_REQUIRE_TOOLS
	}

	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run([]string{"-out", out, "testdata/ok.ipynb", "testdata/bad.ipynb"}, &stdout, &stderr)
	log := stdout.String() + stderr.String()
	if code != 1 {
		t.Fatalf("exit code %d, want 1 (bad.ipynb fails); output:\n%s", code, log)
	}
	for _, want := range []string{
		"testdata/ok.ipynb: ok in",
		"FAIL testdata/bad.ipynb: cell 2 (In [2]): panic in `fmt.Println(\"before the panic\")`\n" +
			"    panic: smoke boom",
		"FAIL testdata/bad.ipynb: cell 3 (In [3]): error in `var x int = \"oops\"`",
		"FAIL testdata/bad.ipynb: cell 4 (In [4]): exit in `fmt.Println(\"exiting\")`\n" +
			"    exit status 3",
		"nbrun: 1 of 2 notebooks FAILED",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("output lacks %q; output:\n%s", want, log)
		}
	}
	if n := strings.Count(log, "\nFAIL "); n != 3 {
		t.Errorf("got %d FAIL lines, want 3", n)
	}

	// The later good cell of bad.ipynb still ran, and ok.ipynb's files are all there.
	bad, err := readNotebook(filepath.Join(out, "nb", "bad.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	if last := text(outputs(bad.cells[5])[0]["text"]); last != "still running\n" {
		t.Errorf("last cell of bad.ipynb printed %q", last)
	}
	for _, f := range []string{"nb/ok.ipynb", "html/ok.html", "png/ok.png", "png/ok-chart-1.png",
		"logs/ok.execute.log"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing output: %v", err)
		}
	}
	ok, err := readNotebook(filepath.Join(out, "nb", "ok.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	if got := text(outputs(ok.cells[2])[0]["text"]); got != "events: 1\n" {
		t.Errorf("ok.ipynb cell 2 (uses the local data package) printed %q", got)
	}
}

func TestRunUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		0: {nil, "usage: nbrun"},
		1: {[]string{"notes.txt"}, "notes.txt: not an .ipynb file"},
		2: {[]string{"missing.ipynb"}, "missing.ipynb: no such file or directory"},
		3: {[]string{"testdata/ok.ipynb", "testdata/executed/ok.ipynb"}, "have the same name"},
		4: {[]string{"-jupyter", "/nonexistent/jupyter", "testdata/ok.ipynb"},
			"jupyter not found at /nonexistent/jupyter (run .ci/install)"},
		5: {[]string{"-jupyter", "/bin/true", "-kernel", "no-such-kernel", "testdata/ok.ipynb"},
			`Jupyter kernel "no-such-kernel" is not installed (run .ci/install)`},
	}
	for i, c := range cases {
		var stdout, stderr bytes.Buffer
		args := append([]string{"-out", t.TempDir()}, c.args...)
		if code := run(args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("case %d: exit %d, stderr %q; want 2 and %q", i, code, stderr.String(), c.want)
		}
	}
}
