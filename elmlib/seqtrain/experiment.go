package seqtrain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/elmneuron/elm/elmlib"
)

// Experiment describes one comparison on one task: the data, the budget, which models,
// and an optional τ_max sweep of the ELM. Its JSON form is the cache key of RunCached.
type Experiment struct {
	// Task names the task (TaskNames).
	Task string `json:"task"`
	// TrainExamples and TestExamples are the numbers of examples loaded (LoadTask).
	TrainExamples int `json:"train_examples"`
	TestExamples  int `json:"test_examples"`
	// DataSeed seeds generated tasks (Pathfinder, ListOps).
	DataSeed uint64 `json:"data_seed"`
	// Budget is the training budget of every model.
	Budget Budget `json:"budget"`
	// Models lists the kinds compared (KindELM, KindLSTM); nil means both.
	Models []string `json:"models"`
	// LSTMHidden is the LSTM's hidden width; 0 matches the ELM's parameter count
	// (MatchedLSTMHidden).
	LSTMHidden int `json:"lstm_hidden"`
	// TauMax lists the τ_max values (ms) of the ELM sweep; empty means no sweep. A value
	// equal to the task's own τ_max reuses the compared ELM's row instead of training again.
	TauMax []float64 `json:"tau_max"`
	// Progress, when set, sees every training step (not part of the cache key).
	Progress Progress `json:"-"`
}

// Results are the outcome of an Experiment.
type Results struct {
	// Experiment is what was run.
	Experiment Experiment `json:"experiment"`
	// Compare holds one row per compared model; Sweep one ELM row per τ_max value.
	Compare []Row `json:"compare"`
	Sweep   []Row `json:"sweep"`
	// Machine describes where it ran: GOOS/GOARCH, CPUs, GOMLX_BACKEND.
	Machine string `json:"machine"`
	// Finished is when the run ended (UTC, RFC 3339).
	Finished string `json:"finished"`
}

// Run loads the task, trains and tests the models and the sweep, and returns the results.
func (e Experiment) Run() (*Results, error) {
	for _, k := range e.Models {
		if k != KindELM && k != KindLSTM {
			return nil, fmt.Errorf("seqtrain: unknown model kind %q (want %q or %q)", k, KindELM,
				KindLSTM)
		}
	}
	if e.Models != nil && len(e.Models) == 0 && len(e.TauMax) == 0 {
		return nil, errNoModels
	}
	t, err := LoadTask(e.Task, e.TrainExamples, e.TestExamples, e.DataSeed)
	if err != nil {
		return nil, err
	}
	return e.RunOn(t)
}

// RunOn runs the experiment on a task already loaded (e.Task and the example counts are
// not used to load it).
func (e Experiment) RunOn(t *Task) (*Results, error) {
	cfg, err := ELMConfig(t.Config)
	if err != nil {
		return nil, err
	}
	if _, err := e.Budget.resolved(t); err != nil {
		return nil, err
	}
	res := &Results{Experiment: e}
	want := func(kind string) bool { return e.Models == nil || slices.Contains(e.Models, kind) }
	if want(KindELM) {
		r, err := TrainELM(t, cfg, e.Budget, e.Progress)
		if err != nil {
			return nil, err
		}
		res.Compare = append(res.Compare, *r)
	}
	if want(KindLSTM) {
		hidden := e.LSTMHidden
		if hidden == 0 {
			hidden = MatchedLSTMHidden(t, elmlib.NumParams(cfg))
		}
		r, err := TrainLSTM(t, hidden, e.Budget, e.Progress)
		if err != nil {
			return nil, err
		}
		res.Compare = append(res.Compare, *r)
	}
	for _, tau := range e.TauMax {
		if len(res.Compare) > 0 && res.Compare[0].Kind == KindELM && res.Compare[0].TauMMax == tau {
			res.Sweep = append(res.Sweep, res.Compare[0]) // the same run: same config and budget
			continue
		}
		c, err := WithTauMax(cfg, tau)
		if err != nil {
			return nil, err
		}
		r, err := TrainELM(t, c, e.Budget, e.Progress)
		if err != nil {
			return nil, err
		}
		res.Sweep = append(res.Sweep, *r)
	}
	res.Machine = fmt.Sprintf("%s/%s, %d CPUs, GOMLX_BACKEND=%s", runtime.GOOS, runtime.GOARCH,
		runtime.NumCPU(), os.Getenv("GOMLX_BACKEND"))
	res.Finished = time.Now().UTC().Format(time.RFC3339)
	return res, nil
}

// RunCached returns the results stored at path when they were made by the same
// experiment (same JSON form), and otherwise runs it and stores the results there
// (creating the directory). A file that cannot be read as results is an error, so that
// a corrupt cache is noticed rather than silently replaced.
func (e Experiment) RunCached(path string) (*Results, error) {
	if _, err := os.Stat(path); err == nil {
		old, err := ReadResults(path)
		if err != nil {
			return nil, err
		}
		if sameExperiment(old.Experiment, e) {
			return old, nil
		}
	}
	res, err := e.Run()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("seqtrain: %w", err)
	}
	return res, WriteResults(path, res)
}

// CachePath returns the file in dir that RunCached should use for this experiment:
// "<task>-<steps>steps-<hash>.json", the hash taken over the experiment's JSON form, so that
// a notebook and the longrange command with the same settings share results.
func (e Experiment) CachePath(dir string) string {
	j, _ := json.Marshal(e) // plain values only: cannot fail
	h := fnv.New64a()
	h.Write(j)
	return filepath.Join(dir, fmt.Sprintf("%s-%dsteps-%016x.json", e.Task, e.Budget.Steps,
		h.Sum64()))
}

func sameExperiment(a, b Experiment) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}
