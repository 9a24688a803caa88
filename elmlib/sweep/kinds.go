package sweep

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"
)

// RunFunc executes one run and returns its result: Metrics, TauMInit, TauM, Curve and
// Params. The runner fills the identity, timing and error fields, so a RunFunc may leave
// them empty. A RunFunc must return promptly with ctx.Err() when ctx is cancelled; a
// cancelled run is not recorded and stays pending. Any other error (or a panic) is recorded
// as a failed result.
type RunFunc func(ctx context.Context, run Run) (*Result, error)

type runKind struct {
	run      RunFunc
	validate ValidateFunc
}

var (
	kindsMu sync.RWMutex
	kinds   = map[string]runKind{}
)

// RegisterRunKind registers fn and its configuration validator under name, replacing an
// earlier registration; a nil validate means ValidateModel. Register the same kinds in
// every process that executes runs: the notebook or program that calls RunLocal, and the
// elmsweep command that Slurm runs (elmlib/cmd/elmsweep/kinds.go).
func RegisterRunKind(name string, fn RunFunc, validate ValidateFunc) {
	if name == "" || fn == nil {
		panic("sweep.RegisterRunKind: empty name or nil RunFunc")
	}
	kindsMu.Lock()
	defer kindsMu.Unlock()
	if validate == nil {
		validate = ValidateModel
	}
	kinds[name] = runKind{fn, validate}
}

// RunKinds returns the registered run kind names, sorted.
func RunKinds() []string {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	names := make([]string, 0, len(kinds))
	for n := range kinds {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func lookupKind(name string) (RunFunc, error) {
	kindsMu.RLock()
	k, ok := kinds[name]
	kindsMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("sweep: run kind %q is not registered (registered: %s)",
			name, strings.Join(RunKinds(), ", "))
	}
	return k.run, nil
}

func kindValidator(name string) ValidateFunc {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	return kinds[name].validate
}

// Execute runs one run with its registered kind and returns the filled-in result, without
// storing it. It returns an error only when ctx was cancelled (the run is then not
// finished); a failure of the run itself, including a panic, is reported in Result.Error.
func Execute(ctx context.Context, run Run, worker string) (*Result, error) {
	start := time.Now()
	res, err := callKind(ctx, run)
	if err != nil && ctx.Err() != nil {
		return nil, fmt.Errorf("sweep: run %s (%s) cancelled: %w", run.ID, run.Name, ctx.Err())
	}
	if res == nil {
		res = &Result{}
	}
	if err != nil {
		res.Error = err.Error()
	}
	res.RunID, res.Name, res.Sweep, res.Kind = run.ID, run.Name, run.Sweep, run.Kind
	res.Axes, res.Config = run.Axes, run.Config
	res.Started = start.UTC()
	res.WallSeconds = time.Since(start).Seconds()
	res.Host, _ = os.Hostname()
	res.Worker = worker
	return res, nil
}

// callKind calls the run's kind, turning a panic into an error.
func callKind(ctx context.Context, run Run) (res *Result, err error) {
	fn, err := lookupKind(run.Kind)
	if err != nil {
		return nil, err
	}
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("run kind %q panicked: %v\n%s", run.Kind, p, debug.Stack())
		}
	}()
	return fn(ctx, run)
}
