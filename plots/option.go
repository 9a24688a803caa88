package plots

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// echartsSource is a go-echarts chart (Line, Scatter, HeatMap, Bar, ...).
type echartsSource interface {
	Validate()
	JSON() map[string]any
}

// optionOf turns a go-echarts chart into a generic option map that figure functions may
// amend with the few fields go-echarts v2.6.7 has no field for.
func optionOf(c echartsSource) (map[string]any, error) {
	c.Validate()
	raw, err := json.Marshal(c.JSON())
	if err != nil {
		return nil, fmt.Errorf("plots: encoding go-echarts option: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("plots: decoding go-echarts option: %w", err)
	}
	return m, nil
}

// num formats v with 6 significant digits, keeping the option JSON small.
func num(v float64) json.Number {
	return json.Number(strconv.FormatFloat(v, 'g', 6, 64))
}

// xy is one [x, y] data value.
func xy(x, y float64) []any { return []any{num(x), num(y)} }

// checkFinite returns an error naming the first non-finite value of xs.
func checkFinite(fig, name string, xs []float64) error {
	for i, v := range xs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("plots: %s: %s[%d] = %v, want a finite number", fig, name, i, v)
		}
	}
	return nil
}

// checkMatrix checks that m is a non-empty rectangular [rows][cols] matrix of finite values and
// returns cols.
func checkMatrix(fig, name string, m [][]float64) (int, error) {
	if len(m) == 0 || len(m[0]) == 0 {
		return 0, fmt.Errorf("plots: %s: %s is empty", fig, name)
	}
	cols := len(m[0])
	for i, row := range m {
		if len(row) != cols {
			return 0, fmt.Errorf("plots: %s: %s row %d has %d values, row 0 has %d",
				fig, name, i, len(row), cols)
		}
		if err := checkFinite(fig, fmt.Sprintf("%s[%d]", name, i), row); err != nil {
			return 0, err
		}
	}
	return cols, nil
}

// Float64s converts float32 values (what models and data sets hold) to float64.
func Float64s(xs []float32) []float64 {
	out := make([]float64, len(xs))
	for i, v := range xs {
		out[i] = float64(v)
	}
	return out
}

// axis describes one cartesian axis.
type axis struct {
	name     string
	kind     string // "value", "log" or "category"
	min, max any
	data     []string // category labels
	gap      int      // name gap in px
	grid     int
	position string
	inverse  bool
	scale    bool // do not force zero into the range
	noLabels bool // hide tick labels (a panel sharing another panel's axis)
	noMax    bool // hide the label at the axis maximum (clashes with a nearby tick)
	interval string
}

func (a axis) label() *opts.AxisLabel {
	l := &opts.AxisLabel{Show: opts.Bool(!a.noLabels), Interval: a.interval}
	if a.noMax {
		l.ShowMaxLabel = opts.Bool(false)
	}
	return l
}

func (a axis) x() opts.XAxis {
	o := opts.XAxis{Type: a.kind, Name: a.name, NameLocation: "middle", NameGap: a.gap,
		Min: a.min, Max: a.max, GridIndex: a.grid, Position: a.position,
		SplitLine: &opts.SplitLine{Show: opts.Bool(a.kind != "category")},
		AxisLabel: a.label()}
	if a.gap == 0 {
		o.NameGap = 28
	}
	if a.inverse {
		o.Inverse = opts.Bool(true)
	}
	if a.scale {
		o.Scale = opts.Bool(true)
	}
	if a.data != nil {
		o.Data = a.data
	}
	return o
}

func (a axis) y() opts.YAxis {
	o := opts.YAxis{Type: a.kind, Name: a.name, NameLocation: "middle", NameGap: a.gap,
		Min: a.min, Max: a.max, GridIndex: a.grid, Position: a.position,
		SplitLine: &opts.SplitLine{Show: opts.Bool(a.kind != "category")},
		AxisLabel: a.label()}
	if a.gap == 0 {
		o.NameGap = 45
	}
	if a.inverse {
		o.Inverse = opts.Bool(true)
	}
	if a.scale {
		o.Scale = opts.Bool(true)
	}
	if a.data != nil {
		o.Data = a.data
	}
	return o
}

// globals returns the go-echarts options shared by all figures: title, tooltip, legend at
// the bottom, SVG initialisation, animation off.
func globals(f Frame, title string, w, h int, legend bool, trigger string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{Renderer: "svg",
			Width: fmt.Sprintf("%dpx", w), Height: fmt.Sprintf("%dpx", h)}),
		charts.WithAnimation(false),
		charts.WithTitleOpts(opts.Title{Title: title, Subtitle: f.Subtitle, Left: "center",
			TitleStyle: &opts.TextStyle{FontSize: 16, FontWeight: "600", Color: "#222"}}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: trigger}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(legend), Bottom: "0"}),
	}
}

// setGrid sets the plotting area(s); one map per grid, e.g. {"left":70,"right":40,...}.
func setGrid(m map[string]any, grids ...map[string]any) {
	list := make([]any, len(grids))
	for i, g := range grids {
		list[i] = g
	}
	m["grid"] = list
}

// axisList returns the option's xAxis or yAxis entries as maps.
func axisList(m map[string]any, key string) []map[string]any {
	var out []map[string]any
	switch v := m[key].(type) {
	case []any:
		for _, a := range v {
			if am, ok := a.(map[string]any); ok {
				out = append(out, am)
			}
		}
	case map[string]any:
		out = append(out, v)
	}
	return out
}

// seriesList returns the option's series as maps.
func seriesList(m map[string]any) []map[string]any {
	var out []map[string]any
	if v, ok := m["series"].([]any); ok {
		for _, s := range v {
			if sm, ok := s.(map[string]any); ok {
				out = append(out, sm)
			}
		}
	}
	return out
}

// seriesNames returns the distinct series names in order, for the legend.
func seriesNames(m map[string]any) []any {
	seen := map[string]bool{}
	var names []any
	for _, s := range seriesList(m) {
		n, _ := s["name"].(string)
		if n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	return names
}

// lineSeriesOpts returns the go-echarts options of a plain line with no symbols.
func lineSeriesOpts(color string, width float32, dashed bool) []charts.SeriesOpts {
	style := opts.LineStyle{Color: color, Width: width}
	if dashed {
		style.Type = "dashed"
	}
	return []charts.SeriesOpts{
		charts.WithLineChartOpts(opts.LineChart{Symbol: "none", ShowSymbol: opts.Bool(false)}),
		charts.WithLineStyleOpts(style),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: color}),
	}
}

// lineData converts paired x and y values to go-echarts line data.
func lineData(x, y []float64) []opts.LineData {
	d := make([]opts.LineData, len(y))
	for i := range y {
		d[i] = opts.LineData{Value: xy(x[i], y[i])}
	}
	return d
}

// stepAxis returns the time of each of n bins in ms: start + i*dt.
func stepAxis(n int, dt, start float64) []float64 {
	t := make([]float64, n)
	for i := range t {
		t[i] = start + float64(i)*dt
	}
	return t
}

// orDefault returns v, or def when v is zero or negative.
func orDefault(v, def float64) float64 {
	if v <= 0 {
		return def
	}
	return v
}
