package plots

import (
	"fmt"
	"math"
	"sort"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// MemoryOptions configures [MemoryTraces], [MemoryHeatmap] and [ImpulseResponses].
type MemoryOptions struct {
	Frame
	// StepMS is the bin width in ms (default 1).
	StepMS float64
	// StartMS is the time of bin 0 in ms (default 0), e.g. the start of the window drawn
	// (MemoryTraces and MemoryHeatmap).
	StartMS float64
	// Units selects the memory units drawn (indices into the unit axis); nil draws all.
	Units []int
	// TauMin and TauMax fix the ends of the τ_m colour scale in ms; 0 uses the data's range.
	TauMin, TauMax float64
	// MaxColumns caps the time columns of a heat map; longer traces are averaged over
	// consecutive bins (default 300).
	MaxColumns int
	// LogY draws the traces on a log y axis (ImpulseResponses only; values must be > 0).
	LogY bool
}

// memoryInput is the validated input shared by the memory figures.
type memoryInput struct {
	units  []int // selected units ordered by increasing τ_m
	tau    []float64
	lo, hi float64 // ends of the τ colour scale
	steps  int
}

func checkMemory(fig string, m [][]float64, tauM []float64, o MemoryOptions) (memoryInput, error) {
	var in memoryInput
	cols, err := checkMatrix(fig, "m", m)
	if err != nil {
		return in, err
	}
	if len(tauM) != cols {
		return in, fmt.Errorf("plots: %s: %d τ_m values for %d memory units", fig, len(tauM), cols)
	}
	for i, v := range tauM {
		if !(v > 0) || math.IsInf(v, 0) {
			return in, fmt.Errorf("plots: %s: tauM[%d] = %v ms, want a positive finite time",
				fig, i, v)
		}
	}
	units := o.Units
	if units == nil {
		units = make([]int, cols)
		for i := range units {
			units[i] = i
		}
	}
	if len(units) == 0 {
		return in, fmt.Errorf("plots: %s: Units selects no memory unit", fig)
	}
	for k, u := range units {
		if u < 0 || u >= cols {
			return in, fmt.Errorf("plots: %s: Units[%d] = %d, outside 0..%d", fig, k, u, cols-1)
		}
	}
	in.units = append([]int(nil), units...)
	sort.SliceStable(in.units, func(a, b int) bool { return tauM[in.units[a]] < tauM[in.units[b]] })
	in.tau = tauM
	in.lo, in.hi = o.TauMin, o.TauMax
	if in.lo <= 0 || in.hi <= 0 {
		in.lo, in.hi = math.Inf(1), 0
		for _, u := range in.units {
			in.lo, in.hi = min(in.lo, tauM[u]), max(in.hi, tauM[u])
		}
	}
	if in.lo > in.hi {
		return in, fmt.Errorf("plots: %s: TauMin %v > TauMax %v", fig, o.TauMin, o.TauMax)
	}
	in.steps = len(m)
	return in, nil
}

// tauColorScale is the visualMap that explains the τ_m colours of line series: a colour bar
// on a log10 scale that recolours no series (seriesIndex is empty).
func tauColorScale(lo, hi float64) map[string]any {
	l0, l1 := math.Log10(lo), math.Log10(hi)
	if l1 <= l0 {
		l0, l1 = l0-0.5, l0+0.5
	}
	return map[string]any{
		"type": "continuous", "min": num(l0), "max": num(l1), "seriesIndex": []any{},
		"calculable": false, "orient": "vertical", "right": 8, "top": "middle",
		"itemHeight": 180, "itemWidth": 14,
		"text":    []any{fmt.Sprintf("τ_m %.3g ms", hi), fmt.Sprintf("%.3g ms", lo)},
		"inRange": map[string]any{"color": stopsAny(viridisStops)},
	}
}

func tauName(u int, tau float64) string { return fmt.Sprintf("unit %d, τ_m %.3g ms", u, tau) }

// unitLines draws one line per selected unit of m ([time][unit]), coloured by τ_m on a log
// scale, with a colour bar for τ_m.
func unitLines(fig, title, yName string, m [][]float64, tauM []float64,
	o MemoryOptions) (*Chart, error) {
	in, err := checkMemory(fig, m, tauM, o)
	if err != nil {
		return nil, err
	}
	yKind := "value"
	if o.LogY {
		yKind = "log"
		for t, row := range m {
			for _, u := range in.units {
				if row[u] <= 0 {
					return nil, fmt.Errorf("plots: %s: LogY needs positive values; "+
						"m[%d][%d] = %v", fig, t, u, row[u])
				}
			}
		}
	}
	dt := orDefault(o.StepMS, 1)
	t := stepAxis(in.steps, dt, o.StartMS)
	w, h := o.size(DefaultHeight)
	showLegend := len(in.units) <= 8
	line := charts.NewLine()
	line.SetGlobalOptions(globals(o.Frame, title, w, h, showLegend, "item")...)
	line.SetGlobalOptions(
		charts.WithXAxisOpts(axis{name: "time (ms)", kind: "value", min: num(o.StartMS),
			max: num(o.StartMS + float64(in.steps)*dt)}.x()),
		charts.WithYAxisOpts(axis{name: yName, kind: yKind, scale: true}.y()))
	for _, u := range in.units {
		col := make([]float64, in.steps)
		for k, row := range m {
			col[k] = row[u]
		}
		color := rampColor(viridisStops, logFraction(tauM[u], in.lo, in.hi))
		line.AddSeries(tauName(u, tauM[u]), lineData(t, col),
			lineSeriesOpts(color, 1.3, false)...)
	}
	opt, err := optionOf(line)
	if err != nil {
		return nil, err
	}
	opt["visualMap"] = []any{tauColorScale(in.lo, in.hi)}
	setGrid(opt, map[string]any{"left": 75, "right": 120, "top": 60, "bottom": 80})
	return newChart(title, w, h, opt)
}

// MemoryTraces draws the memory state m_t of each unit over time, one line per unit,
// coloured by its τ_m on a continuous log scale shown as a colour bar.
//
// m is [time][unit] (one time series per memory unit, as the model's memory trajectory of one
// sequence); tauM is [unit] in ms.
func MemoryTraces(m [][]float64, tauM []float64, o MemoryOptions) (*Chart, error) {
	return unitLines("MemoryTraces", o.title("Memory traces m_t"), "memory m_t (a.u.)",
		m, tauM, o)
}

// ImpulseResponses draws each memory unit's response to a unit impulse, one line per unit,
// coloured by its τ_m like [MemoryTraces].
//
// resp is [time][unit]: the memory state after an impulse at time 0; tauM is [unit] in ms.
func ImpulseResponses(resp [][]float64, tauM []float64, o MemoryOptions) (*Chart, error) {
	return unitLines("ImpulseResponses", o.title("Impulse response per memory unit"),
		"response (a.u.)", resp, tauM, o)
}

// MemoryHeatmap draws the memory state as a unit × time heat map with the units ordered by
// τ_m (shortest at the bottom), on a diverging colour scale centred at zero.
//
// m is [time][unit]; tauM is [unit] in ms.
func MemoryHeatmap(m [][]float64, tauM []float64, o MemoryOptions) (*Chart, error) {
	const fig = "MemoryHeatmap"
	in, err := checkMemory(fig, m, tauM, o)
	if err != nil {
		return nil, err
	}
	dt := orDefault(o.StepMS, 1)
	maxCols := o.MaxColumns
	if maxCols <= 0 {
		maxCols = 300
	}
	per := (in.steps + maxCols - 1) / maxCols
	ncol := (in.steps + per - 1) / per

	xLabels := make([]string, ncol)
	for c := range xLabels {
		xLabels[c] = fmt.Sprintf("%.4g", o.StartMS+float64(c*per)*dt)
	}
	yLabels := make([]string, len(in.units))
	for r, u := range in.units {
		yLabels[r] = fmt.Sprintf("%.3g", tauM[u])
	}
	var data []opts.HeatMapData
	absMax := 0.0
	for r, u := range in.units {
		for c := 0; c < ncol; c++ {
			sum, cnt := 0.0, 0
			for k := c * per; k < min((c+1)*per, in.steps); k++ {
				sum += m[k][u]
				cnt++
			}
			v := sum / float64(cnt)
			absMax = max(absMax, math.Abs(v))
			data = append(data, opts.HeatMapData{Value: []any{c, r, num(v)}})
		}
	}
	if absMax == 0 {
		absMax = 1
	}

	title := o.title("Memory state by unit (ordered by τ_m)")
	w, h := o.size(DefaultHeight)
	hm := charts.NewHeatMap()
	hm.SetGlobalOptions(globals(o.Frame, title, w, h, false, "item")...)
	xName := "time (ms)"
	if per > 1 {
		xName = fmt.Sprintf("time (ms; mean over %d-bin blocks)", per)
	}
	hm.SetGlobalOptions(
		charts.WithXAxisOpts(axis{name: xName, kind: "category", data: xLabels}.x()),
		charts.WithYAxisOpts(axis{name: "memory unit by τ_m (ms)", kind: "category",
			data: yLabels, gap: 50}.y()))
	hm.AddSeries("m_t", data)
	opt, err := optionOf(hm)
	if err != nil {
		return nil, err
	}
	opt["visualMap"] = []any{map[string]any{
		"type": "continuous", "min": num(-absMax), "max": num(absMax), "calculable": true,
		"precision": labelPrecision(-absMax, absMax),
		"orient":    "vertical", "right": 8, "top": "middle", "itemHeight": 180,
		"text":    []any{"m_t (a.u.)", ""},
		"inRange": map[string]any{"color": stopsAny(divergingStops)},
	}}
	setGrid(opt, map[string]any{"left": 75, "right": 110, "top": 60, "bottom": 60})
	return newChart(title, w, h, opt)
}
