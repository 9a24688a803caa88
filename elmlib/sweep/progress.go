package sweep

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// BestBy chooses the best result by one metric.
type BestBy struct {
	// Metric is the name of the metric in Result.Metrics; "" disables best tracking.
	Metric string
	// Maximize is true when larger is better (AUC), false when smaller is (loss, RMSE).
	Maximize bool
}

// Best returns the best of results (nil if none has a finite value of the metric).
func (by BestBy) Best(results []*Result) *Result {
	var best *Result
	for _, r := range results {
		if by.better(r, best) {
			best = r
		}
	}
	return best
}

// better reports whether a beats b (b may be nil). Failed results and results without a
// finite value of the metric never win.
func (by BestBy) better(a, b *Result) bool {
	va, ok := by.value(a)
	if !ok {
		return false
	}
	vb, ok := by.value(b)
	if !ok {
		return true
	}
	if by.Maximize {
		return va > vb
	}
	return va < vb
}

func (by BestBy) value(r *Result) (float64, bool) {
	if r == nil || r.Failed() || by.Metric == "" {
		return 0, false
	}
	v, ok := r.Metrics[by.Metric]
	return v, ok && !math.IsNaN(v) && !math.IsInf(v, 0)
}

// Progress is a snapshot of a sweep's state, for display.
type Progress struct {
	// Total is the number of runs in the sweep.
	Total int
	// Done counts finished runs, successful or failed, including those found in the store
	// at the start (Skipped of them).
	Done    int
	Skipped int
	// Failed counts finished runs that failed.
	Failed int
	// Running counts runs in progress; Pending = Total - Done - Running.
	Running int
	Pending int
	// Best is the best successful result so far by BestBy (nil if none).
	Best   *Result
	BestBy BestBy
	// Last is the most recently finished run (nil at the start).
	Last *Result
	// Problems are damaged results found in the store at the start.
	Problems []Problem
	// Errors are "name: first line of the error" of the most recent failed runs (at most
	// maxErrors, oldest first).
	Errors []string
	// Elapsed is the wall time since the sweep started (RunLocal) or was polled first (Wait).
	Elapsed time.Duration
}

// maxErrors bounds Progress.Errors.
const maxErrors = 5

// String renders the progress in one line, e.g.
// "12/40 done (3 from store), 2 running, 1 failed; best score=0.93 (tau_max=25,seed=1)".
func (p Progress) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d/%d done", p.Done, p.Total)
	if p.Skipped > 0 {
		fmt.Fprintf(&b, " (%d from store)", p.Skipped)
	}
	fmt.Fprintf(&b, ", %d running, %d failed", p.Running, p.Failed)
	if v, ok := p.BestBy.value(p.Best); ok {
		fmt.Fprintf(&b, "; best %s=%.4g (%s)", p.BestBy.Metric, v, p.Best.Name)
	}
	if len(p.Problems) > 0 {
		fmt.Fprintf(&b, "; %d damaged results re-run", len(p.Problems))
	}
	return b.String()
}

// tracker accumulates Progress.
type tracker struct {
	p     Progress
	start time.Time
}

func newTracker(total int, by BestBy, st *Status) *tracker {
	t := &tracker{p: Progress{Total: total, BestBy: by, Problems: st.Problems},
		start: time.Now()}
	for _, r := range st.Results {
		t.finish(r)
	}
	t.p.Skipped = len(st.Results)
	t.p.Last = nil
	t.update()
	return t
}

func (t *tracker) finish(r *Result) {
	t.p.Done++
	if r.Failed() {
		t.p.Failed++
		line, _, _ := strings.Cut(r.Error, "\n")
		t.p.Errors = append(t.p.Errors, r.Name+": "+line)
		if len(t.p.Errors) > maxErrors {
			t.p.Errors = t.p.Errors[len(t.p.Errors)-maxErrors:]
		}
	}
	if t.p.BestBy.better(r, t.p.Best) {
		t.p.Best = r
	}
	t.p.Last = r
	t.update()
}

func (t *tracker) update() {
	t.p.Pending = t.p.Total - t.p.Done - t.p.Running
	t.p.Elapsed = time.Since(t.start)
}
