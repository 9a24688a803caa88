package fastpath

import (
	"fmt"

	"github.com/elmneuron/elm/elmlib/internal/gomlxfix"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // reads like math
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

func init() { gomlxfix.InstallGradients() }

// Params are the trained tensors in the authors' layouts (see REFERENCE-NOTES §10).
type Params struct {
	// ProtoWS is _proto_w_s [NumSynapse]; the synaptic weights are relu(ProtoWS).
	ProtoWS *Node
	// ProtoTauM is _proto_tau_m [NumMemory]; τ_m = TauMin + (TauMax-TauMin)·sigmoid(ProtoTauM).
	// Wrap it in StopGradient when τ_m is not learned.
	ProtoTauM *Node
	// W and B are the MLP's Linear layers, Layers+1 of them, torch layout: W[0] is
	// [Hidden, NumBranch+NumMemory] (branch columns first), W[l] for 0<l<Layers is
	// [Hidden, Hidden], W[Layers] is [NumMemory, Hidden]; B[l] is [out_l].
	W, B []*Node
	// WY [NumOutput, NumMemory] and BY [NumOutput] are the readout.
	WY, BY *Node
}

// Inputs are a batch's synapse events as graph nodes (see SynapseEvents): Syn and Slot are
// int32 [Len], Value is [Len] in the parameters' dtype. Batch and Steps give the batch's
// size and number of time steps.
type Inputs struct {
	Syn, Slot, Value *Node
	Batch, Steps     int
}

// Outputs of Forward, batch-major.
type Outputs struct {
	// Y [Batch, Steps, NumOutput] is the readout W_y·m_t + b_y.
	Y *Node
	// M [Batch, Steps, NumMemory] is the memory after each step.
	M *Node
	// Branch [Batch, Steps, NumBranch] is the branch drive fed to the MLP (v1: per-branch sum
	// of synapse traces; v2: the branch trace).
	Branch *Node
}

// Forward builds the fast formulation of the ELM forward pass. Its gradient (through
// Gradient, train.Trainer and the optimizers) is exact: the memory recurrence has a
// hand-written backward pass, everything else uses GoMLX's autodiff.
//
// It panics, as GoMLX graph builders do, if spec is invalid or a tensor has the wrong shape.
func Forward(spec Spec, p Params, in Inputs) Outputs {
	if err := spec.Validate(); err != nil {
		panic(err)
	}
	checkShapes(spec, p, in)
	tg := spec.traceGroups()
	T, B := in.Steps, in.Batch

	drive := groupDrive(p.ProtoWS, in, len(tg.kappa))
	branch := linearTrace(drive, tg.kappa) // only computed if Outputs.Branch is used
	if !tg.onePerBranch(spec.NumBranch) {
		branch = sumGroupsPerBranch(branch, tg.branch, spec.NumBranch)
	}

	km, c := memoryConstants(spec, p.ProtoTauM)
	lp := loopInputs(spec, p, drive, tg, km, c)
	n := memoryLoop(spec, lp, tg.kappa, T, B)
	m := Mul(n, InsertAxes(c, 0, 0)) // [T, B, d_m], only computed if Outputs.M is used

	// y = m·W_yᵀ + b_y with c folded into W_y, so the readout needs no pass over m.
	y := DotGeneral(n, []int{2}, nil, Mul(p.WY, InsertAxes(c, 0)), []int{1}, nil)
	y = Add(y, InsertAxes(p.BY, 0, 0))
	return Outputs{
		Y:      Transpose(y, 0, 1),
		M:      Transpose(m, 0, 1),
		Branch: Transpose(branch, 0, 1),
	}
}

// groupDrive scatters the weighted synapse events into the time-major trace-group drive
// [Steps, Batch, groups]: u[t, b, g] = Σ relu(w_s[j])·x over the events of group g at (t, b).
func groupDrive(protoWS *Node, in Inputs, groups int) *Node {
	ws := Max(protoWS, ScalarZero(protoWS.Graph(), protoWS.DType()))
	w := Mul(Gather(ws, InsertAxes(in.Syn, -1)), in.Value)
	size := in.Steps * in.Batch * groups
	u := Scatter(InsertAxes(in.Slot, -1), w, shapes.Make(protoWS.DType(), size), false, false)
	return Reshape(u, in.Steps, in.Batch, groups)
}

// sumGroupsPerBranch adds the traces of the groups of each branch: [T,B,G] -> [T,B,nb].
func sumGroupsPerBranch(x *Node, branchOf []int32, numBranch int) *Node {
	sel := make([]float32, len(branchOf)*numBranch)
	for g, b := range branchOf {
		sel[g*numBranch+int(b)] = 1
	}
	selN := ConvertDType(Const(x.Graph(), sel), x.DType())
	selN = Reshape(selN, len(branchOf), numBranch)
	return DotGeneral(x, []int{2}, nil, selN, []int{0}, nil)
}

// memoryConstants returns κ_m [d_m] and c = 1.7159·gain [d_m], where gain is λ(1-κ_m) for v1
// and 1-exp(-Δt·λ/τ_m) for v2.
func memoryConstants(spec Spec, protoTauM *Node) (km, c *Node) {
	lo, hi := spec.TauMin, spec.effectiveTauMax()
	tauM := AddScalar(MulScalar(Sigmoid(protoTauM), hi-lo), lo)
	tauM = Max(tauM, Scalar(protoTauM.Graph(), protoTauM.DType(), 1e-6))
	km = Exp(Div(Scalar(tauM.Graph(), tauM.DType(), -spec.DeltaT), tauM))
	var gain *Node
	if spec.Variant == ELMv1 {
		gain = MulScalar(OneMinus(km), spec.Lambda)
	} else {
		kl := Exp(Div(Scalar(tauM.Graph(), tauM.DType(), -spec.DeltaT*spec.Lambda), tauM))
		gain = OneMinus(kl)
	}
	return km, MulScalar(gain, 1.7159)
}

// loopInputs prepares the tensors the recurrence reads, with the constants folded into the
// weights (see loopParams).
func loopInputs(spec Spec, p Params, drive *Node, tg traceGroups, km, c *Node) loopParams {
	nb, L := spec.NumBranch, spec.Layers
	w0b := SliceAxis(p.W[0], 1, AxisRange(0, nb))
	if !tg.onePerBranch(nb) {
		// Column g of the group weights is the column of group g's branch.
		w0b = Gather(Transpose(w0b, 0, 1), InsertAxes(Const(drive.Graph(), tg.branch), -1))
		w0b = Transpose(w0b, 0, 1)
	}
	w0m := Mul(SliceAxis(p.W[0], 1, AxisRange(nb)), InsertAxes(Mul(km, c), 0))
	lp := loopParams{
		U:  drive,
		W0: Concatenate([]*Node{w0b, w0m}, 1),
		B0: p.B[0],
		W2: MulScalar(p.W[L], 2.0/3.0),
		B2: MulScalar(p.B[L], 2.0/3.0),
		Km: km,
	}
	for l := 1; l < L; l++ {
		lp.Wm = append(lp.Wm, p.W[l])
		lp.Bm = append(lp.Bm, p.B[l])
	}
	return lp
}

func checkShapes(spec Spec, p Params, in Inputs) {
	want := func(name string, x *Node, dims ...int) {
		if x == nil {
			panic(fmt.Errorf("fastpath: %s is nil", name))
		}
		if !x.Shape().Equal(shapes.Make(x.DType(), dims...)) {
			panic(fmt.Errorf("fastpath: %s has shape %s, want dimensions %v", name, x.Shape(), dims))
		}
	}
	want("ProtoWS", p.ProtoWS, spec.NumSynapse())
	want("ProtoTauM", p.ProtoTauM, spec.NumMemory)
	if len(p.W) != spec.Layers+1 || len(p.B) != spec.Layers+1 {
		panic(fmt.Errorf("fastpath: %d weights and %d biases, want Layers+1 = %d of each",
			len(p.W), len(p.B), spec.Layers+1))
	}
	in0 := spec.NumBranch + spec.NumMemory
	for l := range spec.Layers {
		want(fmt.Sprintf("W[%d]", l), p.W[l], spec.Hidden, in0)
		want(fmt.Sprintf("B[%d]", l), p.B[l], spec.Hidden)
		in0 = spec.Hidden
	}
	want(fmt.Sprintf("W[%d]", spec.Layers), p.W[spec.Layers], spec.NumMemory, spec.Hidden)
	want(fmt.Sprintf("B[%d]", spec.Layers), p.B[spec.Layers], spec.NumMemory)
	want("WY", p.WY, spec.NumOutput, spec.NumMemory)
	want("BY", p.BY, spec.NumOutput)
	if in.Batch <= 0 || in.Steps <= 0 {
		panic(fmt.Errorf("fastpath: Inputs.Batch %d and Steps %d must be positive", in.Batch, in.Steps))
	}
	if in.Syn == nil || in.Slot == nil || in.Value == nil {
		panic(fmt.Errorf("fastpath: Inputs.Syn, Slot and Value must be set"))
	}
	n := in.Syn.Shape().Size()
	want("Inputs.Syn", in.Syn, n)
	want("Inputs.Slot", in.Slot, n)
	want("Inputs.Value", in.Value, n)
	if in.Value.DType() != p.ProtoWS.DType() {
		panic(fmt.Errorf("fastpath: Inputs.Value is %s, parameters are %s", in.Value.DType(),
			p.ProtoWS.DType()))
	}
}
