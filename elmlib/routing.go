package elmlib

import "math/rand/v2"

// SynapseRouting says which input each synapse reads. Synapses are branch-major:
// synapse j belongs to branch j / SynapsesPerBranch.
type SynapseRouting struct {
	// Input[j] is the input index read by synapse j, [num_synapses].
	Input []int64
	// Valid[j] is false for a masked slot, which always sees 0, [num_synapses].
	Valid []bool
}

// InterleaveExcInh returns the NeuronIO input order that alternates the first half
// (excitatory) and second half (inhibitory) of n inputs: position p reads input
// (p mod 2)·(n/2) + p/2, so the order is exc0, inh0, exc1, inh1, ...
func InterleaveExcInh(n int) []int64 {
	order := make([]int64, n)
	for p := range order {
		order[p] = int64((p%2)*(n/2) + p/2)
	}
	return order
}

// NewRouting returns the routing that cfg describes. RoutingNone gives synapse j input j;
// RoutingRandom draws inputs with a PCG generator seeded by RoutingSeed; RoutingNeuronIO
// gives branch b, slot k the interleaved position b·ceil(n_in/n_b) + k, masked past the
// end. All slots are valid except those NeuronIO masks. The configuration must be valid.
func NewRouting(cfg Config) (*SynapseRouting, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := cfg.Shared()
	n := c.NumSynapses()
	r := &SynapseRouting{Input: make([]int64, n), Valid: make([]bool, n)}
	switch c.Routing {
	case RoutingNone:
		for j := range r.Input {
			r.Input[j], r.Valid[j] = int64(j), true
		}
	case RoutingRandom:
		rng := rand.New(rand.NewPCG(c.RoutingSeed, 0x5eed))
		for j := range r.Input {
			r.Input[j], r.Valid[j] = int64(rng.IntN(c.NumInput)), true
		}
	case RoutingNeuronIO:
		neuronIOWindows(r, c.NumInput, c.NumBranches(), c.SynapsesPerBranch)
	}
	return r, nil
}

// neuronIOWindows fills r with overlapping windows over the interleaved inputs.
func neuronIOWindows(r *SynapseRouting, nIn, nb, spb int) {
	order := InterleaveExcInh(nIn)
	stride := (nIn + nb - 1) / nb
	for b := range nb {
		for k := range spb {
			pos := b*stride + k
			j := b*spb + k
			r.Valid[j] = pos < nIn
			r.Input[j] = order[min(pos, nIn-1)]
		}
	}
}

// NumValid returns the number of unmasked synapses.
func (r *SynapseRouting) NumValid() int {
	n := 0
	for _, v := range r.Valid {
		if v {
			n++
		}
	}
	return n
}
