package data

import (
	"fmt"
	"math/rand/v2"
)

// WindowSampler is an endless Source of training batches: each batch holds batchSize
// windows of Steps 1-ms bins, each from a simulation drawn uniformly at random and starting
// at a uniform random bin, so that every window lies inside its simulation. The draws come
// from a seeded generator: the same simulations, sizes and seed give the same batches.
type WindowSampler struct {
	sims      []*Simulation
	steps     int
	batchSize int
	rng       *rand.Rand
	picked    []*Simulation
	starts    []int
}

// NewWindowSampler checks that every simulation holds at least steps bins and has the same
// number of inputs, and returns a sampler of batches [batchSize, steps, inputs].
func NewWindowSampler(sims []*Simulation, steps, batchSize int, seed uint64) (*WindowSampler,
	error) {
	if err := checkWindowed(sims, steps, batchSize); err != nil {
		return nil, err
	}
	return &WindowSampler{sims: sims, steps: steps, batchSize: batchSize,
		rng:    rand.New(rand.NewPCG(seed, 0x77696e646f77)),
		picked: make([]*Simulation, batchSize), starts: make([]int, batchSize)}, nil
}

// Next returns the next batch of random windows; it never returns io.EOF.
func (s *WindowSampler) Next() (*Batch, error) {
	for k := range s.batchSize {
		sim := s.sims[s.rng.IntN(len(s.sims))]
		s.picked[k] = sim
		s.starts[k] = s.rng.IntN(sim.Duration - s.steps + 1)
	}
	return WindowBatch(s.picked, s.starts, s.steps)
}

// checkWindowed validates the arguments shared by the samplers and evaluation iterators.
func checkWindowed(sims []*Simulation, steps, batchSize int) error {
	if len(sims) == 0 {
		return fmt.Errorf("data: no simulations to cut windows from")
	}
	if steps <= 0 || batchSize <= 0 {
		return fmt.Errorf("data: window of %d steps and batch size %d must be positive",
			steps, batchSize)
	}
	for i, s := range sims {
		if s == nil {
			return fmt.Errorf("data: simulation %d is nil", i)
		}
		if s.Duration < steps {
			return fmt.Errorf("data: simulation %d lasts %d ms, shorter than a window of %d",
				i, s.Duration, steps)
		}
		if len(s.InputSpikes) != len(sims[0].InputSpikes) {
			return fmt.Errorf("data: simulation %d has %d inputs, simulation 0 has %d",
				i, len(s.InputSpikes), len(sims[0].InputSpikes))
		}
	}
	return nil
}
