package experiment

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/elmneuron/elm/data"
	"github.com/elmneuron/elm/elmlib"
	"github.com/elmneuron/elm/elmlib/internal/atomicfile"
	"github.com/elmneuron/elm/elmlib/metrics"
)

// HistoryFile is the name of the training history written beside the checkpoints.
const HistoryFile = "history.json"

// RunOptions configures TrainNeuronIO. Zero values mean the defaults.
type RunOptions struct {
	// Dir holds the checkpoints, the configuration and the history (required).
	Dir string
	// Steps is the global step to train up to. Default 1500.
	Steps int
	// BatchSize and Window are the training batch: BatchSize windows of Window ms.
	// Defaults 8 and 500, as in the paper.
	BatchSize, Window int
	// Seed of the window sampler.
	Seed uint64
	// LearningRate of Adam, default elmlib.DefaultLearningRate. ConstantLR turns off the
	// cosine schedule.
	LearningRate float64
	ConstantLR   bool
	// EvalEvery is the number of steps between held-out evaluations (raw protocol, on
	// EvalSims test simulations). Default Steps/10; negative turns them off.
	EvalEvery, EvalSims int
	// OnProgress is called after every step; eval points carry the held-out metrics.
	OnProgress func(p Progress)
	// Progress receives the terminal progress line (default os.Stderr); Quiet drops it.
	Progress io.Writer
	Quiet    bool
}

// Progress is one training step seen by RunOptions.OnProgress.
type Progress struct {
	Step, Steps int
	Loss        float64
	// Eval is true when HeldOutAUC and HeldOutRMSE were measured at this step.
	Eval                    bool
	HeldOutAUC, HeldOutRMSE float64
}

// History is the record of a training run, kept in Dir/history.json.
type History struct {
	Steps    []int     `json:"steps"`
	Loss     []float64 `json:"loss"`
	EvalStep []int     `json:"eval_step"`
	EvalAUC  []float64 `json:"eval_auc"`
	EvalRMSE []float64 `json:"eval_rmse_mv"`
	// TrainSeconds is the wall time spent training, summed over resumed runs.
	TrainSeconds float64 `json:"train_seconds"`
	// Samples is the number of training windows processed.
	Samples int `json:"samples"`
}

// Run is a trained model with its history.
type Run struct {
	Model   *elmlib.Model
	History *History
	// TrainedNow is the number of steps this call trained (0 when the checkpoint was done).
	TrainedNow int
}

func (o RunOptions) withDefaults() RunOptions {
	if o.Steps == 0 {
		o.Steps = 1500
	}
	if o.BatchSize == 0 {
		o.BatchSize = 8
	}
	if o.Window == 0 {
		o.Window = 500
	}
	if o.EvalEvery == 0 {
		o.EvalEvery = max(o.Steps/10, 1)
	}
	if o.EvalSims == 0 {
		o.EvalSims = 4
	}
	return o
}

// TrainNeuronIO trains a NeuronIO-shaped model on d.Train up to o.Steps, resuming from the
// checkpoints in o.Dir, and returns it with its history. When the checkpoint already
// reached o.Steps it only loads it.
func TrainNeuronIO(cfg elmlib.Config, d *Data, o RunOptions) (*Run, error) {
	o = o.withDefaults()
	if o.Dir == "" {
		return nil, errors.New("experiment: RunOptions.Dir is empty")
	}
	m, err := elmlib.New(cfg)
	if err != nil {
		return nil, err
	}
	src, err := data.NewWindowSampler(d.Train, o.Window, o.BatchSize, o.Seed)
	if err != nil {
		return nil, fmt.Errorf("experiment: %w", err)
	}
	hist, err := ReadHistory(o.Dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if hist == nil {
		hist = &History{}
	}
	evalSims := d.Test[:min(o.EvalSims, len(d.Test))]
	start := time.Now()
	startStep := -1
	var stepErr error
	onStep := func(step int, loss float64) {
		if startStep < 0 {
			startStep = step - 1
			hist.truncate(startStep)
		}
		hist.Steps = append(hist.Steps, step)
		hist.Loss = append(hist.Loss, loss)
		hist.Samples += o.BatchSize
		p := Progress{Step: step, Steps: o.Steps, Loss: loss}
		if o.EvalEvery > 0 && (step%o.EvalEvery == 0 || step == o.Steps) && len(evalSims) > 0 {
			res, err := metrics.Evaluate(evalSims, ModelPredictor(m), metrics.RawProtocol())
			if err != nil {
				stepErr = err
			} else {
				p.Eval, p.HeldOutAUC, p.HeldOutRMSE = true, res.AUC, res.SomaRMSE
				hist.EvalStep = append(hist.EvalStep, step)
				hist.EvalAUC = append(hist.EvalAUC, res.AUC)
				hist.EvalRMSE = append(hist.EvalRMSE, res.SomaRMSE)
			}
		}
		if o.OnProgress != nil {
			o.OnProgress(p)
		}
	}
	rep, err := elmlib.Train(m, src, elmlib.TrainOptions{
		Steps: o.Steps, Loss: elmlib.LossNeuronIO, LearningRate: o.LearningRate,
		Cosine: !o.ConstantLR, CheckpointDir: o.Dir, Progress: o.Progress, Quiet: o.Quiet,
		OnStep: onStep,
	})
	if err != nil {
		return nil, err
	}
	if stepErr != nil {
		return nil, fmt.Errorf("experiment: held-out evaluation: %w", stepErr)
	}
	trained := rep.Step - rep.StartStep
	if trained > 0 {
		hist.TrainSeconds += time.Since(start).Seconds()
		if err := hist.write(o.Dir); err != nil {
			return nil, err
		}
	}
	return &Run{Model: m, History: hist, TrainedNow: trained}, nil
}

// truncate drops entries after step, when resuming from an earlier checkpoint.
func (h *History) truncate(step int) {
	n := 0
	for n < len(h.Steps) && h.Steps[n] <= step {
		n++
	}
	h.Steps, h.Loss = h.Steps[:n], h.Loss[:n]
	n = 0
	for n < len(h.EvalStep) && h.EvalStep[n] <= step {
		n++
	}
	h.EvalStep, h.EvalAUC, h.EvalRMSE = h.EvalStep[:n], h.EvalAUC[:n], h.EvalRMSE[:n]
}

// SamplesPerSecond is the training throughput in windows per second.
func (h *History) SamplesPerSecond() float64 {
	if h.TrainSeconds == 0 {
		return math.NaN()
	}
	return float64(h.Samples) / h.TrainSeconds
}

// ReadHistory reads dir/history.json; a missing file gives an error wrapping os.ErrNotExist.
func ReadHistory(dir string) (*History, error) {
	path := filepath.Join(dir, HistoryFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("experiment: training history: %w", err)
	}
	h := &History{}
	if err := json.Unmarshal(b, h); err != nil {
		return nil, fmt.Errorf("experiment: training history %s: %w", path, err)
	}
	if len(h.Steps) != len(h.Loss) || len(h.EvalStep) != len(h.EvalAUC) ||
		len(h.EvalStep) != len(h.EvalRMSE) {
		return nil, fmt.Errorf("experiment: training history %s: series of different lengths",
			path)
	}
	return h, nil
}

// write stores the history atomically in dir.
func (h *History) write(dir string) error {
	b, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("experiment: encoding history: %w", err)
	}
	return writeAtomic(filepath.Join(dir, HistoryFile), b)
}

// writeAtomic writes b to path atomically (package atomicfile).
func writeAtomic(path string, b []byte) error {
	if err := atomicfile.Write(path, b); err != nil {
		return fmt.Errorf("experiment: %w", err)
	}
	return nil
}
