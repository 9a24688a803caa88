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
// run-specific cell metadata. It returns the number of outputs removed and whether
// anything changed.
func stripNotebook(nb *notebook) (removed int, changed bool) {
	for _, cell := range nb.cells {
		if md, ok := cell["metadata"].(map[string]any); ok {
			for _, key := range executionMetadata {
				if _, ok := md[key]; ok {
					delete(md, key)
					changed = true
				}
			}
		}
		if cellType(cell) != "code" {
			continue
		}
		list, isList := cell["outputs"].([]any)
		if !isList || len(list) > 0 || cell["execution_count"] != nil {
			changed = true
		}
		removed += len(outputs(cell))
		cell["outputs"] = []any{}
		cell["execution_count"] = nil
	}
	return removed, changed
}

// stripFile strips the notebook at path in place. A notebook that has nothing to strip is
// left byte for byte as it is, whatever tool wrote it; a stripped one is written the way
// nbformat writes (sorted keys). It reports whether the file changed and how many outputs
// were removed.
func stripFile(path string) (changed bool, removed int, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return false, 0, err
	}
	nb, err := parseNotebook(path, data)
	if err != nil {
		return false, 0, err
	}
	removed, changed = stripNotebook(nb)
	if !changed {
		return false, 0, nil
	}
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
