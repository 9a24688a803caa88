package elmlib

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Scope is the GoMLX context scope that holds a model's variables.
//
// Variable names inside Scope are the authors' state-dict keys, so the mapping between a
// checkpoint of theirs and our context is the identity on names:
//
//	_proto_w_s                 [synapses]        p_s, w_s = relu(p_s); trainable
//	tau_s (v1) / tau_b (v2)    [synapses]/[branches] trace τ in ms; not trained
//	_proto_tau_m               [memory]          p_τ; trainable iff LearnTauM
//	input_to_synapse_indices   [synapses]        int32 here (int64 in theirs); not trained
//	valid_indices_mask         [synapses]        float32 0/1 here (bool in theirs)
//	mlp.network.<2i>.weight    [hidden, in]      hidden layer i; trainable
//	mlp.network.<2i>.bias      [hidden]
//	mlp.network.<2L>.weight    [memory, hidden]  output layer of the MLP (L hidden layers)
//	mlp.network.<2L>.bias      [memory]
//	w_y.weight, w_y.bias       [outputs, memory], [outputs]  readout; trainable
//
// Without routing the index and mask variables do not exist; StateDict then writes them
// as empty float32 tensors of shape [0], as the authors' checkpoints do.
const Scope = "elm"

// State-dict keys (and variable names in Scope).
const (
	KeyProtoWS   = "_proto_w_s"
	KeyTauS      = "tau_s"
	KeyTauB      = "tau_b"
	KeyProtoTauM = "_proto_tau_m"
	KeyIndices   = "input_to_synapse_indices"
	KeyMask      = "valid_indices_mask"
	KeyWYWeight  = "w_y.weight"
	KeyWYBias    = "w_y.bias"
)

// MLPKey returns the state-dict key of layer i (0 ≤ i ≤ MLPLayers; i = MLPLayers is the
// output layer) and what ("weight" or "bias"): "mlp.network.<2i>.<what>".
func MLPKey(i int, what string) string { return fmt.Sprintf("mlp.network.%d.%s", 2*i, what) }

// spec is a validated configuration with the derived sizes the graph code needs.
type spec struct {
	Core
	variant  Variant
	traceTau float64
	// tauMax is the effective τ_max: v2 raises it to at least τ_min + 3e-6.
	tauMax float64
}

func newSpec(cfg Config) (*spec, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &spec{Core: cfg.Shared(), variant: cfg.Variant(), traceTau: cfg.TraceTau()}
	s.tauMax = s.TauMMax
	if s.variant == BranchTrace {
		s.tauMax = math.Max(s.TauMMin+3e-6, s.TauMMax)
	}
	return s, nil
}

func (s *spec) traceKey() string {
	if s.variant == BranchTrace {
		return KeyTauB
	}
	return KeyTauS
}

func (s *spec) traceLen() int {
	if s.variant == BranchTrace {
		return s.NumBranches()
	}
	return s.NumSynapses()
}

// paramShape describes one expected state-dict entry.
type paramShape struct {
	key       string
	shape     []int
	trainable bool
}

// layout lists every tensor of the model in state-dict order with its shape.
func (s *spec) layout() []paramShape {
	nSyn, dm, h := s.NumSynapses(), s.NumMemory, s.HiddenSize()
	ps := []paramShape{
		{KeyProtoWS, []int{nSyn}, true},
		{s.traceKey(), []int{s.traceLen()}, false},
		{KeyProtoTauM, []int{dm}, s.LearnTauM},
	}
	if s.Routing != RoutingNone {
		ps = append(ps, paramShape{KeyIndices, []int{nSyn}, false},
			paramShape{KeyMask, []int{nSyn}, false})
	}
	width := s.NumBranches() + dm
	for i := range s.MLPLayers + 1 {
		out := h
		if i == s.MLPLayers {
			out = dm
		}
		ps = append(ps, paramShape{MLPKey(i, "weight"), []int{out, width}, true},
			paramShape{MLPKey(i, "bias"), []int{out}, true})
		width = out
	}
	return append(ps, paramShape{KeyWYWeight, []int{s.NumOutput, dm}, true},
		paramShape{KeyWYBias, []int{s.NumOutput}, true})
}

// InitialProtoTauM returns the initial p_τ [numMemory] in float32, as the authors'
// constructor computes it: τ log-spaced from τ_min+1e-6 to τ_max-1e-6 (only the start when
// numMemory = 1), clipped to [τ_min+1e-6, τ_max-1e-6], then p = log((τ-τ_min)/(τ_max-τ)).
// With constantTauM > 0 every unit starts at that τ instead. The result is always finite
// (see the clip bounds below, the one deviation from the authors' code).
func InitialProtoTauM(tauMin, tauMax float64, numMemory int, constantTauM float64) []float32 {
	lo, hi := float32(tauMin), float32(tauMax)
	tau := make([]float32, numMemory)
	if constantTauM > 0 {
		for i := range tau {
			tau[i] = float32(constantTauM)
		}
	} else {
		logspace32(tau, math.Log10(tauMin+1e-6), math.Log10(tauMax-1e-6))
	}
	// The clip bounds are the authors' τ_min+1e-6 and τ_max-1e-6 rounded to float32. Where
	// that rounding reaches the bound itself (τ_max = 1000, the authors' default, gives
	// float32(999.999999) = 1000) their code stores p = ±Inf; we step one float32 inside
	// instead, so that p stays finite (τ differs by one ulp).
	clipLo := max(float32(tauMin+1e-6), math.Nextafter32(lo, float32(math.Inf(1))))
	clipHi := min(float32(tauMax-1e-6), math.Nextafter32(hi, float32(math.Inf(-1))))
	p := make([]float32, numMemory)
	for i, v := range tau {
		v = min(max(v, clipLo), clipHi)
		p[i] = float32(math.Log(float64((v - lo) / (hi - v))))
	}
	return p
}

// logspace32 fills out with 10^e for e evenly spaced from start to end, computed in
// float32 as torch.logspace does (first half counted from start, second half from end).
func logspace32(out []float32, start, end float64) {
	n := len(out)
	s, e := float32(start), float32(end)
	if n == 1 {
		out[0] = pow10f(s)
		return
	}
	step := (e - s) / float32(n-1)
	for i := range out {
		if i < n/2 {
			out[i] = pow10f(s + step*float32(i))
		} else {
			out[i] = pow10f(e - step*float32(n-1-i))
		}
	}
}

func pow10f(x float32) float32 { return float32(math.Pow(10, float64(x))) }

// initialStateDict returns a freshly initialised model in the authors' layout: w_s and
// the trace τ constant, p_τ from InitialProtoTauM, routing from NewRouting, and the linear
// layers U(-1/√fan_in, 1/√fan_in) (PyTorch's default) drawn from a PCG seeded by InitSeed.
func initialStateDict(cfg Config, s *spec) (StateDict, error) {
	rng := rand.New(rand.NewPCG(s.InitSeed, 0xe1e1))
	sd := StateDict{}
	for _, ps := range s.layout() {
		t := &Tensor{Shape: ps.shape, DType: "float32"}
		n := t.Len()
		switch ps.key {
		case KeyProtoWS:
			t.F32 = filled(n, float32(s.WSInit))
		case KeyTauS, KeyTauB:
			t.F32 = filled(n, float32(s.traceTau))
		case KeyProtoTauM:
			t.F32 = InitialProtoTauM(s.TauMMin, s.tauMax, s.NumMemory, s.ConstantTauM)
		case KeyIndices, KeyMask:
			continue // filled below
		default: // linear layers: fan_in is the last dimension of the weight
			fanIn := ps.shape[len(ps.shape)-1]
			if len(ps.shape) == 1 {
				fanIn = s.layoutFanIn(ps.key)
			}
			bound := 1 / math.Sqrt(float64(fanIn))
			t.F32 = make([]float32, n)
			for i := range t.F32 {
				t.F32[i] = float32((2*rng.Float64() - 1) * bound)
			}
		}
		sd[ps.key] = t
	}
	if s.Routing != RoutingNone {
		r, err := NewRouting(cfg)
		if err != nil {
			return nil, err
		}
		nSyn := []int{s.NumSynapses()}
		sd[KeyIndices] = &Tensor{Shape: nSyn, DType: "int64", I64: r.Input}
		sd[KeyMask] = &Tensor{Shape: nSyn, DType: "bool", Bool: r.Valid}
	}
	return sd, nil
}

// layoutFanIn returns the fan-in of the layer a bias key belongs to.
func (s *spec) layoutFanIn(biasKey string) int {
	weightKey := biasKey[:len(biasKey)-len("bias")] + "weight"
	for _, ps := range s.layout() {
		if ps.key == weightKey {
			return ps.shape[1]
		}
	}
	panic("elmlib: no weight for bias " + biasKey)
}

func filled(n int, v float32) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = v
	}
	return out
}
