package views

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/elmneuron/elm/data"
	"github.com/elmneuron/elm/data/teacher"
	"github.com/elmneuron/elm/elmlib"
	"github.com/elmneuron/elm/elmlib/experiment"
)

func TestPredictionFigures(t *testing.T) {
	cfg := teacher.DefaultConfig()
	cfg.NumSims, cfg.DurationMS = 1, 300
	sims, err := teacher.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m, err := elmlib.New(elmlib.NeuronIOSynapseTraceConfig(3))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Prediction(m, sims[0], 100, 150)
	if err != nil {
		t.Fatal(err)
	}
	// Traces: one line per memory unit (3).
	if n := f.Traces.NumSeries(); n != 3 {
		t.Errorf("memory traces have %d series, want 3 (one per unit)", n)
	}
	if !strings.Contains(string(f.Compare.Option()), "ELM") {
		t.Errorf("comparison does not name the model series ELM")
	}
	if _, err := Prediction(m, sims[0], 200, 150); err == nil ||
		!strings.Contains(err.Error(), "window [200, 350) outside simulation 0 of 300 ms") {
		t.Errorf("window past the end: %v", err)
	}
	if _, err := Teacher(sims[0], -1, 10); err == nil {
		t.Errorf("negative window start gave no error")
	}
}

func TestTrainingAndTable(t *testing.T) {
	h := &experiment.History{Steps: []int{1, 2, 3}, Loss: []float64{3, 2, 1},
		EvalStep: []int{3}, EvalAUC: []float64{0.8}, EvalRMSE: []float64{2}}
	if _, err := Training(h, "x"); err != nil {
		t.Fatal(err)
	}
	tab := ScoresTable("c", nil)
	if len(tab.Header) != 8 || len(tab.Rows) != 0 {
		t.Errorf("table header %v rows %d", tab.Header, len(tab.Rows))
	}
}

func TestNotebookHelpers(t *testing.T) {
	sims := []*data.Simulation{
		{OutputSpikes: make([]int32, 30)}, {OutputSpikes: make([]int32, 5)},
		{OutputSpikes: make([]int32, 12)}, {OutputSpikes: nil},
	}
	if i := BusiestSimulation(sims); i != 2 {
		t.Errorf("BusiestSimulation = %d, want 2 (12 spikes; 30 is over the 24 filter)", i)
	}
	sim := &data.Simulation{Duration: 1000, OutputSpikes: []int32{50, 420, 450, 480, 900}}
	if s := BusiestWindow(sim, 300); s != 200 {
		t.Errorf("BusiestWindow = %d, want 200 (the earliest 300-ms window with 3 spikes)", s)
	}
	if s := BusiestWindow(sim, 2000); s != 0 {
		t.Errorf("BusiestWindow longer than the simulation = %d, want 0", s)
	}
	t.Setenv("GONB_DIR", "/nb")
	if p := Path("../build"); p != filepath.Clean("/build") {
		t.Errorf("Path(../build) = %q under GONB_DIR=/nb", p)
	}
	t.Setenv("ELM_TEST_INT", "42")
	if v := EnvInt("ELM_TEST_INT", 7); v != 42 {
		t.Errorf("EnvInt = %d, want 42", v)
	}
	os.Unsetenv("ELM_TEST_INT")
	if v := EnvInt("ELM_TEST_INT", 7); v != 7 {
		t.Errorf("EnvInt unset = %d, want 7", v)
	}
}

func TestTrainNeuronIOReplaysHistory(t *testing.T) {
	dir := t.TempDir()
	cfg := teacher.DefaultConfig()
	cfg.NumSims, cfg.DurationMS = 6, 400
	d, err := experiment.TeacherData(experiment.DataOptions{CacheDir: dir, Teacher: cfg,
		NumTest: 1, NumVal: 1})
	if err != nil {
		t.Fatal(err)
	}
	o := experiment.RunOptions{Dir: filepath.Join(dir, "run"), Steps: 3, BatchSize: 2,
		Window: 100, EvalEvery: -1}
	var calls int
	o.OnProgress = func(experiment.Progress) { calls++ }
	m := elmlib.NeuronIOSynapseTraceConfig(2)
	run, err := TrainNeuronIO("t", m, d, o)
	if err != nil {
		t.Fatal(err)
	}
	if run.TrainedNow != 3 || calls != 3 {
		t.Fatalf("trained %d steps with %d progress calls, want 3 and 3", run.TrainedNow, calls)
	}
	again, err := TrainNeuronIO("t", m, d, o)
	if err != nil {
		t.Fatal(err)
	}
	if again.TrainedNow != 0 || len(again.History.Loss) != 3 || calls != 3 {
		t.Errorf("second call trained %d, history %d losses, %d callbacks; want 0, 3, 3",
			again.TrainedNow, len(again.History.Loss), calls)
	}
}
