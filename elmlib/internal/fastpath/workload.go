package fastpath

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/elmneuron/elm/data"
	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // reads like math
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"
)

// NeuronIOSpec is the NeuronIO Branch-ELM configuration of the speed targets and of
// shared/anchors/bench_torch.py's branch_v1_dm20 / branch_v2_dm20: 1278 inputs, 45 branches
// × 100 synapses with NeuronIO routing, d_m 20, one hidden layer of 40 (relu), 2 outputs,
// λ 5, τ_m in [1, 150], trace τ 5.
func NeuronIOSpec(variant Variant) Spec {
	const nIn, nb, spb = 1278, 45, 100
	s := Spec{Variant: variant, NumInput: nIn, NumBranch: nb, SynPerBranch: spb, NumMemory: 20,
		Hidden: 40, Layers: 1, NumOutput: 2, Activation: "relu", Lambda: 5, DeltaT: 1,
		TauMin: 1, TauMax: 150}
	nTau := nb * spb
	if variant == BranchELMv2 {
		nTau = nb
	}
	for range nTau {
		s.TraceTau = append(s.TraceTau, 5)
	}
	stride := (nIn + nb - 1) / nb
	for b := range nb {
		for k := range spb {
			pos := b*stride + k
			s.Mask = append(s.Mask, pos < nIn)
			pos = min(pos, nIn-1)
			s.Indices = append(s.Indices, int32((pos%2)*(nIn/2)+pos/2))
		}
	}
	return s
}

// InitialParams returns parameter values initialised as the reference does (w_s 0.5,
// logspaced τ_m, PyTorch's uniform Linear init from rng), keyed by the authors' state-dict
// names (see ParamNames).
func InitialParams(spec Spec, rng *rand.Rand) map[string]*tensors.Tensor {
	out := map[string]*tensors.Tensor{}
	ws := make([]float32, spec.NumSynapse())
	for i := range ws {
		ws[i] = 0.5
	}
	out["_proto_w_s"] = tensors.FromFlatDataAndDimensions(ws, len(ws))
	lo, hi, dm := spec.TauMin, spec.effectiveTauMax(), spec.NumMemory
	proto := make([]float32, dm)
	for i := range proto {
		a, b := math.Log10(lo+1e-6), math.Log10(hi-1e-6)
		tau := a
		if dm > 1 {
			tau = a + (b-a)*float64(i)/float64(dm-1)
		}
		v := min(max(math.Pow(10, tau), lo+1e-6), hi-1e-6)
		proto[i] = float32(math.Log((v - lo) / (hi - v)))
	}
	out["_proto_tau_m"] = tensors.FromFlatDataAndDimensions(proto, dm)
	linear := func(name string, nOut, nIn int) {
		bound := 1 / math.Sqrt(float64(nIn))
		w, b := make([]float32, nOut*nIn), make([]float32, nOut)
		for i := range w {
			w[i] = float32(bound * (2*rng.Float64() - 1))
		}
		for i := range b {
			b[i] = float32(bound * (2*rng.Float64() - 1))
		}
		out[name+".weight"] = tensors.FromFlatDataAndDimensions(w, nOut, nIn)
		out[name+".bias"] = tensors.FromFlatDataAndDimensions(b, nOut)
	}
	in := spec.NumBranch + dm
	for l := range spec.Layers {
		linear(fmt.Sprintf("mlp.network.%d", 2*l), spec.Hidden, in)
		in = spec.Hidden
	}
	linear(fmt.Sprintf("mlp.network.%d", 2*spec.Layers), dm, spec.Hidden)
	linear("w_y", spec.NumOutput, dm)
	return out
}

// ParamNames lists the trained tensors' state-dict names in Params order: _proto_w_s,
// _proto_tau_m, the MLP's weight and bias per layer, w_y.weight, w_y.bias.
func ParamNames(layers int) []string {
	names := []string{"_proto_w_s", "_proto_tau_m"}
	for l := 0; l <= layers; l++ {
		names = append(names, fmt.Sprintf("mlp.network.%d.weight", 2*l),
			fmt.Sprintf("mlp.network.%d.bias", 2*l))
	}
	return append(names, "w_y.weight", "w_y.bias")
}

// SetContextParams stores values (from InitialParams) as variables of ctx, named by
// ParamNames; τ_m is trainable only if learnTau.
func SetContextParams(ctx *context.Context, spec Spec, values map[string]*tensors.Tensor,
	learnTau bool) {
	for _, name := range ParamNames(spec.Layers) {
		v := ctx.VariableWithValue(name, values[name])
		if name == "_proto_tau_m" {
			v.SetTrainable(learnTau)
		}
	}
}

// ParamsFromContext reads the variables stored by SetContextParams into Params for graph g.
func ParamsFromContext(ctx *context.Context, g *Graph, spec Spec) Params {
	names := ParamNames(spec.Layers)
	node := func(i int) *Node {
		v := ctx.GetVariable(names[i])
		if v == nil {
			panic(fmt.Errorf("fastpath: context has no variable %q", names[i]))
		}
		return v.ValueGraph(g)
	}
	p := Params{ProtoWS: node(0), ProtoTauM: node(1)}
	for l := 0; l <= spec.Layers; l++ {
		p.W = append(p.W, node(2+2*l))
		p.B = append(p.B, node(3+2*l))
	}
	p.WY, p.BY = node(len(names)-2), node(len(names)-1)
	return p
}

// SpikeBatch draws a NeuronIO-shaped batch as bench_torch.py does (not the same random
// numbers): each input spikes with probability p per step, +1 for the first half of the
// channels and -1 for the second (inhibitory) half; Spike targets fire with probability
// 0.01 and Soma targets are standard normal.
func SpikeBatch(numInput, size, steps int, p float64, rng *rand.Rand) *data.Batch {
	b := &data.Batch{Size: size, Steps: steps, Channels: numInput, Events: &data.Events{},
		Spike: make([]float32, size*steps), Soma: make([]float32, size*steps)}
	for seq := range size {
		for t := range steps {
			for ch := range numInput {
				if rng.Float64() < p {
					v := float32(1)
					if ch >= numInput/2 {
						v = -1
					}
					b.Events.Add(t, seq, ch, v)
				}
			}
			if rng.Float64() < 0.01 {
				b.Spike[seq*steps+t] = 1
			}
			b.Soma[seq*steps+t] = float32(rng.NormFloat64())
		}
	}
	return b
}

// NeuronIOLoss is the authors' NeuronIO training loss on y [B, T, 2]:
// 0.5·BCE-with-logits(y[...,0], spike) + 0.5·MSE(y[...,1], soma), spike and soma [B, T].
func NeuronIOLoss(y, spike, soma *Node) *Node {
	logit := SliceAxis(y, 2, AxisElem(0))
	v := SliceAxis(y, 2, AxisElem(1))
	logit, v = Reshape(logit, spike.Shape().Dimensions...), Reshape(v, soma.Shape().Dimensions...)
	// BCE with logits, stable form: max(x,0) - x·s + log(1 + exp(-|x|)).
	bce := Add(Sub(Max(logit, ScalarZero(y.Graph(), y.DType())), Mul(logit, spike)),
		Log1P(Exp(Neg(Abs(logit)))))
	mse := Square(Sub(v, soma))
	return MulScalar(Add(ReduceAllMean(bce), ReduceAllMean(mse)), 0.5)
}

// Mode selects what a benchmark executable computes.
type Mode string

// Benchmark modes.
const (
	// ModeForward computes y only.
	ModeForward Mode = "forward"
	// ModeFwdBwd computes the NeuronIO loss and the gradients of all trainable variables.
	ModeFwdBwd Mode = "fwd+bwd"
	// ModeTrain is a training step: loss, gradients and an Adam update (lr 5e-4).
	ModeTrain Mode = "train"
)

// NewModeExec returns an executable over ctx's variables (see SetContextParams) that takes
// the arguments of ModeArgs and computes mode.
func NewModeExec(backend backends.Backend, ctx *context.Context, spec Spec, size, steps int,
	mode Mode) (*context.Exec, error) {
	opt := optimizers.Adam().LearningRate(5e-4).Done()
	return context.NewExec(backend, ctx, func(ctx *context.Context, x []*Node) []*Node {
		p := ParamsFromContext(ctx, x[0].Graph(), spec)
		out := Forward(spec, p, Inputs{Syn: x[0], Slot: x[1], Value: x[2], Batch: size,
			Steps: steps})
		if mode == ModeForward {
			return []*Node{out.Y}
		}
		loss := NeuronIOLoss(out.Y, x[3], x[4])
		if mode == ModeFwdBwd {
			return append([]*Node{loss}, ctx.BuildTrainableVariablesGradientsGraph(loss)...)
		}
		opt.UpdateGraph(ctx, x[0].Graph(), loss)
		return []*Node{loss}
	})
}

// ModeArgs are the executable's arguments for one batch: the synapse events and the
// Spike and Soma targets [Size, Steps].
func ModeArgs(ev *SynapseEvents, b *data.Batch) []any {
	var args []any
	for _, t := range ev.Tensors() {
		args = append(args, t)
	}
	return append(args, tensors.FromFlatDataAndDimensions(b.Spike, b.Size, b.Steps),
		tensors.FromFlatDataAndDimensions(b.Soma, b.Size, b.Steps))
}
