package teacher

import (
	"fmt"
	"math/rand/v2"
	"sync"

	"github.com/elmneuron/elm/data"
)

// splitMix64 is one step of the SplitMix64 mixer, used to derive independent stream seeds.
func splitMix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// simRNG is the random stream of simulation i of a data set with the given seed.
func simRNG(seed uint64, i int) *rand.Rand {
	a := splitMix64(seed ^ splitMix64(uint64(i)+0x5eed))
	return rand.New(rand.NewPCG(a, splitMix64(a)))
}

// Generate simulates cfg.NumSims simulations of cfg.DurationMS ms each and returns them in
// the NeuronIO layout: 1278 inputs (639 excitatory, then the 639 inhibitory ones of the
// same sites), the soma voltage in mV sampled at the start of each ms, and the output spike
// bins. Simulations run in parallel on cfg.Workers goroutines; simulation i depends only on
// (cfg, i), so the result does not depend on the number of workers.
func Generate(cfg Config) ([]*data.Simulation, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := newMorphology()
	sims := make([]*data.Simulation, cfg.NumSims)
	errs := make([]error, cfg.NumSims)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range cfg.workers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				sims[i], errs[i] = simulate(cfg, m, i)
			}
		}()
	}
	for i := range cfg.NumSims {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return sims, nil
}

// simulate generates simulation i of cfg.
func simulate(cfg Config, m *morphology, i int) (*data.Simulation, error) {
	in := genInputs(simRNG(cfg.Seed, i), cfg, m)
	nr := newNeuron(cfg, m)
	soma := make([]float32, cfg.DurationMS)
	spikes, ok := nr.run(in.exc, in.inh, cfg.DurationMS, soma, nil)
	if !ok {
		return nil, fmt.Errorf("teacher: simulation %d (seed %d, dt %g ms) diverged", i,
			cfg.Seed, cfg.DtMS)
	}
	return &data.Simulation{Duration: cfg.DurationMS, InputSpikes: in.spikes,
		NumExcitatory: numSites, SomaMV: soma, OutputSpikes: spikes}, nil
}
