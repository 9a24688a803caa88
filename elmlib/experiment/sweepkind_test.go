package experiment

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/elmneuron/elm/elmlib"
	"github.com/elmneuron/elm/elmlib/sweep"
)

// tinyBudget trains 4 steps of 2 windows of 100 ms on 10 teacher simulations of 1.2 s
// (6 train, 2 val, 2 test), with held-out evaluations at steps 2 and 4.
func tinyBudget(dir string) TeacherBudget {
	return TeacherBudget{Steps: 4, BatchSize: 2, WindowMS: 100, EvalEvery: 2, EvalSims: 1,
		RunsDir: filepath.Join(dir, "runs"),
		Data: TeacherDataSpec{CacheDir: filepath.Join(dir, "cache"), NumSims: 10,
			DurationMS: 1200, NumTest: 2, NumVal: 2}}
}

func TestTeacherSweepRunsAndResumes(t *testing.T) {
	RegisterSweepKinds()
	dir := t.TempDir()
	base, err := TeacherSweepBase(elmlib.NeuronIOSynapseTraceConfig(3), 1, tinyBudget(dir))
	if err != nil {
		t.Fatal(err)
	}
	sw := sweep.Sweep{Name: "tiny", Kind: TeacherKind, Base: base, Axes: []sweep.Axis{
		{Name: "tau_max", Values: []any{5, 150}},
		{Name: "learn_tau", Values: []any{false, true}},
	}}
	runs, err := sw.Expand()
	if err != nil {
		t.Fatal(err)
	}
	st, err := sweep.OpenStore(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := sweep.RunLocal(context.Background(), st, sw.Name, runs,
		sweep.LocalOptions{Workers: 2, BestBy: sweep.BestBy{Metric: "spike_auc", Maximize: true}})
	if err != nil {
		t.Fatal(err)
	}
	if p := rep.Progress; p.Done != 4 || p.Failed != 0 || p.Skipped != 0 || p.Best == nil {
		t.Fatalf("progress %v, errors %v; want 4 runs done, none failed or skipped", p, p.Errors)
	}
	for i, r := range rep.Results {
		checkTeacherResult(t, r, runs[i])
	}

	// Every run has its checkpoint directory; a second sweep finds all results in the store
	// and trains nothing.
	for _, r := range runs {
		if _, err := os.Stat(filepath.Join(dir, "runs", r.ID, elmlib.ConfigFileName)); err != nil {
			t.Errorf("run %s: %v", r.Name, err)
		}
	}
	again, err := sweep.RunLocal(context.Background(), st, sw.Name, runs,
		sweep.LocalOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if again.Progress.Skipped != 4 || again.Results[3].Metrics["spike_auc"] !=
		rep.Results[3].Metrics["spike_auc"] {
		t.Errorf("second sweep skipped %d runs, AUC %g (first %g); want 4 skipped, same AUC",
			again.Progress.Skipped, again.Results[3].Metrics["spike_auc"],
			rep.Results[3].Metrics["spike_auc"])
	}

	// A run whose result was lost (e.g. killed while evaluating) finds its finished
	// checkpoint: it trains no further step, so its curve and metrics come back unchanged.
	if err := os.Remove(st.ResultPath(runs[0].ID)); err != nil {
		t.Fatal(err)
	}
	redo, err := sweep.Execute(context.Background(), runs[0], "test")
	if err != nil || redo.Failed() {
		t.Fatalf("re-running %s: %v %v", runs[0].Name, err, redo.Error)
	}
	if got, want := redo.Metrics["spike_auc"], rep.Results[0].Metrics["spike_auc"]; got != want {
		t.Errorf("re-evaluated checkpoint: spike AUC %g, first evaluation %g", got, want)
	}
	if got, want := redo.Metrics["train_seconds"], rep.Results[0].Metrics["train_seconds"]; got !=
		want {
		t.Errorf("re-run trained again: train_seconds %g, first %g", got, want)
	}
}

// checkTeacherResult asserts what a finished tiny run must hold.
func checkTeacherResult(t *testing.T, r *sweep.Result, run sweep.Run) {
	t.Helper()
	if r.Failed() {
		t.Fatalf("run %s failed: %s", run.Name, r.Error)
	}
	m := r.Metrics
	for _, k := range []string{"spike_auc", "spike_auc_authors"} {
		if !(m[k] >= 0 && m[k] <= 1) {
			t.Errorf("run %s: %s = %g, want in [0, 1]", run.Name, k, m[k])
		}
	}
	// Soma RMSE in mV: positive, and below the teacher's whole voltage range (about 20 mV).
	for _, k := range []string{"soma_rmse", "soma_rmse_authors"} {
		if !(m[k] > 0 && m[k] < 20) {
			t.Errorf("run %s: %s = %g mV, want in (0, 20)", run.Name, k, m[k])
		}
	}
	for _, k := range []string{"soma_ev", "soma_ev_authors"} {
		if !(m[k] <= 1) || math.IsNaN(m[k]) {
			t.Errorf("run %s: %s = %g, want <= 1", run.Name, k, m[k])
		}
	}
	if !(m["train_loss"] > 0) || !(m["train_seconds"] > 0) || m["authors_sims"] > 2 {
		t.Errorf("run %s: train_loss %g, train_seconds %g, authors_sims %g", run.Name,
			m["train_loss"], m["train_seconds"], m["authors_sims"])
	}

	// One curve point per step, held-out AUC at the evaluation steps 2 and 4 only.
	if len(r.Curve) != 4 {
		t.Fatalf("run %s: curve of %d points, want 4 (one per step)", run.Name, len(r.Curve))
	}
	for i, p := range r.Curve {
		evaluated := p.Step == 2 || p.Step == 4
		if p.Step != i+1 || !(p.Loss > 0) || evaluated == math.IsNaN(p.Eval) {
			t.Errorf("run %s: curve point %d = %+v", run.Name, i, p)
		}
	}

	// d_m = 3 with τ_m log-spaced over [1, τ_max]: 1, √τ_max, τ_max. A fixed τ_m does not
	// move; a learnable one does (the middle unit: the end units sit where the sigmoid of
	// τ_m's parametrisation is flat) but stays inside the bounds.
	tauMax := run.Axes["tau_max"].(float64)
	if len(r.TauMInit) != 3 || len(r.TauM) != 3 {
		t.Fatalf("run %s: τ_m %v -> %v, want 3 units", run.Name, r.TauMInit, r.TauM)
	}
	for i, want := range []float64{1, math.Sqrt(tauMax), tauMax} {
		if math.Abs(r.TauMInit[i]-want) > 1e-3*want {
			t.Errorf("run %s: initial τ_m %v, want unit %d at %g", run.Name, r.TauMInit, i, want)
		}
	}
	moved := false
	for i := range r.TauM {
		if r.TauM[i] < 1 || r.TauM[i] > tauMax {
			t.Errorf("run %s: trained τ_m %v outside [1, %g]", run.Name, r.TauM, tauMax)
		}
		moved = moved || r.TauM[i] != r.TauMInit[i]
	}
	if learn := run.Axes["learn_tau"].(bool); moved != learn {
		t.Errorf("run %s: τ_m %v -> %v; moved %v, learnable %v", run.Name, r.TauMInit,
			r.TauM, moved, learn)
	}
	want := elmlib.NumParams(elmlib.NeuronIOSynapseTraceConfig(3))
	if run.Axes["learn_tau"].(bool) {
		want += 3
	}
	if r.Params != want {
		t.Errorf("run %s: %d params, want %d", run.Name, r.Params, want)
	}
}

func TestTeacherRunCancelled(t *testing.T) {
	dir := t.TempDir()
	base, err := TeacherSweepBase(elmlib.NeuronIOSynapseTraceConfig(2), 1, tinyBudget(dir))
	if err != nil {
		t.Fatal(err)
	}
	runs, err := sweep.Sweep{Name: "c", Kind: TeacherKind, Base: base}.Expand()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := TeacherRun(ctx, runs[0]); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run returned %v, want context.Canceled", err)
	}

	// Cancelled during training (ctx.Err is asked once before training and once per step):
	// the run stops at step 3 with ctx's error and leaves no finished history; run
	// again, it trains all 4 steps.
	mid := &countdownCtx{Context: context.Background()}
	mid.left.Store(3)
	if _, err := TeacherRun(mid, runs[0]); !errors.Is(err, context.Canceled) {
		t.Fatalf("run cancelled mid-training returned %v, want context.Canceled", err)
	}
	if _, err := ReadHistory(filepath.Join(dir, "runs", runs[0].ID)); !errors.Is(err,
		os.ErrNotExist) {
		t.Errorf("cancelled run left a history: %v", err)
	}
	res, err := TeacherRun(context.Background(), runs[0])
	if err != nil || len(res.Curve) != 4 || res.Curve[3].Step != 4 {
		t.Fatalf("run after the cancelled one: %v, curve %v", err, res.Curve)
	}
}

// countdownCtx reports context.Canceled once Err has been asked more than left times.
type countdownCtx struct {
	context.Context
	left atomic.Int32
}

func (c *countdownCtx) Err() error {
	if c.left.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

func TestTeacherConfigErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := elmlib.NeuronIOSynapseTraceConfig(2)
	cases := []struct {
		edit func(b *TeacherBudget)
		want string
	}{
		{func(b *TeacherBudget) { b.Steps = 0 }, "field steps = 0: must be positive"},
		{func(b *TeacherBudget) { b.RunsDir = "" }, "field runs_dir"},
		{func(b *TeacherBudget) { b.Data.CacheDir = "" }, "field data.cache_dir"},
		{func(b *TeacherBudget) { b.WindowMS = 5000 }, "window_ms = 5000: longer than a " +
			"simulation (data.duration_ms = 1200)"},
		{func(b *TeacherBudget) { b.Data.NumTest = 8 }, "leave no training data out of " +
			"data.num_sims = 10"},
		{func(b *TeacherBudget) { b.LearningRate = -1 }, "learning_rate = -1"},
		{func(b *TeacherBudget) { b.Data.DurationMS = -1 }, "data.duration_ms = -1"},
	}
	for i, c := range cases {
		b := tinyBudget(dir)
		c.edit(&b)
		_, err := TeacherSweepBase(cfg, 1, b)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("case %d: error %v, want it to contain %q", i, err, c.want)
		}
	}

	// An axis value the model rejects is reported by Expand with the run and the field.
	RegisterSweepKinds()
	base, err := TeacherSweepBase(cfg, 1, tinyBudget(dir))
	if err != nil {
		t.Fatal(err)
	}
	_, err = sweep.Sweep{Name: "bad", Kind: TeacherKind, Base: base,
		Axes: []sweep.Axis{{Name: "tau_max", Values: []any{0.5}}}}.Expand()
	if err == nil || !strings.Contains(err.Error(), "TauMMax") {
		t.Errorf("tau_max 0.5 (below tau_min 1): %v", err)
	}
	err = ValidateTeacherConfig([]byte(`{"model":{},"seed":1,"steps":3,"stepz":1}`))
	if err == nil || !strings.Contains(err.Error(), `unknown field "stepz"`) {
		t.Errorf("unknown field: %v", err)
	}
}
