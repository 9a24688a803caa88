package elmlib

import (
	"errors"
	"fmt"
	"math"

	"github.com/elmneuron/elm/data"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:staticcheck // graph code reads as math
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// Array is a dense float32 array in row-major order.
type Array struct {
	Shape []int
	Data  []float32
}

// At returns the element at the given indices (one per axis). Like indexing a slice, it
// panics with the shape and indices when their number or any index is out of range
// (without the check a wrong index on one axis would silently read another element).
func (a Array) At(idx ...int) float32 {
	if len(idx) != len(a.Shape) {
		panic(fmt.Sprintf("elmlib: Array.At got %d indices %v for shape %v", len(idx), idx,
			a.Shape))
	}
	off := 0
	for i, d := range a.Shape {
		if idx[i] < 0 || idx[i] >= d {
			panic(fmt.Sprintf("elmlib: Array.At index %v out of range for shape %v", idx,
				a.Shape))
		}
		off = off*d + idx[i]
	}
	return a.Data[off]
}

// Prediction is the result of Predict.
type Prediction struct {
	// Y is the raw readout [batch, time, outputs]. For NeuronIO models channel 0 is the
	// spike logit and channel 1 the soma in training scale ((v + 67.7)·0.1).
	Y Array
	// M is the memory trajectory m_t [batch, time, memory].
	M Array
	// Branch is the branch drive fed to the MLP [batch, time, branches].
	Branch Array
	// TauM is τ_m per memory unit in ms [memory].
	TauM []float32
}

func shapeOf(dt dtypes.DType, dims ...int) shapes.Shape { return shapes.Make(dt, dims...) }

// Predict runs the model on b's input and returns the outputs and trajectories. The
// batch's Channels must equal NumInput. Graphs are compiled once per (batch size, steps)
// (and, for Fast, per event-list bucket) and cached.
func (m *Model) Predict(b *data.Batch) (*Prediction, error) {
	if err := m.checkBatch(b); err != nil {
		return nil, fmt.Errorf("elmlib: Predict: %w", err)
	}
	out, err := m.run(b, true)
	if err != nil {
		return nil, err
	}
	arr := func(t *tensors.Tensor) Array {
		return Array{Shape: t.Shape().Dimensions, Data: tensors.MustCopyFlatData[float32](t)}
	}
	return &Prediction{Y: arr(out[0]), M: arr(out[1]), Branch: arr(out[2]),
		TauM: tensors.MustCopyFlatData[float32](out[3])}, nil
}

// checkBatch reports a batch the model cannot take.
func (m *Model) checkBatch(b *data.Batch) error {
	if b == nil {
		return fmt.Errorf("nil batch")
	}
	if err := b.Validate(); err != nil {
		return err
	}
	if b.Channels != m.spec.NumInput {
		return fmt.Errorf("batch has %d input channels, the model has NumInput %d",
			b.Channels, m.spec.NumInput)
	}
	values := b.Dense
	if b.Events != nil {
		values = b.Events.Value
	}
	for i, v := range values {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			what := "dense input value"
			if b.Events != nil {
				what = "input event"
			}
			return fmt.Errorf("%s %d is %v", what, i, v)
		}
	}
	return nil
}

// forwardInputs builds the forward graph of the current engine on its input nodes.
func (m *Model) forwardInputs(ctx *context.Context, e engine, in []*Node, batch, steps int,
	trajectories bool) Outputs {
	return e.forward(readParams(ctx, m.spec, in[0].Graph()), in, batch, steps, trajectories)
}

// run executes the forward graph on b; outputs are y, then with trajectories m and
// branch, and always τ_m last.
func (m *Model) run(b *data.Batch, trajectories bool) (out []*tensors.Tensor, err error) {
	m.mu.Lock()
	e, err := m.currentEngine()
	key := execKey{batch: b.Size, steps: b.Steps, trajectories: trajectories}
	exec := m.execs[key]
	if err == nil && exec == nil {
		exec, err = context.NewExec(m.backend, m.ctx,
			func(ctx *context.Context, in []*Node) []*Node {
				o := m.forwardInputs(ctx, e, in, key.batch, key.steps, trajectories)
				if trajectories {
					return []*Node{o.Y, o.M, o.Branch, o.TauM}
				}
				return []*Node{o.Y, o.TauM}
			})
		m.execs[key] = exec
	}
	m.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("elmlib: building forward: %w", err)
	}
	inputs, err := e.inputs(b)
	if err != nil {
		return nil, err
	}
	args := make([]any, len(inputs))
	for i, t := range inputs {
		args[i] = t
	}
	panicErr := catch(func() { out, err = exec.Exec(args...) })
	if err = errors.Join(panicErr, err); err != nil {
		return nil, fmt.Errorf("elmlib: forward: %w", err)
	}
	return out, nil
}

// TauM returns τ_m = τ_min + (τ_max-τ_min)·sigmoid(p_τ) per memory unit in ms [memory],
// from the current parameters (computed in float64, then rounded).
func (m *Model) TauM() ([]float32, error) {
	sd, err := m.StateDict()
	if err != nil {
		return nil, err
	}
	lo, hi := m.spec.TauMMin, m.spec.tauMax
	tau := make([]float32, m.spec.NumMemory)
	for i, p := range sd[KeyProtoTauM].F32 {
		tau[i] = float32(lo + (hi-lo)/(1+math.Exp(-float64(p))))
	}
	return tau, nil
}
