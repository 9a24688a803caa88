package experiment

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/elmneuron/elm/data"
	"github.com/elmneuron/elm/data/teacher"
	"github.com/elmneuron/elm/elmlib"
)

// smallData is 10 teacher simulations of 1.2 s: 6 train, 2 val, 2 test.
func smallData(t *testing.T, dir string) *Data {
	t.Helper()
	cfg := teacher.DefaultConfig()
	cfg.NumSims, cfg.DurationMS = 10, 1200
	d, err := TeacherData(DataOptions{CacheDir: dir, Teacher: cfg, NumTest: 2, NumVal: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Train) != 6 || len(d.Val) != 2 || len(d.Test) != 2 {
		t.Fatalf("split %d/%d/%d, want 6/2/2", len(d.Train), len(d.Val), len(d.Test))
	}
	return d
}

func TestTrainResumeAndEvaluate(t *testing.T) {
	dir := t.TempDir()
	d := smallData(t, filepath.Join(dir, "cache"))
	cfg := elmlib.NeuronIOSynapseTraceConfig(2)
	o := RunOptions{Dir: filepath.Join(dir, "run"), Steps: 4, BatchSize: 2, Window: 100,
		EvalEvery: 2, EvalSims: 1, Quiet: true}
	var seen []int
	o.OnProgress = func(p Progress) { seen = append(seen, p.Step) }
	run, err := TrainNeuronIO(cfg, d, o)
	if err != nil {
		t.Fatal(err)
	}
	if run.TrainedNow != 4 || len(seen) != 4 || seen[3] != 4 {
		t.Fatalf("trained %d steps, progress at %v; want 4 steps 1..4", run.TrainedNow, seen)
	}
	h := run.History
	if len(h.Loss) != 4 || len(h.EvalAUC) != 2 || h.EvalStep[1] != 4 || h.Samples != 8 {
		t.Fatalf("history %+v: want 4 losses, evals at steps 2 and 4, 8 samples", h)
	}
	for i, l := range h.Loss {
		if math.IsNaN(l) || l <= 0 {
			t.Errorf("loss %d = %g", i, l)
		}
	}

	// A second call finds the finished checkpoint: no training, same history.
	again, err := TrainNeuronIO(cfg, d, o)
	if err != nil {
		t.Fatal(err)
	}
	if again.TrainedNow != 0 || len(again.History.Loss) != 4 ||
		again.History.Loss[3] != h.Loss[3] {
		t.Fatalf("second call trained %d steps, history %v; want 0 and the stored losses",
			again.TrainedNow, again.History.Loss)
	}
	sd1, _ := run.Model.StateDict()
	sd2, _ := again.Model.StateDict()
	for k, v := range sd1 {
		for i := range v.F32 {
			if sd2[k].F32[i] != v.F32[i] {
				t.Fatalf("%s[%d]: reloaded %g, trained %g", k, i, sd2[k].F32[i], v.F32[i])
			}
		}
	}

	s, err := Evaluate(ModelPredictor(run.Model), d.Test)
	if err != nil {
		t.Fatal(err)
	}
	if s.Raw.Simulations != 2 || !(s.Raw.AUC >= 0 && s.Raw.AUC <= 1) ||
		!(s.Raw.SomaRMSE > 0) {
		t.Errorf("raw scores %+v", s.Raw)
	}
}

func TestLinearBaselineCache(t *testing.T) {
	dir := t.TempDir()
	d := smallData(t, filepath.Join(dir, "cache"))
	m1, err := LinearBaseline(d, dir)
	if err != nil {
		t.Fatal(err)
	}
	m2, err := LinearBaseline(d, dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range m1.SomaW {
		if m1.SomaW[i] != m2.SomaW[i] {
			t.Fatalf("cached weight %d = %g, fitted %g", i, m2.SomaW[i], m1.SomaW[i])
		}
	}
	s, err := Evaluate(LinearPredictor(m2), d.Test)
	if err != nil {
		t.Fatal(err)
	}
	// The baseline must beat predicting the mean: explained variance above 0.
	if !(s.Raw.SomaExplainedVariance > 0) {
		t.Errorf("linear baseline explained variance %g on held-out data, want > 0",
			s.Raw.SomaExplainedVariance)
	}
}

func TestOptionErrors(t *testing.T) {
	if _, err := TeacherData(DataOptions{}); err == nil ||
		!strings.Contains(err.Error(), "CacheDir is empty") {
		t.Errorf("empty cache dir: %v", err)
	}
	cfg := teacher.DefaultConfig()
	cfg.NumSims = 10
	_, err := TeacherData(DataOptions{CacheDir: t.TempDir(), Teacher: cfg, NumTest: 8, NumVal: 2})
	if err == nil || !strings.Contains(err.Error(), "leave no training data out of 10") {
		t.Errorf("split error: %v", err)
	}
	if _, err := ReadHistory(t.TempDir()); err == nil || !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("missing history: %v", err)
	}
	_, err = TrainNeuronIO(elmlib.NeuronIOSynapseTraceConfig(2), &Data{}, RunOptions{})
	if err == nil || !strings.Contains(err.Error(), "Dir is empty") {
		t.Errorf("missing dir: %v", err)
	}
	_ = data.NeuronIOInputs
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}
