package plots

import (
	"fmt"
	"math"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// HistOptions configures [TauHistogram].
type HistOptions struct {
	Frame
	// Bins is the number of log-spaced bins (default 20).
	Bins int
	// BeforeName and AfterName label the two histograms (default "initial" and "trained").
	BeforeName, AfterName string
}

// TauHistogram draws the distribution of τ_m before and after training as two outlined,
// lightly filled histograms over the same log-spaced bins on a log τ axis.
//
// before and after hold τ_m in ms, [units]; either may be nil, not both.
func TauHistogram(before, after []float64, o HistOptions) (*Chart, error) {
	const fig = "TauHistogram"
	if len(before) == 0 && len(after) == 0 {
		return nil, fmt.Errorf("plots: %s: no τ_m values", fig)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range []struct {
		name string
		v    []float64
	}{{"before", before}, {"after", after}} {
		for i, v := range s.v {
			if !(v > 0) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("plots: %s: %s[%d] = %v ms, want a positive finite τ_m",
					fig, s.name, i, v)
			}
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if hi/lo < 1.01 {
		lo, hi = lo/1.5, hi*1.5
	}
	bins := o.Bins
	if bins <= 0 {
		bins = 20
	}
	edges := LogBins(lo, hi, bins)
	beforeName, afterName := o.BeforeName, o.AfterName
	if beforeName == "" {
		beforeName = "initial"
	}
	if afterName == "" {
		afterName = "trained"
	}

	title := o.title("Distribution of memory timescales τ_m")
	w, h := o.size(DefaultHeight)
	line := charts.NewLine()
	line.SetGlobalOptions(globals(o.Frame, title, w, h, true, "item")...)
	line.SetGlobalOptions(
		charts.WithXAxisOpts(axis{name: "τ_m (ms, log scale)", kind: "log",
			min: num(math.Pow(10, math.Floor(math.Log10(lo)))),
			max: num(math.Pow(10, math.Ceil(math.Log10(hi))))}.x()),
		charts.WithYAxisOpts(axis{name: "memory units", kind: "value", min: 0}.y()))
	for k, s := range []struct {
		name  string
		v     []float64
		color string
	}{{beforeName, before, colorReference}, {afterName, after, Palette[0]}} {
		if s.v == nil {
			continue
		}
		counts := Histogram(s.v, edges)
		// Outline of the bars: step 'end' keeps each count flat across its bin.
		x := []float64{edges[0]}
		y := []float64{0}
		for i, c := range counts {
			x, y = append(x, edges[i]), append(y, float64(c))
		}
		x, y = append(x, edges[bins], edges[bins]), append(y, float64(counts[bins-1]), 0)
		so := append(lineSeriesOpts(s.color, 1.8, k == 0),
			charts.WithLineChartOpts(opts.LineChart{Symbol: "none",
				ShowSymbol: opts.Bool(false), Step: "end"}),
			charts.WithAreaStyleOpts(opts.AreaStyle{Color: s.color, Opacity: opts.Float(0.15)}))
		line.AddSeries(fmt.Sprintf("%s (%d units)", s.name, len(s.v)), lineData(x, y), so...)
	}
	m, err := optionOf(line)
	if err != nil {
		return nil, err
	}
	setGrid(m, map[string]any{"left": 70, "right": 30, "top": 60, "bottom": 80})
	return newChart(title, w, h, m)
}

// LogBins returns n+1 bin edges spaced evenly in log between lo and hi (0 < lo < hi).
func LogBins(lo, hi float64, n int) []float64 {
	edges := make([]float64, n+1)
	l0, l1 := math.Log(lo), math.Log(hi)
	for i := range edges {
		edges[i] = math.Exp(l0 + (l1-l0)*float64(i)/float64(n))
	}
	edges[0], edges[n] = lo, hi
	return edges
}

// Histogram counts the values in each bin [edges[i], edges[i+1]); the last bin also holds
// values equal to its upper edge. Values outside the edges are not counted.
func Histogram(values, edges []float64) []int {
	n := len(edges) - 1
	counts := make([]int, n)
	for _, v := range values {
		for i := 0; i < n; i++ {
			if v >= edges[i] && (v < edges[i+1] || i == n-1 && v == edges[n]) {
				counts[i]++
				break
			}
		}
	}
	return counts
}
