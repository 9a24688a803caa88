package views

import (
	"os"
	"path/filepath"
	"strconv"

	"github.com/elmneuron/elm/data"
)

// Path resolves a path relative to the notebook's directory (GoNB's GONB_DIR), or to the
// working directory outside a notebook.
func Path(rel string) string {
	if filepath.IsAbs(rel) {
		return rel
	}
	if dir := os.Getenv("GONB_DIR"); dir != "" {
		return filepath.Join(dir, rel)
	}
	return rel
}

// EnvInt returns the integer in the environment variable name, or def when it is unset or
// not an integer. Notebooks use it for budgets that a test run may shrink.
func EnvInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// BusiestSimulation returns the index of the simulation with the most output spikes among
// those with at most 24 (the authors' evaluation filter), so that a figure shows spikes
// without a burst-saturated trace; 0 when sims is empty.
func BusiestSimulation(sims []*data.Simulation) int {
	best, bestN := 0, -1
	for i, s := range sims {
		if n := len(s.OutputSpikes); n <= 24 && n > bestN {
			best, bestN = i, n
		}
	}
	return best
}

// BusiestWindow returns the start (a multiple of 100 ms) of the window of steps bins of sim
// that holds the most output spikes, the earliest on ties; 0 when sim is shorter than steps.
func BusiestWindow(sim *data.Simulation, steps int) int {
	best, bestN := 0, -1
	for start := 0; start+steps <= sim.Duration; start += 100 {
		n := 0
		for _, t := range sim.OutputSpikes {
			if int(t) >= start && int(t) < start+steps {
				n++
			}
		}
		if n > bestN {
			best, bestN = start, n
		}
	}
	return best
}
