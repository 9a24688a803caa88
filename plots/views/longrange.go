package views

import (
	"fmt"
	"strings"

	"github.com/elmneuron/elm/data/seqtasks"
	"github.com/elmneuron/elm/elmlib"
	"github.com/elmneuron/elm/elmlib/baseline"
	"github.com/elmneuron/elm/elmlib/seqtrain"
	"github.com/elmneuron/elm/plots"
)

// SequenceImage draws example i of set as the model reads it, from the set's [Steps,
// Channels] input: time steps left to right (the x axis), input channel c (e.g. grey bin c)
// in row c from the top (the y axis).
func SequenceImage(set *seqtasks.Set, i int, title string) (*plots.Chart, error) {
	if i < 0 || i >= set.Len() {
		return nil, fmt.Errorf("views: example %d outside 0..%d of %s", i, set.Len()-1, set.Name)
	}
	in := set.Input(i)
	px := make([]float64, len(in))
	for t := 0; t < set.Steps; t++ {
		for c := 0; c < set.Channels; c++ {
			px[c*set.Steps+t] = float64(in[t*set.Channels+c])
		}
	}
	return plots.GreyImage(px, set.Channels, set.Steps, plots.ImageOptions{
		Frame: plots.Frame{Title: title, Width: plots.DefaultWidth, Height: 260},
		Label: fmt.Sprintf("%s: %d steps × %d inputs, label %d", set.Name, set.Steps,
			set.Channels, set.Labels[i])})
}

// LongRangeTable lists parameters, test accuracy and training time of the compared models
// of the results (seqtrain.TableHeader; the τ_max sweep is left to TauMaxSweep), with the
// budgets and the machine in the note. Nil entries (runs not done) are left out.
func LongRangeTable(caption string, all ...*seqtrain.Results) plots.Table {
	var results []*seqtrain.Results
	for _, r := range all {
		if r != nil {
			results = append(results, r)
		}
	}
	var notes []string
	for _, r := range results {
		e := r.Experiment
		notes = append(notes, fmt.Sprintf("%s: %d training / %d test examples", e.Task,
			e.TrainExamples, e.TestExamples))
	}
	if len(results) > 0 {
		notes = append(notes, "Adam, constant learning rate, same batches for every model; "+
			"training time includes graph compilation; ms / step excludes the first step; "+
			results[0].Machine)
	}
	return plots.Table{Caption: caption, Header: seqtrain.TableHeader,
		Rows: seqtrain.CompareRows(results...), Note: strings.Join(notes, "; ")}
}

// TauMaxSweep draws the ELM's test accuracy (%) against τ_max from the sweep of res, with
// the compared LSTM's accuracy as a flat reference line when res has one.
func TauMaxSweep(res *seqtrain.Results) (*plots.Chart, error) {
	if res == nil {
		return nil, fmt.Errorf("views: no long-range results to draw")
	}
	if len(res.Sweep) == 0 {
		return nil, fmt.Errorf("views: results of %s have no τ_max sweep", res.Experiment.Task)
	}
	elm := plots.Variant{Name: res.Sweep[0].Model}
	for _, r := range res.Sweep {
		elm.X = append(elm.X, r.TauMMax)
		elm.Values = append(elm.Values, []float64{100 * r.Accuracy})
	}
	variants := []plots.Variant{elm}
	for _, r := range res.Compare {
		if r.Kind != seqtrain.KindLSTM {
			continue
		}
		ref := plots.Variant{Name: r.Model + " (no τ)", X: elm.X}
		for range elm.X {
			ref.Values = append(ref.Values, []float64{100 * r.Accuracy})
		}
		variants = append(variants, ref)
	}
	r0 := res.Sweep[0]
	return plots.MetricVsTauMax(variants, plots.SweepOptions{Metric: "test accuracy (%)",
		Frame: plots.Frame{Title: "Accuracy vs τ_max on " + r0.Task,
			Subtitle: fmt.Sprintf("%d steps × batch %d per model, %d test examples, one seed",
				r0.Budget.Steps, r0.Budget.Batch, r0.TestExamples)}})
}

// SeqLength is a workload to extrapolate measured step costs to.
type SeqLength struct {
	// Name labels the workload, e.g. "Path-X".
	Name string
	// Steps is the sequence length, Examples the training examples of one epoch.
	Steps, Examples int
	// Task, when set, restricts the estimate to models measured on that task (the cost per
	// time step depends on the input width, so extrapolate within a family of tasks).
	Task string
}

// StepCosts extrapolates the measured steady step cost of each compared model, linearly in
// the sequence length (the unrolled graph costs the same per time step), to the
// targets: seconds per optimiser step at the model's batch size, and hours per epoch.
func StepCosts(caption string, results []*seqtrain.Results, targets []SeqLength) plots.Table {
	t := plots.Table{Caption: caption, Header: []string{"model", "measured on", "ms / step",
		"ms per time step", "workload", "sequence length", "s / step (est.)",
		"one epoch (h, est.)"}}
	for _, res := range results {
		for _, r := range res.Compare {
			perT := r.MillisPerTimeStep()
			for _, g := range targets {
				if g.Task != "" && g.Task != r.Task {
					continue
				}
				step := perT * float64(g.Steps) / 1e3
				epoch := step * float64((g.Examples+r.Budget.Batch-1)/r.Budget.Batch) / 3600
				t.Rows = append(t.Rows, []string{r.Model,
					fmt.Sprintf("%s (T = %d, batch %d)", r.Task, r.Steps, r.Budget.Batch),
					fmt.Sprintf("%.0f", r.StepMillis), fmt.Sprintf("%.2f", perT), g.Name,
					fmt.Sprint(g.Steps), fmt.Sprintf("%.2f", step), fmt.Sprintf("%.2f", epoch)})
			}
		}
	}
	t.Note = "Estimates assume the cost per time step measured above stays constant with the " +
		"sequence length and the input width; graph build and compile time (also linear in T) " +
		"come on top."
	return t
}

// LiveTraining returns a seqtrain.Progress that shows one live loss line per model (each
// expecting steps steps) in the notebook, and a function to call when training is over.
// Outside a notebook nothing is shown.
func LiveTraining(task string, steps int) (progress seqtrain.Progress, done func()) {
	var cur *plots.Progress
	var model string
	progress = func(m string, step int, loss float64) {
		if m != model || cur == nil {
			if cur != nil {
				cur.Done()
			}
			model = m
			cur = plots.NewProgress(fmt.Sprintf("%s on %s", m, task), "loss", steps)
		}
		cur.Add(step+1, loss)
	}
	done = func() {
		if cur != nil {
			cur.Done()
		}
	}
	return progress, done
}

// TaskSettings lists, per task, the sequence shape, the ELM settings of
// seqtasks.TaskConfigs, the ELM's parameter count and the parameter-matched LSTM.
func TaskSettings(names ...string) (plots.Table, error) {
	t := plots.Table{Caption: "Per-task settings",
		Header: []string{"task", "steps", "inputs / step", "classes", "Δt (ms)", "τ_m (ms)",
			"τ_s (ms)", "d_m", "ELM params", "LSTM hidden", "LSTM params"}}
	for _, name := range names {
		tc, err := seqtrain.TaskConfig(name)
		if err != nil {
			return t, err
		}
		cfg, err := seqtrain.ELMConfig(tc)
		if err != nil {
			return t, err
		}
		n := elmlib.NumParams(cfg)
		h := baseline.HiddenForParams(tc.Channels, tc.Classes, n)
		lstm := baseline.Config{Inputs: tc.Channels, Hidden: h, Classes: tc.Classes}
		t.Rows = append(t.Rows, []string{name, fmt.Sprint(tc.Steps), fmt.Sprint(tc.Channels),
			fmt.Sprint(tc.Classes), fmt.Sprint(tc.DtMS),
			fmt.Sprintf("%g – %g", tc.MemoryTauMin, tc.MemoryTauMax), fmt.Sprint(tc.SynapseTau),
			fmt.Sprint(tc.NumMemory), fmt.Sprint(n), fmt.Sprint(h), fmt.Sprint(lstm.NumParams())})
	}
	t.Note = "ELM v1, one synapse per input, one hidden MLP layer of 2·d_m; the LSTM is the " +
		"largest with at most the ELM's parameter count."
	return t, nil
}
