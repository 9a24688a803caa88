package data

import "fmt"

// SplitSimulations divides sims into the first n and the rest, e.g. training and test
// simulations of a generated set. The slices share the simulations.
func SplitSimulations(sims []*Simulation, n int) (first, rest []*Simulation, err error) {
	if n <= 0 || n >= len(sims) {
		return nil, nil, fmt.Errorf("data: split at %d must lie in 1..%d for %d simulations",
			n, len(sims)-1, len(sims))
	}
	return sims[:n:n], sims[n:], nil
}
