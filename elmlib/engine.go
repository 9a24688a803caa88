package elmlib

import (
	"fmt"
	"sync"

	"github.com/elmneuron/elm/data"
	"github.com/elmneuron/elm/elmlib/internal/fastpath"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:staticcheck // graph code reads as math
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Implementation names a way of running the forward pass. All give the same function up
// to float32 rounding.
type Implementation string

const (
	// Reference is the textbook per-step forward pass (forward.go) on dense input; it is
	// the standard the other implementations are tested against.
	Reference Implementation = "reference"
	// Fast hoists everything that does not depend on the memory out of the time loop,
	// feeds the input as synapse events built in Go, and back-propagates through the
	// memory recurrence by a hand-written pass (internal/fastpath). It needs MLPLayers ≥ 1.
	Fast Implementation = "fast"
)

// DefaultImplementation is the forward implementation of newly created models.
var DefaultImplementation = Fast

// engine prepares a batch on the Go side and builds the forward graph from the result.
type engine interface {
	// inputs converts b (already validated against the model) to the graph's inputs.
	inputs(b *data.Batch) ([]*tensors.Tensor, error)
	// forward builds the outputs for the input nodes of a batch of the given size.
	forward(p *graphParams, in []*Node, batch, steps int, trajectories bool) Outputs
}

// newEngine returns the engine of impl for model m (with its current fixed tensors).
func newEngine(m *Model, impl Implementation) (engine, error) {
	switch impl {
	case Reference:
		return referenceEngine{m.spec}, nil
	case Fast:
		return newFastEngine(m)
	}
	return nil, fmt.Errorf("elmlib: unknown forward implementation %q", impl)
}

// referenceEngine feeds the dense input [batch, time, inputs] to referenceForward.
type referenceEngine struct{ s *spec }

func (e referenceEngine) inputs(b *data.Batch) ([]*tensors.Tensor, error) {
	x := tensors.FromFlatDataAndDimensions(b.DenseInput(), b.Size, b.Steps, b.Channels)
	return []*tensors.Tensor{x}, nil
}

func (e referenceEngine) forward(p *graphParams, in []*Node, _, _ int, traj bool) Outputs {
	checkInputShape(e.s, in[0])
	return referenceForward(e.s, p, in[0], traj)
}

// fastEngine runs internal/fastpath. Its routing, trace time constants and mask are
// fixed tensors, read from the model when the engine is created.
type fastEngine struct {
	s      *spec
	fp     fastpath.Spec
	mu     sync.Mutex
	router *fastpath.Router
}

func newFastEngine(m *Model) (*fastEngine, error) {
	s := m.spec
	if s.MLPLayers < 1 {
		return nil, fmt.Errorf("elmlib: the fast implementation needs MLPLayers >= 1, "+
			"the model has %d; use Reference", s.MLPLayers)
	}
	sd, err := m.stateDictLocked()
	if err != nil {
		return nil, err
	}
	fp := fastpath.Spec{Variant: fastpath.ELMv1, NumInput: s.NumInput,
		NumBranch: s.NumBranches(), SynPerBranch: s.SynapsesPerBranch,
		NumMemory: s.NumMemory, Hidden: s.HiddenSize(), Layers: s.MLPLayers,
		NumOutput: s.NumOutput, Activation: s.Activation, Lambda: s.Lambda,
		DeltaT: s.DeltaT, TauMin: s.TauMMin, TauMax: s.TauMMax,
		TraceTau: sd[s.traceKey()].F32}
	if s.variant == BranchTrace {
		fp.Variant = fastpath.BranchELMv2
	}
	if s.Routing != RoutingNone {
		fp.Mask = sd[KeyMask].Bool
		for _, i := range sd[KeyIndices].I64 {
			fp.Indices = append(fp.Indices, int32(i))
		}
	}
	router, err := fastpath.NewRouter(fp)
	if err != nil {
		return nil, fmt.Errorf("elmlib: fast implementation: %w", err)
	}
	return &fastEngine{s: s, fp: fp, router: router}, nil
}

func (e *fastEngine) inputs(b *data.Batch) ([]*tensors.Tensor, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ev, err := e.router.Events(b)
	if err != nil {
		return nil, fmt.Errorf("elmlib: %w", err)
	}
	return ev.Tensors(), nil
}

func (e *fastEngine) forward(p *graphParams, in []*Node, batch, steps int, traj bool) Outputs {
	protoTauM := p.protoTauM
	if !e.s.LearnTauM {
		protoTauM = StopGradient(protoTauM)
	}
	fp := fastpath.Params{ProtoWS: p.protoWS, ProtoTauM: protoTauM, W: p.mlpW, B: p.mlpB,
		WY: p.wY, BY: p.bY}
	out := fastpath.Forward(e.fp, fp, fastpath.Inputs{Syn: in[0], Slot: in[1], Value: in[2],
		Batch: batch, Steps: steps})
	o := Outputs{Y: out.Y, TauM: memoryTimescale(e.s, p.protoTauM)}
	if traj {
		o.M, o.Branch = out.M, out.Branch
	}
	return o
}
