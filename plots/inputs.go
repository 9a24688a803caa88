package plots

import (
	"fmt"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// RasterOptions configures [InputRaster].
type RasterOptions struct {
	Frame
	// PerPopulation is how many excitatory and how many inhibitory inputs are drawn, evenly
	// spaced over each population (default 40).
	PerPopulation int
	// StepMS is the bin width in ms (default 1).
	StepMS float64
	// Start and Steps select the window of bins drawn; Steps 0 means up to the last spike.
	Start, Steps int
}

// InputRaster draws the spikes of a subset of inputs over time, excitatory and inhibitory in
// two colours.
//
// spikes[i] holds the bins in which input i spiked (as data.Simulation.InputSpikes); inputs
// 0..numExcitatory-1 are excitatory, the rest inhibitory. The y axis shows the input's index.
func InputRaster(spikes [][]int32, numExcitatory int, o RasterOptions) (*Chart, error) {
	const fig = "InputRaster"
	if len(spikes) == 0 {
		return nil, fmt.Errorf("plots: %s: no inputs", fig)
	}
	if numExcitatory < 0 || numExcitatory > len(spikes) {
		return nil, fmt.Errorf("plots: %s: numExcitatory %d outside 0..%d inputs",
			fig, numExcitatory, len(spikes))
	}
	if o.Start < 0 || o.Steps < 0 {
		return nil, fmt.Errorf("plots: %s: window start %d, steps %d must not be negative",
			fig, o.Start, o.Steps)
	}
	per := o.PerPopulation
	if per <= 0 {
		per = 40
	}
	dt := orDefault(o.StepMS, 1)
	stop := o.Start + o.Steps
	if o.Steps == 0 {
		for i, sp := range spikes {
			for _, t := range sp {
				if t < 0 {
					return nil, fmt.Errorf("plots: %s: input %d spikes at negative bin %d",
						fig, i, t)
				}
				stop = max(stop, int(t)+1)
			}
		}
	}

	title := o.title("Input spike raster")
	w, h := o.size(DefaultHeight)
	sc := charts.NewScatter()
	sc.SetGlobalOptions(globals(o.Frame, title, w, h, true, "item")...)
	sc.SetGlobalOptions(
		charts.WithXAxisOpts(axis{name: "time (ms)", kind: "value",
			min: num(float64(o.Start) * dt), max: num(float64(stop) * dt)}.x()),
		charts.WithYAxisOpts(axis{name: "input index", kind: "value", min: 0,
			max: len(spikes), noMax: true}.y()))

	pops := []struct {
		name   string
		lo, hi int
		color  string
	}{
		{"excitatory", 0, numExcitatory, colorExc},
		{"inhibitory", numExcitatory, len(spikes), colorInh},
	}
	for _, p := range pops {
		idx := evenlySpaced(p.lo, p.hi, per)
		var data []opts.ScatterData
		for _, i := range idx {
			for _, t := range spikes[i] {
				if t < 0 {
					return nil, fmt.Errorf("plots: %s: input %d spikes at negative bin %d",
						fig, i, t)
				}
				if int(t) >= o.Start && int(t) < stop {
					data = append(data, opts.ScatterData{Value: xy(float64(t)*dt, float64(i))})
				}
			}
		}
		name := fmt.Sprintf("%s (%d of %d inputs)", p.name, len(idx), p.hi-p.lo)
		sc.AddSeries(name, data,
			charts.WithScatterChartOpts(opts.ScatterChart{Symbol: "rect",
				SymbolSize: []int{2, 5}}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: p.color}))
	}

	m, err := optionOf(sc)
	if err != nil {
		return nil, err
	}
	setGrid(m, map[string]any{"left": 70, "right": 30, "top": 60, "bottom": 75})
	return newChart(title, w, h, m)
}

// evenlySpaced returns up to n indices spread evenly over [lo, hi).
func evenlySpaced(lo, hi, n int) []int {
	size := hi - lo
	if size <= 0 {
		return nil
	}
	if n >= size {
		n = size
	}
	out := make([]int, n)
	for k := range out {
		out[k] = lo + k*size/n
	}
	return out
}

// Comparison holds a teacher's and a model's output on the same input, one value per bin.
type Comparison struct {
	// TeacherMV is the teacher's somatic voltage in mV, [time].
	TeacherMV []float64
	// ModelMV is the model's predicted somatic voltage in mV, [time]; may be nil.
	ModelMV []float64
	// SpikeProb is the model's spike probability in [0, 1], [time]; may be nil.
	SpikeProb []float64
	// TeacherSpikes holds the bins in which the teacher fired.
	TeacherSpikes []int
}

// CompareOptions configures [TeacherVsModel].
type CompareOptions struct {
	Frame
	// StepMS is the bin width in ms (default 1).
	StepMS float64
	// StartMS is the time of bin 0 in ms (default 0).
	StartMS float64
	// ModelName labels the model's series (default "model").
	ModelName string
}

// TeacherVsModel draws two panels sharing the time axis: the somatic voltage (mV) of teacher
// and model, and the model's spike probability with the teacher's spikes marked.
func TeacherVsModel(c Comparison, o CompareOptions) (*Chart, error) {
	const fig = "TeacherVsModel"
	n := len(c.TeacherMV)
	if n == 0 {
		return nil, fmt.Errorf("plots: %s: TeacherMV is empty", fig)
	}
	for _, s := range []struct {
		name string
		v    []float64
	}{{"TeacherMV", c.TeacherMV}, {"ModelMV", c.ModelMV}, {"SpikeProb", c.SpikeProb}} {
		if s.v != nil && len(s.v) != n {
			return nil, fmt.Errorf("plots: %s: %s has %d values, TeacherMV has %d",
				fig, s.name, len(s.v), n)
		}
		if err := checkFinite(fig, s.name, s.v); err != nil {
			return nil, err
		}
	}
	for i, p := range c.SpikeProb {
		if p < 0 || p > 1 {
			return nil, fmt.Errorf("plots: %s: SpikeProb[%d] = %v, want a probability in [0, 1]",
				fig, i, p)
		}
	}
	for i, t := range c.TeacherSpikes {
		if t < 0 || t >= n {
			return nil, fmt.Errorf("plots: %s: TeacherSpikes[%d] = bin %d, outside 0..%d",
				fig, i, t, n-1)
		}
	}
	dt := orDefault(o.StepMS, 1)
	model := o.ModelName
	if model == "" {
		model = "model"
	}
	t := stepAxis(n, dt, o.StartMS)
	tMin, tMax := num(t[0]), num(o.StartMS+float64(n)*dt)

	title := o.title("Teacher vs model")
	w, h := o.size(560)
	line := charts.NewLine()
	line.SetGlobalOptions(globals(o.Frame, title, w, h, true, "axis")...)
	line.SetGlobalOptions(
		charts.WithXAxisOpts(axis{kind: "value", min: tMin, max: tMax, noLabels: true}.x()),
		charts.WithYAxisOpts(axis{name: "soma (mV)", kind: "value", scale: true}.y()))
	line.ExtendXAxis(axis{name: "time (ms)", kind: "value", min: tMin, max: tMax, grid: 1}.x())
	line.ExtendYAxis(axis{name: "spike prob.", kind: "value", min: 0, max: num(1.08),
		grid: 1, noMax: true}.y())

	line.AddSeries("teacher voltage", lineData(t, c.TeacherMV),
		lineSeriesOpts(colorTeacher, 1.2, false)...)
	if c.ModelMV != nil {
		line.AddSeries(model+" voltage", lineData(t, c.ModelMV),
			lineSeriesOpts(colorModel, 1.2, false)...)
	}
	if c.SpikeProb != nil {
		opts1 := append(lineSeriesOpts(colorExc, 1.2, false),
			charts.WithLineChartOpts(opts.LineChart{Symbol: "none",
				ShowSymbol: opts.Bool(false), XAxisIndex: 1, YAxisIndex: 1}))
		line.AddSeries(model+" spike probability", lineData(t, c.SpikeProb), opts1...)
	}
	marks := make([]opts.ScatterData, len(c.TeacherSpikes))
	for i, b := range c.TeacherSpikes {
		marks[i] = opts.ScatterData{Value: xy(t[b], 1.04)}
	}
	sc := charts.NewScatter()
	sc.AddSeries("teacher spikes", marks,
		charts.WithScatterChartOpts(opts.ScatterChart{Symbol: "rect", SymbolSize: []int{2, 12},
			XAxisIndex: 1, YAxisIndex: 1}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colorTeacher}))
	line.Overlap(sc)

	m, err := optionOf(line)
	if err != nil {
		return nil, err
	}
	setGrid(m,
		map[string]any{"left": 70, "right": 30, "top": 60, "height": "46%"},
		map[string]any{"left": 70, "right": 30, "bottom": 80, "height": "20%"})
	// Both panels follow one tooltip and zoom together.
	m["axisPointer"] = map[string]any{"link": []any{map[string]any{"xAxisIndex": "all"}}}
	return newChart(title, w, h, m)
}
