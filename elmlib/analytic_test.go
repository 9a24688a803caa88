package elmlib

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/elmneuron/elm/data"
)

// TestSingleUnitDecay: one memory unit whose MLP output is zero after the first step
// decays as m_t = κ_m^t · m_0. The trace τ is tiny (κ ≈ e^-1000 = 0), so the branch drive
// is zero once the single input spike at t = 0 has passed; the MLP is relu(w·c) with no
// memory weights and no biases, so its output is zero too.
func TestSingleUnitDecay(t *testing.T) {
	for _, variant := range []Variant{SynapseTrace, BranchTrace} {
		core := defaultCore(1, 1, 1)
		core.MLPHidden, core.TauMMin, core.TauMMax, core.ConstantTauM = 1, 1, 100, 7
		var cfg Config = SynapseTraceConfig{Core: core, TauS: 1e-3}
		if variant == BranchTrace {
			cfg = BranchTraceConfig{Core: core, TauB: 1e-3}
		}
		m, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		sd, _ := m.StateDict()
		sd[MLPKey(0, "weight")].F32 = []float32{3, 0} // from branch, from memory
		sd[MLPKey(0, "bias")].F32 = []float32{0}
		sd[MLPKey(1, "weight")].F32 = []float32{1}
		sd[MLPKey(1, "bias")].F32 = []float32{0}
		sd[KeyWYWeight].F32, sd[KeyWYBias].F32 = []float32{1}, []float32{0}
		if err := m.LoadStateDict(sd); err != nil {
			t.Fatal(err)
		}
		const steps = 40
		b := &data.Batch{Size: 1, Steps: steps, Channels: 1, Dense: make([]float32, steps)}
		b.Dense[0] = 1
		p, err := m.Predict(b)
		if err != nil {
			t.Fatal(err)
		}
		// m_0 = g · 1.7159·tanh(⅔ · 3 · w_s · 1), w_s = 0.5.
		kappa := math.Exp(-1.0 / 7)
		gain := 5 * (1 - kappa)
		if variant == BranchTrace {
			gain = 1 - math.Exp(-5.0/7)
		}
		m0 := gain * 1.7159 * math.Tanh(2.0/3*1.5)
		for step := range steps {
			want := m0 * math.Pow(kappa, float64(step))
			got := float64(p.M.At(0, step, 0))
			if math.Abs(got-want) > 1e-6*math.Abs(m0) {
				t.Errorf("%s: m[%d] = %.8g, want m_0·κ^t = %.8g", variant, step, got, want)
			}
			if y := float64(p.Y.At(0, step, 0)); y != got {
				t.Errorf("%s: y[%d] = %v, want m = %v (identity readout)", variant, step, y, got)
			}
		}
		if math.Abs(float64(p.TauM[0])-7) > 1e-5 {
			t.Errorf("%s: ConstantTauM 7 gave τ_m %v", variant, p.TauM[0])
		}
	}
}

// TestTauMStaysInBounds: τ_m = τ_min + (τ_max-τ_min)·sigmoid(p) stays in [τ_min, τ_max]
// however large p becomes.
func TestTauMStaysInBounds(t *testing.T) {
	cfg := NewSynapseTraceConfig(2, 1, 4)
	cfg.TauMMin, cfg.TauMMax, cfg.LearnTauM = 2, 30, true
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sd, _ := m.StateDict()
	sd[KeyProtoTauM].F32 = []float32{-3e38, -1e4, 1e4, 3e38}
	if err := m.LoadStateDict(sd); err != nil {
		t.Fatal(err)
	}
	b := &data.Batch{Size: 1, Steps: 3, Channels: 2, Dense: []float32{1, 0, 0, 1, 1, 1}}
	p, err := m.Predict(b)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{2, 2, 30, 30}
	for i, tau := range p.TauM {
		if tau != want[i] {
			t.Errorf("τ_m[%d] = %v, want the bound %v", i, tau, want[i])
		}
	}
	for i, v := range p.M.Data {
		if math.IsNaN(float64(v)) || math.Abs(float64(v)) > 5*1.7159 {
			t.Errorf("m[%d] = %v outside the bound λ·1.7159", i, v)
		}
	}
}

func TestInitialProtoTauMNeuronIO(t *testing.T) {
	// REFERENCE-NOTES section 8: in float32 the first unit of [1, 150] has
	// τ_m = 1.0000009537 and p = -18.8669; the last has τ_m = 149.99998.
	p := InitialProtoTauM(1, 150, 20, 0)
	if math.Abs(float64(p[0])+18.8669) > 1e-4 {
		t.Errorf("p[0] = %v, want -18.8669", p[0])
	}
	one := InitialProtoTauM(1, 150, 1, 0)
	if one[0] != p[0] {
		t.Errorf("d_m 1 gives %v, want the start of the range %v", one[0], p[0])
	}
	sig := func(x float32) float64 { return 1 / (1 + math.Exp(-float64(x))) }
	if tau := 1 + 149*sig(p[19]); math.Abs(tau-149.99998) > 1e-4 {
		t.Errorf("last τ_m = %v, want 149.99998", tau)
	}
}

func TestInitialProtoTauMFiniteAtDefaultRange(t *testing.T) {
	// float32(1000 - 1e-6) = 1000: the authors' clip leaves τ = τ_max and p = +Inf. Ours
	// steps one float32 inside, so p is finite and τ_m is within one ulp of τ_max.
	for _, r := range [][2]float64{{1, 1000}, {1, 500}, {100, 1000}} {
		p := InitialProtoTauM(r[0], r[1], 5, 0)
		for i, v := range p {
			if math.IsInf(float64(v), 0) || math.IsNaN(float64(v)) {
				t.Errorf("range %v: p[%d] = %v", r, i, v)
			}
		}
		sig := func(x float32) float64 { return 1 / (1 + math.Exp(-float64(x))) }
		top := r[0] + (r[1]-r[0])*sig(p[4])
		if math.Abs(top-r[1]) > 1e-4*r[1] {
			t.Errorf("range %v: last τ_m %v, want about %v", r, top, r[1])
		}
	}
}

func TestPredictBadInput(t *testing.T) {
	m, err := New(NewSynapseTraceConfig(3, 1, 2))
	if err != nil {
		t.Fatal(err)
	}
	nan := float32(math.NaN())
	cases := []struct {
		b    *data.Batch
		text string
	}{
		0: {nil, "nil batch"},
		1: {&data.Batch{Size: 1, Steps: 2, Channels: 4, Dense: make([]float32, 8)},
			"batch has 4 input channels, the model has NumInput 3"},
		2: {&data.Batch{Size: 1, Steps: 2, Channels: 3, Dense: []float32{0, 0, 0, 0, nan, 0}},
			"dense input value 4 is NaN"},
		3: {&data.Batch{Size: 1, Steps: 2, Channels: 3, Dense: make([]float32, 5)},
			"dense input has 5 values, want 6"},
		4: {&data.Batch{Size: 1, Steps: 2, Channels: 3, Events: &data.Events{
			Step: []int32{1}, Seq: []int32{0}, Channel: []int32{2}, Value: []float32{nan}}},
			"input event 0 is NaN"},
	}
	for i, c := range cases {
		_, err := m.Predict(c.b)
		if err == nil || !strings.Contains(err.Error(), c.text) {
			t.Errorf("case %d: got %v, want %q", i, err, c.text)
		}
	}
}

// TestNoHiddenLayer: with MLPLayers 0 the MLP is one Linear layer (key mlp.network.0)
// and the model falls back to the reference implementation.
func TestNoHiddenLayer(t *testing.T) {
	cfg := NewSynapseTraceConfig(2, 1, 3)
	cfg.MLPLayers = 0
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if m.Implementation() != Reference || NumParams(cfg) != 2+(2+3)*3+3+3+1 {
		t.Errorf("implementation %s, %d params", m.Implementation(), NumParams(cfg))
	}
	sd, _ := m.StateDict()
	if w := sd[MLPKey(0, "weight")]; w == nil || w.Shape[0] != 3 || w.Shape[1] != 5 {
		t.Errorf("mlp.network.0.weight = %+v, want shape [3 5]", w)
	}
	b := &data.Batch{Size: 1, Steps: 3, Channels: 2, Dense: []float32{1, 0, 0, 1, 1, 1}}
	if _, err := m.Predict(b); err != nil {
		t.Fatal(err)
	}
	err = m.SetImplementation(Fast)
	if err == nil || !strings.Contains(err.Error(), "MLPLayers") {
		t.Errorf("Fast with MLPLayers 0: %v", err)
	}
	err = m.SetImplementation("quantum")
	if err == nil || !strings.Contains(err.Error(), "quantum") {
		t.Errorf("unknown implementation: %v", err)
	}
}

// TestArrayAt checks row-major indexing on a [2, 3] array (element (i, j) holds 10·i + j)
// and that a wrong number of indices or an index beyond its axis panics instead of
// reading another element.
func TestArrayAt(t *testing.T) {
	a := Array{Shape: []int{2, 3}, Data: []float32{0, 1, 2, 10, 11, 12}}
	if got := a.At(1, 2); got != 12 {
		t.Errorf("At(1, 2) = %v, want 12", got)
	}
	if got := a.At(0, 1); got != 1 {
		t.Errorf("At(0, 1) = %v, want 1", got)
	}
	for i, idx := range [][]int{{0, 3}, {1}, {0, 0, 0}, {-1, 0}} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "[2 3]") {
					t.Errorf("case %d: At%v recovered %v, want a panic naming shape [2 3]",
						i, idx, r)
				}
			}()
			a.At(idx...)
		}()
	}
}
