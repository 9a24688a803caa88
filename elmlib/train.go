package elmlib

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/elmneuron/elm/data"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:staticcheck // graph code reads as math
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/checkpoints"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers/cosineschedule"
)

// DefaultLearningRate is the authors' Adam learning rate for NeuronIO.
const DefaultLearningRate = 5e-4

// TrainOptions configures Train. The zero value of each field means its default.
type TrainOptions struct {
	// Steps is the global step to train up to (required). A resumed run trains only the
	// steps its checkpoint has not done yet.
	Steps int
	// Loss selects the loss (default LossNeuronIO).
	Loss LossKind
	// LearningRate of Adam (default DefaultLearningRate).
	LearningRate float64
	// Cosine anneals the learning rate to 0 over Steps, as in the paper.
	Cosine bool
	// CheckpointDir, when set, receives the configuration (ConfigFileName) and GoMLX
	// checkpoints; training resumes from its latest checkpoint.
	CheckpointDir string
	// CheckpointEvery is the number of steps between checkpoints (default 500). A
	// checkpoint is also written at the end.
	CheckpointEvery int
	// KeepCheckpoints is how many checkpoints to keep (default 3, at least 2).
	KeepCheckpoints int
	// Progress receives a progress line rewritten in place (default os.Stderr).
	Progress io.Writer
	// Quiet suppresses the progress line.
	Quiet bool
	// OnStep, when set, is called after every step with the global step and the batch loss,
	// e.g. to update a live chart in a notebook.
	OnStep func(step int, loss float64)
}

// TrainReport summarises a Train call.
type TrainReport struct {
	// StartStep is the global step training started from (> 0 when resumed).
	StartStep int
	// Step is the global step reached.
	Step int
	// Loss is the last batch loss (NaN if no step ran).
	Loss float64
}

func (o *TrainOptions) withDefaults() (TrainOptions, error) {
	r := *o
	if r.Steps <= 0 {
		return r, fmt.Errorf("elmlib: TrainOptions.Steps = %d: must be > 0", r.Steps)
	}
	if r.Loss == "" {
		r.Loss = LossNeuronIO
	}
	switch r.Loss {
	case LossNeuronIO, LossCrossEntropyLast, LossMSE:
	default:
		return r, fmt.Errorf("elmlib: TrainOptions.Loss = %q: unknown loss", r.Loss)
	}
	if r.LearningRate == 0 {
		r.LearningRate = DefaultLearningRate
	}
	if !(r.LearningRate > 0) {
		return r, fmt.Errorf("elmlib: TrainOptions.LearningRate = %v: must be > 0", r.LearningRate)
	}
	if r.CheckpointEvery <= 0 {
		r.CheckpointEvery = 500
	}
	if r.KeepCheckpoints == 0 {
		r.KeepCheckpoints = 3
	}
	r.KeepCheckpoints = max(r.KeepCheckpoints, 2)
	if r.Progress == nil {
		r.Progress = os.Stderr
	}
	return r, nil
}

// Train trains m with Adam on batches from src (one batch per step) up to opts.Steps,
// using GoMLX's train.Trainer. With a CheckpointDir it first resumes from the latest
// checkpoint there (the saved configuration must equal m's), saves every
// CheckpointEvery steps and at the end, keeping at least two checkpoints. The source is
// not replayed on resume: training continues with whatever src yields next. A source
// that ends (io.EOF) ends training early without error.
func Train(m *Model, src data.Source, opts TrainOptions) (*TrainReport, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	handler, err := m.attachCheckpoints(o)
	if err != nil {
		return nil, err
	}
	report := &TrainReport{Loss: nanLoss()}
	var runErr error
	if err := catch(func() { runErr = m.runTraining(src, o, handler, report) }); err != nil {
		return report, fmt.Errorf("elmlib: training: %w", err)
	}
	return report, runErr
}

// attachCheckpoints prepares CheckpointDir and loads its latest checkpoint into m.
func (m *Model) attachCheckpoints(o TrainOptions) (*checkpoints.Handler, error) {
	if o.CheckpointDir == "" {
		return nil, nil
	}
	if hasCheckpoints(o.CheckpointDir) {
		saved, err := readConfigFile(o.CheckpointDir)
		if err != nil {
			return nil, err
		}
		a, _ := MarshalConfig(saved)
		b, _ := MarshalConfig(m.cfg)
		if string(a) != string(b) {
			return nil, fmt.Errorf("elmlib: %s holds checkpoints of a different model "+
				"configuration", o.CheckpointDir)
		}
	} else if err := writeConfigFile(o.CheckpointDir, m.cfg); err != nil {
		return nil, err
	}
	var handler *checkpoints.Handler
	var err error
	m.mu.Lock()
	defer m.mu.Unlock()
	err = openCheckpoints(o.CheckpointDir, func() error {
		panicErr := catch(func() {
			handler, err = checkpoints.Build(m.ctx).Dir(o.CheckpointDir).
				Keep(o.KeepCheckpoints).Done()
		})
		if err = errors.Join(panicErr, err); err != nil {
			return fmt.Errorf("elmlib: checkpoints in %s: %w", o.CheckpointDir, err)
		}
		return nil
	})
	return handler, err
}

// runTraining builds the trainer and loop and runs them; it panics on graph errors.
func (m *Model) runTraining(src data.Source, o TrainOptions, handler *checkpoints.Handler,
	report *TrainReport) error {
	m.mu.Lock()
	eng, err := m.currentEngine()
	m.mu.Unlock()
	if err != nil {
		return err
	}
	modelFn := func(ctx *context.Context, spec any, inputs []*Node) []*Node {
		if o.Cosine {
			cosineschedule.New(ctx, inputs[0].Graph(), dtypes.Float32).
				LearningRate(o.LearningRate).PeriodSteps(o.Steps).Done()
		}
		shape := spec.(batchShape)
		return []*Node{m.forwardInputs(ctx, eng, inputs, shape.Batch, shape.Steps, false).Y}
	}
	lossFn := func(labels, predictions []*Node) *Node {
		return lossGraph(o.Loss, predictions[0], labels)
	}
	optimizer := optimizers.Adam().LearningRate(o.LearningRate).Epsilon(1e-8).Done()
	trainer := train.NewTrainer(m.backend, m.ctx, modelFn, lossFn, optimizer, nil, nil)
	loop := train.NewLoop(trainer)
	report.StartStep, report.Step = loop.LoopStep, loop.LoopStep

	progress := newProgressLine(o, report.StartStep)
	loop.OnStep("elmlib progress", 0, func(loop *train.Loop, metrics []*tensors.Tensor) error {
		loss := float64(tensors.ToScalar[float32](metrics[0]))
		report.Step, report.Loss = loop.LoopStep+1, loss
		progress.update(report.Step, loss)
		if o.OnStep != nil {
			o.OnStep(report.Step, loss)
		}
		return nil
	})
	if handler != nil {
		train.EveryNSteps(loop, o.CheckpointEvery, "elmlib checkpoint", 100, handler.OnStepFn)
	}
	ds := &batchDataset{m: m, engine: eng, src: src, loss: o.Loss}
	_, err = loop.RunToGlobalStep(ds, o.Steps)
	progress.done()
	if ds.ended {
		err = nil // the source ran out: a normal early end
	}
	if err == nil && handler != nil && report.Step > report.StartStep {
		err = handler.Save()
	}
	if err != nil {
		return fmt.Errorf("elmlib: training: %w", err)
	}
	return nil
}

func nanLoss() float64 { var z float64; return z / z }

// progressLine writes "step s/N  loss l" in place, at most every 200 ms.
type progressLine struct {
	w            io.Writer
	quiet        bool
	total, start int
	last         time.Time
	begun        time.Time
	step         int
	loss         float64
}

func newProgressLine(o TrainOptions, start int) *progressLine {
	return &progressLine{w: o.Progress, quiet: o.Quiet, total: o.Steps, start: start,
		begun: time.Now()}
}

func (p *progressLine) update(step int, loss float64) {
	p.step, p.loss = step, loss
	if p.quiet || time.Since(p.last) < 200*time.Millisecond && step < p.total {
		return
	}
	p.last = time.Now()
	rate := float64(step-p.start) / time.Since(p.begun).Seconds()
	fmt.Fprintf(p.w, "\relmlib: step %d/%d  loss %.5g  (%.1f steps/s)  ",
		step, p.total, loss, rate)
}

func (p *progressLine) done() {
	if !p.quiet && p.step > p.start {
		fmt.Fprintln(p.w)
	}
}

// batchDataset adapts a data.Source to GoMLX's train.Dataset: inputs [x [batch, time,
// inputs]], labels as lossGraph expects them.
type batchDataset struct {
	m      *Model
	engine engine
	src    data.Source
	loss   LossKind
	ended  bool // the source returned io.EOF
}

func (d *batchDataset) Name() string { return "elmlib batches" }

func (d *batchDataset) Reset() {}

// batchShape is the dataset's spec: one graph per batch size and number of steps.
type batchShape struct{ Batch, Steps int }

func (d *batchDataset) Yield() (spec any, inputs, labels []*tensors.Tensor, err error) {
	b, err := d.src.Next()
	if errors.Is(err, io.EOF) {
		d.ended = true
	}
	if err != nil {
		return nil, nil, nil, err
	}
	if err := d.m.checkBatch(b); err != nil {
		return nil, nil, nil, err
	}
	if labels, err = batchLabels(b, d.loss, d.m.spec.NumOutput); err != nil {
		return nil, nil, nil, err
	}
	inputs, err = d.engine.inputs(b)
	return batchShape{b.Size, b.Steps}, inputs, labels, err
}

// batchLabels returns the label tensors of b that loss needs.
func batchLabels(b *data.Batch, loss LossKind, numOutput int) ([]*tensors.Tensor, error) {
	perStep := func(name string, v []float32) (*tensors.Tensor, error) {
		if v == nil {
			return nil, fmt.Errorf("loss %s needs Batch.%s", loss, name)
		}
		return tensors.FromFlatDataAndDimensions(v, b.Size, b.Steps), nil
	}
	switch loss {
	case LossNeuronIO:
		if numOutput != 2 {
			return nil, fmt.Errorf("loss %s needs 2 outputs, the model has %d", loss, numOutput)
		}
		spike, err := perStep("Spike", b.Spike)
		if err != nil {
			return nil, err
		}
		soma, err := perStep("Soma", b.Soma)
		return []*tensors.Tensor{spike, soma}, err
	case LossMSE:
		target, err := perStep("Soma", b.Soma)
		return []*tensors.Tensor{target}, err
	}
	if b.Labels == nil {
		return nil, fmt.Errorf("loss %s needs Batch.Labels", loss)
	}
	for i, l := range b.Labels {
		if l < 0 || int(l) >= numOutput {
			return nil, fmt.Errorf("label %d of sequence %d outside [0, %d)", l, i, numOutput)
		}
	}
	return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(b.Labels, b.Size)}, nil
}
