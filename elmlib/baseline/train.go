package baseline

import (
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/elmneuron/elm/data"
	"github.com/elmneuron/elm/elmlib/internal/gomlxfix"
	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // graph code reads better so
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/losses"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"
)

// Classifier is an LSTM classifier with its weights, optimiser state and compiled graphs.
type Classifier struct {
	// Config is the model's shape.
	Config Config

	backend backends.Backend
	ctx     *context.Context
	trainer *train.Trainer
	logits  *context.Exec
}

// NewClassifier creates an untrained classifier trained by Adam with learning rate lr;
// seed fixes the initial weights.
func NewClassifier(cfg Config, lr float64, seed int64) (*Classifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if !(lr > 0) {
		return nil, fmt.Errorf("baseline: learning rate %v must be positive", lr)
	}
	backend, err := gomlxfix.Backend()
	if err != nil {
		return nil, err
	}
	gomlxfix.InstallGradients()
	ctx := context.New()
	ctx.SetParam(context.ParamInitialSeed, seed)
	m := &Classifier{Config: cfg, backend: backend, ctx: ctx}
	modelFn := func(ctx *context.Context, _ any, inputs []*Node) []*Node {
		return []*Node{Logits(ctx, cfg, inputs[0])}
	}
	m.trainer = train.NewTrainer(backend, ctx, modelFn, losses.SparseCategoricalCrossEntropyLogits,
		optimizers.Adam().LearningRate(lr).Done(), nil, nil)
	m.logits, err = context.NewExec(backend, ctx.Checked(false), func(ctx *context.Context,
		x *Node) *Node {
		return Logits(ctx, cfg, x)
	})
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	return m, nil
}

// NumParams counts the classifier's trainable values once its variables exist, and falls
// back to Config.NumParams before the first step.
func (m *Classifier) NumParams() int {
	n := 0
	for v := range m.ctx.IterVariables() {
		if v.Trainable {
			n += v.Shape().Size()
		}
	}
	if n == 0 {
		return m.Config.NumParams()
	}
	return n
}

// tensorsOf converts a batch into the input [batch, time, inputs] and, with labels, the
// labels [batch, 1].
func (m *Classifier) tensorsOf(b *data.Batch, labels bool) (x, y *tensors.Tensor, err error) {
	if err := b.Validate(); err != nil {
		return nil, nil, err
	}
	if b.Channels != m.Config.Inputs {
		return nil, nil, fmt.Errorf("baseline: batch has %d channels, the LSTM takes %d inputs",
			b.Channels, m.Config.Inputs)
	}
	x = tensors.FromFlatDataAndDimensions(b.DenseInput(), b.Size, b.Steps, b.Channels)
	if !labels {
		return x, nil, nil
	}
	if b.Labels == nil {
		return nil, nil, errors.New("baseline: batch has no labels")
	}
	for i, l := range b.Labels {
		if l < 0 || int(l) >= m.Config.Classes {
			return nil, nil, fmt.Errorf("baseline: label %d of example %d outside 0..%d", l, i,
				m.Config.Classes-1)
		}
	}
	y = tensors.FromFlatDataAndDimensions(append([]int32(nil), b.Labels...), b.Size, 1)
	return x, y, nil
}

// guard turns a GoMLX panic into an error.
func guard(what string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("baseline: %s: %v", what, r)
	}
}

// TrainStats summarises a training run.
type TrainStats struct {
	// Steps is the number of optimiser steps taken, Examples the sequences seen.
	Steps, Examples int
	// Losses holds the mean cross-entropy of each step's batch, in nats.
	Losses []float64
	// Elapsed is the wall time, including graph compilation at the first step of each shape.
	Elapsed time.Duration
}

// Train takes steps optimiser steps on batches drawn from src (stopping early at io.EOF).
// log, if not nil, is called after every step with the step index and batch loss.
func (m *Classifier) Train(src data.Source, steps int, log func(step int, loss float64)) (
	stats TrainStats, err error) {
	defer guard("training", &err)
	start := time.Now()
	for s := 0; s < steps; s++ {
		b, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return stats, fmt.Errorf("baseline: reading training batch %d: %w", s, err)
		}
		x, y, err := m.tensorsOf(b, true)
		if err != nil {
			return stats, err
		}
		out, err := m.trainer.TrainStep(nil, []*tensors.Tensor{x}, []*tensors.Tensor{y})
		if err != nil {
			return stats, fmt.Errorf("baseline: training step %d: %w", s, err)
		}
		loss := float64(tensors.ToScalar[float32](out[0]))
		if math.IsNaN(loss) {
			return stats, fmt.Errorf("baseline: loss is NaN at step %d", s)
		}
		stats.Steps++
		stats.Examples += b.Size
		stats.Losses = append(stats.Losses, loss)
		if log != nil {
			log(s, loss)
		}
	}
	stats.Elapsed = time.Since(start)
	return stats, nil
}

// Logits returns the classifier's logits for a batch, [batch, classes] row-major.
func (m *Classifier) Logits(b *data.Batch) (logits []float32, err error) {
	defer guard("evaluation", &err)
	x, _, err := m.tensorsOf(b, false)
	if err != nil {
		return nil, err
	}
	out, err := m.logits.Exec(x)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	logits, err = tensors.CopyFlatData[float32](out[0])
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	return logits, nil
}

// Evaluation is the outcome of Evaluate.
type Evaluation struct {
	// Accuracy is the fraction of examples whose largest logit is the label.
	Accuracy float64
	// Loss is the mean cross-entropy in nats.
	Loss float64
	// Examples is the number of examples seen.
	Examples int
}

// Evaluate runs the classifier over src until io.EOF, or over at most maxBatches batches
// when maxBatches > 0 (needed for endless sources).
func (m *Classifier) Evaluate(src data.Source, maxBatches int) (Evaluation, error) {
	var ev Evaluation
	correct, lossSum := 0, 0.0
	for k := 0; maxBatches <= 0 || k < maxBatches; k++ {
		b, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return ev, fmt.Errorf("baseline: reading evaluation batch %d: %w", k, err)
		}
		logits, err := m.Logits(b)
		if err != nil {
			return ev, err
		}
		nc := m.Config.Classes
		if len(b.Labels) != b.Size {
			return ev, fmt.Errorf("baseline: evaluation batch %d has %d labels for %d examples", k,
				len(b.Labels), b.Size)
		}
		for i, l := range b.Labels {
			if l < 0 || int(l) >= nc {
				return ev, fmt.Errorf("baseline: evaluation label %d outside 0..%d", l, nc-1)
			}
			row := logits[i*nc : (i+1)*nc]
			best, mx := 0, row[0]
			for j, v := range row {
				if v > mx {
					best, mx = j, v
				}
			}
			if best == int(l) {
				correct++
			}
			lossSum += logSumExp(row) - float64(row[l])
		}
		ev.Examples += b.Size
	}
	if ev.Examples == 0 {
		return ev, errors.New("baseline: evaluation source gave no examples")
	}
	ev.Accuracy = float64(correct) / float64(ev.Examples)
	ev.Loss = lossSum / float64(ev.Examples)
	return ev, nil
}

func logSumExp(row []float32) float64 {
	mx := math.Inf(-1)
	for _, v := range row {
		mx = math.Max(mx, float64(v))
	}
	s := 0.0
	for _, v := range row {
		s += math.Exp(float64(v) - mx)
	}
	return mx + math.Log(s)
}
