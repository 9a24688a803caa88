package sweep

import (
	"context"
	"fmt"
	"runtime"
)

// LocalOptions configures RunLocal.
type LocalOptions struct {
	// Workers is the number of runs executed at once; 0 means runtime.NumCPU().
	Workers int
	// RetryFailed re-runs runs whose stored result is a failure.
	RetryFailed bool
	// BestBy picks the best result reported in Progress.
	BestBy BestBy
	// Progress, if set, is called at the start, whenever a run starts or finishes, and at
	// the end, always from the goroutine that called RunLocal.
	Progress func(Progress)
}

// Report is the outcome of RunLocal.
type Report struct {
	// Results are the finished runs in run order, including those found in the store.
	Results []*Result
	// Progress is the final progress.
	Progress Progress
}

// RunLocal executes the runs that the store does not hold yet on a pool of worker
// goroutines, storing each result as soon as it finishes, and returns all results. Runs
// already in the store are skipped. When ctx is cancelled, runs in progress are abandoned
// (not stored) and RunLocal returns ctx's error with the results finished so far. A store
// error stops the sweep and is returned; failures of runs are recorded in their results.
func RunLocal(ctx context.Context, st *Store, name string, runs []Run,
	opts LocalOptions) (*Report, error) {
	if err := st.Plan(name, runs); err != nil {
		return nil, err
	}
	status, err := st.Scan(runs, opts.RetryFailed)
	if err != nil {
		return nil, err
	}
	t := newTracker(len(runs), opts.BestBy, status)
	notify := func() {
		if opts.Progress != nil {
			opts.Progress(t.p)
		}
	}
	notify()

	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	type done struct {
		res *Result
		err error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan Run)
	results := make(chan done)
	for w := 0; w < workers; w++ {
		go func() {
			for r := range jobs {
				res, err := Execute(ctx, r, "local")
				if err == nil {
					err = st.Put(res)
				}
				results <- done{res, err}
			}
		}()
	}

	finished := map[string]*Result{}
	for _, r := range status.Results {
		finished[r.RunID] = r
	}
	var firstErr error
	next, inFlight := 0, 0
	for next < len(status.Pending) || inFlight > 0 {
		var send chan Run
		var r Run
		if next < len(status.Pending) && firstErr == nil && ctx.Err() == nil {
			send, r = jobs, status.Pending[next]
		}
		if send == nil && inFlight == 0 {
			break
		}
		select {
		case send <- r:
			next++
			inFlight++
			t.p.Running++
			t.update()
			notify()
		case d := <-results:
			inFlight--
			t.p.Running--
			if d.err != nil {
				if firstErr == nil {
					firstErr = d.err
					cancel()
				}
				t.update()
				notify()
				continue
			}
			finished[d.res.RunID] = d.res
			t.finish(d.res)
			notify()
		case <-ctx.Done():
			if firstErr == nil {
				firstErr = ctx.Err()
			}
			send = nil
			// Keep draining results of runs in flight.
			for inFlight > 0 {
				d := <-results
				inFlight--
				t.p.Running--
				if d.err == nil {
					finished[d.res.RunID] = d.res
					t.finish(d.res)
				}
			}
		}
	}
	close(jobs)
	if firstErr == nil && next < len(status.Pending) {
		// Cancelled while no run was in flight: the loop ended before the Done case.
		firstErr = ctx.Err()
	}

	rep := &Report{Progress: t.p}
	for _, r := range runs {
		if res, ok := finished[r.ID]; ok {
			res.Name, res.Sweep, res.Axes = r.Name, r.Sweep, r.Axes
			rep.Results = append(rep.Results, res)
		}
	}
	t.update()
	rep.Progress = t.p
	notify()
	if firstErr != nil {
		return rep, fmt.Errorf("sweep %q: %d of %d runs finished: %w",
			name, t.p.Done, len(runs), firstErr)
	}
	return rep, nil
}
