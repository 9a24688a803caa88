package plots

import (
	"fmt"
	"math"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Surface is a function of two variables sampled on a grid, e.g. the MLP's output as two
// branch inputs vary with the others held fixed.
type Surface struct {
	// X and Y are the grid coordinates, [nx] and [ny].
	X, Y []float64
	// Z holds the values, [ny][nx]: Z[j][i] is the value at (X[i], Y[j]).
	Z [][]float64
	// XName, YName and ZName name the axes and the colour scale, with units, e.g.
	// "branch 3 input (a.u.)".
	XName, YName, ZName string
}

// SurfaceOptions configures [IntegrationSurface].
type SurfaceOptions struct {
	Frame
	// Diverging colours Z on a blue-white-red scale centred at zero instead of viridis.
	Diverging bool
}

// IntegrationSurface draws a 2-D grid of values as a heat map, such as the MLP's integration
// of two chosen branches: how the output (or one memory unit's update) depends on the two
// branch inputs together.
func IntegrationSurface(s Surface, o SurfaceOptions) (*Chart, error) {
	const fig = "IntegrationSurface"
	if len(s.X) == 0 || len(s.Y) == 0 {
		return nil, fmt.Errorf("plots: %s: X has %d and Y %d values; both must be non-empty",
			fig, len(s.X), len(s.Y))
	}
	if err := checkFinite(fig, "X", s.X); err != nil {
		return nil, err
	}
	if err := checkFinite(fig, "Y", s.Y); err != nil {
		return nil, err
	}
	if len(s.Z) != len(s.Y) {
		return nil, fmt.Errorf("plots: %s: Z has %d rows, want len(Y) = %d", fig, len(s.Z),
			len(s.Y))
	}
	cols, err := checkMatrix(fig, "Z", s.Z)
	if err != nil {
		return nil, err
	}
	if cols != len(s.X) {
		return nil, fmt.Errorf("plots: %s: Z has %d columns, want len(X) = %d", fig, cols,
			len(s.X))
	}
	xName, yName, zName := s.XName, s.YName, s.ZName
	if xName == "" {
		xName = "x"
	}
	if yName == "" {
		yName = "y"
	}
	if zName == "" {
		zName = "value"
	}

	zMin, zMax := math.Inf(1), math.Inf(-1)
	var data []opts.HeatMapData
	for j, row := range s.Z {
		for i, v := range row {
			zMin, zMax = min(zMin, v), max(zMax, v)
			data = append(data, opts.HeatMapData{Value: []any{i, j, num(v)}})
		}
	}
	stops := viridisStops
	if o.Diverging {
		a := max(math.Abs(zMin), math.Abs(zMax))
		zMin, zMax, stops = -a, a, divergingStops
	}
	if zMax == zMin {
		zMin, zMax = zMin-1, zMax+1
	}

	title := o.title("MLP integration surface")
	f := o.Frame
	if f.Subtitle == "" {
		f.Subtitle = "colour: " + zName
	}
	w, h := o.size(560)
	if o.Width <= 0 {
		w = 660
	}
	hm := charts.NewHeatMap()
	hm.SetGlobalOptions(globals(f, title, w, h, false, "item")...)
	hm.SetGlobalOptions(
		charts.WithXAxisOpts(axis{name: xName, kind: "category", data: labels(s.X)}.x()),
		charts.WithYAxisOpts(axis{name: yName, kind: "category", data: labels(s.Y)}.y()))
	hm.AddSeries(zName, data)
	m, err := optionOf(hm)
	if err != nil {
		return nil, err
	}
	m["visualMap"] = []any{map[string]any{
		"type": "continuous", "min": num(zMin), "max": num(zMax), "calculable": true,
		"precision": labelPrecision(zMin, zMax),
		"orient":    "vertical", "right": 8, "top": "middle", "itemHeight": 200,
		"inRange": map[string]any{"color": stopsAny(stops)},
	}}
	setGrid(m, map[string]any{"left": 75, "right": 110, "top": 75, "bottom": 60})
	return newChart(title, w, h, m)
}

func labels(xs []float64) []string {
	out := make([]string, len(xs))
	for i, v := range xs {
		out[i] = fmt.Sprintf("%.3g", v)
	}
	return out
}

// labelPrecision is the number of decimals that shows about three significant digits of a
// colour bar spanning [lo, hi].
func labelPrecision(lo, hi float64) int {
	span := math.Abs(hi - lo)
	if !(span > 0) || math.IsInf(span, 0) {
		return 0
	}
	return min(max(2-int(math.Floor(math.Log10(span))), 0), 6)
}
