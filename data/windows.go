package data

import (
	"fmt"
	"io"
)

// Window is the window [Start, Start+Steps) of simulation Sim in an evaluation plan.
// Predictions for its steps [Fresh, Steps) cover bins that no earlier window of the plan
// covered; the steps before Fresh repeat bins of the previous window and serve as burn-in.
type Window struct {
	Sim, Start, Fresh int
}

// EvalWindows plans windows of steps bins over every simulation, in order: windows start at
// 0, stride, 2·stride, ... with stride = steps − overlap, and a last window ends exactly at
// the simulation's end. Taking steps [Fresh, steps) of every window covers each bin of each
// simulation exactly once. Simulations must be at least steps long and overlap must lie in
// 0..steps-1.
func EvalWindows(sims []*Simulation, steps, overlap int) ([]Window, error) {
	if err := checkWindowed(sims, steps, 1); err != nil {
		return nil, err
	}
	if overlap < 0 || overlap >= steps {
		return nil, fmt.Errorf("data: window overlap %d must lie in 0..%d", overlap, steps-1)
	}
	stride := steps - overlap
	var out []Window
	for i, s := range sims {
		covered := 0 // bins [0, covered) are covered by earlier windows
		for start := 0; covered < s.Duration; start += stride {
			start = min(start, s.Duration-steps)
			out = append(out, Window{Sim: i, Start: start, Fresh: covered - start})
			covered = start + steps
		}
	}
	return out, nil
}

// WindowIterator is a finite Source over a fixed plan of windows, for evaluation: it returns
// the windows in plan order in batches of batchSize (the last batch may be smaller), then
// io.EOF. Batch k holds windows Plan[k·batchSize : (k+1)·batchSize].
type WindowIterator struct {
	sims      []*Simulation
	plan      []Window
	steps     int
	batchSize int
	pos       int
	last      []Window
}

// NewWindowIterator returns an iterator over plan (e.g. from EvalWindows) with windows of
// steps bins, giving batches [≤batchSize, steps, inputs].
func NewWindowIterator(sims []*Simulation, plan []Window, steps, batchSize int) (
	*WindowIterator, error) {
	if err := checkWindowed(sims, steps, batchSize); err != nil {
		return nil, err
	}
	for k, w := range plan {
		if w.Sim < 0 || w.Sim >= len(sims) || w.Start < 0 || w.Start+steps > sims[w.Sim].Duration ||
			w.Fresh < 0 || w.Fresh > steps {
			return nil, fmt.Errorf("data: window %d (%+v) does not fit %d simulations with "+
				"windows of %d steps", k, w, len(sims), steps)
		}
	}
	return &WindowIterator{sims: sims, plan: plan, steps: steps, batchSize: batchSize}, nil
}

// NewEvalIterator is NewWindowIterator over EvalWindows(sims, steps, overlap).
func NewEvalIterator(sims []*Simulation, steps, overlap, batchSize int) (*WindowIterator,
	error) {
	plan, err := EvalWindows(sims, steps, overlap)
	if err != nil {
		return nil, err
	}
	return NewWindowIterator(sims, plan, steps, batchSize)
}

// Next returns the next batch, or io.EOF after the last window.
func (it *WindowIterator) Next() (*Batch, error) {
	if it.pos >= len(it.plan) {
		it.last = nil
		return nil, io.EOF
	}
	it.last = it.plan[it.pos:min(it.pos+it.batchSize, len(it.plan))]
	it.pos += len(it.last)
	sims := make([]*Simulation, len(it.last))
	starts := make([]int, len(it.last))
	for k, w := range it.last {
		sims[k], starts[k] = it.sims[w.Sim], w.Start
	}
	return WindowBatch(sims, starts, it.steps)
}

// Windows returns the windows of the batch Next returned last (nil after io.EOF).
func (it *WindowIterator) Windows() []Window { return it.last }

// Plan returns all windows in iteration order.
func (it *WindowIterator) Plan() []Window { return it.plan }

// Reset rewinds the iterator to the first window.
func (it *WindowIterator) Reset() { it.pos, it.last = 0, nil }
