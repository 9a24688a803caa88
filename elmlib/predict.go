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

// At returns the element at the given indices (one per axis).
func (a Array) At(idx ...int) float32 {
	off := 0
	for i, d := range a.Shape {
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

// Predict runs the model on b's input (Dense, or Events materialised with DenseInput) and
// returns the outputs and trajectories. The batch's Channels must equal NumInput. Graphs
// are compiled once per (batch size, steps) and cached.
func (m *Model) Predict(b *data.Batch) (*Prediction, error) {
	if b == nil {
		return nil, fmt.Errorf("elmlib: Predict: nil batch")
	}
	if err := b.Validate(); err != nil {
		return nil, fmt.Errorf("elmlib: Predict: %w", err)
	}
	if b.Channels != m.spec.NumInput {
		return nil, fmt.Errorf("elmlib: Predict: batch has %d input channels, the model "+
			"has NumInput %d", b.Channels, m.spec.NumInput)
	}
	x := tensors.FromFlatDataAndDimensions(b.DenseInput(), b.Size, b.Steps, b.Channels)
	out, err := m.run(x, true)
	if err != nil {
		return nil, err
	}
	arr := func(t *tensors.Tensor) Array {
		return Array{Shape: t.Shape().Dimensions, Data: tensors.MustCopyFlatData[float32](t)}
	}
	return &Prediction{Y: arr(out[0]), M: arr(out[1]), Branch: arr(out[2]),
		TauM: tensors.MustCopyFlatData[float32](out[3])}, nil
}

// run executes the forward graph on x; outputs are y, then with trajectories m, branch,
// and always τ_m last.
func (m *Model) run(x *tensors.Tensor, trajectories bool) (out []*tensors.Tensor, err error) {
	m.mu.Lock()
	exec := m.execs[trajectories]
	if exec == nil {
		exec, err = context.NewExec(m.backend, m.ctx,
			func(ctx *context.Context, x *Node) []*Node {
				o := m.ForwardGraph(ctx, x, trajectories)
				if trajectories {
					return []*Node{o.Y, o.M, o.Branch, o.TauM}
				}
				return []*Node{o.Y, o.TauM}
			})
		if err != nil {
			m.mu.Unlock()
			return nil, fmt.Errorf("elmlib: building forward: %w", err)
		}
		m.execs[trajectories] = exec
	}
	m.mu.Unlock()
	panicErr := catch(func() { out, err = exec.Exec(x) })
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
