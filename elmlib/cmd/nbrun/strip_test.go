package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testdata/ok.ipynb was written by nbformat 5.5 (Debian 12); encoding it unchanged must give
// the same bytes, so that stripped notebooks diff cleanly.
func TestEncodeMatchesNbformat(t *testing.T) {
	for _, path := range []string{"testdata/ok.ipynb", "testdata/bad.ipynb",
		"testdata/executed/ok.ipynb", "testdata/executed/bad.ipynb"} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		nb, err := parseNotebook(path, data)
		if err != nil {
			t.Fatal(err)
		}
		out, err := nb.encode()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, data) {
			t.Errorf("%s: re-encoding changed the file (%d bytes -> %d)", path, len(data), len(out))
		}
	}
}

func TestStripFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ok.ipynb")
	executed, err := os.ReadFile("testdata/executed/ok.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, executed, 0o644); err != nil {
		t.Fatal(err)
	}

	changed, removed, err := stripFile(path)
	if err != nil || !changed || removed != 4 {
		t.Fatalf("first strip: changed %v, removed %d, err %v; want true, 4 outputs, nil",
			changed, removed, err)
	}
	// The stripped cells are the original notebook's cells again.
	stripped, err := readNotebook(path)
	if err != nil {
		t.Fatal(err)
	}
	orig, err := readNotebook("testdata/ok.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := (&notebook{raw: map[string]any{"cells": stripped.raw["cells"]}}).encode()
	want, _ := (&notebook{raw: map[string]any{"cells": orig.raw["cells"]}}).encode()
	if !bytes.Equal(got, want) {
		t.Errorf("stripped cells differ from testdata/ok.ipynb:\n%s\nwant\n%s", got, want)
	}
	// Notebook metadata is kept.
	if !strings.Contains(string(mustRead(t, path)), `"kernelspec"`) {
		t.Error("strip dropped the kernelspec")
	}

	changed, removed, err = stripFile(path)
	if err != nil || changed || removed != 0 {
		t.Errorf("second strip: changed %v, removed %d, err %v; want false, 0, nil",
			changed, removed, err)
	}
}

// A clean notebook written by another tool (keys not sorted, no trailing newline) is not
// rewritten.
func TestStripLeavesCleanNotebookAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clean.ipynb")
	clean := `{"cells": [{"cell_type": "code", "metadata": {}, "source": ["%%"], ` +
		`"execution_count": null, "outputs": [], "id": "c0"}], "metadata": {}, ` +
		`"nbformat": 4, "nbformat_minor": 5}`
	if err := os.WriteFile(path, []byte(clean), 0o644); err != nil {
		t.Fatal(err)
	}
	changed, removed, err := stripFile(path)
	if err != nil || changed || removed != 0 || string(mustRead(t, path)) != clean {
		t.Errorf("changed %v, removed %d, err %v, file %q; want the file untouched",
			changed, removed, err, mustRead(t, path))
	}
}

func TestStripBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.ipynb")
	os.WriteFile(bad, []byte("not json"), 0o644)
	var stdout, stderr bytes.Buffer
	code := run([]string{"-strip", bad, filepath.Join(dir, "missing.ipynb")}, &stdout, &stderr)
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	for _, want := range []string{bad + ": not a notebook (invalid JSON)",
		"missing.ipynb: no such file or directory"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr %q lacks %q", stderr.String(), want)
		}
	}
	if string(mustRead(t, bad)) != "not json" {
		t.Error("a file that is not a notebook was rewritten")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
