package teacher

import (
	"testing"
)

// BenchmarkGenerateDefault generates the default training set (128 simulations of 6 s at
// dt = 0.1 ms) on GOMAXPROCS workers. Run with
//
//	go test ./data/teacher -run '^$' -bench GenerateDefault -benchtime 1x
func BenchmarkGenerateDefault(b *testing.B) {
	cfg := DefaultConfig()
	for b.Loop() {
		mustGenerate(b, cfg)
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/set")
}

// BenchmarkOneSimulation generates one 6-s simulation on one goroutine, split into the
// input draw and the neuron.
func BenchmarkOneSimulation(b *testing.B) {
	cfg := DefaultConfig()
	m := newMorphology()
	b.Run("inputs", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			genInputs(simRNG(cfg.Seed, i%128), cfg, m)
		}
	})
	b.Run("inputs+neuron", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := simulate(cfg, m, i%128); err != nil {
				b.Fatal(err)
			}
		}
	})
}
