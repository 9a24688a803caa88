package data

import "fmt"

// NeuronIO layout: 639 excitatory inputs followed by 639 inhibitory inputs, 1-ms bins.
const (
	NeuronIOExcitatory = 639
	NeuronIOInputs     = 2 * NeuronIOExcitatory
)

// Simulation is one recording in the NeuronIO layout, shared by the teacher neuron and the
// loader of the real NeuronIO files.
type Simulation struct {
	// Duration is the number of 1-ms bins.
	Duration int
	// InputSpikes[i] holds the sorted bins in which input i spiked; inputs
	// 0..NumExcitatory-1 are excitatory, the rest inhibitory.
	InputSpikes [][]int32
	// NumExcitatory is the number of excitatory inputs (NeuronIOExcitatory for NeuronIO).
	NumExcitatory int
	// SomaMV is the somatic voltage in mV at each bin, length Duration.
	SomaMV []float32
	// OutputSpikes holds the sorted bins with an output spike.
	OutputSpikes []int32
}

// Validate checks the simulation's internal consistency.
func (s *Simulation) Validate() error {
	if s.Duration <= 0 {
		return fmt.Errorf("data: simulation duration %d ms must be positive", s.Duration)
	}
	if len(s.SomaMV) != s.Duration {
		return fmt.Errorf("data: soma voltage has %d samples, want duration %d",
			len(s.SomaMV), s.Duration)
	}
	if s.NumExcitatory < 0 || s.NumExcitatory > len(s.InputSpikes) {
		return fmt.Errorf("data: %d excitatory inputs out of %d", s.NumExcitatory, len(s.InputSpikes))
	}
	for i, sp := range s.InputSpikes {
		for _, t := range sp {
			if t < 0 || int(t) >= s.Duration {
				return fmt.Errorf("data: input %d spikes at bin %d, outside 0..%d", i, t, s.Duration-1)
			}
		}
	}
	for _, t := range s.OutputSpikes {
		if t < 0 || int(t) >= s.Duration {
			return fmt.Errorf("data: output spike at bin %d, outside 0..%d", t, s.Duration-1)
		}
	}
	return nil
}

// Sign is the input value of a spike on input i: +1 excitatory, -1 inhibitory.
func (s *Simulation) Sign(i int) float32 {
	if i < s.NumExcitatory {
		return 1
	}
	return -1
}

// WindowBatch cuts the window [starts[k], starts[k]+steps) out of sims[k] for each k and
// returns them as one batch with sparse, signed spike input and Spike/Soma targets.
func WindowBatch(sims []*Simulation, starts []int, steps int) (*Batch, error) {
	if len(sims) == 0 || len(sims) != len(starts) {
		return nil, fmt.Errorf("data: window batch needs one start per simulation, got %d and %d",
			len(sims), len(starts))
	}
	nIn := len(sims[0].InputSpikes)
	b := &Batch{Size: len(sims), Steps: steps, Channels: nIn, Events: &Events{},
		Spike: make([]float32, len(sims)*steps), Soma: make([]float32, len(sims)*steps)}
	for k, s := range sims {
		st := starts[k]
		if len(s.InputSpikes) != nIn {
			return nil, fmt.Errorf("data: simulation %d has %d inputs, simulation 0 has %d",
				k, len(s.InputSpikes), nIn)
		}
		if st < 0 || st+steps > s.Duration {
			return nil, fmt.Errorf("data: window [%d, %d) outside simulation %d of %d ms",
				st, st+steps, k, s.Duration)
		}
		for i, sp := range s.InputSpikes {
			v := s.Sign(i)
			for _, t := range sp {
				if int(t) >= st && int(t) < st+steps {
					b.Events.Add(int(t)-st, k, i, v)
				}
			}
		}
		for _, t := range s.OutputSpikes {
			if int(t) >= st && int(t) < st+steps {
				b.Spike[k*steps+int(t)-st] = 1
			}
		}
		copy(b.Soma[k*steps:(k+1)*steps], s.SomaMV[st:st+steps])
	}
	return b, nil
}
