package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/elmneuron/elm/data/seqtasks"
	"github.com/elmneuron/elm/elmlib/seqtrain"
)

func TestRun(t *testing.T) {
	if _, err := os.Stat(seqtasks.FashionMNISTDir); err != nil {
		t.Skipf("Fashion-MNIST not installed: %v", err)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "table.md")
	args := []string{"-tasks", "fashion-mnist-row", "-steps", "2", "-batch", "8", "-train", "16",
		"-test", "8", "-hidden", "4", "-cache", dir, "-out", out, "-quiet"}
	if err := run(args); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	// Header, separator, ELM and LSTM rows; the LSTM has 4·4·(448+4) + 8·4 + 4·10+10 = 7314
	// parameters.
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 4 || !strings.Contains(lines[3], "| LSTM hidden 4 | 7314 |") {
		t.Errorf("table:\n%s", b)
	}
	cached, _ := filepath.Glob(filepath.Join(dir, "fashion-mnist-row-2steps-*.json"))
	if len(cached) != 1 {
		t.Fatalf("cache files %v", cached)
	}
	first, err := seqtrain.ReadResults(cached[0])
	if err != nil {
		t.Fatal(err)
	}
	// A second run with the same flags reads the cache: the file (and its finish time) stays.
	if err := run(append(args, "-out", filepath.Join(dir, "table.csv"))); err != nil {
		t.Fatal(err)
	}
	again, err := seqtrain.ReadResults(cached[0])
	if err != nil || again.Finished != first.Finished {
		t.Errorf("second run retrained: %v, %s vs %s", err, again.Finished, first.Finished)
	}
}

func TestRunErrors(t *testing.T) {
	for i, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-out", "t.txt"}, `unknown extension ".txt"`},
		{[]string{"-taumax", "3,x", "-out", "t.md"}, `-taumax: strconv.ParseFloat: parsing "x"`},
		{[]string{"-tasks", "mnist", "-out", filepath.Join(t.TempDir(), "t.md")},
			`unknown task "mnist"`},
		{[]string{"-steps"}, "flag needs an argument"},
	} {
		if err := run(c.args); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("case %d: %v, want %q", i, err, c.msg)
		}
	}
}
