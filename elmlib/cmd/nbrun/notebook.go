package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// notebook is the part of an .ipynb (nbformat 4) that nbrun reads and rewrites. Fields are
// kept as generic JSON so that rewriting a notebook loses nothing.
type notebook struct {
	raw   map[string]any
	cells []map[string]any
}

// readNotebook parses the notebook file at path.
func readNotebook(path string) (*notebook, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseNotebook(path, data)
}

// parseNotebook parses notebook JSON; path only names the file in errors.
func parseNotebook(path string, data []byte) (*notebook, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // keep numbers exactly as written
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%s: not a notebook (invalid JSON): %w", path, err)
	}
	if v, ok := raw["nbformat"].(json.Number); !ok || v.String() != "4" {
		return nil, fmt.Errorf("%s: not an nbformat 4 notebook (nbformat=%v)", path, raw["nbformat"])
	}
	list, ok := raw["cells"].([]any)
	if !ok {
		return nil, fmt.Errorf("%s: notebook has no \"cells\" list", path)
	}
	nb := &notebook{raw: raw}
	for i, c := range list {
		cell, ok := c.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: cell %d is not a JSON object", path, i)
		}
		nb.cells = append(nb.cells, cell)
	}
	return nb, nil
}

// encode writes the notebook the way nbformat does (sorted keys, one-space indent,
// non-ASCII kept, trailing newline), so a rewritten notebook diffs cleanly.
func (nb *notebook) encode() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(nb.raw); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// text joins a notebook string field, which nbformat stores as a string or a list of lines.
func text(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case []any:
		var b strings.Builder
		for _, line := range t {
			if s, ok := line.(string); ok {
				b.WriteString(s)
			}
		}
		return b.String()
	}
	return ""
}

// cellType is "code", "markdown" or "raw".
func cellType(cell map[string]any) string {
	s, _ := cell["cell_type"].(string)
	return s
}

// executionCount is the cell's In [n] number, or 0 when it was not executed.
func executionCount(cell map[string]any) int {
	n, ok := cell["execution_count"].(json.Number)
	if !ok {
		return 0
	}
	v, err := n.Int64()
	if err != nil {
		return 0
	}
	return int(v)
}

// outputs returns the cell's outputs (nil for markdown cells).
func outputs(cell map[string]any) []map[string]any {
	list, _ := cell["outputs"].([]any)
	var out []map[string]any
	for _, o := range list {
		if m, ok := o.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// firstLine is the first line of s that is not blank, a comment or GoNB's "%%" marker,
// shortened to n runes.
func firstLine(s string, n int) string {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && line != "%%" && line != "%main" && !strings.HasPrefix(line, "//") {
			return shorten(line, n)
		}
	}
	return ""
}

// shorten cuts s to at most n runes, marking the cut with "…".
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
