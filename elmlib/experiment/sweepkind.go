package experiment

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"sync"

	"github.com/elmneuron/elm/data/teacher"
	"github.com/elmneuron/elm/elmlib"
	"github.com/elmneuron/elm/elmlib/sweep"
)

// TeacherKind is the sweep run kind that trains a NeuronIO-shaped ELM on the teacher neuron
// and evaluates it on the held-out teacher simulations (see TeacherRun).
const TeacherKind = "teacher"

// RegisterSweepKinds registers this package's sweep run kinds (TeacherKind) with package
// sweep. Call it in every process that executes runs: the notebook or program that calls
// sweep.RunLocal, and the elmsweep command that Slurm array tasks run.
func RegisterSweepKinds() {
	sweep.RegisterRunKind(TeacherKind, TeacherRun, ValidateTeacherConfig)
}

// TeacherBudget is the part of a "teacher" run configuration besides "model" and "seed": the
// training budget, the data and where runs keep their checkpoints. Every run of a sweep
// shares it (it sits in the sweep's base configuration). Zero values mean TrainNeuronIO's
// and DataOptions' defaults.
type TeacherBudget struct {
	// Steps is the number of training steps (required, > 0).
	Steps int `json:"steps"`
	// BatchSize and WindowMS are the training batch: BatchSize windows of WindowMS ms.
	BatchSize int `json:"batch_size,omitempty"`
	WindowMS  int `json:"window_ms,omitempty"`
	// LearningRate of Adam (default elmlib.DefaultLearningRate); ConstantLR turns off the
	// cosine schedule.
	LearningRate float64 `json:"learning_rate,omitempty"`
	ConstantLR   bool    `json:"constant_lr,omitempty"`
	// EvalEvery and EvalSims set the held-out evaluations during training that the training
	// curve shows (see RunOptions); EvalEvery < 0 turns them off.
	EvalEvery int `json:"eval_every,omitempty"`
	EvalSims  int `json:"eval_sims,omitempty"`
	// Data selects the teacher data set.
	Data TeacherDataSpec `json:"data"`
	// RunsDir holds one checkpoint directory per run, named by the run's ID (required).
	RunsDir string `json:"runs_dir"`
}

// TeacherDataSpec selects the teacher data set of a "teacher" run. Zero values mean
// teacher.DefaultConfig()'s and DataOptions' defaults (128 simulations of 6 s, the last 16
// held out for testing and the 8 before them for validation).
type TeacherDataSpec struct {
	// CacheDir holds the generated data set (required).
	CacheDir string `json:"cache_dir"`
	// NumSims and DurationMS size the data set; Seed selects its random input.
	NumSims    int    `json:"num_sims,omitempty"`
	DurationMS int    `json:"duration_ms,omitempty"`
	Seed       uint64 `json:"seed,omitempty"`
	// NumTest and NumVal are the held-out simulations at the end of the set.
	NumTest int `json:"num_test,omitempty"`
	NumVal  int `json:"num_val,omitempty"`
}

// teacherRunConfig is the whole configuration of a "teacher" run.
type teacherRunConfig struct {
	Model json.RawMessage `json:"model"`
	Seed  uint64          `json:"seed"`
	TeacherBudget
}

// TeacherSweepBase returns the base configuration of a sweep of kind TeacherKind: model,
// the seed and the budget shared by every run.
func TeacherSweepBase(model elmlib.Config, seed int, b TeacherBudget) (json.RawMessage, error) {
	raw, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("experiment: encoding budget: %w", err)
	}
	fields := map[string]any{}
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, fmt.Errorf("experiment: encoding budget: %w", err)
	}
	fields["seed"] = seed
	base, err := sweep.BaseConfig(model, fields)
	if err != nil {
		return nil, err
	}
	if err := ValidateTeacherConfig(base); err != nil {
		return nil, err
	}
	return base, nil
}

// ValidateTeacherConfig checks a "teacher" run configuration: no unknown field, a valid
// model (sweep.ValidateModel), a positive budget, both directories set, a valid teacher data
// set whose held-out split leaves training data, and windows no longer than a simulation.
// Errors name the field and its value.
func ValidateTeacherConfig(cfgJSON []byte) error {
	c, err := decodeTeacherConfig(cfgJSON)
	if err != nil {
		return err
	}
	if err := sweep.ValidateModel(cfgJSON); err != nil {
		return err
	}
	_, err = c.dataOptions()
	return err
}

// decodeTeacherConfig decodes a run configuration strictly and checks the budget fields.
func decodeTeacherConfig(cfgJSON []byte) (*teacherRunConfig, error) {
	c := &teacherRunConfig{}
	dec := json.NewDecoder(bytes.NewReader(cfgJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		return nil, fmt.Errorf("experiment: teacher run configuration: %w", err)
	}
	checks := []struct {
		field string
		value int
		ok    bool
	}{
		{"steps", c.Steps, c.Steps > 0},
		{"batch_size", c.BatchSize, c.BatchSize >= 0},
		{"window_ms", c.WindowMS, c.WindowMS >= 0},
		{"eval_sims", c.EvalSims, c.EvalSims >= 0},
		{"data.num_sims", c.Data.NumSims, c.Data.NumSims >= 0},
		{"data.duration_ms", c.Data.DurationMS, c.Data.DurationMS >= 0},
		{"data.num_test", c.Data.NumTest, c.Data.NumTest >= 0},
		{"data.num_val", c.Data.NumVal, c.Data.NumVal >= 0},
	}
	for _, ch := range checks {
		if !ch.ok {
			return nil, fieldError(ch.field, ch.value, "must be positive")
		}
	}
	if !(c.LearningRate >= 0) || math.IsInf(c.LearningRate, 0) {
		return nil, fieldError("learning_rate", c.LearningRate, "must be finite and >= 0")
	}
	if c.RunsDir == "" {
		return nil, fieldError("runs_dir", `""`, "must name the checkpoint directory")
	}
	if c.Data.CacheDir == "" {
		return nil, fieldError("data.cache_dir", `""`, "must name the data cache directory")
	}
	if len(c.Model) == 0 {
		return nil, fieldError("model", "missing", "must hold the model configuration")
	}
	return c, nil
}

func fieldError(field string, value any, reason string) error {
	return fmt.Errorf("experiment: teacher run configuration field %s = %v: %s",
		field, value, reason)
}

// dataOptions resolves the data set and checks that it is valid, that its split leaves
// training simulations, and that a training window fits in a simulation.
func (c *teacherRunConfig) dataOptions() (DataOptions, error) {
	tc := teacher.DefaultConfig()
	if c.Data.NumSims > 0 {
		tc.NumSims = c.Data.NumSims
	}
	if c.Data.DurationMS > 0 {
		tc.DurationMS = c.Data.DurationMS
	}
	tc.Seed = c.Data.Seed
	if err := tc.Validate(); err != nil {
		return DataOptions{}, fmt.Errorf("experiment: teacher run configuration field data: %w",
			err)
	}
	o := DataOptions{CacheDir: c.Data.CacheDir, Teacher: tc, NumTest: c.Data.NumTest,
		NumVal: c.Data.NumVal}
	test, val := o.NumTest, o.NumVal
	if test == 0 {
		test = 16
	}
	if val == 0 {
		val = 8
	}
	if test+val >= tc.NumSims {
		return o, fmt.Errorf("experiment: teacher run configuration: data.num_test = %d and "+
			"data.num_val = %d leave no training data out of data.num_sims = %d",
			test, val, tc.NumSims)
	}
	if w := c.WindowMS; w > tc.DurationMS {
		return o, fieldError("window_ms", w,
			fmt.Sprintf("longer than a simulation (data.duration_ms = %d)", tc.DurationMS))
	}
	return o, nil
}

// TeacherRun is the RunFunc of TeacherKind. It reads its configuration (see TeacherBudget;
// "model" in elmlib.MarshalConfig's form, "seed" for the window sampler), loads the teacher
// data set (generating and caching it on first use; a process loads each set once),
// trains the model with TrainNeuronIO in RunsDir/<run ID> (a killed run resumes from its
// latest checkpoint, a finished one is only loaded) and evaluates it on the held-out test
// simulations with both protocols (Evaluate).
//
// The result holds the metrics
//
//	spike_auc, soma_rmse (mV), soma_ev                  raw protocol, all test simulations
//	spike_auc_authors, soma_rmse_authors, soma_ev_authors   authors' protocol
//	authors_sims      test simulations the authors' protocol kept (≤ 24 output spikes)
//	train_loss        mean training loss over the last tenth of the steps
//	train_seconds     training wall time, summed over resumed attempts
//
// τ_m before (TauMInit) and after training (TauM), the training curve (one point per step
// of the history, Eval the held-out spike AUC where measured) and the parameter count.
// Cancelling ctx stops training after the current step; the run's checkpoints stay.
//
// Limitations: TrainNeuronIO checkpoints every 500 steps and at the end, and writes the
// training history only when it finishes, so a run killed mid-way resumes from its last
// 500-step checkpoint and its curve then starts after that checkpoint. Paths in the
// configuration (runs_dir, data.cache_dir) are part of the run's ID.
func TeacherRun(ctx context.Context, run sweep.Run) (*sweep.Result, error) {
	c, err := decodeTeacherConfig(run.Config)
	if err != nil {
		return nil, err
	}
	dopts, err := c.dataOptions()
	if err != nil {
		return nil, err
	}
	cfg, err := elmlib.UnmarshalConfig(c.Model)
	if err != nil {
		return nil, fmt.Errorf("experiment: run %s: %w", run.Name, err)
	}
	fresh, err := elmlib.New(cfg)
	if err != nil {
		return nil, err
	}
	tauInit, err := fresh.TauM()
	if err != nil {
		return nil, err
	}
	d, err := sharedTeacherData(dopts)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	o := RunOptions{Dir: filepath.Join(c.RunsDir, run.ID), Steps: c.Steps,
		BatchSize: c.BatchSize, Window: c.WindowMS, Seed: c.Seed,
		LearningRate: c.LearningRate, ConstantLR: c.ConstantLR,
		EvalEvery: c.EvalEvery, EvalSims: c.EvalSims, Quiet: true,
		OnProgress: func(Progress) {
			if err := ctx.Err(); err != nil {
				panic(err) // caught by elmlib.Train, which then returns it as an error
			}
		}}
	trained, err := TrainNeuronIO(cfg, d, o)
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, ctxErr
	}
	if err != nil {
		return nil, err
	}
	scores, err := Evaluate(ModelPredictor(trained.Model), d.Test)
	if err != nil {
		return nil, err
	}
	tau, err := trained.Model.TauM()
	if err != nil {
		return nil, err
	}
	return teacherResult(trained, scores, tauInit, tau), nil
}

// teacherResult assembles the sweep result of a trained and evaluated run.
func teacherResult(r *Run, s *Scores, tauInit, tau []float32) *sweep.Result {
	h := r.History
	res := &sweep.Result{
		Metrics: map[string]float64{
			"spike_auc":         s.Raw.AUC,
			"soma_rmse":         s.Raw.SomaRMSE,
			"soma_ev":           s.Raw.SomaExplainedVariance,
			"spike_auc_authors": s.Authors.AUC,
			"soma_rmse_authors": s.Authors.SomaRMSE,
			"soma_ev_authors":   s.Authors.SomaExplainedVariance,
			"authors_sims":      float64(s.Authors.Simulations),
			"train_loss":        tailMean(h.Loss, 0.1),
			"train_seconds":     h.TrainSeconds,
		},
		TauMInit: float64s(tauInit),
		TauM:     float64s(tau),
		Params:   r.Model.NumParams(),
	}
	evals := map[int]float64{}
	for i, step := range h.EvalStep {
		evals[step] = h.EvalAUC[i]
	}
	res.Curve = make([]sweep.CurvePoint, len(h.Steps))
	for i, step := range h.Steps {
		ev, ok := evals[step]
		if !ok {
			ev = math.NaN()
		}
		res.Curve[i] = sweep.CurvePoint{Step: step, Loss: h.Loss[i], Eval: ev}
	}
	return res
}

// tailMean is the mean of the last fraction of xs (at least one value; NaN if xs is empty).
func tailMean(xs []float64, fraction float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	n := max(1, int(math.Round(fraction*float64(len(xs)))))
	sum := 0.0
	for _, v := range xs[len(xs)-n:] {
		sum += v
	}
	return sum / float64(n)
}

func float64s(xs []float32) []float64 {
	out := make([]float64, len(xs))
	for i, v := range xs {
		out[i] = float64(v)
	}
	return out
}

// teacherSets holds the data sets loaded by this process, so that the workers of a sweep
// share one copy; each entry is loaded once.
var teacherSets = struct {
	sync.Mutex
	m map[string]*teacherSet
}{m: map[string]*teacherSet{}}

type teacherSet struct {
	once sync.Once
	d    *Data
	err  error
}

// sharedTeacherData returns TeacherData(o), loading it once per process. A failed load is
// not kept, so a later run tries again.
func sharedTeacherData(o DataOptions) (*Data, error) {
	key := fmt.Sprintf("%s|%s|%d|%d", filepath.Clean(o.CacheDir),
		teacher.CacheFileName(o.Teacher), o.NumTest, o.NumVal)
	teacherSets.Lock()
	set := teacherSets.m[key]
	if set == nil {
		set = &teacherSet{}
		teacherSets.m[key] = set
	}
	teacherSets.Unlock()
	set.once.Do(func() { set.d, set.err = TeacherData(o) })
	if set.err != nil {
		teacherSets.Lock()
		if teacherSets.m[key] == set {
			delete(teacherSets.m, key)
		}
		teacherSets.Unlock()
		return nil, set.err
	}
	return set.d, nil
}
