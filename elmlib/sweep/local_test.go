package sweep

import (
	"context"
	"errors"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
)

func TestRunLocalRunsAllThenSkips(t *testing.T) {
	st := openTestStore(t)
	runs := testRuns(t, `, "sleep_ms": 20`, 2, 5, 10, 25, 50, 150)
	var maxRunning, calls int
	var last Progress
	opts := LocalOptions{Workers: 2, BestBy: BestBy{Metric: "score", Maximize: true},
		Progress: func(p Progress) {
			calls++
			maxRunning = max(maxRunning, p.Running)
			last = p
		}}
	rep, err := RunLocal(context.Background(), st, "s", runs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 6 || last.Done != 6 || last.Running != 0 || last.Pending != 0 {
		t.Fatalf("results %d, last progress %+v", len(rep.Results), last)
	}
	if maxRunning != 2 {
		t.Errorf("at most %d runs at once, want 2 workers busy", maxRunning)
	}
	// score = 1 - 0.5·exp(-τ_max/25) + 0.01·u rises with τ_max by far more than 0.01.
	if last.Best == nil || last.Best.Name != "tau_max=150" {
		t.Errorf("best %v, want tau_max=150", last.Best)
	}
	if !strings.Contains(last.String(), "6/6 done, 0 running, 0 failed; best score=") {
		t.Errorf("progress text %q", last.String())
	}
	for i, r := range rep.Results {
		if r.RunID != runs[i].ID || r.Worker != "local" || r.WallSeconds < 0.02 {
			t.Errorf("result %d: %s %s %g s", i, r.RunID, r.Worker, r.WallSeconds)
		}
	}

	before := map[string][]byte{}
	for _, r := range runs {
		before[r.ID], _ = os.ReadFile(st.ResultPath(r.ID))
	}
	rep, err = RunLocal(context.Background(), st, "s", runs, LocalOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Progress.Skipped != 6 || rep.Progress.Done != 6 || calls < 6 {
		t.Fatalf("second sweep progress %+v", rep.Progress)
	}
	for _, r := range runs {
		now, _ := os.ReadFile(st.ResultPath(r.ID))
		if string(now) != string(before[r.ID]) {
			t.Errorf("run %s was rewritten", r.Name)
		}
	}
}

func TestRunLocalFailuresAndPanics(t *testing.T) {
	RegisterRunKind("test-panic", func(ctx context.Context, run Run) (*Result, error) {
		panic("index out of range [7]")
	}, nil)
	st := openTestStore(t)
	runs := testRuns(t, `, "fail": "loss is NaN at step 3"`, 5)
	panicky := runs[0]
	panicky.Kind, panicky.ID = "test-panic", "00000000000000cc"
	runs = append(runs, panicky)

	rep, err := RunLocal(context.Background(), st, "s", runs, LocalOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Progress.Failed != 2 || len(rep.Results) != 2 {
		t.Fatalf("progress %+v", rep.Progress)
	}
	wantErrors := []string{"tau_max=5: loss is NaN at step 3",
		`tau_max=5: run kind "test-panic" panicked: index out of range [7]`}
	if e := rep.Progress.Errors; len(e) != 2 || e[0] != wantErrors[0] || e[1] != wantErrors[1] {
		t.Errorf("progress errors %q, want %q", e, wantErrors)
	}
	if rep.Results[0].Error != "loss is NaN at step 3" {
		t.Errorf("error text %q", rep.Results[0].Error)
	}
	if !strings.Contains(rep.Results[1].Error, `run kind "test-panic" panicked: index out`) {
		t.Errorf("panic text %q", rep.Results[1].Error)
	}
	// Failed runs count as finished, unless retried.
	rep, _ = RunLocal(context.Background(), st, "s", runs, LocalOptions{Workers: 1})
	if rep.Progress.Skipped != 2 {
		t.Errorf("without retry: %+v", rep.Progress)
	}
	rep, _ = RunLocal(context.Background(), st, "s", runs,
		LocalOptions{Workers: 1, RetryFailed: true})
	if rep.Progress.Skipped != 0 || rep.Progress.Failed != 2 {
		t.Errorf("with retry: %+v", rep.Progress)
	}
}

func TestRunLocalCancelThenResume(t *testing.T) {
	st := openTestStore(t)
	runs := testRuns(t, `, "sleep_ms": 150`, 2, 5, 10, 25, 50, 150, 500, 1000)
	ctx, cancel := context.WithCancel(context.Background())
	var once sync.Once
	rep, err := RunLocal(ctx, st, "s", runs, LocalOptions{Workers: 2,
		Progress: func(p Progress) {
			if p.Done >= 2 {
				once.Do(cancel)
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	done := len(rep.Results)
	if done < 2 || done >= len(runs) {
		t.Fatalf("%d runs finished before the cancel took effect", done)
	}
	stored := 0
	for _, r := range runs {
		if _, err := st.Get(r.ID); err == nil {
			stored++
		}
	}
	if stored != done {
		t.Fatalf("%d results stored, %d reported", stored, done)
	}

	rep, err = RunLocal(context.Background(), st, "s", runs, LocalOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Progress.Skipped != done || rep.Progress.Done != len(runs) {
		t.Fatalf("resume: %+v, want %d skipped", rep.Progress, done)
	}
}

func TestSyntheticRunValues(t *testing.T) {
	runs := testRuns(t, "", 25)
	res, err := SyntheticRun(context.Background(), runs[0])
	if err != nil {
		t.Fatal(err)
	}
	// τ_max = 25: score = 1 - 0.5/e + 0.01·u with u in [0, 1).
	lo := 1 - 0.5*math.Exp(-1)
	if s := res.Metrics["score"]; s < lo || s >= lo+0.01 {
		t.Errorf("score %g outside [%g, %g)", s, lo, lo+0.01)
	}
	// τ_m log-spaced over [1, 25] for d_m = 3: 1, 5, 25.
	want := []float64{1, 5, 25}
	for i, w := range want {
		if math.Abs(res.TauM[i]-w) > 1e-12 {
			t.Errorf("tau_m[%d] = %g, want %g", i, res.TauM[i], w)
		}
	}
	if res.Params != 30 || len(res.Curve) != 5 || res.Curve[4].Eval != res.Metrics["score"] {
		t.Errorf("params %d curve %v", res.Params, res.Curve)
	}
}
