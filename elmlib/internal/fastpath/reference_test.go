package fastpath

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/elmneuron/elm/data"
	"github.com/elmneuron/elm/elmlib/internal/gomlxfix"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // reads like math
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// stepForward is the straightforward per-step formulation, in the reference's order of
// operations (REFERENCE-NOTES §4-5), differentiated by GoMLX's autodiff. x is the dense
// input [B, T, NumInput]. It returns y, m, branch, all [B, T, ·].
func stepForward(spec Spec, p Params, x *Node) (y, m, branch *Node) {
	g := x.Graph()
	B, T := x.Shape().Dimensions[0], x.Shape().Dimensions[1]
	nSyn, nb, spb, dm := spec.NumSynapse(), spec.NumBranch, spec.SynPerBranch, spec.NumMemory
	dt := x.DType()

	// Routing: x_syn [B, T, nSyn] = x[..., indices] * mask.
	xs := x
	if spec.Indices != nil {
		idx := make([]int32, nSyn)
		copy(idx, spec.Indices)
		xs = Gather(Transpose(x, 0, 2), InsertAxes(Const(g, idx), -1)) // [nSyn, T, B]
		xs = Transpose(xs, 0, 2)
		if spec.Mask != nil {
			mask := make([]float32, nSyn)
			for j, v := range spec.Mask {
				if v {
					mask[j] = 1
				}
			}
			xs = Mul(xs, Reshape(ConvertDType(Const(g, mask), dt), 1, 1, nSyn))
		}
	}
	ws := InsertAxes(Max(p.ProtoWS, ScalarZero(g, dt)), 0)
	kTrace := make([]float32, len(spec.TraceTau))
	for i, tau := range spec.TraceTau {
		kTrace[i] = float32(math.Exp(-spec.DeltaT / max(float64(tau), 1e-6)))
	}
	kappa := InsertAxes(ConvertDType(Const(g, kTrace), dt), 0)

	lo, hi := spec.TauMin, spec.effectiveTauMax()
	tauM := Max(AddScalar(MulScalar(Sigmoid(p.ProtoTauM), hi-lo), lo), Scalar(g, dt, 1e-6))
	km := Exp(Div(Scalar(g, dt, -spec.DeltaT), tauM))
	var gain *Node
	if spec.Variant == ELMv1 {
		gain = MulScalar(OneMinus(km), spec.Lambda)
	} else {
		gain = OneMinus(Exp(Div(Scalar(g, dt, -spec.DeltaT*spec.Lambda), tauM)))
	}
	km, gain = InsertAxes(km, 0), InsertAxes(gain, 0)

	trace := Zeros(g, shapes.Make(dt, B, len(kTrace)))
	mem := Zeros(g, shapes.Make(dt, B, dm))
	var ys, ms, bs []*Node
	for t := range T {
		xt := Reshape(SliceAxis(xs, 1, AxisElem(t)), B, nSyn)
		var drive *Node
		if spec.Variant == ELMv1 {
			trace = Add(Mul(kappa, trace), Mul(ws, xt))
			drive = ReduceSum(Reshape(trace, B, nb, spb), 2)
		} else {
			trace = Add(Mul(kappa, trace), ReduceSum(Reshape(Mul(ws, xt), B, nb, spb), 2))
			drive = trace
		}
		h := Concatenate([]*Node{drive, Mul(km, mem)}, 1)
		for l := 0; l < spec.Layers; l++ {
			h = Add(DotGeneral(h, []int{1}, nil, p.W[l], []int{1}, nil), InsertAxes(p.B[l], 0))
			if spec.Activation == "silu" {
				h = Mul(h, Sigmoid(h))
			} else {
				h = Max(h, ScalarZero(g, dt))
			}
		}
		z := Add(DotGeneral(h, []int{1}, nil, p.W[spec.Layers], []int{1}, nil),
			InsertAxes(p.B[spec.Layers], 0))
		delta := MulScalar(Tanh(DivScalar(MulScalar(z, 2), 3)), 1.7159)
		mem = Add(Mul(km, mem), Mul(gain, delta))
		yt := Add(DotGeneral(mem, []int{1}, nil, p.WY, []int{1}, nil), InsertAxes(p.BY, 0))
		ys, ms, bs = append(ys, yt), append(ms, mem), append(bs, drive)
	}
	return Stack(ys, 1), Stack(ms, 1), Stack(bs, 1)
}

// randomCase is a random configuration with parameters, a spiking input and a target.
type randomCase struct {
	name     string
	spec     Spec
	params   map[string]fxTensor
	learnTau bool
	batch    *data.Batch
	target   []float32
}

func neuronioRouting(nIn, nb, spb int) ([]int32, []bool) {
	stride := (nIn + nb - 1) / nb
	var idx []int32
	var mask []bool
	for b := range nb {
		for k := range spb {
			pos := b*stride + k
			mask = append(mask, pos < nIn)
			pos = min(pos, nIn-1)
			idx = append(idx, int32((pos%2)*(nIn/2)+pos/2))
		}
	}
	return idx, mask
}

func newRandomCase(seed uint64, variant Variant, routing, act string, layers int,
	mixedTau, learnTau bool) randomCase {
	rng := rand.New(rand.NewPCG(seed, 7))
	nb, spb := 4, 3
	spec := Spec{Variant: variant, NumBranch: nb, SynPerBranch: spb, NumMemory: 5, Hidden: 7,
		Layers: layers, NumOutput: 2, Activation: act, Lambda: 5, DeltaT: 1, TauMin: 1,
		TauMax: 30}
	switch routing {
	case "none":
		spec.NumInput = nb * spb
	case "random":
		spec.NumInput = 9
		for range nb * spb {
			spec.Indices = append(spec.Indices, int32(rng.IntN(spec.NumInput)))
		}
	case "neuronio":
		spec.NumInput = 10
		spec.Indices, spec.Mask = neuronioRouting(spec.NumInput, nb, spb)
	}
	nTau := nb
	if variant == ELMv1 {
		nTau = nb * spb
	}
	for i := range nTau {
		tau := float32(5)
		if mixedTau {
			tau = []float32{2, 5, 11}[(i*7)%3]
		}
		spec.TraceTau = append(spec.TraceTau, tau)
	}

	uni := func(n int, scale float64) fxTensor {
		t := fxTensor{Shape: []int{n}}
		for range n {
			t.Data = append(t.Data, float64(float32(scale*(2*rng.Float64()-1))))
		}
		return t
	}
	mat := func(r, c int) fxTensor {
		t := uni(r*c, 1/math.Sqrt(float64(c)))
		t.Shape = []int{r, c}
		return t
	}
	ps := map[string]fxTensor{"_proto_w_s": uni(nb*spb, 1), "_proto_tau_m": uni(5, 3)}
	in := nb + 5
	for l := 0; l < layers; l++ {
		ps[fmt.Sprintf("mlp.network.%d.weight", 2*l)] = mat(7, in)
		ps[fmt.Sprintf("mlp.network.%d.bias", 2*l)] = uni(7, 0.3)
		in = 7
	}
	ps[fmt.Sprintf("mlp.network.%d.weight", 2*layers)] = mat(5, 7)
	ps[fmt.Sprintf("mlp.network.%d.bias", 2*layers)] = uni(5, 0.3)
	ps["w_y.weight"], ps["w_y.bias"] = mat(2, 5), uni(2, 0.3)

	B, T := 3, 40
	batch := &data.Batch{Size: B, Steps: T, Channels: spec.NumInput}
	dense := make([]float32, B*T*spec.NumInput)
	for i := range dense {
		if rng.Float64() < 0.15 {
			dense[i] = 1
			if (i%spec.NumInput)*2 >= spec.NumInput {
				dense[i] = -1
			}
			if rng.Float64() < 0.2 {
				dense[i] *= 0.5 // non-binary values exercise Value
			}
		}
	}
	batch.Dense = dense
	target := make([]float32, B*T*2)
	for i := range target {
		target[i] = float32(rng.NormFloat64())
	}
	name := fmt.Sprintf("%s/%s/%s/L%d/mixedTau=%v/learnTau=%v", variant, routing, act, layers,
		mixedTau, learnTau)
	return randomCase{name, spec, ps, learnTau, batch, target}
}

func runStep(t *testing.T, rc randomCase) []*tensors.Tensor {
	t.Helper()
	backend, err := gomlxfix.Backend()
	if err != nil {
		t.Fatal(err)
	}
	names := ParamNames(rc.spec.Layers)
	var args []any
	for _, n := range names {
		p := rc.params[n]
		args = append(args, tensors.FromFlatDataAndDimensions(p.f32(), p.Shape...))
	}
	B, T := rc.batch.Size, rc.batch.Steps
	args = append(args, tensors.FromFlatDataAndDimensions(rc.batch.DenseInput(), B, T,
		rc.spec.NumInput))
	args = append(args, tensors.FromFlatDataAndDimensions(rc.target, B, T, rc.spec.NumOutput))
	np := len(names)
	return MustExecOnceN(backend, func(x []*Node) []*Node {
		p := paramsFromNodes(x[:np], rc.spec.Layers, rc.learnTau)
		y, m, br := stepForward(rc.spec, p, x[np])
		loss := ReduceAllMean(Square(Sub(y, x[np+1])))
		return append([]*Node{y, m, br, loss}, Gradient(loss, x[:np]...)...)
	}, args...)
}

// TestAgainstPerStep compares the fast path with the per-step formulation (GoMLX autodiff)
// on random configurations covering both variants, every routing, both activations, 1-3
// hidden layers, v1 synapse time constants that differ within a branch, and learnable τ_m:
// outputs, memory, branch drive, loss and all gradients agree to float32 rounding.
func TestAgainstPerStep(t *testing.T) {
	type cfg struct {
		v               Variant
		routing, act    string
		layers          int
		mixed, learnTau bool
	}
	cases := []cfg{
		{ELMv1, "none", "relu", 1, false, false},
		{ELMv1, "neuronio", "silu", 2, false, true},
		{ELMv1, "random", "relu", 3, true, true},
		{ELMv1, "neuronio", "relu", 1, true, false},
		{BranchELMv2, "none", "silu", 1, false, true},
		{BranchELMv2, "random", "relu", 2, false, false},
		{BranchELMv2, "neuronio", "relu", 1, true, true},
	}
	for i, c := range cases {
		rc := newRandomCase(uint64(100+i), c.v, c.routing, c.act, c.layers, c.mixed, c.learnTau)
		t.Run(rc.name, func(t *testing.T) {
			fast := runFast(t, rc.spec, rc.params, rc.learnTau, rc.batch, rc.target)
			ref := runStep(t, rc)
			labels := []string{"y", "m", "branch", "loss"}
			for _, n := range ParamNames(rc.spec.Layers) {
				labels = append(labels, "grad "+n)
			}
			for k, label := range labels {
				if label == "grad _proto_tau_m" && !rc.learnTau {
					continue
				}
				got, want := flat32(t, fast[k]), flat32(t, ref[k])
				scale := 0.0
				for _, v := range want {
					scale = max(scale, math.Abs(float64(v)))
				}
				w64 := make([]float64, len(want))
				for j, v := range want {
					w64[j] = float64(v)
				}
				d, at := maxAbsDiff(got, w64)
				if tol := 2e-6 * (1 + scale); len(got) != len(want) || d > tol {
					t.Errorf("%s: max |diff| %.3g at %d exceeds %.3g", label, d, at, tol)
				}
			}
		})
	}
}

// TestMixedTauGroups checks the trace grouping: synapses of one branch with different τ_s
// form separate groups, which are summed back per branch.
func TestMixedTauGroups(t *testing.T) {
	spec := Spec{Variant: ELMv1, NumBranch: 2, SynPerBranch: 3, DeltaT: 1,
		TraceTau: []float32{5, 2, 5, 3, 3, 3}}
	tg := spec.traceGroups()
	wantOf := []int32{0, 1, 0, 2, 2, 2}
	for j, g := range tg.ofSynapse {
		if g != wantOf[j] {
			t.Fatalf("group of synapse %d = %d, want %d", j, g, wantOf[j])
		}
	}
	if len(tg.kappa) != 3 || tg.branch[0] != 0 || tg.branch[1] != 0 || tg.branch[2] != 1 {
		t.Fatalf("groups %v (branches %v), want 3 groups on branches [0 0 1]", tg.kappa, tg.branch)
	}
	if math.Abs(tg.kappa[1]-math.Exp(-0.5)) > 1e-15 {
		t.Errorf("kappa of τ=2 is %g, want exp(-1/2)", tg.kappa[1])
	}
}

// TestPerStepMatchesFixtures validates the per-step reference itself on the fixtures, so
// that TestAgainstPerStep compares against an independently checked formulation.
func TestPerStepMatchesFixtures(t *testing.T) {
	for _, file := range []string{"elm_v1_small.json", "branch_elm_small.json"} {
		for _, c := range loadFixture(t, file) {
			spec := c.spec()
			rc := randomCase{name: c.Name, spec: spec, params: c.Params,
				learnTau: c.Config.LearnTau, target: c.Target.f32(),
				batch: &data.Batch{Size: c.Batch, Steps: c.T, Channels: spec.NumInput,
					Dense: c.Input.f32()}}
			res := runStep(t, rc)
			tol := 8*c.F32.Grads + 2e-7
			if d, at := maxAbsDiff(flat32(t, res[1]), c.Expected.M.Data); d > 8*c.F32.M+2e-7 {
				t.Errorf("%s: m differs by %.3g at %d", c.Name, d, at)
			}
			for i, name := range ParamNames(spec.Layers) {
				if name == "_proto_tau_m" && !c.Config.LearnTau {
					continue
				}
				if d, at := maxAbsDiff(flat32(t, res[4+i]), c.Grads[name].Data); d > tol {
					t.Errorf("%s: grad %s differs by %.3g at %d", c.Name, name, d, at)
				}
			}
		}
	}
}

// TestShortSequences runs the fast path against the per-step reference for T = 1 and 2 and
// a batch of 1, the edge cases of the unrolled loops.
func TestShortSequences(t *testing.T) {
	for _, steps := range []int{1, 2} {
		rc := newRandomCase(uint64(200+steps), ELMv1, "neuronio", "relu", 2, true, true)
		rc.batch.Size, rc.batch.Steps = 1, steps
		rc.batch.Dense = rc.batch.Dense[:steps*rc.spec.NumInput]
		rc.target = rc.target[:steps*rc.spec.NumOutput]
		fast := runFast(t, rc.spec, rc.params, rc.learnTau, rc.batch, rc.target)
		ref := runStep(t, rc)
		for k := range fast {
			got, want := flat32(t, fast[k]), flat32(t, ref[k])
			w64 := make([]float64, len(want))
			for j, v := range want {
				w64[j] = float64(v)
			}
			if d, at := maxAbsDiff(got, w64); len(got) != len(want) || d > 1e-5 {
				t.Errorf("T=%d output %d: max |diff| %.3g at %d", steps, k, d, at)
			}
		}
	}
}
