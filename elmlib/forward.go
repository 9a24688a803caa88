package elmlib

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:staticcheck // graph code reads as math
)

// The ELM cell, step by step, as in Spieler et al. (2024). Symbols: x_t the routed input
// [batch, synapses], w_s = relu(p_s) the synaptic weights, τ (ms) a time constant,
// κ = exp(-Δt/τ) its decay per step, m_t the memory [batch, d_m].
//
//	τ_m   = τ_min + (τ_max - τ_min)·sigmoid(p_τ)
//	v1 synapse trace:  s_t = κ_s ⊙ s_{t-1} + w_s ⊙ x_t,  drive c_t = Σ_branch s_t
//	v2 branch trace:   b_t = κ_b ⊙ b_{t-1} + Σ_branch w_s ⊙ x_t,  drive c_t = b_t
//	Δm_t  = 1.7159·tanh(⅔·MLP([c_t, κ_m ⊙ m_{t-1}]))
//	m_t   = κ_m ⊙ m_{t-1} + g ⊙ Δm_t,  g = λ(1-κ_m) (v1) or 1-κ_λ, κ_λ = exp(-Δt·λ/τ_m) (v2)
//	y_t   = W_y m_t + b_y
//
// The order of floating-point operations follows REFERENCE-NOTES sections 3 to 5.

// Outputs are the nodes of one forward graph.
type Outputs struct {
	// Y is the readout [batch, time, outputs].
	Y *Node
	// M is the memory trajectory m_t [batch, time, memory]; nil unless requested.
	M *Node
	// Branch is the branch drive c_t fed to the MLP [batch, time, branches] (v1: summed
	// synapse traces; v2: branch trace); nil unless requested.
	Branch *Node
	// TauM is τ_m in ms [memory].
	TauM *Node
}

// graphParams are the model's parameters as nodes of one graph, in the authors' layout.
type graphParams struct {
	protoWS   *Node   // [synapses]
	traceTau  *Node   // τ_s [synapses] (v1) or τ_b [branches] (v2), ms
	protoTauM *Node   // [memory]
	synInput  *Node   // [synapses] int32; nil without routing
	synMask   *Node   // [synapses] float32 0/1; nil without routing
	mlpW      []*Node // layer i: [out, in]
	mlpB      []*Node // layer i: [out]
	wY, bY    *Node   // [outputs, memory], [outputs]
}

// decay returns κ = exp(-Δt / max(τ, 1e-6)).
func decay(tau *Node, dt float64) *Node {
	g := tau.Graph()
	return Exp(Div(Scalar(g, tau.DType(), -dt), MaxScalar(tau, 1e-6)))
}

// memoryTimescale returns τ_m = (τ_max - τ_min)·sigmoid(p_τ) + τ_min, in ms.
func memoryTimescale(s *spec, protoTauM *Node) *Node {
	return AddScalar(MulScalar(Logistic(protoTauM), s.tauMax-s.TauMMin), s.TauMMin)
}

// memoryGain returns the factor of Δm_t: λ(1-κ_m) for v1, 1-exp(-Δt·λ/τ_m) for v2.
func memoryGain(s *spec, tauM, kappaM *Node) *Node {
	if s.variant == SynapseTrace {
		return MulScalar(OneMinus(kappaM), s.Lambda)
	}
	return OneMinus(decay(tauM, s.DeltaT*s.Lambda))
}

// routeInput returns the routed input synapse-major, [synapses, time, batch], so that a
// step is one slice of the input. Masked slots are 0. The mask itself is applied to the
// weights (w_s ⊙ mask ⊙ x is w_s ⊙ (mask ⊙ x) exactly, as the mask is 0 or 1).
func routeInput(p *graphParams, x *Node) *Node {
	xT := TransposeAllDims(x, 2, 1, 0) // [inputs, time, batch]
	if p.synInput == nil {
		return xT
	}
	return Gather(xT, InsertAxes(p.synInput, -1))
}

// branchSum sums the synapses of each branch: [synapses, batch] -> [batch, branches].
func branchSum(s *spec, v *Node) *Node {
	perBranch := Reshape(v, s.NumBranches(), s.SynapsesPerBranch, v.Shape().Dim(1))
	return TransposeAllDims(ReduceSum(perBranch, 1), 1, 0)
}

// perSynapse broadcasts a per-synapse vector [synapses] to [synapses, batch].
func perSynapse(v *Node, batch int) *Node {
	return BroadcastToDims(InsertAxes(v, -1), v.Shape().Dim(0), batch)
}

// branchDrives runs the trace recurrence and returns the drive c_t [batch, branches] of
// every step. It does not depend on the memory, so it runs before the memory loop.
func branchDrives(s *spec, p *graphParams, x *Node) []*Node {
	xs := routeInput(p, x) // input only: slicing it needs no gradient
	numSteps, batch := xs.Shape().Dim(1), xs.Shape().Dim(2)
	wS := MaxScalar(p.protoWS, 0) // relu
	if p.synMask != nil {
		wS = Mul(wS, p.synMask)
	}
	wS = perSynapse(wS, batch)
	kappa := decay(p.traceTau, s.DeltaT)
	var trace *Node
	if s.variant == SynapseTrace {
		kappa = perSynapse(kappa, batch)
		trace = Zeros(x.Graph(), shapeOf(x.DType(), s.NumSynapses(), batch))
	} else {
		kappa = BroadcastToDims(InsertAxes(kappa, 0), batch, s.NumBranches())
		trace = Zeros(x.Graph(), shapeOf(x.DType(), batch, s.NumBranches()))
	}
	drives := make([]*Node, numSteps)
	for t := range numSteps {
		xt := Reshape(Slice(xs, AxisRange(), AxisElem(t)), s.NumSynapses(), batch)
		if s.variant == SynapseTrace {
			trace = Add(Mul(kappa, trace), Mul(wS, xt)) // synapse trace s_t
			drives[t] = branchSum(s, trace)
		} else {
			trace = Add(Mul(kappa, trace), branchSum(s, Mul(wS, xt))) // branch trace b_t
			drives[t] = trace
		}
	}
	return drives
}

// linear returns v·Wᵀ + b for v [batch, in], W [out, in], b [out].
func linear(v, w, b *Node) *Node {
	return Add(DotGeneral(v, []int{1}, nil, w, []int{1}, nil), InsertAxes(b, 0))
}

// memoryMLP is [Linear, activation] × layers, then Linear, on z [batch, branches+memory].
func memoryMLP(s *spec, p *graphParams, z *Node) *Node {
	last := len(p.mlpW) - 1
	for i := range last {
		z = linear(z, p.mlpW[i], p.mlpB[i])
		if s.Activation == ActivationSiLU {
			z = Mul(z, Logistic(z))
		} else {
			z = MaxScalar(z, 0)
		}
	}
	return linear(z, p.mlpW[last], p.mlpB[last])
}

// memoryUpdate returns Δm_t = 1.7159·tanh(2z/3) (2z formed first, then divided by 3).
func memoryUpdate(z *Node) *Node {
	return MulScalar(Tanh(Div(MulScalar(z, 2), Scalar(z.Graph(), z.DType(), 3))), 1.7159)
}

// referenceForward is the textbook per-step forward pass: every step routes its input,
// updates the traces, evaluates the MLP on [c_t, κ_m m_{t-1}] and updates the memory.
func referenceForward(s *spec, p *graphParams, x *Node, trajectories bool) Outputs {
	batch := x.Shape().Dim(0)
	perUnit := func(v *Node) *Node { return BroadcastToDims(InsertAxes(v, 0), batch, s.NumMemory) }
	tauM := memoryTimescale(s, p.protoTauM)
	kappaM := decay(tauM, s.DeltaT)
	gain := perUnit(memoryGain(s, tauM, kappaM))
	kappaM = perUnit(kappaM) // [batch, memory]

	drives := branchDrives(s, p, x)
	m := Zeros(x.Graph(), shapeOf(x.DType(), batch, s.NumMemory))
	mems := make([]*Node, len(drives))
	for t, c := range drives {
		km := Mul(kappaM, m)
		z := memoryMLP(s, p, Concatenate([]*Node{c, km}, -1))
		m = Add(km, Mul(gain, memoryUpdate(z)))
		mems[t] = m
	}

	mAll := Stack(mems, 1) // [batch, time, memory]
	y := Add(DotGeneral(mAll, []int{2}, nil, p.wY, []int{1}, nil), InsertAxes(p.bY, 0, 0))
	out := Outputs{Y: y, TauM: tauM}
	if trajectories {
		out.M, out.Branch = mAll, Stack(drives, 1)
	}
	return out
}

func checkInputShape(s *spec, x *Node) {
	if x.Rank() != 3 || x.Shape().Dim(2) != s.NumInput || x.DType() != dtypes.Float32 {
		panic(fmt.Errorf("elmlib: input must be float32 [batch, time, %d], got %s",
			s.NumInput, x.Shape()))
	}
}
