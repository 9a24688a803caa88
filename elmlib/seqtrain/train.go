package seqtrain

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/elmneuron/elm/data"
	"github.com/elmneuron/elm/elmlib"
	"github.com/elmneuron/elm/elmlib/baseline"
)

// Model kinds of a Row.
const (
	KindELM  = "ELM"
	KindLSTM = "LSTM"
)

// Budget is the training budget both models get.
type Budget struct {
	// Steps is the number of optimiser steps (required).
	Steps int `json:"steps"`
	// Batch is the batch size; 0 means the task's (TaskConfig.Batch).
	Batch int `json:"batch"`
	// LR is Adam's constant learning rate; 0 means the task's (TaskConfig.LR).
	LR float64 `json:"lr"`
	// Seed fixes the order of the training batches and the LSTM's initial weights.
	Seed uint64 `json:"seed"`
}

// resolved fills the zero fields from the task's settings and checks the budget.
func (b Budget) resolved(t *Task) (Budget, error) {
	if b.Batch == 0 {
		b.Batch = t.Config.Batch
	}
	if b.LR == 0 {
		b.LR = t.Config.LR
	}
	switch {
	case b.Steps < 1:
		return b, fmt.Errorf("seqtrain: budget of %d steps, want ≥ 1", b.Steps)
	case b.Batch < 1 || b.Batch > t.Train.Len():
		return b, fmt.Errorf("seqtrain: batch size %d outside 1..%d (training examples)",
			b.Batch, t.Train.Len())
	case !(b.LR > 0) || math.IsInf(b.LR, 1):
		return b, fmt.Errorf("seqtrain: learning rate %v must be positive and finite", b.LR)
	}
	return b, nil
}

// Row is the outcome of training and testing one model on one task.
type Row struct {
	// Task names the task, Model the model (e.g. "ELM d_m 100"), Kind is KindELM or KindLSTM.
	Task  string `json:"task"`
	Model string `json:"model"`
	Kind  string `json:"kind"`
	// Params is the number of trainable parameters.
	Params int `json:"params"`
	// TauMMax is the ELM's largest memory timescale in ms (0 for the LSTM).
	TauMMax float64 `json:"tau_m_max,omitempty"`
	// Steps is the sequence length, Channels the inputs per step.
	Steps    int `json:"seq_steps"`
	Channels int `json:"channels"`
	// Budget is the training budget used (zero fields resolved).
	Budget Budget `json:"budget"`
	// Accuracy is the fraction of test examples classified right; TestLoss their mean
	// cross-entropy in nats; TestExamples their number.
	Accuracy     float64 `json:"accuracy"`
	TestLoss     float64 `json:"test_loss"`
	TestExamples int     `json:"test_examples"`
	// Chance is the accuracy of always answering the test set's most frequent class.
	Chance float64 `json:"chance"`
	// Losses is the training cross-entropy of every step's batch, in nats.
	Losses []float64 `json:"losses"`
	// TrainSeconds is the training wall time including graph compilation; StepMillis the
	// mean time of one optimiser step after the first (which compiles the graph).
	TrainSeconds float64 `json:"train_seconds"`
	StepMillis   float64 `json:"step_ms"`
	// EvalSeconds is the wall time of the test evaluation.
	EvalSeconds float64 `json:"eval_seconds"`
}

// stepClock records step times to separate compilation from the steady step cost.
type stepClock struct {
	start, first, last time.Time
	n                  int
	losses             []float64
	onStep             func(step int, loss float64)
}

func (c *stepClock) tick(step int, loss float64) {
	now := time.Now()
	if c.n == 0 {
		c.first = now
	}
	c.last, c.n = now, c.n+1
	c.losses = append(c.losses, loss)
	if c.onStep != nil {
		c.onStep(step, loss)
	}
}

// fill writes the timing and losses into r.
func (c *stepClock) fill(r *Row) {
	r.TrainSeconds = time.Since(c.start).Seconds()
	r.Losses = c.losses
	if c.n > 1 {
		r.StepMillis = float64(c.last.Sub(c.first).Microseconds()) / 1e3 / float64(c.n-1)
	} else {
		r.StepMillis = r.TrainSeconds * 1e3
	}
}

// Progress, when set, is called after every training step of every model with the
// model's name, the step (0-based) and the batch loss, e.g. to update a live chart.
type Progress func(model string, step int, loss float64)

// TrainELM trains an ELM neuron with configuration cfg on the task for the budget and
// tests it. cfg must have the task's channels as inputs and its classes as outputs.
func TrainELM(t *Task, cfg elmlib.Config, b Budget, progress Progress) (*Row, error) {
	b, err := b.resolved(t)
	if err != nil {
		return nil, err
	}
	core := cfg.Shared()
	if core.NumInput != t.Config.Channels || core.NumOutput != t.Config.Classes {
		return nil, fmt.Errorf("seqtrain: ELM with %d inputs and %d outputs on task %q "+
			"(%d channels, %d classes)", core.NumInput, core.NumOutput, t.Config.Task,
			t.Config.Channels, t.Config.Classes)
	}
	m, err := elmlib.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("seqtrain: %w", err)
	}
	r := newRow(t, fmt.Sprintf("ELM d_m %d", core.NumMemory), KindELM, m.NumParams(), b)
	r.TauMMax = core.TauMMax
	src, err := t.Train.Shuffled(b.Batch, b.Seed)
	if err != nil {
		return nil, fmt.Errorf("seqtrain: %w", err)
	}
	clock := &stepClock{start: time.Now(), onStep: modelProgress(progress, r.Model)}
	_, err = elmlib.Train(m, src, elmlib.TrainOptions{Steps: b.Steps,
		Loss: elmlib.LossCrossEntropyLast, LearningRate: b.LR, Quiet: true,
		OnStep: func(step int, loss float64) { clock.tick(step-1, loss) }}) // step is 1-based
	if err != nil {
		return nil, fmt.Errorf("seqtrain: training %s on %q: %w", r.Model, t.Config.Task, err)
	}
	clock.fill(r)
	err = evaluate(r, t, b.Batch, func(batch *data.Batch) ([]float32, error) {
		p, err := m.Predict(batch)
		if err != nil {
			return nil, err
		}
		return lastStep(p.Y), nil
	})
	return r, err
}

// TrainLSTM trains an LSTM classifier with the given hidden width on the task for the
// budget and tests it.
func TrainLSTM(t *Task, hidden int, b Budget, progress Progress) (*Row, error) {
	b, err := b.resolved(t)
	if err != nil {
		return nil, err
	}
	cfg := baseline.Config{Inputs: t.Config.Channels, Hidden: hidden, Classes: t.Config.Classes}
	m, err := baseline.NewClassifier(cfg, b.LR, int64(b.Seed))
	if err != nil {
		return nil, fmt.Errorf("seqtrain: %w", err)
	}
	r := newRow(t, fmt.Sprintf("LSTM hidden %d", hidden), KindLSTM, cfg.NumParams(), b)
	src, err := t.Train.Shuffled(b.Batch, b.Seed)
	if err != nil {
		return nil, fmt.Errorf("seqtrain: %w", err)
	}
	clock := &stepClock{start: time.Now(), onStep: modelProgress(progress, r.Model)}
	if _, err := m.Train(src, b.Steps, clock.tick); err != nil {
		return nil, fmt.Errorf("seqtrain: training %s on %q: %w", r.Model, t.Config.Task, err)
	}
	clock.fill(r)
	r.Params = m.NumParams()
	err = evaluate(r, t, b.Batch, m.Logits)
	return r, err
}

func modelProgress(p Progress, model string) func(int, float64) {
	if p == nil {
		return nil
	}
	return func(step int, loss float64) { p(model, step, loss) }
}

func newRow(t *Task, model, kind string, params int, b Budget) *Row {
	return &Row{Task: t.Config.Task, Model: model, Kind: kind, Params: params,
		Steps: t.Config.Steps, Channels: t.Config.Channels, Budget: b}
}

// MatchedLSTMHidden returns the hidden width of the largest LSTM classifier for the task
// with at most params trainable parameters (at least 1).
func MatchedLSTMHidden(t *Task, params int) int {
	return baseline.HiddenForParams(t.Config.Channels, t.Config.Classes, params)
}

// lastStep returns the last step's outputs of y [batch, time, classes] as [batch, classes].
func lastStep(y elmlib.Array) []float32 {
	size, steps, nc := y.Shape[0], y.Shape[1], y.Shape[2]
	out := make([]float32, 0, size*nc)
	for i := 0; i < size; i++ {
		off := (i*steps + steps - 1) * nc
		out = append(out, y.Data[off:off+nc]...)
	}
	return out
}

// evaluate scores logits [batch, classes] over the whole test set in batches of size
// batch; the last batch is filled up with repeats of the first example (whose outputs are
// ignored) so that one compiled graph serves every batch.
func evaluate(r *Row, t *Task, batch int, logits func(*data.Batch) ([]float32, error)) error {
	start := time.Now()
	n, nc := t.Test.Len(), t.Config.Classes
	var sc Score
	for lo := 0; lo < n; lo += batch {
		idx := make([]int, batch)
		for k := range idx {
			if lo+k < n {
				idx[k] = lo + k
			}
		}
		b, err := t.Test.Batch(idx)
		if err != nil {
			return fmt.Errorf("seqtrain: %w", err)
		}
		out, err := logits(b)
		if err != nil {
			return fmt.Errorf("seqtrain: testing %s on %q: %w", r.Model, t.Config.Task, err)
		}
		if len(out) != batch*nc {
			return fmt.Errorf("seqtrain: %s gave %d logits for %d examples × %d classes",
				r.Model, len(out), batch, nc)
		}
		valid := min(batch, n-lo)
		if err := sc.Add(out[:valid*nc], b.Labels[:valid]); err != nil {
			return fmt.Errorf("seqtrain: testing %s: %w", r.Model, err)
		}
	}
	r.Accuracy, r.TestLoss, r.TestExamples = sc.Accuracy(), sc.Loss(), sc.N
	r.Chance = Chance(t.Test.Labels)
	r.EvalSeconds = time.Since(start).Seconds()
	return nil
}

// Score accumulates classification results.
type Score struct {
	// N is the number of examples, Correct those whose largest logit is the label.
	N, Correct int
	// LossSum is the summed cross-entropy in nats.
	LossSum float64
}

// Add scores logits [len(labels), classes] row-major against labels. Ties go to the
// lowest class. Non-finite logits and labels outside the classes are errors.
func (s *Score) Add(logits []float32, labels []int32) error {
	if len(labels) == 0 || len(logits)%len(labels) != 0 {
		return fmt.Errorf("seqtrain: %d logits for %d labels", len(logits), len(labels))
	}
	nc := len(logits) / len(labels)
	for i, l := range labels {
		row := logits[i*nc : (i+1)*nc]
		if l < 0 || int(l) >= nc {
			return fmt.Errorf("seqtrain: label %d of example %d outside 0..%d", l, i, nc-1)
		}
		best, mx := 0, math.Inf(-1)
		for j, v := range row {
			x := float64(v)
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("seqtrain: logit %d of example %d is %v", j, i, v)
			}
			if x > mx {
				best, mx = j, x
			}
		}
		sum := 0.0
		for _, v := range row {
			sum += math.Exp(float64(v) - mx)
		}
		s.LossSum += mx + math.Log(sum) - float64(row[l])
		if best == int(l) {
			s.Correct++
		}
		s.N++
	}
	return nil
}

// Accuracy is Correct/N (NaN without examples).
func (s *Score) Accuracy() float64 { return float64(s.Correct) / float64(s.N) }

// Loss is the mean cross-entropy in nats (NaN without examples).
func (s *Score) Loss() float64 { return s.LossSum / float64(s.N) }

// Chance returns the fraction of labels equal to the most frequent one: the accuracy of a
// constant guess.
func Chance(labels []int32) float64 {
	if len(labels) == 0 {
		return math.NaN()
	}
	count := map[int32]int{}
	best := 0
	for _, l := range labels {
		count[l]++
		best = max(best, count[l])
	}
	return float64(best) / float64(len(labels))
}

var errNoModels = errors.New("seqtrain: experiment trains no model (both ELM and LSTM skipped)")
