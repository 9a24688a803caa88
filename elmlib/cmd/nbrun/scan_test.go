package main

import (
	"strings"
	"testing"
)

// The executed notebooks in testdata/executed are nbrun's own output for testdata/ok.ipynb
// and testdata/bad.ipynb, run through GoNB v0.11.1 on Debian 12 (see TestRunSmokeNotebooks).
func TestScanExecutedSmokeNotebooks(t *testing.T) {
	nb, err := readNotebook("testdata/executed/ok.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	if got := scanNotebook("ok", nb); len(got) != 0 {
		t.Errorf("ok.ipynb: got problems %v, want none (stderr text with exit 0 is fine)", got)
	}

	nb, err = readNotebook("testdata/executed/bad.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	got := scanNotebook("bad", nb)
	want := []struct {
		cell, exec int
		kind, text string
	}{
		{2, 2, "panic", "panic: smoke boom"},
		{3, 3, "error", `cannot use "oops" (untyped string constant) as int value`},
		{4, 4, "exit", "exit status 3"},
	}
	if len(got) != len(want) {
		t.Fatalf("bad.ipynb: got %d problems, want %d:\n%v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Cell != w.cell || g.Exec != w.exec || g.Kind != w.kind ||
			!strings.Contains(g.Text, w.text) {
			t.Errorf("problem %d: got cell %d exec %d kind %q text %q; want cell %d exec %d "+
				"kind %q with %q", i, g.Cell, g.Exec, g.Kind, g.Text, w.cell, w.exec, w.kind, w.text)
		}
	}
	// The panic names the cell line through GoNB's marker, without terminal colour codes.
	if !strings.Contains(got[0].Text, "[[ Cell [2] Line 3 ]]") ||
		strings.Contains(got[0].Text, "\x1b") {
		t.Errorf("panic text lacks the cell marker or keeps escape codes: %q", got[0].Text)
	}
	if !strings.Contains(got[1].Text, "(at Cell[3]: Line 2)") {
		t.Errorf("compile error does not name the cell line: %q", got[1].Text)
	}
	if got[0].Source != `fmt.Println("before the panic")` {
		t.Errorf("panic source line: got %q", got[0].Source)
	}
	s := got[2].String()
	if !strings.HasPrefix(s, "bad: cell 4 (In [4]): exit in `fmt.Println(\"exiting\")`") {
		t.Errorf("Problem.String: got %q", s)
	}
}

func TestSlowestCells(t *testing.T) {
	nb, err := readNotebook("testdata/executed/ok.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	// nbclient 0.7 records whole seconds: in the fixture cell 4 (the chart) ran from
	// 17:42:25 to 17:42:27 and cell 2 (first compile) from 17:42:24 to 17:42:25.
	if got := slowestCells(nb, 2); got != "cell 4 2.0s, cell 2 1.0s" {
		t.Errorf("slowestCells: got %q, want %q", got, "cell 4 2.0s, cell 2 1.0s")
	}
	src := `{"nbformat": 4, "cells": [
	 {"cell_type": "code", "metadata": {"execution": {
	   "iopub.execute_input": "2026-12-04T17:00:00.000000Z",
	   "shell.execute_reply": "2026-12-04T17:01:35.250000Z"}}, "source": "a"},
	 {"cell_type": "code", "metadata": {"execution": {
	   "iopub.execute_input": "2026-12-04T17:02:00.000000Z",
	   "shell.execute_reply": "2026-12-04T17:02:02.000000Z"}}, "source": "b"},
	 {"cell_type": "code", "metadata": {}, "source": "c"}]}`
	nb, err = parseNotebook("t", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := slowestCells(nb, 3); got != "cell 0 95.2s, cell 1 2.0s" {
		t.Errorf("slowestCells: got %q, want %q", got, "cell 0 95.2s, cell 1 2.0s")
	}
}

func TestStderrProblem(t *testing.T) {
	cases := []struct {
		stderr string
		kind   string // "" = not a problem
		text   string
	}{
		0: {"a warning\n", "", ""},
		1: {"exit status 0\n", "", ""},
		2: {"some log\nexit status 1\n", "exit", "some log\nexit status 1"},
		3: {"signal: interrupt\n", "signal", "past -timeout"},
		4: {"signal: killed\n", "signal", "signal: killed"},
		5: {"fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1\nexit status 2\n",
			"panic", "fatal error: all goroutines are asleep"},
		6: {"panic: boom [recovered]\nexit status 2\n", "panic", "panic: boom"},
		7: {"the word panic: inside a line\n", "", ""},
		8: {"exit status 12 and more\n", "", ""},
	}
	for i, c := range cases {
		kind, text, bad := stderrProblem(c.stderr)
		if bad != (c.kind != "") || kind != c.kind || !strings.Contains(text, c.text) {
			t.Errorf("case %d: got (%q, %q, %v), want kind %q with %q", i, kind, text, bad,
				c.kind, c.text)
		}
	}
}

func TestScanNotExecutedAndEmptyCells(t *testing.T) {
	src := `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
	 {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],
	  "source": "%%\nx := 1"},
	 {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": ["  \n"]},
	 {"cell_type": "markdown", "metadata": {}, "source": "text"},
	 {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [],
	  "source": ["%%\n", "train()"]}]}`
	nb, err := parseNotebook("t.ipynb", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := scanNotebook("t", nb)
	if len(got) != 1 || got[0].Cell != 3 || got[0].Kind != "not-executed" ||
		got[0].Source != "train()" {
		t.Errorf("got %v, want one not-executed problem at cell 3 (`train()`)", got)
	}
}

func TestParseNotebookErrors(t *testing.T) {
	cases := []struct{ data, want string }{
		0: {`{"cells": [`, "x.ipynb: not a notebook (invalid JSON)"},
		1: {`{"nbformat": 3, "worksheets": []}`, "x.ipynb: not an nbformat 4 notebook (nbformat=3)"},
		2: {`{"nbformat": 4}`, `x.ipynb: notebook has no "cells" list`},
		3: {`{"nbformat": 4, "cells": [1]}`, "x.ipynb: cell 0 is not a JSON object"},
	}
	for i, c := range cases {
		_, err := parseNotebook("x.ipynb", []byte(c.data))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("case %d: got error %v, want %q", i, err, c.want)
		}
	}
}
