package views

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/elmneuron/elm/elmlib/sweep"
	"github.com/elmneuron/elm/plots"
)

// metricLabels names the metrics of the "teacher" run kind (experiment.TeacherRun) on axes.
var metricLabels = map[string]string{
	"spike_auc":         "held-out spike AUC (all test sims)",
	"spike_auc_authors": "held-out spike AUC (authors' protocol)",
	"soma_rmse":         "held-out soma RMSE (mV, all test sims)",
	"soma_rmse_authors": "held-out soma RMSE (mV, authors' protocol)",
	"soma_ev":           "held-out soma explained variance (all test sims)",
	"soma_ev_authors":   "held-out soma explained variance (authors' protocol)",
	"train_loss":        "final training loss",
	"train_seconds":     "training time (s)",
}

// paperMetrics maps a metric to its key in the authors' eval_results.json and the factor
// that brings their number to our unit (they give the explained variance in percent).
var paperMetrics = map[string]struct {
	key   string
	scale float64
}{
	"spike_auc":         {"AUC", 1},
	"spike_auc_authors": {"AUC", 1},
	"soma_rmse":         {"soma_RMSE", 1},
	"soma_rmse_authors": {"soma_RMSE", 1},
	"soma_ev":           {"soma_explained_variance_percent", 0.01},
	"soma_ev_authors":   {"soma_explained_variance_percent", 0.01},
}

// MetricLabel returns the axis label of a sweep metric, or the metric's name when it has
// none.
func MetricLabel(metric string) string {
	if l, ok := metricLabels[metric]; ok {
		return l
	}
	return metric
}

// SweepResults expands s, opens the store in dir and returns the results the store holds
// for its runs, in run order (failed runs included, runs without a result left out).
func SweepResults(dir string, s sweep.Sweep) ([]*sweep.Result, error) {
	runs, err := s.Expand()
	if err != nil {
		return nil, err
	}
	st, err := sweep.OpenStore(dir)
	if err != nil {
		return nil, err
	}
	res, _, err := st.Collect(runs)
	return res, err
}

// Where returns the successful results whose axis name has the given value (numbers compare
// as float64, so 25 matches 25.0).
func Where(results []*sweep.Result, name string, value any) []*sweep.Result {
	var out []*sweep.Result
	for _, r := range results {
		if !r.Failed() && sameValue(r.Axes[name], value) {
			out = append(out, r)
		}
	}
	return out
}

func sameValue(a, b any) bool {
	if x, ok := toFloat(a); ok {
		y, ok := toFloat(b)
		return ok && x == y
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

// variantName labels the results that share every axis value except those in skip, e.g.
// "learnable τ_m" or "d_m=5, fixed τ_m"; "" when no other axis varies.
func variantName(axes map[string]any, skip ...string) string {
	names := make([]string, 0, len(axes))
	for k := range axes {
		if !contains(skip, k) {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, k := range names {
		switch v := axes[k]; {
		case k == "learn_tau" && v == true:
			parts = append(parts, "learnable τ_m")
		case k == "learn_tau" && v == false:
			parts = append(parts, "fixed τ_m")
		default:
			parts = append(parts, fmt.Sprintf("%s=%v", k, v))
		}
	}
	return strings.Join(parts, ", ")
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// metricOf returns a successful result's metric, or an error naming the run.
func metricOf(r *sweep.Result, metric string) (float64, error) {
	v, ok := r.Metrics[metric]
	if !ok {
		return 0, fmt.Errorf("views: run %s has no metric %q", r.Name, metric)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("views: run %s: metric %q is %v", r.Name, metric, v)
	}
	return v, nil
}

// TauMaxFigure draws metric against τ_max from a sweep's results: one line per variant (the
// values of every other axis but seed, e.g. learnable vs fixed τ_m) at the mean over seeds,
// with a band of ± one standard deviation where there are several seeds. Failed runs are
// left out; a result without a tau_max axis or without the metric is an error naming it.
func TauMaxFigure(results []*sweep.Result, metric string, o plots.SweepOptions,
) (*plots.Chart, error) {
	byVariant := map[string]map[float64][]float64{}
	var order []string
	for _, r := range results {
		if r.Failed() {
			continue
		}
		x, ok := toFloat(r.Axes["tau_max"])
		if !ok {
			return nil, fmt.Errorf("views: run %s has no tau_max axis", r.Name)
		}
		v, err := metricOf(r, metric)
		if err != nil {
			return nil, err
		}
		name := variantName(r.Axes, "tau_max", "seed")
		if name == "" {
			name = "ELM"
		}
		if byVariant[name] == nil {
			byVariant[name] = map[float64][]float64{}
			order = append(order, name)
		}
		byVariant[name][x] = append(byVariant[name][x], v)
	}
	if len(order) == 0 {
		return nil, errors.New("views: TauMaxFigure: no successful run")
	}
	variants := make([]plots.Variant, 0, len(order))
	for _, name := range order {
		v := plots.Variant{Name: name}
		xs := make([]float64, 0, len(byVariant[name]))
		for x := range byVariant[name] {
			xs = append(xs, x)
		}
		sort.Float64s(xs)
		for _, x := range xs {
			v.X = append(v.X, x)
			v.Values = append(v.Values, byVariant[name][x])
		}
		variants = append(variants, v)
	}
	if o.Metric == "" {
		o.Metric = MetricLabel(metric)
	}
	return plots.MetricVsTauMax(variants, o)
}

// ParamsFigure draws metric against the parameter count from a d_m sweep's results: one
// series per variant (every axis but d_m and seed), each point the mean over seeds and
// labelled "d_m=N". With paperDir (../shared/fixtures/pretrained) the authors' published
// numbers for the same metric are drawn beside them as a grey reference series, labelled as
// the paper's on real NeuronIO (plots.ReadPaperReference). name labels our series (default
// "this sweep, teacher neuron").
func ParamsFigure(results []*sweep.Result, metric, name, paperDir string,
	o plots.ParamOptions) (*plots.Chart, error) {
	if name == "" {
		name = "this sweep, teacher neuron"
	}
	pm, ok := paperMetrics[metric]
	if paperDir != "" && !ok {
		return nil, fmt.Errorf("views: the paper's results have no counterpart of %q", metric)
	}
	type point struct {
		params int
		dm     any
		values []float64
	}
	byVariant := map[string]map[string]*point{}
	var order []string
	for _, r := range results {
		if r.Failed() {
			continue
		}
		v, err := metricOf(r, metric)
		if err != nil {
			return nil, err
		}
		dm, ok := r.Axes["d_m"]
		if !ok {
			return nil, fmt.Errorf("views: run %s has no d_m axis", r.Name)
		}
		variant := variantName(r.Axes, "d_m", "seed")
		if byVariant[variant] == nil {
			byVariant[variant] = map[string]*point{}
			order = append(order, variant)
		}
		k := fmt.Sprint(dm)
		if byVariant[variant][k] == nil {
			byVariant[variant][k] = &point{params: r.Params, dm: dm}
		}
		byVariant[variant][k].values = append(byVariant[variant][k].values, v)
	}
	if len(order) == 0 {
		return nil, errors.New("views: ParamsFigure: no successful run")
	}
	var series []plots.ParamSeries
	for _, variant := range order {
		s := plots.ParamSeries{Name: name}
		if len(order) > 1 && variant != "" {
			s.Name += " (" + variant + ")"
		}
		for _, p := range byVariant[variant] {
			mean, _ := plots.MeanStd(p.values)
			s.Points = append(s.Points, plots.ParamPoint{Params: p.params, Value: mean,
				Label: fmt.Sprintf("d_m=%v", p.dm)})
		}
		series = append(series, s)
	}
	if paperDir != "" {
		ref, err := plots.ReadPaperReference(paperDir, pm.key)
		if err != nil {
			return nil, err
		}
		for i := range ref.Points {
			ref.Points[i].Value *= pm.scale
		}
		series = append(series, ref)
	}
	if o.Metric == "" {
		o.Metric = MetricLabel(metric)
	}
	return plots.MetricVsParams(series, o)
}

// SweepTauFigure draws the distribution of τ_m before and after training, pooled over the
// memory units of the given results (e.g. every learnable-τ run at one τ_max).
func SweepTauFigure(results []*sweep.Result, o plots.HistOptions) (*plots.Chart, error) {
	var before, after []float64
	for _, r := range results {
		if r.Failed() {
			continue
		}
		before = append(before, r.TauMInit...)
		after = append(after, r.TauM...)
	}
	if len(before) == 0 || len(after) == 0 {
		return nil, errors.New("views: SweepTauFigure: no successful run with τ_m")
	}
	return plots.TauHistogram(before, after, o)
}

// SweepTable lists a sweep's results: run, parameters, held-out metrics under both
// protocols, the range of the trained τ_m, training and wall time; a failed run shows its
// error.
func SweepTable(caption string, results []*sweep.Result) plots.Table {
	t := plots.Table{Caption: caption, Header: []string{"run", "params", "spike AUC",
		"spike AUC (authors)", "soma RMSE mV", "soma RMSE (authors)", "soma EV",
		"soma EV (authors)", "trained τ_m (ms)", "train s", "wall s"},
		Note: "\"authors\": the authors' protocol (test simulations with at most 24 output " +
			"spikes, first 500 ms ignored, soma rescaled); the others score all test " +
			"simulations as predicted."}
	for _, r := range results {
		if r.Failed() {
			t.Rows = append(t.Rows, []string{r.Name, "failed: " + firstLine(r.Error)})
			continue
		}
		m := r.Metrics
		t.Rows = append(t.Rows, []string{r.Name, fmt.Sprint(r.Params),
			num(m["spike_auc"], 4), num(m["spike_auc_authors"], 4),
			num(m["soma_rmse"], 2), num(m["soma_rmse_authors"], 2),
			num(m["soma_ev"], 3), num(m["soma_ev_authors"], 3),
			tauRange(r.TauM), num(m["train_seconds"], 0), num(r.WallSeconds, 0)})
	}
	return t
}

func num(v float64, digits int) string {
	if math.IsNaN(v) {
		return ""
	}
	return fmt.Sprintf("%.*f", digits, v)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func tauRange(tau []float64) string {
	if len(tau) == 0 {
		return ""
	}
	lo, hi := tau[0], tau[0]
	for _, v := range tau {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return fmt.Sprintf("%.3g–%.3g", lo, hi)
}

// SweepSummary converts a sweep's progress into the summary panel of package plots.
func SweepSummary(name string, p sweep.Progress) plots.SweepSummary {
	s := plots.SweepSummary{Name: name, Total: p.Total, Done: p.Done - p.Failed,
		Running: p.Running, Failed: p.Failed, Metric: MetricLabel(p.BestBy.Metric),
		Elapsed: p.Elapsed, Errors: p.Errors}
	if p.Best != nil {
		s.BestRun = p.Best.Name
		s.BestValue = p.Best.Metrics[p.BestBy.Metric]
	}
	for _, prob := range p.Problems {
		s.Errors = append(s.Errors, prob.String())
	}
	return s
}

// SweepLive shows a sweep's progress in place in a notebook cell (runs done, running,
// failed, best so far). Pass its Update method as sweep.LocalOptions.Progress.
type SweepLive struct {
	name string
	live *plots.Live
	last sweep.Progress
}

// NewSweepLive returns a live progress panel for the sweep called name.
func NewSweepLive(name string) *SweepLive {
	return &SweepLive{name: name, live: plots.NewLive()}
}

// Update shows p; it has the signature of sweep.LocalOptions.Progress.
func (s *SweepLive) Update(p sweep.Progress) {
	s.last = p
	s.live.Update(SweepSummary(s.name, p))
}

// Last returns the most recent progress shown.
func (s *SweepLive) Last() sweep.Progress { return s.last }

// SlurmOrScript is the notebook's way to Slurm: when sbatch is on PATH it submits the runs
// of s that the store in dir does not hold yet (sweep.SubmitSlurm) and says which job it
// submitted, or that nothing was pending; without sbatch it only writes the batch script
// for all runs of s (sweep.WriteSlurmScript, into the store's slurm/ directory) and returns
// its text, so a notebook shows what would be submitted without needing Slurm.
// opts.Binary defaults to Path("../build/bin/elmsweep").
func SlurmOrScript(ctx context.Context, dir string, s sweep.Sweep, opts sweep.SlurmOptions,
) (message, script string, err error) {
	if opts.Binary == "" {
		opts.Binary = Path("../build/bin/elmsweep")
	}
	runs, err := s.Expand()
	if err != nil {
		return "", "", err
	}
	st, err := sweep.OpenStore(dir)
	if err != nil {
		return "", "", err
	}
	sbatch := opts.Sbatch
	if sbatch == "" {
		sbatch = "sbatch"
	}
	if _, lookErr := exec.LookPath(sbatch); lookErr == nil {
		job, err := sweep.SubmitSlurm(ctx, st, s.Name, runs, opts)
		if errors.Is(err, sweep.ErrNothingPending) {
			text, err := writeScript(st, runs, opts)
			return "sbatch found, but every run of " + s.Name + " is in the store already: " +
				"nothing submitted. The batch script it would submit:", text, err
		}
		if err != nil {
			return "", "", err
		}
		text, err := os.ReadFile(filepath.Join(job.Dir, "job.sh"))
		if err != nil {
			return "", "", fmt.Errorf("views: reading the submitted script: %w", err)
		}
		return fmt.Sprintf("submitted Slurm job %s: %d array tasks, results go to %s",
			job.ID, len(job.Runs), dir), string(text), nil
	}
	text, err := writeScript(st, runs, opts)
	return fmt.Sprintf("sbatch is not on PATH: nothing submitted. The batch script for the %d "+
		"runs of %s, to submit with sweep.SubmitSlurm (or elmsweep submit) where Slurm runs:",
		len(runs), s.Name), text, err
}

// writeScript writes the batch script for runs into the store without submitting it and
// returns its text.
func writeScript(st *sweep.Store, runs []sweep.Run, opts sweep.SlurmOptions) (string, error) {
	job, err := sweep.WriteSlurmScript(st, runs, opts)
	if err != nil {
		return "", err
	}
	text, err := os.ReadFile(filepath.Join(job.Dir, "job.sh"))
	if err != nil {
		return "", fmt.Errorf("views: reading the batch script: %w", err)
	}
	return string(text), nil
}
