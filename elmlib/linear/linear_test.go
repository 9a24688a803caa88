package linear

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/elmneuron/elm/data"
)

// synthetic returns a simulation with 8 inputs (4 excitatory) whose soma voltage is exactly
// -70 + 40·f_exc - 20·f_inh, where f_exc and f_inh are the τ = 10 ms filtered spike counts of
// excitatory group 0 (inputs 0,1) and inhibitory group 1 (inputs 6,7) with Groups = 2.
func synthetic(seed uint64, duration int) *data.Simulation {
	r := rand.New(rand.NewPCG(seed, 1))
	s := &data.Simulation{Duration: duration, NumExcitatory: 4, InputSpikes: make([][]int32, 8),
		SomaMV: make([]float32, duration)}
	kappa := math.Exp(-1.0 / 10)
	var fe, fi float64
	for t := 0; t < duration; t++ {
		var ne, ni float64
		for i := 0; i < 8; i++ {
			if r.Float64() < 0.05 {
				s.InputSpikes[i] = append(s.InputSpikes[i], int32(t))
				if i < 2 {
					ne++
				}
				if i >= 6 {
					ni++
				}
			}
		}
		fe = kappa*fe + (1-kappa)*ne
		fi = kappa*fi + (1-kappa)*ni
		s.SomaMV[t] = float32(-70 + 40*fe - 20*fi)
	}
	return s
}

func TestFitRecoversLinearTarget(t *testing.T) {
	cfg := Config{Groups: 2, TausMS: []float64{3, 10, 30}, Ridges: []float64{0, 1e-3},
		RowStride: 1, ClipMV: 0}
	train := []*data.Simulation{synthetic(1, 3000), synthetic(2, 3000)}
	val := []*data.Simulation{synthetic(3, 2000)}
	m, err := Fit(train, val, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Feature layout: τ index j, group g -> j*4+g; τ = 10 is j = 1; exc group 0 is g = 0 and
	// inh group 1 is g = 3. The exact weights are 40 and -20, bias -70.
	const tol = 1e-3
	want := map[int]float64{1*4 + 0: 40, 1*4 + 3: -20, len(m.SomaW) - 1: -70}
	for j, w := range m.SomaW {
		if math.Abs(w-want[j]) > tol {
			t.Errorf("soma weight %d = %g, want %g", j, w, want[j])
		}
	}
	if m.SomaRidge != 0 {
		t.Errorf("validation picked ridge %g for an exactly linear target, want 0", m.SomaRidge)
	}
	b, _ := data.WindowBatch([]*data.Simulation{val[0]}, []int{0}, 2000)
	_, v, err := m.PredictBatch(b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range v {
		if math.Abs(float64(v[i]-b.Soma[i])) > 1e-3 {
			t.Fatalf("step %d: predicted %g mV, target %g mV", i, v[i], b.Soma[i])
		}
	}
}

func TestFitErrors(t *testing.T) {
	good := []*data.Simulation{synthetic(1, 100)}
	odd := synthetic(2, 100)
	odd.InputSpikes = odd.InputSpikes[:6]
	bad := DefaultConfig()
	bad.TausMS = []float64{10, -1}
	for i, c := range []struct {
		train, val []*data.Simulation
		cfg        Config
		want       string
	}{
		{nil, nil, DefaultConfig(), "no training simulations"},
		{good, []*data.Simulation{odd}, DefaultConfig(), "simulation 1 has 6 inputs, want 8"},
		{good, nil, bad, "TausMS[1] = -1"},
		{good, nil, Config{Groups: 0, TausMS: []float64{1}, Ridges: []float64{0}, RowStride: 1},
			"Groups = 0"},
	} {
		_, err := Fit(c.train, c.val, c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("case %d: error %v, want it to contain %q", i, err, c.want)
		}
	}
	m, err := Fit(good, nil, Config{Groups: 2, TausMS: []float64{10}, Ridges: []float64{1e-3},
		RowStride: 1})
	if err != nil {
		t.Fatal(err)
	}
	b := &data.Batch{Size: 1, Steps: 5, Channels: 4, Dense: make([]float32, 20)}
	if _, _, err := m.PredictBatch(b); err == nil ||
		!strings.Contains(err.Error(), "4 input channels, model was fitted on 8") {
		t.Errorf("channel mismatch error = %v", err)
	}
}
