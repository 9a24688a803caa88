package views

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/elmneuron/elm/elmlib/sweep"
	"github.com/elmneuron/elm/plots"
)

// syntheticSweep runs a sweep of the synthetic kind (made-up metrics, see
// sweep.SyntheticRun) into a store in dir and returns the sweep and its results.
func syntheticSweep(t *testing.T, dir string, axes ...sweep.Axis) (sweep.Sweep,
	[]*sweep.Result) {
	t.Helper()
	sw := sweep.Sweep{Name: "synthetic", Kind: sweep.SyntheticKind,
		Base: json.RawMessage(`{"seed":0,"fail_seeds":[9]}`), Axes: axes}
	runs, err := sw.Expand()
	if err != nil {
		t.Fatal(err)
	}
	st, err := sweep.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := sweep.RunLocal(context.Background(), st, sw.Name, runs,
		sweep.LocalOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	return sw, rep.Results
}

func TestSweepFigures(t *testing.T) {
	dir := t.TempDir()
	sw, res := syntheticSweep(t, dir,
		sweep.Axis{Name: "learn_tau", Values: []any{false, true}},
		sweep.Axis{Name: "tau_max", Values: []any{5, 25, 150}},
		sweep.Axis{Name: "seed", Values: []any{1, 2, 9}})
	if len(res) != 18 {
		t.Fatalf("%d results, want 2·3·3 = 18", len(res))
	}
	// The store gives the same results back through the sweep's definition.
	again, err := SweepResults(dir, sw)
	if err != nil || len(again) != 18 || again[5].Metrics["score"] != res[5].Metrics["score"] {
		t.Fatalf("SweepResults: %d results, err %v", len(again), err)
	}

	// Two variants (fixed, learnable), each drawn as band-low, band-width and mean: 6 series.
	// Seed 9 fails by construction and is left out.
	c, err := TauMaxFigure(res, "score", plots.SweepOptions{})
	if err != nil {
		t.Fatal(err)
	}
	opt := string(c.Option())
	if c.NumSeries() != 6 || !strings.Contains(opt, "learnable τ_m") ||
		!strings.Contains(opt, "fixed τ_m") {
		t.Errorf("τ_max figure: %d series, option %.300s", c.NumSeries(), opt)
	}
	// The mean line of "fixed τ_m" at τ_max = 5 is the mean of seeds 1 and 2.
	fixed5 := Where(Where(res, "learn_tau", false), "tau_max", 5.0)
	if len(fixed5) != 2 {
		t.Fatalf("Where: %d results for fixed τ_m at τ_max 5, want 2 (seed 9 failed)",
			len(fixed5))
	}
	mean := (fixed5[0].Metrics["score"] + fixed5[1].Metrics["score"]) / 2
	if !strings.Contains(opt, jsonNumber(mean)) {
		t.Errorf("τ_max figure lacks the mean %v of fixed τ_m at τ_max 5", mean)
	}
	if _, err := TauMaxFigure(res, "spike_auc", plots.SweepOptions{}); err == nil ||
		!strings.Contains(err.Error(), `has no metric "spike_auc"`) {
		t.Errorf("missing metric: %v", err)
	}

	tab := SweepTable("synthetic", res)
	if len(tab.Rows) != 18 || !strings.HasPrefix(tab.Rows[2][1], "failed: ") {
		t.Errorf("table rows %d, row 2 %v; want 18 rows, seed 9 failed", len(tab.Rows),
			tab.Rows[2])
	}
	h, err := SweepTauFigure(Where(res, "tau_max", 150), plots.HistOptions{})
	if err != nil || h.NumSeries() != 2 {
		t.Errorf("τ_m histogram: %v, err %v", h, err)
	}
}

func TestParamsFigureWithPaper(t *testing.T) {
	dir := t.TempDir()
	_, res := syntheticSweep(t, dir, sweep.Axis{Name: "d_m", Values: []any{1, 5, 20}})
	paper := filepath.Join("..", "..", "..", "shared", "fixtures", "pretrained")
	// The synthetic kind reports no spike AUC; give it the metric the paper has.
	for _, r := range res {
		r.Metrics["spike_auc_authors"] = r.Metrics["score"]
	}
	c, err := ParamsFigure(res, "spike_auc_authors", "", paper, plots.ParamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	opt := string(c.Option())
	// Ours and the paper's; the paper's d_m = 20 AUC from
	// shared/fixtures/pretrained/num_memory_20/eval_results.json.
	if c.NumSeries() != 2 || !strings.Contains(opt, "paper, real NeuronIO") ||
		!strings.Contains(opt, "d_m=5") || !strings.Contains(opt, "0.992") {
		t.Errorf("params figure: %d series, option %.400s", c.NumSeries(), opt)
	}
	if _, err := ParamsFigure(res, "train_loss", "", paper, plots.ParamOptions{}); err == nil ||
		!strings.Contains(err.Error(), `no counterpart of "train_loss"`) {
		t.Errorf("metric without a paper number: %v", err)
	}
}

func TestSweepSummaryAndSlurmScript(t *testing.T) {
	best := &sweep.Result{Name: "tau_max=150", Metrics: map[string]float64{"soma_ev": 0.83}}
	s := SweepSummary("ablation", sweep.Progress{Total: 6, Done: 4, Failed: 1, Running: 2,
		Best: best, BestBy: sweep.BestBy{Metric: "soma_ev", Maximize: true},
		Elapsed: 3 * time.Second, Errors: []string{"tau_max=5: boom"}})
	if s.Done != 3 || s.Failed != 1 || s.Running != 2 || s.BestRun != "tau_max=150" ||
		s.BestValue != 0.83 || !strings.Contains(s.Metric, "explained variance") {
		t.Errorf("summary %+v", s)
	}

	dir := t.TempDir()
	sw, _ := syntheticSweep(t, dir, sweep.Axis{Name: "tau_max", Values: []any{5, 25}})
	bin := filepath.Join(t.TempDir(), "elmsweep")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	msg, script, err := SlurmOrScript(context.Background(), dir, sw,
		sweep.SlurmOptions{Binary: bin, Sbatch: "no-such-sbatch-here"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg, "sbatch is not on PATH") || !strings.Contains(script,
		"--array=0-1") || !strings.Contains(script, bin) {
		t.Errorf("message %q, script:\n%s", msg, script)
	}
}

// jsonNumber spells v as the option JSON does (6 significant digits, plots' num).
func jsonNumber(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
