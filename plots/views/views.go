// Package views turns the library's objects (simulations, models, training histories,
// scores) into the figures and tables of package plots, so that a notebook cell is one call.
//
// Every function returns an error instead of panicking; Check ends a notebook cell with the
// error printed (GoNB runs each cell as its own program, so the kernel keeps running, and
// the headless notebook runner sees the failed cell).
package views

import (
	"fmt"
	"math"
	"os"

	"github.com/elmneuron/elm/data"
	"github.com/elmneuron/elm/elmlib"
	"github.com/elmneuron/elm/elmlib/experiment"
	"github.com/elmneuron/elm/plots"
)

// Check prints err to stderr and ends the program with status 1 when err is not nil.
func Check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

// Inputs draws the input spikes of sim over the bins [start, start+steps).
func Inputs(sim *data.Simulation, start, steps int) (*plots.Chart, error) {
	return plots.InputRaster(sim.InputSpikes, sim.NumExcitatory,
		plots.RasterOptions{Start: start, Steps: steps})
}

// Teacher draws the somatic voltage of sim over [start, start+steps) with its spikes marked.
func Teacher(sim *data.Simulation, start, steps int) (*plots.Chart, error) {
	if start < 0 || steps <= 0 || start+steps > sim.Duration {
		return nil, fmt.Errorf("views: window [%d, %d) outside the simulation of %d ms",
			start, start+steps, sim.Duration)
	}
	c := plots.Comparison{TeacherMV: plots.Float64s(sim.SomaMV[start : start+steps])}
	for _, t := range sim.OutputSpikes {
		if int(t) >= start && int(t) < start+steps {
			c.TeacherSpikes = append(c.TeacherSpikes, int(t)-start)
		}
	}
	return plots.TeacherVsModel(c, plots.CompareOptions{StartMS: float64(start),
		Frame: plots.Frame{Title: "Teacher neuron: somatic voltage and output spikes"}})
}

// PredictionFigures are the figures of one model run on one window of a simulation.
type PredictionFigures struct {
	// Compare is the teacher's and the model's soma voltage and spike probability.
	Compare *plots.Chart
	// Traces and Heatmap show the memory m_t, coloured or ordered by τ_m.
	Traces, Heatmap *plots.Chart
}

// Prediction runs m on the window [start, start+steps) of sim (state starting at zero) and
// draws its prediction next to the teacher, and its memory dynamics.
func Prediction(m *elmlib.Model, sim *data.Simulation, start, steps int,
) (*PredictionFigures, error) {
	b, err := data.WindowBatch([]*data.Simulation{sim}, []int{start}, steps)
	if err != nil {
		return nil, err
	}
	spike, soma, err := experiment.ModelPredictor(m)(b)
	if err != nil {
		return nil, err
	}
	p, err := m.Predict(b)
	if err != nil {
		return nil, err
	}
	c := plots.Comparison{TeacherMV: plots.Float64s(b.Soma), ModelMV: plots.Float64s(soma),
		SpikeProb: plots.Float64s(spike)}
	for t, s := range b.Spike {
		if s > 0 {
			c.TeacherSpikes = append(c.TeacherSpikes, t)
		}
	}
	f := &PredictionFigures{}
	o := plots.CompareOptions{StartMS: float64(start), ModelName: "ELM"}
	if f.Compare, err = plots.TeacherVsModel(c, o); err != nil {
		return nil, err
	}
	mem, tau := Memory(p)
	mo := plots.MemoryOptions{StartMS: float64(start)}
	if f.Traces, err = plots.MemoryTraces(mem, tau, mo); err != nil {
		return nil, err
	}
	if f.Heatmap, err = plots.MemoryHeatmap(mem, tau, mo); err != nil {
		return nil, err
	}
	return f, nil
}

// Memory returns the memory trajectory of the first sequence of p as [time][unit] and τ_m.
func Memory(p *elmlib.Prediction) (m [][]float64, tauM []float64) {
	steps, units := p.M.Shape[1], p.M.Shape[2]
	m = make([][]float64, steps)
	for t := range m {
		m[t] = plots.Float64s(p.M.Data[t*units : (t+1)*units])
	}
	return m, plots.Float64s(p.TauM)
}

// Training draws the loss and held-out spike AUC of a training history.
func Training(h *experiment.History, title string) (*plots.Chart, error) {
	return plots.TrainingCurves(plots.TrainingCurve{Steps: h.Steps, Loss: h.Loss,
		EvalSteps: h.EvalStep, EvalMetric: h.EvalAUC},
		plots.TrainingOptions{Frame: plots.Frame{Title: title}, LogLoss: true})
}

// ScoreRow is one model's line in ScoresTable.
type ScoreRow struct {
	Name   string
	Params int
	Scores *experiment.Scores
	// TrainSeconds is the training wall time; NaN or 0 leaves the cell empty.
	TrainSeconds float64
}

// ScoresTable lists held-out metrics of several models under both evaluation protocols.
func ScoresTable(caption string, rows []ScoreRow) plots.Table {
	t := plots.Table{Caption: caption, Header: []string{"model", "trainable params",
		"spike AUC", "AUC ≤24-spike sims", "soma RMSE (mV)", "soma expl. var.",
		"RMSE ≤24 sp, rescaled", "train time"},
		Note: "Raw protocol: all test simulations, 500-ms windows with 150-ms burn-in. " +
			"≤24-spike columns: the authors' protocol (simulations with at most 24 " +
			"output spikes, first 500 ms ignored, soma prediction rescaled to the " +
			"target's mean and std)."}
	for _, r := range rows {
		train := ""
		if r.TrainSeconds > 0 && !math.IsNaN(r.TrainSeconds) {
			train = fmt.Sprintf("%.0f s", r.TrainSeconds)
		}
		raw, au := r.Scores.Raw, r.Scores.Authors
		t.Rows = append(t.Rows, []string{r.Name, fmt.Sprint(r.Params),
			fmt.Sprintf("%.4f", raw.AUC), fmt.Sprintf("%.4f", au.AUC),
			fmt.Sprintf("%.2f", raw.SomaRMSE), fmt.Sprintf("%.3f", raw.SomaExplainedVariance),
			fmt.Sprintf("%.2f", au.SomaRMSE), train})
	}
	return t
}
