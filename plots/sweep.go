package plots

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Variant is one line of [MetricVsTauMax]: a model variant measured at several τ_max values,
// with one metric value per seed at each.
type Variant struct {
	// Name labels the line, e.g. "Branch-ELM, learnable τ".
	Name string
	// X holds the τ_max values in ms, [points].
	X []float64
	// Values holds the metric per seed at each point, [points][seeds]; seeds may differ
	// between points.
	Values [][]float64
}

// SweepOptions configures [MetricVsTauMax].
type SweepOptions struct {
	Frame
	// Metric names the y axis (default "held-out spike AUC").
	Metric string
	// XName names the x axis (default "τ_max (ms)").
	XName string
	// LinearX draws the x axis linearly instead of on a log scale.
	LinearX bool
}

// MeanStd returns the mean and the sample standard deviation (n-1 in the denominator; 0 for
// a single value) of xs.
func MeanStd(xs []float64) (mean, std float64) {
	if len(xs) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, v := range xs {
		mean += v
	}
	mean /= float64(len(xs))
	if len(xs) == 1 {
		return mean, 0
	}
	for _, v := range xs {
		std += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(std / float64(len(xs)-1))
}

// MetricVsTauMax draws a metric against τ_max, one line per variant at the mean over seeds,
// with a shaded band of mean ± one standard deviation.
func MetricVsTauMax(variants []Variant, o SweepOptions) (*Chart, error) {
	const fig = "MetricVsTauMax"
	if len(variants) == 0 {
		return nil, fmt.Errorf("plots: %s: no variants", fig)
	}
	metric, xName := o.Metric, o.XName
	if metric == "" {
		metric = "held-out spike AUC"
	}
	if xName == "" {
		xName = "τ_max (ms)"
	}
	xKind := "log"
	if o.LinearX {
		xKind = "value"
	}

	title := o.title(metric + " vs τ_max")
	w, h := o.size(DefaultHeight)
	line := charts.NewLine()
	line.SetGlobalOptions(globals(o.Frame, title, w, h, true, "item")...)
	line.SetGlobalOptions(
		charts.WithXAxisOpts(axis{name: xName, kind: xKind}.x()),
		charts.WithYAxisOpts(axis{name: metric, kind: "value", scale: true}.y()))

	for vi, v := range variants {
		if v.Name == "" {
			return nil, fmt.Errorf("plots: %s: variant %d has no name", fig, vi)
		}
		if len(v.X) == 0 || len(v.X) != len(v.Values) {
			return nil, fmt.Errorf("plots: %s: variant %q has %d τ_max values and %d value "+
				"lists; want the same non-zero number", fig, v.Name, len(v.X), len(v.Values))
		}
		order := make([]int, len(v.X))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return v.X[order[a]] < v.X[order[b]] })
		x := make([]float64, len(order))
		mean, lo, width := make([]float64, len(order)), make([]float64, len(order)),
			make([]float64, len(order))
		for k, i := range order {
			if !(v.X[i] > 0) && !o.LinearX || math.IsNaN(v.X[i]) || math.IsInf(v.X[i], 0) {
				return nil, fmt.Errorf("plots: %s: variant %q: X[%d] = %v, want a positive "+
					"finite τ_max", fig, v.Name, i, v.X[i])
			}
			if len(v.Values[i]) == 0 {
				return nil, fmt.Errorf("plots: %s: variant %q has no value at τ_max %v",
					fig, v.Name, v.X[i])
			}
			name := fmt.Sprintf("%s Values[%d]", v.Name, i)
			if err := checkFinite(fig, name, v.Values[i]); err != nil {
				return nil, err
			}
			x[k] = v.X[i]
			mean[k], width[k] = MeanStd(v.Values[i])
			lo[k] = mean[k] - width[k]
			width[k] *= 2
		}
		color := paletteColor(vi)
		// The band is two stacked series: the lower edge (invisible) and the band's width
		// filled on top of it. They share the variant's name so the legend toggles all.
		stack := fmt.Sprintf("band%d", vi)
		band := []charts.SeriesOpts{
			charts.WithLineChartOpts(opts.LineChart{Symbol: "none", ShowSymbol: opts.Bool(false),
				Stack: stack}),
			charts.WithLineStyleOpts(opts.LineStyle{Opacity: opts.Float(0)}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: color}),
		}
		line.AddSeries(v.Name, lineData(x, lo), band...)
		line.AddSeries(v.Name, lineData(x, width), append(band,
			charts.WithAreaStyleOpts(opts.AreaStyle{Color: color, Opacity: opts.Float(0.18)}))...)
		so := append(lineSeriesOpts(color, 2, false), charts.WithLineChartOpts(opts.LineChart{
			Symbol: "circle", SymbolSize: 7, ShowSymbol: opts.Bool(true)}))
		line.AddSeries(v.Name, lineData(x, mean), so...)
	}

	m, err := optionOf(line)
	if err != nil {
		return nil, err
	}
	if l, ok := m["legend"].(map[string]any); ok {
		l["data"] = seriesNames(m)
	}
	// go-echarts has no per-series tooltip switch: the band series stay out of tooltips.
	for _, s := range seriesList(m) {
		if _, ok := s["stack"]; ok {
			s["tooltip"] = map[string]any{"show": false}
			s["silent"] = true
		}
	}
	setGrid(m, map[string]any{"left": 75, "right": 30, "top": 60, "bottom": 80})
	return newChart(title, w, h, m)
}

// ParamPoint is one trained model: its parameter count and metric value.
type ParamPoint struct {
	// Params is the number of trainable parameters.
	Params int
	// Value is the metric.
	Value float64
	// Label is shown next to the point, e.g. "d_m=20".
	Label string
}

// ParamSeries is one line of [MetricVsParams].
type ParamSeries struct {
	// Name labels the series in the legend.
	Name string
	// Points are the models, in any order (drawn sorted by Params).
	Points []ParamPoint
	// Reference draws the series as a grey dashed reference (e.g. the paper's numbers).
	Reference bool
}

// ParamOptions configures [MetricVsParams].
type ParamOptions struct {
	Frame
	// Metric names the y axis (default "spike AUC").
	Metric string
}

// MetricVsParams draws a metric against the trainable parameter count (log axis), one line
// per series with each point labelled; reference series are grey and dashed.
func MetricVsParams(series []ParamSeries, o ParamOptions) (*Chart, error) {
	const fig = "MetricVsParams"
	if len(series) == 0 {
		return nil, fmt.Errorf("plots: %s: no series", fig)
	}
	metric := o.Metric
	if metric == "" {
		metric = "spike AUC"
	}
	title := o.title(metric + " vs parameter count")
	w, h := o.size(DefaultHeight)
	line := charts.NewLine()
	line.SetGlobalOptions(globals(o.Frame, title, w, h, true, "item")...)
	line.SetGlobalOptions(
		charts.WithXAxisOpts(axis{name: "trainable parameters", kind: "log"}.x()),
		charts.WithYAxisOpts(axis{name: metric, kind: "value", scale: true}.y()))

	ours := 0
	for si, s := range series {
		if s.Name == "" || len(s.Points) == 0 {
			return nil, fmt.Errorf("plots: %s: series %d (%q) needs a name and points",
				fig, si, s.Name)
		}
		pts := append([]ParamPoint(nil), s.Points...)
		sort.SliceStable(pts, func(a, b int) bool { return pts[a].Params < pts[b].Params })
		data := make([]opts.LineData, len(pts))
		for i, p := range pts {
			if p.Params <= 0 || math.IsNaN(p.Value) || math.IsInf(p.Value, 0) {
				return nil, fmt.Errorf("plots: %s: series %q point %q: params %d, value %v; "+
					"want params > 0 and a finite value", fig, s.Name, p.Label, p.Params, p.Value)
			}
			data[i] = opts.LineData{Name: p.Label, Value: xy(float64(p.Params), p.Value)}
		}
		color, symbol := paletteColor(ours), "circle"
		if s.Reference {
			color, symbol = colorReference, "diamond"
		} else {
			ours++
		}
		so := append(lineSeriesOpts(color, 2, s.Reference), charts.WithLineChartOpts(
			opts.LineChart{Symbol: symbol, SymbolSize: 9, ShowSymbol: opts.Bool(true)}),
			charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "top",
				Formatter: "{b}", Color: color}))
		line.AddSeries(s.Name, data, so...)
	}
	m, err := optionOf(line)
	if err != nil {
		return nil, err
	}
	setGrid(m, map[string]any{"left": 75, "right": 40, "top": 60, "bottom": 80})
	return newChart(title, w, h, m)
}

// PaperReferenceName is the legend label of [ReadPaperReference]'s series.
const PaperReferenceName = "paper, real NeuronIO (authors' published ELM models)"

// ReadPaperReference reads the authors' published evaluation of their NeuronIO models as a
// reference series for [MetricVsParams].
//
// dir holds one sub-directory per published model (../shared/fixtures/pretrained), each with
// eval_results.json (the metric under "test_results", e.g. "AUC", "soma_RMSE"),
// model_stats.json ("model_param_count") and model_config.json ("num_memory",
// "mlp_activation"). Points are labelled "d_m=<num_memory>", plus the activation when it
// is not ReLU. The numbers are the paper's on real NeuronIO data, not on the teacher neuron.
func ReadPaperReference(dir, metric string) (ParamSeries, error) {
	s := ParamSeries{Name: PaperReferenceName, Reference: true}
	matches, err := filepath.Glob(filepath.Join(dir, "*", "eval_results.json"))
	if err != nil {
		return s, fmt.Errorf("plots: reading paper reference in %s: %w", dir, err)
	}
	if len(matches) == 0 {
		return s, fmt.Errorf("plots: reading paper reference: no */eval_results.json in %s", dir)
	}
	sort.Strings(matches)
	for _, evalPath := range matches {
		model := filepath.Dir(evalPath)
		p, err := readPaperPoint(model, metric)
		if err != nil {
			return s, err
		}
		s.Points = append(s.Points, p)
	}
	sort.SliceStable(s.Points, func(a, b int) bool { return s.Points[a].Params < s.Points[b].Params })
	return s, nil
}

func readPaperPoint(model, metric string) (ParamPoint, error) {
	var p ParamPoint
	var eval struct {
		Test map[string]float64 `json:"test_results"`
	}
	var stats struct {
		Params *int `json:"model_param_count"`
	}
	var cfg struct {
		Memory     *int   `json:"num_memory"`
		Activation string `json:"mlp_activation"`
	}
	for _, f := range []struct {
		name string
		dst  any
	}{{"eval_results.json", &eval}, {"model_stats.json", &stats}, {"model_config.json", &cfg}} {
		path := filepath.Join(model, f.name)
		raw, err := os.ReadFile(path)
		if err != nil {
			return p, fmt.Errorf("plots: paper reference: %w", err)
		}
		if err := json.Unmarshal(raw, f.dst); err != nil {
			return p, fmt.Errorf("plots: paper reference: parsing %s: %w", path, err)
		}
	}
	v, ok := eval.Test[metric]
	if !ok {
		keys := make([]string, 0, len(eval.Test))
		for k := range eval.Test {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return p, fmt.Errorf("plots: paper reference: %s has no test_results %q (has %s)",
			filepath.Join(model, "eval_results.json"), metric, strings.Join(keys, ", "))
	}
	if stats.Params == nil || *stats.Params <= 0 {
		return p, fmt.Errorf("plots: paper reference: %s: model_param_count missing or not "+
			"positive", filepath.Join(model, "model_stats.json"))
	}
	if cfg.Memory == nil {
		return p, fmt.Errorf("plots: paper reference: %s: num_memory missing",
			filepath.Join(model, "model_config.json"))
	}
	p = ParamPoint{Params: *stats.Params, Value: v, Label: fmt.Sprintf("d_m=%d", *cfg.Memory)}
	if cfg.Activation != "" && cfg.Activation != "relu" {
		p.Label += " " + cfg.Activation
	}
	return p, nil
}
