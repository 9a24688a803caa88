package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// executionMetadata are the cell metadata keys that record a run (nbclient's timings,
// Jupyter's view state); stripping removes them with the outputs.
var executionMetadata = []string{"execution", "ExecuteTime", "collapsed", "scrolled"}

// stripNotebook clears the outputs and execution counts of every code cell and the
// run-specific cell metadata. It returns the number of outputs removed.
func stripNotebook(nb *notebook) int {
	removed := 0
	for _, cell := range nb.cells {
		for _, key := range executionMetadata {
			if md, ok := cell["metadata"].(map[string]any); ok {
				delete(md, key)
			}
		}
		if cellType(cell) != "code" {
			continue
		}
		removed += len(outputs(cell))
		cell["outputs"] = []any{}
		cell["execution_count"] = nil
	}
	return removed
}

// stripFile strips the notebook at path in place, rewriting it only when something
// changed. It reports whether the file changed and how many outputs were removed.
func stripFile(path string) (changed bool, removed int, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return false, 0, err
	}
	nb, err := parseNotebook(path, data)
	if err != nil {
		return false, 0, err
	}
	removed = stripNotebook(nb)
	out, err := nb.encode()
	if err != nil {
		return false, 0, fmt.Errorf("%s: encoding the stripped notebook: %w", path, err)
	}
	if bytes.Equal(out, data) {
		return false, removed, nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".nbrun-strip-*")
	if err != nil {
		return false, 0, err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(out); err != nil {
		tmp.Close()
		return false, 0, fmt.Errorf("%s: writing the stripped notebook: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return false, 0, err
	}
	if info, err := os.Stat(path); err == nil {
		os.Chmod(tmp.Name(), info.Mode().Perm())
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return false, 0, err
	}
	return true, removed, nil
}
