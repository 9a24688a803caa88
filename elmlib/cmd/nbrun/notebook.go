package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
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

// cellDuration is how long the cell took to execute, from the timings nbclient records in
// the cell's metadata.execution; 0 when they are missing.
func cellDuration(cell map[string]any) time.Duration {
	md, _ := cell["metadata"].(map[string]any)
	ex, _ := md["execution"].(map[string]any)
	start, _ := ex["iopub.execute_input"].(string)
	end, _ := ex["shell.execute_reply"].(string)
	t0, err0 := time.Parse(time.RFC3339Nano, start)
	t1, err1 := time.Parse(time.RFC3339Nano, end)
	if err0 != nil || err1 != nil || t1.Before(t0) {
		return 0
	}
	return t1.Sub(t0)
}

// slowestCells describes the n slowest cells, e.g. "cell 9 95.2s, cell 11 20.1s".
func slowestCells(nb *notebook, n int) string {
	type timing struct {
		cell int
		d    time.Duration
	}
	var ts []timing
	for i, c := range nb.cells {
		if d := cellDuration(c); d > 0 {
			ts = append(ts, timing{i, d})
		}
	}
	sort.SliceStable(ts, func(a, b int) bool { return ts[a].d > ts[b].d })
	var parts []string
	for _, t := range ts[:min(n, len(ts))] {
		parts = append(parts, fmt.Sprintf("cell %d %.1fs", t.cell, t.d.Seconds()))
	}
	return strings.Join(parts, ", ")
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
