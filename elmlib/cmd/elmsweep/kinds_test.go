package main

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/elmneuron/elm/elmlib"
	"github.com/elmneuron/elm/elmlib/experiment"
	"github.com/elmneuron/elm/elmlib/sweep"
)

// teacherSweep plans a sweep of the "teacher" kind with the given τ_max values in a new
// store: 4 training steps of 2 windows of 100 ms on 10 teacher simulations of 1.2 s.
func teacherSweep(t *testing.T, tauMax ...any) (*sweep.Store, []sweep.Run) {
	t.Helper()
	dir := t.TempDir()
	b := experiment.TeacherBudget{Steps: 4, BatchSize: 2, WindowMS: 100, EvalEvery: -1,
		RunsDir: filepath.Join(dir, "runs"),
		Data: experiment.TeacherDataSpec{CacheDir: filepath.Join(dir, "cache"), NumSims: 10,
			DurationMS: 1200, NumTest: 2, NumVal: 2}}
	base, err := experiment.TeacherSweepBase(elmlib.NeuronIOSynapseTraceConfig(2), 1, b)
	if err != nil {
		t.Fatal(err)
	}
	experiment.RegisterSweepKinds() // for Expand's validation in this process
	runs, err := sweep.Sweep{Name: "teacher", Kind: experiment.TeacherKind, Base: base,
		Axes: []sweep.Axis{{Name: "tau_max", Values: tauMax}}}.Expand()
	if err != nil {
		t.Fatal(err)
	}
	st, err := sweep.OpenStore(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Plan("teacher", runs); err != nil {
		t.Fatal(err)
	}
	return st, runs
}

// checkTrained asserts that the store holds a successful trained result for run.
func checkTrained(t *testing.T, st *sweep.Store, run sweep.Run) {
	t.Helper()
	r, err := st.Get(run.ID)
	if err != nil {
		t.Fatalf("run %s: %v", run.Name, err)
	}
	auc, params := r.Metrics["spike_auc"], elmlib.NumParams(elmlib.NeuronIOSynapseTraceConfig(2))
	if r.Failed() || !(auc >= 0 && auc <= 1) || !(r.Metrics["soma_rmse"] > 0) ||
		len(r.Curve) != 4 || len(r.TauM) != 2 || r.Params != params {
		t.Errorf("run %s: error %q, AUC %g, RMSE %g, %d curve points, τ_m %v, %d params; "+
			"want AUC in [0, 1], RMSE > 0, 4 points, 2 units, %d params", run.Name, r.Error,
			auc, r.Metrics["soma_rmse"], len(r.Curve), r.TauM, r.Params, params)
	}
}

func TestTeacherKindRegistered(t *testing.T) {
	registerKinds()
	if !slices.Contains(sweep.RunKinds(), experiment.TeacherKind) {
		t.Fatalf("run kinds %v lack %q", sweep.RunKinds(), experiment.TeacherKind)
	}
	st, runs := teacherSweep(t, 150)
	code, out, errOut := elmsweep(t, "run", "--store", st.Dir, "--id", runs[0].ID)
	if code != 0 {
		t.Fatalf("elmsweep run: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	checkTrained(t, st, runs[0])
	code, out, _ = elmsweep(t, "run", "--store", st.Dir, "--id", runs[0].ID)
	if code != 0 || !strings.Contains(out, "already in the store, skipped") {
		t.Errorf("second elmsweep run: exit %d, stdout %q; want a skip", code, out)
	}
}

func TestTeacherSweepOnSlurm(t *testing.T) {
	needSlurm(t)
	st, runs := teacherSweep(t, 5, 150)
	ctx := context.Background()
	job, err := sweep.SubmitSlurm(ctx, st, "teacher", runs, sweep.SlurmOptions{Binary: binary,
		TimeLimit: "5"})
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	js, err := job.Wait(wctx, 500*time.Millisecond, sweep.BestBy{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range job.Runs {
		if ts := js.Tasks[i]; ts.State != "COMPLETED" {
			t.Errorf("task %d (%s): %+v, want COMPLETED", i, r.Name, ts)
		}
		checkTrained(t, st, r)
	}
}
