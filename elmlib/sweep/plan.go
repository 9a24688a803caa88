package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/elmneuron/elm/elmlib/internal/atomicfile"
)

// plan is the stored list of the most recently planned sweep's runs.
type plan struct {
	Sweep string   `json:"sweep"`
	IDs   []string `json:"ids"`
}

// Plan stores the specification of every run (runs/<id>.json) and the run list (plan.json),
// so that the elmsweep command and later sessions can find them by ID or position.
func (s *Store) Plan(name string, runs []Run) error {
	dir := filepath.Join(s.Dir, "runs")
	ids := make([]string, len(runs))
	for i, r := range runs {
		payload, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("sweep: encoding run %s (%s): %w", r.ID, r.Name, err)
		}
		if _, err := writeAtomic(dir, r.ID+".json", seal(runFormat, payload), true); err != nil {
			return err
		}
		ids[i] = r.ID
	}
	payload, _ := json.Marshal(plan{name, ids})
	_, err := writeAtomic(s.Dir, "plan.json", seal(planFormat, payload), true)
	return err
}

// LoadRun reads a planned run's specification by ID.
func (s *Store) LoadRun(id string) (Run, error) {
	if id == "" || strings.ContainsAny(id, `/\.`) {
		return Run{}, fmt.Errorf("sweep: invalid run ID %q", id)
	}
	path := filepath.Join(s.Dir, "runs", id+".json")
	payload, err := open(path, runFormat)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Run{}, fmt.Errorf("sweep: run %s is not planned in store %s: %w",
				id, s.Dir, err)
		}
		return Run{}, err
	}
	var r Run
	if err := json.Unmarshal(payload, &r); err != nil {
		return Run{}, &CorruptError{path, err.Error()}
	}
	if got := RunID(r.Kind, r.Config); got != id {
		return Run{}, &CorruptError{path, fmt.Sprintf("configuration hashes to %s", got)}
	}
	return r, nil
}

// LoadPlan returns the runs of the most recently planned sweep, in order, and its name.
func (s *Store) LoadPlan() (string, []Run, error) {
	payload, err := open(filepath.Join(s.Dir, "plan.json"), planFormat)
	if err != nil {
		return "", nil, err
	}
	var p plan
	if err := json.Unmarshal(payload, &p); err != nil {
		return "", nil, &CorruptError{filepath.Join(s.Dir, "plan.json"), err.Error()}
	}
	runs := make([]Run, len(p.IDs))
	for i, id := range p.IDs {
		if runs[i], err = s.LoadRun(id); err != nil {
			return "", nil, err
		}
		runs[i].Index = i
	}
	return p.Sweep, runs, nil
}

// Status is what a store holds for a list of runs.
type Status struct {
	// Results are the finished runs (successful and failed) in run order; their identity
	// fields (Name, Sweep, Axes) are those of the runs asked about.
	Results []*Result
	// Pending are the runs without a result (or with a failed one, when retrying).
	Pending []Run
	// Failed counts the failed results among Results.
	Failed int
	// Problems are the damaged results found; each was moved aside and its run is pending.
	Problems []Problem
}

// Scan reads the results of runs. A failed result counts as finished unless retryFailed.
// Damaged results are moved aside and reported in Status.Problems; a result of another
// format version is an error, since it cannot be read and must not be overwritten.
func (s *Store) Scan(runs []Run, retryFailed bool) (*Status, error) {
	st := &Status{}
	for _, r := range runs {
		res, err := s.Get(r.ID)
		var corrupt *CorruptError
		switch {
		case errors.Is(err, fs.ErrNotExist):
			st.Pending = append(st.Pending, r)
		case errors.As(err, &corrupt):
			to, qerr := quarantine(s.ResultPath(r.ID))
			if qerr != nil {
				return nil, qerr
			}
			st.Problems = append(st.Problems, Problem{r.ID, corrupt.Path, to, err})
			st.Pending = append(st.Pending, r)
		case err != nil:
			return nil, err
		case res.Failed() && retryFailed:
			st.Pending = append(st.Pending, r)
		default:
			res.Name, res.Sweep, res.Axes = r.Name, r.Sweep, r.Axes
			st.Results = append(st.Results, res)
			if res.Failed() {
				st.Failed++
			}
		}
	}
	return st, nil
}

// Collect returns the finished results of runs in run order (see Scan).
func (s *Store) Collect(runs []Run) ([]*Result, []Problem, error) {
	st, err := s.Scan(runs, false)
	if err != nil {
		return nil, nil, err
	}
	return st.Results, st.Problems, nil
}

// StrayTemps lists temporary files in the results directory: left by killed writers, or
// being written right now by another process. They are never read as results.
func (s *Store) StrayTemps() ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(s.Dir, "results"))
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), atomicfile.TempPrefix) {
			out = append(out, e.Name())
		}
	}
	return out, nil
}
