package seqtrain

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/elmneuron/elm/data/seqtasks"
	"github.com/elmneuron/elm/elmlib"
	"github.com/elmneuron/elm/elmlib/baseline"
)

// synthConfig is a task whose answer is known: the class is written in the first row of
// a 4×4 image (left half bright for class 0, right half for class 1) and the other rows
// are dark, so a model must carry the first step's evidence over three empty steps.
var synthConfig = seqtasks.TaskConfig{Task: "synthetic", Steps: 4, Channels: 4, Classes: 2,
	DtMS: 1, MemoryTauMin: 1, MemoryTauMax: 20, SynapseTau: 5, NumMemory: 8, Lambda: 5,
	MLPLayers: 1, Batch: 16, LR: 2e-2}

func synthSet(t *testing.T, n int) *seqtasks.Set {
	t.Helper()
	im := &seqtasks.Images{Height: 4, Width: 4, Pixels: make([]uint8, 16*n),
		Labels: make([]int32, n), Classes: 2}
	for i := 0; i < n; i++ {
		c := i % 2
		im.Labels[i] = int32(c)
		for x := 2 * c; x < 2*c+2; x++ {
			im.Pixels[16*i+x] = 255
		}
	}
	s, err := im.Sequences("synthetic", seqtasks.ImageEncoding{Rows: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func synthTask(t *testing.T) *Task {
	t.Helper()
	task, err := NewTask(synthConfig, synthSet(t, 128), synthSet(t, 40))
	if err != nil {
		t.Fatal(err)
	}
	return task
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// TestCompareSynthetic trains both models on the synthetic task, which either solves
// within a few dozen steps, and checks the rows: accuracy, chance (balanced labels: 1/2),
// parameter counts from the models' formulas, and the τ_max sweep.
func TestCompareSynthetic(t *testing.T) {
	task := synthTask(t)
	var seen []string
	e := Experiment{Budget: Budget{Steps: 60, Seed: 3}, TauMax: []float64{20, 3},
		Progress: func(model string, step int, _ float64) {
			if step == 0 {
				seen = append(seen, model)
			}
		}}
	res, err := e.RunOn(task)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ELMConfig(synthConfig)
	if err != nil {
		t.Fatal(err)
	}
	// v1, 4 inputs, d_m 8, hidden 16: w_s 4 + (4+8)·16+16 + 16·8+8 + 8·2+2 = 366.
	if n := elmlib.NumParams(cfg); n != 366 {
		t.Errorf("ELM parameters %d, want 366", n)
	}
	hidden := baseline.HiddenForParams(4, 2, 366)
	want := []struct {
		kind   string
		params int
	}{{KindELM, 366}, {KindLSTM, baseline.Config{Inputs: 4, Hidden: hidden, Classes: 2}.NumParams()}}
	if len(res.Compare) != 2 {
		t.Fatalf("%d comparison rows, want 2", len(res.Compare))
	}
	for i, w := range want {
		r := res.Compare[i]
		t.Logf("%s: %d params, accuracy %.3f, loss %.3f -> %.3f, %.1f ms/step", r.Model,
			r.Params, r.Accuracy, mean(r.Losses[:5]), mean(r.Losses[55:]), r.StepMillis)
		if r.Kind != w.kind || r.Params != w.params {
			t.Errorf("row %d: %s with %d params, want %s with %d", i, r.Kind, r.Params, w.kind,
				w.params)
		}
		if r.Accuracy < 0.95 || r.Chance != 0.5 || r.TestExamples != 40 {
			t.Errorf("%s: accuracy %v (want ≥ 0.95), chance %v (want 0.5), %d test examples",
				r.Model, r.Accuracy, r.Chance, r.TestExamples)
		}
		if len(r.Losses) != 60 || !(mean(r.Losses[55:]) < 0.5*mean(r.Losses[:5])) {
			t.Errorf("%s: %d losses, %.3f -> %.3f", r.Model, len(r.Losses), mean(r.Losses[:5]),
				mean(r.Losses[55:]))
		}
		if r.Budget != (Budget{Steps: 60, Batch: 16, LR: 2e-2, Seed: 3}) {
			t.Errorf("%s: budget %+v, want the task's batch and LR filled in", r.Model, r.Budget)
		}
		if !(r.StepMillis > 0) || !(r.TrainSeconds*1e3 >= r.StepMillis) {
			t.Errorf("%s: %v ms/step, %v s of training", r.Model, r.StepMillis, r.TrainSeconds)
		}
	}
	next := baseline.Config{Inputs: 4, Hidden: hidden + 1, Classes: 2}.NumParams()
	if hidden < 1 || want[1].params > 366 || next <= 366 {
		t.Errorf("LSTM hidden %d is not the largest within 366 parameters", hidden)
	}
	if len(res.Sweep) != 2 || !reflect.DeepEqual(res.Sweep[0], res.Compare[0]) ||
		res.Sweep[1].TauMMax != 3 || res.Sweep[1].Kind != KindELM {
		t.Errorf("sweep rows: %+v", res.Sweep)
	}
	if got := strings.Join(seen, ","); got != "ELM d_m 8,LSTM hidden "+itoa(hidden)+",ELM d_m 8" {
		t.Errorf("progress saw models %s", got)
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestScore(t *testing.T) {
	var s Score
	// Example 0: equal logits, label 0: right by the tie rule, loss ln 2.
	// Example 1: logits (ln 3, 0), label 1: wrong, loss ln(3+1) - 0 = ln 4.
	// Example 2: logits (0, ln 3), label 1: right, loss ln 4 - ln 3.
	l3 := float32(math.Log(3))
	if err := s.Add([]float32{0, 0, l3, 0, 0, l3}, []int32{0, 1, 1}); err != nil {
		t.Fatal(err)
	}
	const tol = 1e-6
	wantLoss := (math.Log(2) + math.Log(4) + math.Log(4) - float64(l3)) / 3
	if s.N != 3 || s.Correct != 2 || math.Abs(s.Loss()-wantLoss) > tol ||
		math.Abs(s.Accuracy()-2.0/3) > tol {
		t.Errorf("score %+v: accuracy %v, loss %v (want 2/3, %v)", s, s.Accuracy(), s.Loss(),
			wantLoss)
	}
	for i, c := range []struct {
		logits []float32
		labels []int32
		msg    string
	}{
		{[]float32{0, float32(math.NaN())}, []int32{0}, "logit 1 of example 0 is NaN"},
		{[]float32{0, 1}, []int32{2}, "label 2 of example 0 outside 0..1"},
		{[]float32{0, 1, 2}, []int32{0, 1}, "3 logits for 2 labels"},
	} {
		if err := s.Add(c.logits, c.labels); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("case %d: error %v, want %q", i, err, c.msg)
		}
	}
	if c := Chance([]int32{1, 2, 2, 3}); c != 0.5 {
		t.Errorf("chance %v, want 0.5", c)
	}
}

func TestELMConfig(t *testing.T) {
	tc := seqtasks.TaskConfigs()["pathfinder32"]
	cfg, err := ELMConfig(tc)
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.(elmlib.SynapseTraceConfig)
	if c.NumInput != 8 || c.NumOutput != 2 || c.NumMemory != 100 || c.TauMMin != 1 ||
		c.TauMMax != 2000 || c.TauS != 5 || c.DeltaT != 1 || c.Lambda != 5 {
		t.Errorf("pathfinder32 config %+v", c)
	}
	// w_s 8 + MLP (8+100)·200+200 + 200·100+100 + readout 100·2+2.
	if n := elmlib.NumParams(cfg); n != 8+108*200+200+200*100+100+202 {
		t.Errorf("pathfinder32 ELM has %d parameters", n)
	}
	tc.BranchELM, tc.SynapseTau = true, 20
	cfg, err = ELMConfig(tc)
	if b, ok := cfg.(elmlib.BranchTraceConfig); err != nil || !ok || b.TauB != 20 {
		t.Errorf("Branch-ELM config %#v, %v", cfg, err)
	}
	tc.MemoryTauMax = 0.5
	if _, err := ELMConfig(tc); err == nil || !strings.Contains(err.Error(), "TauMMax") {
		t.Errorf("τ_max below τ_min: %v", err)
	}
	if _, err := WithTauMax(cfg, 1); err == nil || !strings.Contains(err.Error(), "τ_max 1 ms") {
		t.Errorf("WithTauMax(1): %v", err)
	}
	if c, err := WithTauMax(cfg, 30); err != nil || c.Shared().TauMMax != 30 {
		t.Errorf("WithTauMax(30): %v, %v", c, err)
	}
}

func TestTaskErrors(t *testing.T) {
	task := synthTask(t)
	other := synthConfig
	other.Channels = 5
	for i, c := range []struct {
		err error
		msg string
	}{
		{second(LoadTask("mnist", 1, 1, 0)), `unknown task "mnist" (known: fashion-mnist-pixel`},
		{second(LoadTask("shd", 1, 1, 0)), `task "shd" has no loader here (it needs data files)`},
		{second(LoadTask("pathfinder32", 0, 1, 0)), "0 training and 1 test examples"},
		{second(LoadTask("fashion-mnist-row", 70000, 1, 0)), "70000 train examples asked"},
		{second(NewTask(other, task.Train, task.Test)), "wants 4 steps × 5 channels"},
		{second(NewTask(synthConfig, nil, task.Test)), "training and test sets are required"},
		{second(TrainELM(task, mustELM(t, synthConfig), Budget{}, nil)), "budget of 0 steps"},
		{second(TrainLSTM(task, 4, Budget{Steps: 1, Batch: 129}, nil)), "batch size 129"},
		{second(TrainLSTM(task, 4, Budget{Steps: 1, LR: math.NaN()}, nil)), "learning rate NaN"},
		{second(TrainELM(task, elmlib.NewSynapseTraceConfig(3, 2, 4), Budget{Steps: 1}, nil)),
			"ELM with 3 inputs and 2 outputs"},
		{second(Experiment{Task: "listops", Models: []string{"GRU"}}.Run()),
			`unknown model kind "GRU"`},
		{second(Experiment{Task: "listops", Models: []string{}}.Run()), "trains no model"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.msg) {
			t.Errorf("case %d: error %v, want %q", i, c.err, c.msg)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func mustELM(t *testing.T, tc seqtasks.TaskConfig) elmlib.Config {
	cfg, err := ELMConfig(tc)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestLoadTask(t *testing.T) {
	task, err := LoadTask("pathfinder32", 6, 4, 5)
	if err != nil {
		t.Fatal(err)
	}
	if task.Train.Len() != 6 || task.Test.Len() != 4 || task.Train.Steps != 1024 ||
		task.Train.Channels != 8 || Chance(task.Test.Labels) != 0.5 {
		t.Errorf("pathfinder32: %d/%d examples of %d × %d, test chance %v", task.Train.Len(),
			task.Test.Len(), task.Train.Steps, task.Train.Channels, Chance(task.Test.Labels))
	}
	if _, err := os.Stat(seqtasks.FashionMNISTDir); err != nil {
		t.Skipf("Fashion-MNIST not installed: %v", err)
	}
	task, err = LoadTask("fashion-mnist-row", 32, 16, 0)
	if err != nil {
		t.Fatal(err)
	}
	in := task.Train.Input(0)
	ones := 0.0
	for _, v := range in {
		ones += float64(v)
	}
	// 16 grey bins one-hot: one 1 per pixel, 28 rows × 28 pixels.
	if task.Train.Steps != 28 || task.Train.Channels != 448 || ones != 784 {
		t.Errorf("fashion-mnist-row: %d × %d, %v ones", task.Train.Steps, task.Train.Channels, ones)
	}
}

func sampleResults() *Results {
	row := Row{Task: "synthetic", Model: "ELM d_m 8", Kind: KindELM, Params: 366, TauMMax: 20,
		Steps: 4, Channels: 4, Budget: Budget{Steps: 10, Batch: 16, LR: 0.02, Seed: 1},
		Accuracy: 0.975, TestLoss: 0.1, TestExamples: 40, Chance: 0.5,
		Losses: []float64{0.7, 0.25}, TrainSeconds: 1.5, StepMillis: 12.5, EvalSeconds: 0.1}
	lstm := row
	lstm.Model, lstm.Kind, lstm.TauMMax, lstm.Params, lstm.Accuracy = "LSTM hidden 7", KindLSTM,
		0, 254, 0.5
	short := row
	short.TauMMax, short.Accuracy = 3, 0.8
	return &Results{Experiment: Experiment{Task: "no-such-task", TrainExamples: 8,
		TestExamples: 4, Budget: Budget{Steps: 10}, TauMax: []float64{20, 3}},
		Compare: []Row{row, lstm}, Sweep: []Row{row, short}, Machine: "test", Finished: "now"}
}

// TestResultsFiles checks the JSON round trip, that RunCached returns a stored result of
// the same experiment without running it (the task does not exist, so running fails),
// and the table formats.
func TestResultsFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.json")
	res := sampleResults()
	if err := WriteResults(path, res); err != nil {
		t.Fatal(err)
	}
	back, err := ReadResults(path)
	if err != nil || !reflect.DeepEqual(back, res) {
		t.Fatalf("round trip: %v\n%+v\n%+v", err, back, res)
	}
	hit, err := res.Experiment.RunCached(path)
	if err != nil || !reflect.DeepEqual(hit, res) {
		t.Errorf("cache hit: %v", err)
	}
	changed := res.Experiment
	changed.Budget.Steps = 11
	p1, p2 := res.Experiment.CachePath(dir), changed.CachePath(dir)
	if p1 == p2 || !strings.HasPrefix(p1, filepath.Join(dir, "no-such-task-10steps-")) ||
		p1 != sampleResults().Experiment.CachePath(dir) {
		t.Errorf("cache paths %s, %s", p1, p2)
	}
	if _, err := changed.RunCached(path); err == nil ||
		!strings.Contains(err.Error(), `unknown task "no-such-task"`) {
		t.Errorf("changed experiment should run (and fail): %v", err)
	}

	// 33 examples in batches of 16: 3 steps of 12.5 ms.
	r := res.Compare[0]
	if r.MillisPerTimeStep() != 12.5/4 || math.Abs(r.EpochSeconds(33)-0.0375) > 1e-12 {
		t.Errorf("per time step %v ms, epoch %v s", r.MillisPerTimeStep(), r.EpochSeconds(33))
	}
	md := Markdown(res)
	wantLine := "| synthetic | ELM d_m 8 | 366 | 20 | 97.5 | 50.0 | 40 | 10 × 16 | 1.5 | 12 |"
	// Header, separator, ELM, LSTM, the τ_max = 3 sweep row (the τ_max = 20 one repeats the
	// compared ELM), and the final newline.
	if lines := strings.Split(md, "\n"); len(lines) != 6 || lines[2] != wantLine ||
		!strings.HasPrefix(lines[4], "| synthetic | ELM d_m 8 | 366 | 3 | 80.0 |") {
		t.Errorf("markdown:\n%s", md)
	}
	for _, name := range []string{"t.md", "t.csv", "t.json"} {
		if err := WriteTable(filepath.Join(dir, name), res); err != nil {
			t.Fatal(err)
		}
	}
	f, _ := os.Open(filepath.Join(dir, "t.csv"))
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(recs) != 4 || recs[2][1] != "LSTM hidden 7" || recs[2][3] != "" ||
		recs[2][4] != "50.0" ||
		len(CompareRows(res)) != 2 {
		t.Errorf("csv: %v %q", err, recs)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "t.json"))
	var list []*Results
	if err := json.Unmarshal(b, &list); err != nil || !reflect.DeepEqual(list[0], res) {
		t.Errorf("json table: %v", err)
	}
	if err := WriteTable(filepath.Join(dir, "t.txt"), res); err == nil ||
		!strings.Contains(err.Error(), `unknown extension ".txt"`) {
		t.Errorf("txt: %v", err)
	}
}

func TestReadResultsErrors(t *testing.T) {
	dir := t.TempDir()
	good, _ := json.Marshal(sampleResults())
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for i, c := range []struct {
		path, msg string
	}{
		{filepath.Join(dir, "missing.json"), "missing.json: no such file"},
		{write("trunc.json", string(good[:len(good)/2])), "trunc.json: unexpected EOF"},
		{write("field.json", `{"compare": [], "speed": 3}`), `field.json: json: unknown field "speed"`},
		{write("empty.json", `{"compare": []}`), "empty.json: no result rows"},
		{write("acc.json", strings.Replace(string(good), `"accuracy":0.975`, `"accuracy":1.5`, 1)),
			"acc.json: row 0 (ELM d_m 8): accuracy 1.5 outside [0, 1]"},
	} {
		_, err := ReadResults(c.path)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("case %d: %v, want %q", i, err, c.msg)
		}
	}
	// A corrupt cache file is reported, not silently overwritten.
	p := write("bad-cache.json", "{")
	if _, err := sampleResults().Experiment.RunCached(p); err == nil ||
		!strings.Contains(err.Error(), "bad-cache.json") {
		t.Errorf("corrupt cache: %v", err)
	}
}
