package teacher

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/elmneuron/elm/data"
)

func TestValidateNamesTheField(t *testing.T) {
	cases := []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.NumSims = 0 }, "NumSims = 0"},
		{func(c *Config) { c.DurationMS = -5 }, "DurationMS = -5"},
		{func(c *Config) { c.DtMS = 0 }, "DtMS = 0"},
		{func(c *Config) { c.DtMS = 0.3 }, "DtMS = 0.3 does not divide"},
		{func(c *Config) { c.DriveMin = 0.8; c.DriveMax = 0.2 }, "DriveMin = 0.8"},
		{func(c *Config) { c.NMDAnS = -1 }, "NMDAnS = -1"},
		{func(c *Config) { c.GABAnS = math.NaN() }, "GABAnS = NaN"},
		{func(c *Config) { c.Workers = -2 }, "Workers = -2"},
	}
	for i, tc := range cases {
		cfg := DefaultConfig()
		tc.edit(&cfg)
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: error %v, want one containing %q", i, err, tc.want)
		}
		if _, gerr := Generate(cfg); gerr == nil {
			t.Errorf("case %d: Generate accepted an invalid config", i)
		}
	}
	if err := DefaultConfig().Validate(); err != nil {
		t.Errorf("default config: %v", err)
	}
}

// TestSameSeedSameData: equal configs give identical data whatever the number of workers,
// the first simulations of a larger set equal a smaller set, and another seed differs.
func TestSameSeedSameData(t *testing.T) {
	cfg := DefaultConfig()
	cfg.NumSims, cfg.DurationMS, cfg.Seed, cfg.Workers = 4, 1000, 42, 1
	a := mustGenerate(t, cfg)
	cfg.Workers = 3
	b := mustGenerate(t, cfg)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different worker count: data differ")
	}
	cfg.NumSims = 2
	if c := mustGenerate(t, cfg); !reflect.DeepEqual(c, a[:2]) {
		t.Error("the first 2 of 4 simulations differ from a 2-simulation set")
	}
	cfg.Seed = 43
	if d := mustGenerate(t, cfg); reflect.DeepEqual(d[0].InputSpikes, a[0].InputSpikes) {
		t.Error("seeds 42 and 43 gave the same input")
	}
	for i, s := range a {
		if err := s.Validate(); err != nil {
			t.Errorf("simulation %d: %v", i, err)
		}
		if len(s.InputSpikes) != data.NeuronIOInputs || s.NumExcitatory != data.NeuronIOExcitatory {
			t.Errorf("simulation %d has %d inputs, %d excitatory", i, len(s.InputSpikes),
				s.NumExcitatory)
		}
	}
}

func mustGenerate(t testing.TB, cfg Config) []*data.Simulation {
	t.Helper()
	sims, err := Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return sims
}

// TestOutputStatistics checks the default data set (128 simulations of 6 s, about 7 s on
// 2 idle cores; skipped with -short). Ranges: mean rate 0.5–5 Hz; a spread from silence
// to bursts (10–80 % silent, 90th percentile at least 5 Hz, max at least 15 Hz); median
// soma voltage within 4 mV of rest; 0.1–3 % of samples above -55 mV; 4–10 Hz per input
// channel; at least 30 % of the inter-spike intervals under 10 ms (bursts).
func TestOutputStatistics(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 128 simulations of 6 s")
	}
	cfg := DefaultConfig()
	st := Summarize(mustGenerate(t, cfg))
	t.Log(st)
	silent := float64(st.Silent) / float64(st.Sims)
	checks := []struct {
		name   string
		v      float64
		lo, hi float64
	}{
		{"mean rate Hz", st.MeanHz, 0.5, 5},
		{"silent fraction", silent, 0.1, 0.8},
		{"p90 rate Hz", st.P90Hz, 5, 100},
		{"max rate Hz", st.MaxHz, 15, 200},
		{"median soma mV", st.SomaPercentiles[3], -74, -66},
		{"fraction above -55 mV", st.AboveMinus55, 0.001, 0.03},
		{"input rate Hz", st.InputHz, 4, 10},
		{"ISIs under 10 ms", st.ShortISIs, 0.3, 1},
	}
	for _, c := range checks {
		if c.v < c.lo || c.v > c.hi {
			t.Errorf("%s = %.4g, want in [%g, %g]", c.name, c.v, c.lo, c.hi)
		}
	}
}

// TestHalvingDtKeepsSpikes generates 8 simulations of 3 s at dt = 0.1 ms and at 0.05 ms
// (same input). The model is chaotic at the spike level (a 1e-6 mV nudge moves spikes), so
// the tolerance is statistical: total spike counts within 5 %, at most 5 % of the spikes
// without a partner within ±5 ms, at least half the pairs in the same 1-ms bin, and a
// clipped soma RMSE under 0.5 mV. Measured on 16 × 6 s (seed 7): counts 251 vs 252,
// 5 unmatched, 69 % same bin, RMSE 0.21 mV.
func TestHalvingDtKeepsSpikes(t *testing.T) {
	cfg := DefaultConfig()
	cfg.NumSims, cfg.DurationMS, cfg.Seed = 8, 3000, 7
	cfg.DriveMin = 0.5 // most simulations fire
	a := mustGenerate(t, cfg)
	cfg.DtMS = 0.05
	b := mustGenerate(t, cfg)
	r := CompareSpikes(a, b, 5)
	t.Logf("%+v", r)
	if r.SpikesA < 50 {
		t.Fatalf("only %d spikes at dt 0.1, too few to compare", r.SpikesA)
	}
	total := float64(r.SpikesA + r.SpikesB)
	if d := float64(r.SpikesA - r.SpikesB); d*d > 0.05*0.05*float64(r.SpikesA*r.SpikesA) {
		t.Errorf("spike counts %d (dt 0.1) and %d (dt 0.05) differ by more than 5 %%",
			r.SpikesA, r.SpikesB)
	}
	if float64(r.Unmatched) > 0.05*total {
		t.Errorf("%d of %d spikes have no partner within ±5 ms", r.Unmatched, int(total))
	}
	if matched := (total - float64(r.Unmatched)) / 2; float64(r.SameBin) < 0.5*matched {
		t.Errorf("only %d of %.0f matched spikes in the same bin", r.SameBin, matched)
	}
	if r.ClippedRMSE > 0.5 {
		t.Errorf("clipped soma RMSE %.3f mV between dt 0.1 and 0.05, want < 0.5", r.ClippedRMSE)
	}
}
