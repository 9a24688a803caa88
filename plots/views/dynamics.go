package views

import (
	"fmt"
	"math"
	"sort"

	"github.com/elmneuron/elm/data"
	"github.com/elmneuron/elm/elmlib"
	"github.com/elmneuron/elm/elmlib/experiment"
	"github.com/elmneuron/elm/plots"
)

// DynamicsOptions keeps the memory-dynamics figures small enough for a notebook saved on
// GitHub. The zero value draws every unit and at most 200 heat-map columns.
type DynamicsOptions struct {
	// Units selects the memory units drawn; nil draws all, or MaxUnits of them.
	Units []int
	// MaxUnits, when Units is nil and the model has more units, draws this many, evenly
	// spaced in the order of τ_m (the shortest and the longest always included).
	MaxUnits int
	// MaxColumns caps the columns of the memory heat map (default 200).
	MaxColumns int
}

func (o DynamicsOptions) memory(title, subtitle string, tau []float64) plots.MemoryOptions {
	if o.MaxColumns <= 0 {
		o.MaxColumns = 200
	}
	units := o.Units
	if units == nil && o.MaxUnits > 0 && o.MaxUnits < len(tau) {
		order := make([]int, len(tau))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return tau[order[a]] < tau[order[b]] })
		for k := range o.MaxUnits {
			units = append(units, order[k*(len(tau)-1)/max(o.MaxUnits-1, 1)])
		}
	}
	return plots.MemoryOptions{Frame: plots.Frame{Title: title, Subtitle: subtitle},
		Units: units, MaxColumns: o.MaxColumns}
}

// MemoryDynamics holds a model's memory on one window of a simulation: its trajectory drawn
// as traces and as a heat map, and the operating point it defines.
type MemoryDynamics struct {
	// Traces shows m_t per unit coloured by τ_m; Heatmap the units ordered by τ_m.
	Traces, Heatmap *plots.Chart
	// Operating is the window's mean branch drive and memory (experiment.OperatingPoint).
	Operating *experiment.Operating
}

// Dynamics runs m on the window [start, start+steps) of sim (state starting at zero) and
// draws its memory trajectory.
func Dynamics(m *elmlib.Model, sim *data.Simulation, start, steps int, o DynamicsOptions,
) (*MemoryDynamics, error) {
	b, err := data.WindowBatch([]*data.Simulation{sim}, []int{start}, steps)
	if err != nil {
		return nil, err
	}
	p, err := m.Predict(b)
	if err != nil {
		return nil, err
	}
	d := &MemoryDynamics{}
	if d.Operating, err = experiment.OperatingPoint(p); err != nil {
		return nil, err
	}
	mem, tau := Memory(p)
	sub := fmt.Sprintf("teacher input, %d ms from t = %d ms; state starts at 0", steps, start)
	mo := o.memory("Memory traces m_t, coloured by τ_m", sub, tau)
	mo.StartMS = float64(start)
	if d.Traces, err = plots.MemoryTraces(mem, tau, mo); err != nil {
		return nil, err
	}
	mo = o.memory("Memory state by unit, ordered by τ_m", sub, tau)
	mo.StartMS = float64(start)
	if d.Heatmap, err = plots.MemoryHeatmap(mem, tau, mo); err != nil {
		return nil, err
	}
	return d, nil
}

// ImpulseFigures draws an impulse response: each unit's response to the volley, and next
// to it the pure leak κ_m^t that each unit would follow on its own.
func ImpulseFigures(imp *experiment.Impulse, o DynamicsOptions) (resp, leak *plots.Chart,
	err error) {
	sub := fmt.Sprintf("%s volley on branch %d (%d synapses, drive %.3g) minus no input",
		imp.Volley, imp.Branch, imp.Synapses, imp.Amplitude)
	resp, err = plots.ImpulseResponses(imp.Response, imp.TauM,
		o.memory("Impulse response per memory unit", sub, imp.TauM))
	if err != nil {
		return nil, nil, err
	}
	lo := o.memory("Pure leak κ_m^t per memory unit",
		"what a unit does on its own once the MLP stops writing to it", imp.TauM)
	leak, err = plots.ImpulseResponses(imp.Leak, imp.TauM, lo)
	return resp, leak, err
}

// ImpulseTable lists, per memory unit, τ_m, the peak of the impulse response, when it
// happens and how long the response takes from there to fall by a factor e.
func ImpulseTable(imp *experiment.Impulse) plots.Table {
	t := plots.Table{Caption: fmt.Sprintf("Impulse response on branch %d, per memory unit",
		imp.Branch), Header: []string{"unit", "τ_m (ms)", "peak response", "peak at (ms)",
		"decay to 1/e (ms)", "decay / τ_m"},
		Note: "Decay is measured from the peak; a unit that only leaks after its peak decays " +
			"in τ_m (rounded up to a step). '—': not within the window."}
	for u, tau := range imp.TauM {
		decay, ratio := "—", "—"
		if !math.IsNaN(imp.DecayMS[u]) {
			decay = fmt.Sprintf("%.0f", imp.DecayMS[u])
			ratio = fmt.Sprintf("%.2f", imp.DecayMS[u]/tau)
		}
		t.Rows = append(t.Rows, []string{fmt.Sprint(u), fmt.Sprintf("%.3g", tau),
			fmt.Sprintf("%+.3f", imp.Peak[u]), fmt.Sprintf("%.0f", imp.PeakMS[u]), decay, ratio})
	}
	return t
}

// SurfaceFigures draws an integration surface: the projected memory update over the grid of
// the two branch drives, and its interaction part (the surface minus the sum of the two
// one-branch responses) in percent of the largest |effect| on the grid, on a diverging
// scale: red where the pair raises the output more (or lowers it less) than the two alone.
func SurfaceFigures(s *experiment.Surface) (effect, interaction *plots.Chart, err error) {
	base := plots.Surface{X: s.Drive, Y: s.Drive,
		XName: fmt.Sprintf("branch %d drive", s.BranchA),
		YName: fmt.Sprintf("branch %d drive", s.BranchB)}
	e := base
	e.Z, e.ZName = s.Effect, fmt.Sprintf("change of output %d after one step", s.Output)
	if s.Sustained {
		e.ZName = fmt.Sprintf("change of output %d if the drive were held", s.Output)
	}
	effect, err = plots.IntegrationSurface(e, plots.SurfaceOptions{Diverging: true,
		Frame: plots.Frame{Title: fmt.Sprintf("MLP integration of branches %d and %d",
			s.BranchA, s.BranchB)}})
	if err != nil {
		return nil, nil, err
	}
	scale := 0.0
	for _, row := range s.Effect {
		for _, v := range row {
			scale = math.Max(scale, math.Abs(v))
		}
	}
	if scale == 0 {
		scale = 1
	}
	i := base
	i.ZName = fmt.Sprintf("effect − (A alone + B alone), %% of the largest |effect| (%.3g)",
		scale)
	for _, row := range s.Interaction {
		pct := make([]float64, len(row))
		for k, v := range row {
			pct[k] = 100 * v / scale
		}
		i.Z = append(i.Z, pct)
	}
	interaction, err = plots.IntegrationSurface(i, plots.SurfaceOptions{Diverging: true,
		Frame: plots.Frame{Title: fmt.Sprintf("Nonlinear part: %.0f%% of the surface (RMS)",
			100*s.Nonlinearity)}})
	return effect, interaction, err
}

// TauFigure draws the distribution of τ_m at initialisation and now.
func TauFigure(ts *experiment.Timescales) (*plots.Chart, error) {
	sub := "τ_m fixed during training: the two histograms coincide"
	if ts.Learnable {
		sub = fmt.Sprintf("τ_m learnable; largest change a factor %.2f",
			math.Exp(ts.MaxLogChange))
	}
	return plots.TauHistogram(ts.Initial, ts.Trained,
		plots.HistOptions{Frame: plots.Frame{Subtitle: sub}})
}

// TauTable lists each unit's τ_m at initialisation and now, and their ratio.
func TauTable(ts *experiment.Timescales) plots.Table {
	t := plots.Table{Caption: "Memory timescales before and after training",
		Header: []string{"unit", "initial τ_m (ms)", "trained τ_m (ms)", "ratio"}}
	for u := range ts.Initial {
		t.Rows = append(t.Rows, []string{fmt.Sprint(u), fmt.Sprintf("%.3g", ts.Initial[u]),
			fmt.Sprintf("%.3g", ts.Trained[u]), fmt.Sprintf("%.2f", ts.Trained[u]/ts.Initial[u])})
	}
	return t
}
