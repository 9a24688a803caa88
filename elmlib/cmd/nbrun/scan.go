package main

import (
	"fmt"
	"regexp"
	"strings"
)

// Problem is one reason a notebook fails: a cell that errored, panicked or exited non-zero,
// a chart that did not render, or an asset loaded over the network.
type Problem struct {
	// Notebook is the notebook's path as given on the command line.
	Notebook string
	// Cell is the 0-based index of the cell in the notebook, or -1 for page-level problems.
	Cell int
	// Exec is the cell's execution count (Jupyter's In [n]); 0 when it did not run.
	Exec int
	// Kind is a short class: error, panic, exit, signal, not-executed, nbconvert, chart,
	// browser, network.
	Kind string
	// Text is the error text, trimmed to the useful lines.
	Text string
	// Source is the first line of the cell's code.
	Source string
}

// String formats the problem for the terminal: where, what kind, and the error text.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Notebook)
	if p.Cell >= 0 {
		fmt.Fprintf(&b, ": cell %d", p.Cell)
		if p.Exec > 0 {
			fmt.Fprintf(&b, " (In [%d])", p.Exec)
		}
	}
	fmt.Fprintf(&b, ": %s", p.Kind)
	if p.Source != "" {
		fmt.Fprintf(&b, " in `%s`", p.Source)
	}
	for _, line := range strings.Split(strings.TrimRight(p.Text, "\n"), "\n") {
		b.WriteString("\n    ")
		b.WriteString(line)
	}
	return b.String()
}

var (
	// GoNB v0.11.1 reports a cell program that panicked, called os.Exit(n) or was killed only
	// as a line on stderr ("exit status 2", "signal: interrupt") and then replies "ok", so
	// nbconvert sees no error; these lines are how such cells are found.
	exitLine   = regexp.MustCompile(`^exit status (\d+)$`)
	signalLine = regexp.MustCompile(`^signal: (.+)$`)
	panicLine  = regexp.MustCompile(`^(panic: |fatal error: )`)
	ansiEscape = regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]")
)

// maxTextLines bounds the error text quoted per problem.
const maxTextLines = 12

// scanNotebook returns the problems recorded in an executed notebook's outputs. name is
// the notebook's name used in the problems.
func scanNotebook(name string, nb *notebook) []Problem {
	var problems []Problem
	for i, cell := range nb.cells {
		if cellType(cell) != "code" {
			continue
		}
		source := text(cell["source"])
		if strings.TrimSpace(source) == "" {
			continue // nbclient skips empty cells
		}
		p := Problem{Notebook: name, Cell: i, Exec: executionCount(cell),
			Source: firstLine(source, 60)}
		if p.Exec == 0 {
			p.Kind, p.Text = "not-executed", "the cell has no execution count: the run stopped before it"
			problems = append(problems, p)
			continue
		}
		for _, out := range outputs(cell) {
			if kind, msg, bad := outputProblem(out); bad {
				q := p
				q.Kind, q.Text = kind, msg
				problems = append(problems, q)
			}
		}
	}
	return problems
}

// outputProblem classifies one cell output: an "error" output (compile errors, failed
// `go get`, exceptions), or a stderr stream with a panic, a non-zero exit status or a signal.
func outputProblem(out map[string]any) (kind, msg string, bad bool) {
	switch out["output_type"] {
	case "error":
		ename, _ := out["ename"].(string)
		evalue, _ := out["evalue"].(string)
		if strings.TrimSpace(evalue) == "" {
			evalue = text(out["traceback"])
		}
		msg := clean(strings.TrimSpace(ename+": "+evalue), maxTextLines)
		// GoNB's traceback maps main.go lines back to the cell: "Cell[3]: Line 2".
		if tb, ok := out["traceback"].([]any); ok {
			for _, entry := range tb {
				if s, ok := entry.(string); ok && strings.HasPrefix(s, "Cell[") {
					msg += "\n(at " + firstLine(s, 60) + ")"
					break
				}
			}
		}
		return "error", msg, true
	case "stream":
		if out["name"] != "stderr" {
			return "", "", false
		}
		return stderrProblem(clean(text(out["text"]), -1))
	}
	return "", "", false
}

// stderrProblem looks for a panic, an exit status or a signal in a cell's stderr.
func stderrProblem(stderr string) (kind, msg string, bad bool) {
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	for i, line := range lines {
		if panicLine.MatchString(line) {
			// The panic message, the first frames with GoNB's [[ Cell [n] Line m ]] marker,
			// and the exit status are the useful part of the trace.
			return "panic", strings.Join(limit(lines[i:], maxTextLines), "\n"), true
		}
	}
	for i, line := range lines {
		if m := exitLine.FindStringSubmatch(line); m != nil && m[1] != "0" {
			return "exit", strings.Join(limit(lines[max(0, i-maxTextLines+1):i+1],
				maxTextLines), "\n"), true
		}
		if m := signalLine.FindStringSubmatch(line); m != nil {
			msg := line
			if m[1] == "interrupt" {
				msg += " (interrupted: the cell probably ran past -timeout)"
			}
			return "signal", msg, true
		}
	}
	return "", "", false
}

// clean removes terminal colour codes and, when n > 0, keeps at most n lines.
func clean(s string, n int) string {
	s = ansiEscape.ReplaceAllString(s, "")
	if n <= 0 {
		return s
	}
	return strings.Join(limit(strings.Split(s, "\n"), n), "\n")
}

// limit keeps the first n lines, noting how many were dropped.
func limit(lines []string, n int) []string {
	if len(lines) <= n {
		return lines
	}
	out := append([]string(nil), lines[:n]...)
	return append(out, fmt.Sprintf("… (%d more lines)", len(lines)-n))
}
