package experiment

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/elmneuron/elm/data"
	"github.com/elmneuron/elm/elmlib"
)

// published1 is the authors' smallest published model (d_m = 1), used as a fallback.
const published1 = "../../../shared/fixtures/pretrained/num_memory_1/neuronio_best_model_state.pt"

// smallModel is a model with 6 inputs on 3 branches of 2 synapses (no routing: synapse j
// reads input j; inputs 0-2 are excitatory, 3-5 inhibitory), 3 memory units, 2 outputs.
func smallModel(t *testing.T, variant elmlib.Variant) *elmlib.Model {
	t.Helper()
	var cfg elmlib.Config
	if variant == elmlib.BranchTrace {
		c := elmlib.NewBranchTraceConfig(6, 2, 3)
		c.NumBranch, c.SynapsesPerBranch, c.TauMMax, c.InitSeed = 3, 2, 100, 7
		cfg = c
	} else {
		c := elmlib.NewSynapseTraceConfig(6, 2, 3)
		c.NumBranch, c.SynapsesPerBranch, c.TauMMax, c.InitSeed = 3, 2, 100, 7
		cfg = c
	}
	m, err := elmlib.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// predictDense runs m on dense input [steps][inputs] (one sequence) and returns M [time][unit]
// and the branch drive [time][branch].
func predictDense(t *testing.T, m *elmlib.Model, x [][]float32) (mem, drive [][]float64) {
	t.Helper()
	b := &data.Batch{Size: 1, Steps: len(x), Channels: len(x[0])}
	for _, row := range x {
		b.Dense = append(b.Dense, row...)
	}
	p, err := m.Predict(b)
	if err != nil {
		t.Fatal(err)
	}
	for s := range len(x) {
		var mr, dr []float64
		for u := range p.M.Shape[2] {
			mr = append(mr, float64(p.M.At(0, s, u)))
		}
		for k := range p.Branch.Shape[2] {
			dr = append(dr, float64(p.Branch.At(0, s, k)))
		}
		mem, drive = append(mem, mr), append(drive, dr)
	}
	return mem, drive
}

func maxDiff(a, b [][]float64) float64 {
	d := 0.0
	for i := range a {
		for j := range a[i] {
			d = math.Max(d, math.Abs(a[i][j]-b[i][j]))
		}
	}
	return d
}

// The plain-Go cell must reproduce the library's forward pass (float32) on random input,
// and an impulse computed by the cell must equal the library's response to the same
// volley fed as input spikes (without routing, spiking a branch's inputs drives only it).
func TestCellAndImpulseMatchForward(t *testing.T) {
	const tol = 2e-5 // float32 forward against float64 cell
	for _, variant := range []elmlib.Variant{elmlib.SynapseTrace, elmlib.BranchTrace} {
		m := smallModel(t, variant)
		c, err := NewCell(m)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		x := make([][]float32, 80)
		for s := range x {
			x[s] = make([]float32, 6)
			for i := range x[s] {
				if rng.Float64() < 0.2 {
					x[s][i] = float32(1 - 2*(i/3)) // +1 excitatory, -1 inhibitory
				}
			}
		}
		mem, drive := predictDense(t, m, x)
		if d := maxDiff(c.Run(drive, nil), mem); d > tol {
			t.Errorf("%s: cell memory differs from the forward pass by %g", variant, d)
		}

		cases := []struct {
			branch int
			volley Volley
			inputs []int
			value  float32
		}{
			{0, VolleyExcitatory, []int{0, 1}, 1},
			{2, VolleyInhibitory, []int{4, 5}, -1},
			{1, VolleySigned, []int{2, 3}, 0}, // input 2 gets +1, input 3 gets -1
		}
		for k, tc := range cases {
			imp, err := c.ImpulseResponse(ImpulseOptions{Branch: tc.branch, Volley: tc.volley,
				Steps: 60, FromZero: true})
			if err != nil {
				t.Fatal(err)
			}
			in := make([][]float32, 60)
			for s := range in {
				in[s] = make([]float32, 6)
			}
			for _, i := range tc.inputs {
				in[0][i] = float32(1 - 2*(i/3))
			}
			with, _ := predictDense(t, m, in)
			without, _ := predictDense(t, m, make2D(60, 6))
			want := make([][]float64, 60)
			for s := range want {
				for u := range with[s] {
					want[s] = append(want[s], with[s][u]-without[s][u])
				}
			}
			if d := maxDiff(imp.Response, want); d > tol {
				t.Errorf("%s case %d: impulse response differs from the forward pass by %g",
					variant, k, d)
			}
			if imp.Synapses != len(tc.inputs) {
				t.Errorf("%s case %d: %d synapses spiked, want %d", variant, k, imp.Synapses,
					len(tc.inputs))
			}
		}
	}
}

func make2D(n, k int) [][]float32 {
	out := make([][]float32, n)
	for i := range out {
		out[i] = make([]float32, k)
	}
	return out
}

// handModel returns a model whose parameters are set by hand: 3 inputs, one synapse per
// branch (w_s = 0.5, τ_s tiny so that a trace lasts one step), one memory unit per entry
// of the MLP's output layer given, hidden width 2:
//
//	h0 = relu(c0 + c1 - 1),  h1 = relu(c0 + mw·κ_m m_0),  z_u = out[u][0]·h0 + out[u][1]·h1
//
// readout y0 = 2·m_0 + 0.3 (+ 2·m_1 ...), y1 = 0.
func handModel(t *testing.T, out [][2]float32, mw float32, tauMax float64) *elmlib.Model {
	t.Helper()
	cfg := elmlib.NewSynapseTraceConfig(3, 2, len(out))
	cfg.MLPHidden, cfg.TauMMax = 2, tauMax
	m, err := elmlib.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sd, err := m.StateDict()
	if err != nil {
		t.Fatal(err)
	}
	d := len(out)
	set := func(key string, v ...float32) {
		if len(v) != len(sd[key].F32) {
			t.Fatalf("%s: %d values for %d", key, len(v), len(sd[key].F32))
		}
		copy(sd[key].F32, v)
	}
	set(elmlib.KeyTauS, 1e-9, 1e-9, 1e-9)
	w0 := make([]float32, 2*(3+d))
	w0[0], w0[1] = 1, 1 // h0 reads c0 + c1
	w0[3+d] = 1         // h1 reads c0
	w0[3+d+3] = mw      // and the first memory unit
	set(elmlib.MLPKey(0, "weight"), w0...)
	set(elmlib.MLPKey(0, "bias"), -1, 0)
	var w1 []float32
	for _, o := range out {
		w1 = append(w1, o[0], o[1])
	}
	set(elmlib.MLPKey(1, "weight"), w1...)
	set(elmlib.MLPKey(1, "bias"), make([]float32, d)...)
	wy := make([]float32, 2*d)
	for u := range d {
		wy[u] = 2
	}
	set(elmlib.KeyWYWeight, wy...)
	set(elmlib.KeyWYBias, 0.3, 0)
	if err := m.LoadStateDict(sd); err != nil {
		t.Fatal(err)
	}
	return m
}

// Without memory feedback into the MLP and with a one-step trace, the volley writes into
// each unit once, Δm_u = 1.7159·tanh(⅔·z_u(c0 = 0.5)), and the unit then only leaks:
// response_u(t) = λ(1-κ_u)·Δm_u·κ_u^t, i.e. Leak times the first value, and DecayMS is the
// first whole step after τ_m.
func TestImpulseIsPureLeakWithoutFeedback(t *testing.T) {
	m := handModel(t, [][2]float32{{0, 1}, {0, -2}}, 0, 50) // z_0 = h1, z_1 = -2·h1
	imp, err := ImpulseResponse(m, ImpulseOptions{Branch: 0, Steps: 120})
	if err != nil {
		t.Fatal(err)
	}
	tau, _ := m.TauM()
	for u, scale := range []float64{1, -2} {
		kappa := math.Exp(-1 / float64(tau[u]))
		first := 5 * (1 - kappa) * 1.7159 * math.Tanh(2*scale*0.5/3) // c0 = w_s = 0.5
		for s := range 120 {
			want := first * math.Pow(kappa, float64(s))
			if got := imp.Response[s][u]; math.Abs(got-want) > 1e-12 {
				t.Fatalf("unit %d step %d: response %v, want %v", u, s, got, want)
			}
			if math.Abs(imp.Leak[s][u]-math.Pow(kappa, float64(s))) > 1e-15 {
				t.Fatalf("unit %d step %d: leak %v", u, s, imp.Leak[s][u])
			}
		}
		if want := math.Floor(float64(tau[u])) + 1; imp.DecayMS[u] != want ||
			imp.PeakMS[u] != 0 || imp.Peak[u] != imp.Response[0][u] {
			t.Errorf("unit %d (τ %v): peak %v at %v ms, decay %v ms, want decay %v", u, tau[u],
				imp.Peak[u], imp.PeakMS[u], imp.DecayMS[u], want)
		}
	}
	// Readout: y0 = 2·(m_0 + m_1), so its response is 2·(r_0 + r_1); the bias drops out.
	if got, want := imp.Output[3][0], 2*(imp.Response[3][0]+imp.Response[3][1]); got != want {
		t.Errorf("spike-logit response %v, want %v", got, want)
	}
	// At step 0 the fast unit 0 (gain 5(1-e^-1) = 3.16, positive) dominates the slow, negative
	// unit 1 (gain 0.099); it then decays within steps, so the output's largest magnitude is
	// its step-0 value, positive.
	if got, want := imp.OutputPeak[0], imp.Output[0][0]; got != want || want <= 0 {
		t.Errorf("output peak %v, want the positive step-0 value %v", got, want)
	}
	if imp.Amplitude != 0.5 || imp.Synapses != 1 || imp.Drive[1] != 0 {
		t.Errorf("volley amplitude %v on %d synapses, drive at 1 ms %v; want 0.5, 1, 0",
			imp.Amplitude, imp.Synapses, imp.Drive[1])
	}
	for u, r := range imp.Rest {
		if r != 0 {
			t.Errorf("rest state of a bias-free model: m[%d] = %v", u, r)
		}
	}
}

// The surface of the hand model against the formula: Δm(c) = 1.7159·tanh(⅔·(relu(cA+cB-1) +
// 0.5·relu(cA + κ·m0))), projected with 2·g (one step) or 2·λ (sustained).
func TestSurfaceByHand(t *testing.T) {
	m := handModel(t, [][2]float32{{1, 0.5}}, 1, 150)
	tau, _ := m.TauM()
	kappa := math.Exp(-1 / float64(tau[0]))
	relu := func(v float64) float64 { return math.Max(v, 0) }
	for _, tc := range []struct {
		sustained bool
		m0        float64
	}{{false, 0}, {true, 0}, {false, -0.8}} {
		o := SurfaceOptions{BranchA: 0, BranchB: 1, Max: 2, Points: 5, Sustained: tc.sustained,
			Memory: []float64{tc.m0}}
		s, err := IntegrationSurface(m, o)
		if err != nil {
			t.Fatal(err)
		}
		p := 2 * 5 * (1 - kappa)
		if tc.sustained {
			p = 2 * 5
		}
		dm := func(a, b float64) float64 {
			return 1.7159 * math.Tanh(2*(relu(a+b-1)+0.5*relu(a+kappa*tc.m0))/3)
		}
		e := func(a, b float64) float64 { return p * (dm(a, b) - dm(0, 0)) }
		supra, sub := 0.0, 0.0
		for j, cb := range []float64{0, 0.5, 1, 1.5, 2} {
			for i, ca := range []float64{0, 0.5, 1, 1.5, 2} {
				want := []float64{e(ca, cb), e(ca, 0) + e(0, cb), e(ca, cb) - e(ca, 0) - e(0, cb)}
				got := []float64{s.Effect[j][i], s.Additive[j][i], s.Interaction[j][i]}
				for k := range want {
					if math.Abs(got[k]-want[k]) > 1e-5 {
						t.Errorf("%+v: at (%v, %v) value %d = %v, want %v", tc, ca, cb, k,
							got[k], want[k])
					}
				}
				supra, sub = math.Max(supra, want[2]), math.Min(sub, want[2])
			}
		}
		// relu(cA+cB-1) makes coincident drive supralinear; tanh's saturation makes the
		// largest drives sublinear.
		if math.Abs(s.MaxSupra-supra) > 1e-5 || supra <= 0 || math.Abs(s.MaxSub-sub) > 1e-5 ||
			sub >= 0 {
			t.Errorf("%+v: MaxSupra %v (want %v > 0), MaxSub %v (want %v < 0)", tc, s.MaxSupra,
				supra, s.MaxSub, sub)
		}
	}

	// Branch 2 reaches no hidden unit: it ranks last with no effect; branch 0 first.
	c, _ := NewCell(m)
	rank, err := c.RankBranches(SurfaceOptions{Max: 2, Points: 5, FromZero: true})
	if err != nil {
		t.Fatal(err)
	}
	if rank[0].Branch != 0 || rank[2].Branch != 2 || rank[2].RMS != 0 {
		t.Errorf("branch ranking %+v, want 0 first and 2 last with RMS 0", rank)
	}
	o, err := c.SurfaceAt(&Operating{Drive: []float64{0.1, 0.2, 0.3}, Memory: []float64{0.4},
		DriveLo: -0.5, DriveHi: 1})
	if err != nil || o.Min != -1 || o.Max != 2 || o.BranchA != 0 || o.BranchB != 1 ||
		o.Memory[0] != 0.4 || o.Background[2] != 0.3 {
		t.Errorf("SurfaceAt: %+v, %v; want range [-1, 2], branches 0 and 1", o, err)
	}
}

func TestDynamicsBadInput(t *testing.T) {
	m := smallModel(t, elmlib.SynapseTrace)
	for _, tc := range []struct {
		err  error
		want string
	}{
		{impulseErr(m, ImpulseOptions{Branch: 3}), "branch 3 outside 0..2"},
		{impulseErr(m, ImpulseOptions{Branch: 0, Volley: "loud"}), `unknown volley "loud"`},
		{impulseErr(m, ImpulseOptions{Branch: 2}), "branch 2 has no valid synapse for a " +
			"excitatory volley"},
		{impulseErr(m, ImpulseOptions{Steps: -4}), "Steps = -4"},
		{surfaceErr(m, SurfaceOptions{BranchA: 1, BranchB: 1, Max: 1}), "got 1 twice"},
		{surfaceErr(m, SurfaceOptions{BranchA: 0, BranchB: 1, Min: 1, Max: 1}),
			"range [1, 1] is empty"},
		{surfaceErr(m, SurfaceOptions{BranchA: 0, BranchB: 1, Max: 1, Output: 2}),
			"output 2 outside 0..1"},
		{surfaceErr(m, SurfaceOptions{BranchA: 0, BranchB: 1, Max: math.NaN()}), "not finite"},
		{surfaceErr(m, SurfaceOptions{BranchA: 0, BranchB: 1, Max: 1, Memory: []float64{1}}),
			"Memory has 1 values for 3 memory units"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("error %v, want one containing %q", tc.err, tc.want)
		}
	}
}

func impulseErr(m *elmlib.Model, o ImpulseOptions) error {
	_, err := ImpulseResponse(m, o)
	return err
}

func surfaceErr(m *elmlib.Model, o SurfaceOptions) error {
	_, err := IntegrationSurface(m, o)
	return err
}

func TestOperatingPoint(t *testing.T) {
	// 200 steps, 2 branches, 1 unit: drive 0..199 on branch 0 and -1 on branch 1.
	p := &elmlib.Prediction{M: elmlib.Array{Shape: []int{1, 200, 1}},
		Branch: elmlib.Array{Shape: []int{1, 200, 2}}}
	for s := range 200 {
		p.M.Data = append(p.M.Data, 3)
		p.Branch.Data = append(p.Branch.Data, float32(s), -1)
	}
	op, err := OperatingPoint(p)
	if err != nil {
		t.Fatal(err)
	}
	// 400 sorted drives: 200 × -1, then 0..199; the 1% quantiles are elements 4 and 395.
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	if !near(op.Drive[0], 99.5) || !near(op.Drive[1], -1) || !near(op.Memory[0], 3) ||
		op.DriveLo != -1 || op.DriveHi != 195 {
		t.Errorf("operating point %+v", op)
	}
	if _, err := OperatingPoint(&elmlib.Prediction{}); err == nil {
		t.Error("a prediction without trajectories gave no error")
	}
}

func TestTauBeforeAfter(t *testing.T) {
	cfg := elmlib.NewSynapseTraceConfig(4, 1, 5)
	cfg.TauMMax, cfg.LearnTauM = 150, true
	m, err := elmlib.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := TauBeforeAfter(m)
	if err != nil {
		t.Fatal(err)
	}
	// Initial: log-spaced 1 .. 150 ms, ratio 150^(1/4) = 3.4996 between neighbours.
	for u := range 4 {
		if r := ts.Initial[u+1] / ts.Initial[u]; math.Abs(r-math.Pow(150, 0.25)) > 1e-4 {
			t.Errorf("initial τ ratio %d = %v", u, r)
		}
	}
	if !ts.Learnable || ts.MaxLogChange > 1e-5 {
		t.Errorf("fresh model: learnable %v, max log change %v", ts.Learnable, ts.MaxLogChange)
	}
	// Set p_τ = 0 for all units: τ = (1 + 150)/2 = 75.5, so the largest change is unit 0's,
	// ln(75.5/1.000001).
	sd, _ := m.StateDict()
	copy(sd[elmlib.KeyProtoTauM].F32, make([]float32, 5))
	if err := m.LoadStateDict(sd); err != nil {
		t.Fatal(err)
	}
	ts, _ = TauBeforeAfter(m)
	if want := math.Log(75.5 / 1.000001); math.Abs(ts.MaxLogChange-want) > 1e-5 ||
		math.Abs(ts.Trained[3]-75.5) > 1e-4 {
		t.Errorf("max log change %v (want %v), trained τ %v", ts.MaxLogChange, want, ts.Trained)
	}
}

func TestLoadInspectModel(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run")

	// No checkpoint: the published model, and the reason says so.
	got, err := LoadInspectModel(InspectOptions{CheckpointDir: run, PyTorchPath: published1})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Published || got.Model.Config().Shared().NumMemory != 1 ||
		!strings.Contains(got.Reason, "no checkpoint in "+filepath.Base(dir)+"/run") ||
		!strings.Contains(got.Reason, "num_memory_1") {
		t.Errorf("fallback: published %v, reason %q", got.Published, got.Reason)
	}

	// A checkpoint with 20 steps of history: used with MinSteps 20, not with 21.
	m := smallModel(t, elmlib.SynapseTrace)
	if err := m.SaveCheckpoint(run); err != nil {
		t.Fatal(err)
	}
	h, _ := json.Marshal(History{Steps: []int{10, 20}, Loss: []float64{1, 0.5}})
	if err := os.WriteFile(filepath.Join(run, HistoryFile), h, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err = LoadInspectModel(InspectOptions{CheckpointDir: run, MinSteps: 20,
		PyTorchPath: published1})
	if err != nil || got.Published || got.Steps != 20 ||
		got.Model.Config().Shared().NumMemory != 3 {
		t.Fatalf("checkpoint: %+v, %v", got, err)
	}
	got, err = LoadInspectModel(InspectOptions{CheckpointDir: run, MinSteps: 21,
		PyTorchPath: published1})
	if err != nil || !got.Published ||
		!strings.Contains(got.Reason, "has 20 training steps, fewer than 21") {
		t.Errorf("short checkpoint: %+v, %v", got, err)
	}

	// Nothing to load: the error says why.
	_, err = LoadInspectModel(InspectOptions{CheckpointDir: filepath.Join(dir, "none")})
	if err == nil || !strings.Contains(err.Error(), "no published model path") {
		t.Errorf("no model at all: %v", err)
	}
	// A corrupt history is an error, not a silent fallback.
	if err := os.WriteFile(filepath.Join(run, HistoryFile), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadInspectModel(InspectOptions{CheckpointDir: run,
		PyTorchPath: published1}); err == nil || !strings.Contains(err.Error(), "history") {
		t.Errorf("corrupt history: %v", err)
	}
}

// TestCellWrongLengthsPanic checks that Update and Readout refuse a drive or memory of the
// wrong length with a message naming the lengths, instead of cutting or misreading it.
func TestCellWrongLengthsPanic(t *testing.T) {
	c, err := NewCell(smallModel(t, elmlib.BranchTrace))
	if err != nil {
		t.Fatal(err)
	}
	nb, nm := c.NumBranch, c.NumMemory
	cases := []struct {
		what string
		call func()
	}{
		{"longer drive", func() { c.Update(make([]float64, nb+1), make([]float64, nm)) }},
		{"shorter memory", func() { c.Update(make([]float64, nb), make([]float64, nm-1)) }},
		{"readout memory", func() { c.Readout(make([]float64, nm+1)) }},
	}
	for i, tc := range cases {
		func() {
			defer func() {
				r := recover()
				msg := fmt.Sprint(r)
				if r == nil || !strings.Contains(msg, "experiment: Cell.") ||
					!strings.Contains(msg, "want [") {
					t.Errorf("case %d (%s): recovered %v, want a panic naming the lengths",
						i, tc.what, r)
				}
			}()
			tc.call()
		}()
	}
	if got := len(c.Update(make([]float64, nb), make([]float64, nm))); got != nm {
		t.Errorf("Update with the right lengths returned %d values, want %d", got, nm)
	}
}
