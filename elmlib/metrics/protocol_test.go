package metrics

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/elmneuron/elm/data"
)

// makeSims builds n simulations of dur ms with 4 inputs (2 excitatory) firing at random, a
// soma trace with one value per ms and spikes[i] output spikes each.
func makeSims(n, dur int, spikes []int, seed uint64) []*data.Simulation {
	rng := rand.New(rand.NewPCG(seed, 1))
	sims := make([]*data.Simulation, n)
	for i := range sims {
		s := &data.Simulation{Duration: dur, NumExcitatory: 2, InputSpikes: make([][]int32, 4),
			SomaMV: make([]float32, dur)}
		for c := range s.InputSpikes {
			for t := 0; t < dur; t++ {
				if rng.Float64() < 0.05 {
					s.InputSpikes[c] = append(s.InputSpikes[c], int32(t))
				}
			}
		}
		for t := range s.SomaMV {
			s.SomaMV[t] = float32(-70 + 10*math.Sin(float64(t+97*i)/40))
		}
		for k := 0; k < spikes[i]; k++ {
			s.OutputSpikes = append(s.OutputSpikes, int32(37+k*(dur-40)/max(spikes[i], 1)))
		}
		sims[i] = s
	}
	return sims
}

// TestStitching uses a predictor that reports each step's position in its window (as soma)
// and the signed input sum at that step (as spike score). The stitched soma must be t for the
// first window and 150 + (t-500) mod 350 afterwards; the stitched input sum must equal the
// simulation's own input at t (so windows are cut, shifted and padded correctly).
func TestStitching(t *testing.T) {
	const dur = 6000
	sims := makeSims(3, dur, []int{1, 2, 3}, 1)
	p := RawProtocol()
	p.ClipSomaMV = math.NaN()
	p.BatchSize = 2
	calls := 0
	predict := func(b *data.Batch) ([]float32, []float32, error) {
		calls++
		if err := b.Validate(); err != nil {
			return nil, nil, err
		}
		x := b.DenseInput()
		spike := make([]float32, b.Size*b.Steps)
		soma := make([]float32, b.Size*b.Steps)
		for k := 0; k < b.Size; k++ {
			for s := 0; s < b.Steps; s++ {
				soma[k*b.Steps+s] = float32(s)
				for c := 0; c < b.Channels; c++ {
					spike[k*b.Steps+s] += x[(k*b.Steps+s)*b.Channels+c]
				}
			}
		}
		return spike, soma, nil
	}
	pr, err := Predict(sims, predict, p)
	if err != nil {
		t.Fatal(err)
	}
	// int(2 + 5500/350) = 17 windows, two batches each.
	if calls != 17*2 {
		t.Errorf("%d predictor calls, want 34", calls)
	}
	for i, s := range sims {
		in := make([]float64, dur)
		for c, sp := range s.InputSpikes {
			for _, tt := range sp {
				in[tt] += float64(s.Sign(c))
			}
		}
		for tt := 0; tt < dur; tt++ {
			want := float64(tt)
			if tt >= 500 {
				want = float64(150 + (tt-500)%350)
			}
			if pr.SomaPred[i][tt] != want {
				t.Fatalf("sim %d t %d: window position %v, want %v", i, tt, pr.SomaPred[i][tt], want)
			}
			if pr.SpikeProb[i][tt] != in[tt] {
				t.Fatalf("sim %d t %d: input sum %v, want %v", i, tt, pr.SpikeProb[i][tt], in[tt])
			}
		}
	}
}

func TestNumWindows(t *testing.T) {
	cases := []struct{ dur, w, b, want int }{
		{6000, 500, 150, 17}, // the paper's setting: int(2 + 15.71)
		{850, 500, 150, 3},   // int(2 + 1): the last window adds nothing, as in the authors' code
		{500, 500, 150, 2},
		{100, 500, 150, 1}, // shorter than a window: one padded window
		{6000, 1000, 500, 12},
	}
	for i, c := range cases {
		if got := numWindows(c.dur, c.w, c.b); got != c.want {
			t.Errorf("case %d: %d windows, want %d", i, got, c.want)
		}
	}
}

// perfect predicts the targets it is given (soma clipped at -55 mV like the target).
func perfect(b *data.Batch) ([]float32, []float32, error) {
	soma := make([]float32, len(b.Soma))
	for i, v := range b.Soma {
		soma[i] = min(v, -55)
	}
	return b.Spike, soma, nil
}

// TestAuthorsProtocol checks dropping, ignoring the start and rescaling on a perfect
// predictor and on a scaled, shifted one.
func TestAuthorsProtocol(t *testing.T) {
	sims := makeSims(4, 2000, []int{3, 24, 25, 40}, 2)
	res, err := Evaluate(sims, perfect, AuthorsProtocol())
	if err != nil {
		t.Fatal(err)
	}
	// 25 and 40 spikes are more than 24: two simulations dropped.
	if res.Simulations != 2 || res.Dropped != 2 {
		t.Errorf("scored %d, dropped %d; want 2 and 2", res.Simulations, res.Dropped)
	}
	if res.AUC != 1 || res.TPRAtFPR[0] != 1 || res.AUCAtFPR[1] != 1 {
		t.Errorf("perfect spikes: AUC %v TP %v AUC@FP %v", res.AUC, res.TPRAtFPR, res.AUCAtFPR)
	}
	if res.SomaRMSE > 1e-4 || res.SomaMAE > 1e-4 || math.Abs(res.SomaExplainedVariance-1) > 1e-9 {
		t.Errorf("perfect soma: RMSE %v MAE %v EV %v", res.SomaRMSE, res.SomaMAE,
			res.SomaExplainedVariance)
	}

	// A soma prediction 3·v + 40 is perfect after rescaling but not raw.
	affine := func(b *data.Batch) ([]float32, []float32, error) {
		sp, so, _ := perfect(b)
		for i := range so {
			so[i] = 3*so[i] + 40
		}
		return sp, so, nil
	}
	res, err = Evaluate(sims, affine, AuthorsProtocol())
	if err != nil {
		t.Fatal(err)
	}
	if res.SomaRMSE > 1e-4 {
		t.Errorf("rescaled affine soma: RMSE %v, want ~0", res.SomaRMSE)
	}
	raw, err := Evaluate(sims, affine, RawProtocol())
	if err != nil {
		t.Fatal(err)
	}
	if raw.Simulations != 4 || raw.Dropped != 0 || raw.SomaRMSE < 50 {
		t.Errorf("raw: %d sims, %d dropped, RMSE %v (want 4, 0, > 50 mV)", raw.Simulations,
			raw.Dropped, raw.SomaRMSE)
	}
}

// TestIgnoreStart: a predictor that is wrong only in the first 500 ms scores perfectly under
// the authors' protocol (which ignores them) but not in raw mode.
func TestIgnoreStart(t *testing.T) {
	sims := makeSims(2, 1500, []int{4, 4}, 3)
	sims[0].OutputSpikes = append([]int32{10}, sims[0].OutputSpikes...)
	p := AuthorsProtocol()
	p.BurnIn, p.Window = 0, 1500 // one window, so the batch step is the simulation time
	pred := func(b *data.Batch) ([]float32, []float32, error) {
		sp, so, err := perfect(b)
		sp = append([]float32(nil), sp...)
		for k := 0; k < b.Size; k++ {
			for s := 0; s < 500; s++ {
				sp[k*b.Steps+s] = 1 - sp[k*b.Steps+s]
			}
		}
		return sp, so, err
	}
	res, err := Evaluate(sims, pred, p)
	if err != nil {
		t.Fatal(err)
	}
	if res.AUC != 1 {
		t.Errorf("AUC ignoring the start %v, want 1", res.AUC)
	}
	p.IgnoreStart = 0
	if res, err = Evaluate(sims, pred, p); err != nil || res.AUC >= 0.9 {
		t.Errorf("AUC with the start %v (%v), want < 0.9", res.AUC, err)
	}
}

func TestProtocolErrors(t *testing.T) {
	sims := makeSims(2, 1000, []int{1, 1}, 4)
	bad := AuthorsProtocol()
	bad.BurnIn = 500
	nanPred := func(b *data.Batch) ([]float32, []float32, error) {
		sp, so, _ := perfect(b)
		so[3] = float32(math.NaN())
		return sp, so, nil
	}
	short := func(b *data.Batch) ([]float32, []float32, error) {
		return make([]float32, 3), make([]float32, 3), nil
	}
	other := makeSims(1, 800, []int{0}, 5)
	cases := []struct {
		sims []*data.Simulation
		pred Predictor
		p    Protocol
		want string
	}{
		{sims, perfect, bad, "burn-in 500 must be in [0, window 500)"},
		{sims, nanPred, AuthorsProtocol(), "simulation 0 at 3 ms: prediction spike 0, soma NaN"},
		{sims, short, AuthorsProtocol(), "returned 3 spike and 3 soma values, want 1000"},
		{append(sims, other...), perfect, AuthorsProtocol(), "simulation 2 lasts 800 ms"},
		{nil, perfect, AuthorsProtocol(), "no simulations"},
	}
	for i, c := range cases {
		_, err := Evaluate(c.sims, c.pred, c.p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("case %d: error %v, want %q", i, err, c.want)
		}
	}
}

func TestResultMap(t *testing.T) {
	r := &Result{AUC: 0.99, FPRs: []float64{0.0025, 0.01}, TPRAtFPR: []float64{0.3, 0.7},
		AUCAtFPR: []float64{0.2, 0.5}, SomaExplainedVariance: 0.95}
	m := r.Map()
	if m["TP @ 0.0025 FP"] != 0.3 || m["AUC @ 0.0100 FP"] != 0.5 ||
		m["soma_explained_variance_percent"] != 95 || m["AUC"] != 0.99 {
		t.Errorf("map %v", m)
	}
}
